//! Saving the page the user was on, and `resumeAfterLogin()` to go back to it.
//!
//! The location travels two ways: in `sessionStorage` and in the login URL's `state` (storage can
//! be denied inside a cross-site iframe). Both are validated by the core on the way back: same
//! origin only, never an open redirect.

use alloc::string::String;

use wasm_bindgen::prelude::*;
use web_sys::{Storage, UrlSearchParams, Window};

use super::options::check_login_url;
use inactivity_core::return_to::{decode_state, encode_state, ReturnTo};
use inactivity_core::text::{concat, push_hex};

/// The sessionStorage key of the saved location.
const STORAGE_KEY: &str = "inactivity-timeout:return-to";

fn session_storage(window: &Window) -> Option<Storage> {
    // Throws "Access is denied for this document" in some cross-site iframes: degrade.
    window.session_storage().ok().flatten()
}

fn random_nonce() -> String {
    let a = (js_sys::Math::random() * 4_294_967_296.0) as u64;
    let b = (js_sys::Math::random() * 4_294_967_296.0) as u64;
    let mut nonce = String::with_capacity(16);
    push_hex(&mut nonce, (a << 32) | b, 16, false);
    nonce
}

/// The login URL with `state` carrying the current location; saves it in sessionStorage too.
pub fn login_url_with_state(window: &Window, login_url: &str) -> String {
    let location = window.location();
    let origin = location.origin().unwrap_or_default();
    let here = concat(&[
        &location.pathname().unwrap_or_default(),
        &location.search().unwrap_or_default(),
        &location.hash().unwrap_or_default(),
    ]);
    let Ok(return_to) = ReturnTo::parse(&here, &origin) else {
        return String::from(login_url);
    };
    let nonce = random_nonce();
    let state = encode_state(&return_to, &nonce);
    if let Some(storage) = session_storage(window) {
        let _ = storage.set_item(STORAGE_KEY, &state);
    }
    let separator = if login_url.bytes().any(|b| b == b'?') {
        "&"
    } else {
        "?"
    };
    let encoded: String = js_sys::encode_uri_component(&state).into();
    concat(&[login_url, separator, "state=", &encoded])
}

fn saved_location(window: &Window) -> Option<ReturnTo> {
    let origin = window.location().origin().ok()?;
    let from_url = window
        .location()
        .search()
        .ok()
        .and_then(|search| UrlSearchParams::new_with_str(&search).ok())
        .and_then(|params| params.get("state"));
    let storage = session_storage(window);
    let from_storage = storage
        .as_ref()
        .and_then(|s| s.get_item(STORAGE_KEY).ok().flatten());
    if let Some(s) = &storage {
        let _ = s.remove_item(STORAGE_KEY);
    }
    from_url
        .into_iter()
        .chain(from_storage)
        .find_map(|state| decode_state(&state, &origin).ok().map(|(_, to)| to))
}

/// On the page the login returns to: goes back to the page the user was on when they were logged
/// out (path, query and hash), if there is one and it is on this origin. Returns `true` when it
/// navigates, `false` when there is nothing (valid) to resume — then stay or go to a default page.
#[wasm_bindgen(js_name = resumeAfterLogin)]
pub fn resume_after_login() -> bool {
    let Some(window) = web_sys::window() else {
        return false;
    };
    match saved_location(&window) {
        Some(to) => window.location().replace(to.as_str()).is_ok(),
        None => false,
    }
}

/// Sends the user to `loginUrl` now (e.g. on first load without a token), saving the current
/// page so that `resumeAfterLogin()` brings them back to it. Throws a `RangeError` for a
/// `javascript:`/`data:` or empty URL.
#[wasm_bindgen(js_name = redirectToLogin)]
pub fn redirect_to_login(login_url: &str) -> Result<(), JsValue> {
    check_login_url(login_url)?;
    let window = web_sys::window().ok_or_else(|| JsValue::from_str("no window"))?;
    let target = login_url_with_state(&window, login_url);
    window.location().assign(&target)
}
