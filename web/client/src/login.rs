//! The return to the page and the shared storage's one comparison, as pure functions for the
//! driver: it reads the location, the storage and the random nonce; these decide.

use alloc::string::String;

use wasm_bindgen::prelude::*;

use inactivity_core::return_to::{self, SavedState};
use inactivity_core::tabs;
use inactivity_core::text::push_json_string;

/// Where to send the user to sign in so that they come back to `here` (path, query, fragment on
/// `origin`) afterwards, as JSON `[url, state]` (`state` `null` when `here` is no location to
/// come back to). The driver saves `state` in `sessionStorage` and goes to `url`.
#[wasm_bindgen(js_name = loginTarget)]
pub fn login_target(login_url: &str, here: &str, origin: &str, nonce: &str) -> String {
    let (url, state) = return_to::login_target(login_url, here, origin, nonce);
    let mut out = String::from("[");
    push_json_string(&mut out, &url);
    out.push(',');
    match state {
        Some(state) => push_json_string(&mut out, &state),
        None => out.push_str("null"),
    }
    out.push(']');
    out
}

/// Where the `state` that came back (`returned`, `undefined` when none) leads on `origin`, given
/// what this tab remembers (`saved`: the `state` it issued, from `sessionStorage` or its memory,
/// `undefined` when none; `storage`: whether `sessionStorage` can be written at all — denied or
/// full, nothing could have been saved). `undefined`: nowhere (refused, or nothing to resume).
/// With `strict` (`isLoginState`), only a `state` this tab remembers is accepted: where it cannot
/// remember one, none is (a sign-in it did not start must not be completed).
#[wasm_bindgen(js_name = resumeTarget)]
pub fn resume_target(
    returned: Option<String>,
    saved: Option<String>,
    storage: bool,
    origin: &str,
    strict: bool,
) -> Option<String> {
    if strict && saved.is_none() {
        return None;
    }
    let saved = match (&saved, storage) {
        (Some(text), _) => SavedState::Saved(text),
        (None, true) => SavedState::Nothing,
        (None, false) => SavedState::Denied,
    };
    return_to::resume_location(returned.as_deref(), saved, origin)
        .ok()
        .map(return_to::ReturnTo::into_string)
}

/// Whether the session's last activity `at` must replace the `stored` text (absent, invalid,
/// older, or from the future) at `now`.
#[wasm_bindgen(js_name = replacesStored)]
pub fn replaces_stored(stored: Option<String>, at: f64, now: f64) -> bool {
    let stored = stored.as_deref().and_then(tabs::parse_ms);
    tabs::replaces_stored(stored, at as u64, now as u64)
}
