//! Saving the page the user was on, and `resumeAfterLogin()` to go back to it.
//!
//! The location travels in the login URL's `state` (`rt1.<nonce>.<location>`, a random nonce
//! from `crypto.getRandomValues`), and the `state` is saved in `sessionStorage` too. On the way
//! back the core decides which `state` to follow (`inactivity_core::return_to::resume_location`):
//! where this browser saved one, only that one; an unsaved one only where nothing could be saved
//! (storage denied, as in a cross-site iframe, or full). Every location is validated again: same origin only, never an open
//! redirect.

use alloc::string::String;

use wasm_bindgen::prelude::*;
use web_sys::{Storage, UrlSearchParams, Window};

use super::options::check_login_url;
use inactivity_core::return_to::{encode_state, resume_location, ReturnTo, SavedState};
use inactivity_core::text::{concat, push_hex};

/// The sessionStorage key of the saved `state`.
const STORAGE_KEY: &str = "inactivity-timeout:return-to";

#[wasm_bindgen]
extern "C" {
    /// `crypto.getRandomValues`.
    #[wasm_bindgen(js_namespace = crypto, js_name = getRandomValues, catch)]
    fn get_random_values(buffer: &mut [u8]) -> Result<(), JsValue>;
}

/// `sessionStorage`, when this document may use it (it throws "Access is denied for this
/// document" in some cross-site iframes).
fn session_storage(window: &Window) -> Option<Storage> {
    let storage = window.session_storage().ok().flatten()?;
    storage.length().ok()?;
    Some(storage)
}

/// Whether `storage` takes a write now (a full one throws `QuotaExceededError`).
fn writable(storage: &Storage) -> bool {
    const PROBE: &str = "inactivity-timeout:probe";
    let ok = storage.set_item(PROBE, "1").is_ok();
    let _ = storage.remove_item(PROBE);
    ok
}

/// 128 random bits, hex: the `state`'s nonce. Without `crypto` (never in a browser that runs
/// this), `Math.random` is the last resort — the nonce is compared, never a secret by itself.
fn random_nonce() -> String {
    let mut bytes = [0u8; 16];
    if get_random_values(&mut bytes).is_err() {
        for b in &mut bytes {
            *b = (js_sys::Math::random() * 256.0) as u8;
        }
    }
    let mut nonce = String::with_capacity(32);
    for b in bytes {
        push_hex(&mut nonce, u64::from(b), 2, false);
    }
    nonce
}

/// The login URL with `state` carrying the current location; saves the `state` in
/// sessionStorage too.
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
    let state = encode_state(&return_to, &random_nonce());
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

/// The `state` that came back: in the query (authorization-code grant) or in the fragment
/// (`#access_token=…&state=…`, the implicit grant).
fn returned_state(window: &Window) -> Option<String> {
    let location = window.location();
    let param = |text: String| {
        let text = text.strip_prefix(['?', '#']).unwrap_or(&text);
        UrlSearchParams::new_with_str(text).ok()?.get("state")
    };
    location
        .search()
        .ok()
        .and_then(param)
        .or_else(|| location.hash().ok().and_then(param))
}

/// Where the `state` that came back (`returned`) leads, by the rule of
/// `inactivity_core::return_to::resume_location`; `consume` forgets the saved `state` (a state
/// is used once).
fn follow(window: &Window, returned: Option<&str>, consume: bool) -> Option<ReturnTo> {
    let origin = window.location().origin().ok()?;
    let storage = session_storage(window);
    let saved_text = storage
        .as_ref()
        .and_then(|s| s.get_item(STORAGE_KEY).ok().flatten());
    let saved = match (&storage, &saved_text) {
        (Some(_), Some(text)) => SavedState::Saved(text),
        (Some(storage), None) if writable(storage) => SavedState::Nothing,
        // Denied, or readable but not writable (full): nothing could have been saved.
        _ => SavedState::Denied,
    };
    let target = resume_location(returned, saved, &origin).ok();
    if consume {
        if let Some(storage) = &storage {
            let _ = storage.remove_item(STORAGE_KEY);
        }
    }
    target
}

/// On the page the login returns to: goes back to the page the user was on when they were logged
/// out (path, query and hash), if there is one, this browser issued it (or could not save it)
/// and it is on this origin. Returns `true` when it navigates, `false` when there is nothing
/// (valid) to resume — then stay or go to a default page.
#[wasm_bindgen(js_name = resumeAfterLogin)]
pub fn resume_after_login() -> bool {
    let Some(window) = web_sys::window() else {
        return false;
    };
    let returned = returned_state(&window);
    match follow(&window, returned.as_deref(), true) {
        Some(to) => window.location().replace(to.as_str()).is_ok(),
        None => false,
    }
}

/// Whether `state` is one `resumeAfterLogin()` would follow: the `state` this browser's tracker
/// or `redirectToLogin` put in the login URL (or, only where storage is denied, a valid one for
/// this origin). For a sign-in callback that must refuse a sign-in it did not start (login
/// CSRF) before it exchanges the code. Changes nothing.
#[wasm_bindgen(js_name = isLoginState)]
pub fn is_login_state(state: &str) -> bool {
    web_sys::window().is_some_and(|window| follow(&window, Some(state), false).is_some())
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
