//! The OAuth `state` that carries the return location through the sign-in, and the choice of
//! which `state` to follow on the way back (only the one this browser issued, where it could
//! save it).

#![deny(
    clippy::arithmetic_side_effects,
    clippy::indexing_slicing,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic
)]

use alloc::{string::String, vec::Vec};

use super::{ReturnTo, ReturnToError, ReturnToErrorKind, MAX_NONCE_LEN, MAX_STATE_LEN};
use crate::text::{find_byte, utf8_string};

/// Every `state` this module writes starts with this (a version: a later format gets another).
const STATE_PREFIX: &str = "rt1.";

/// The OAuth `state` carrying `return_to` and the caller's `nonce`:
/// `rt1.<base64url(nonce)>.<base64url(location)>` — only URL-safe characters, so it needs no
/// further escaping in a query string. The nonce (random, remembered by the caller where storage
/// allows) is returned by [`decode_state`] for the caller to compare; this module does not judge
/// it. A nonce longer than [`MAX_NONCE_LEN`] bytes, or with control characters, makes a `state`
/// that [`decode_state`] refuses.
pub fn encode_state(return_to: &ReturnTo, nonce: &str) -> String {
    let mut state = String::from(STATE_PREFIX);
    base64url_encode(nonce.as_bytes(), &mut state);
    state.push('.');
    base64url_encode(return_to.as_str().as_bytes(), &mut state);
    state
}

/// The nonce and the location carried by a `state` from [`encode_state`], the location
/// validated again against `origin` (a `state` comes back through the URL: anyone can forge it).
pub fn decode_state(state: &str, origin: &str) -> Result<(String, ReturnTo), ReturnToError> {
    let invalid = || ReturnToError::from(ReturnToErrorKind::InvalidState);
    if state.len() > MAX_STATE_LEN {
        return Err(invalid());
    }
    let body = state.strip_prefix(STATE_PREFIX).ok_or_else(invalid)?;
    let dot = find_byte(body.as_bytes(), b".").ok_or_else(invalid)?;
    let (nonce, location) = body.split_at_checked(dot).ok_or_else(invalid)?;
    let location = location.get(1..).unwrap_or_default();
    let nonce = base64url_decode(nonce).ok_or_else(invalid)?;
    let nonce = utf8_string(&nonce).ok_or_else(invalid)?;
    if nonce.len() > MAX_NONCE_LEN || nonce.chars().any(char::is_control) {
        return Err(ReturnToErrorKind::InvalidNonce.into());
    }
    let location = base64url_decode(location).ok_or_else(invalid)?;
    let location = utf8_string(&location).ok_or_else(invalid)?;
    Ok((nonce, ReturnTo::parse(&location, origin)?))
}

/// Where to send the user to sign in so that they come back to `here` (the page's path, query
/// and fragment) afterwards: `login_url` with the `state` carrying `here` and `nonce` appended,
/// and that `state` (to save in this browser's storage). When `here` is not a location to come
/// back to, the plain login URL and no `state`.
///
/// ```
/// use inactivity_core::return_to::login_target;
/// let (url, state) = login_target("/login?x=1", "/agent#q", "https://a.example", "n1");
/// let state = state.unwrap();
/// assert_eq!(url, format!("/login?x=1&state={state}"));
/// assert_eq!(login_target("/login", "//evil", "https://a.example", "n1"), ("/login".to_owned(), None));
/// ```
pub fn login_target(
    login_url: &str,
    here: &str,
    origin: &str,
    nonce: &str,
) -> (String, Option<String>) {
    let Ok(return_to) = ReturnTo::parse(here, origin) else {
        return (String::from(login_url), None);
    };
    // Only URL-safe characters: it needs no escaping in a query.
    let state = encode_state(&return_to, nonce);
    let separator = if login_url.contains('?') { "&" } else { "?" };
    let url = crate::text::concat(&[login_url, separator, "state=", &state]);
    (url, Some(state))
}

/// What this browser's storage says about the `state` it issued before sending the user to
/// sign in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SavedState<'a> {
    /// The `state` this browser saved.
    Saved(&'a str),
    /// Storage works, and holds none.
    Nothing,
    /// Nothing could be saved: storage is denied (e.g. in a cross-site iframe) or full.
    Denied,
}

/// Where to go back after sign-in: the `state` that came back (`returned`, from the query or
/// the fragment) and what storage saved decide together.
///
/// * Saved: only that `state` is followed — a `state` that came back must be the same; when none
///   came back, the saved one is.
/// * Storage works but holds nothing: a `state` that came back was not issued here and is
///   refused.
/// * Storage denied: the `state` that came back is all there is; it is followed when its
///   location is on `origin` (as every location is checked).
///
/// ```
/// use inactivity_core::return_to::{encode_state, resume_location, ReturnTo, SavedState};
///
/// let mine = encode_state(&ReturnTo::parse("/inbox?x=1", "https://a.example").unwrap(), "n1");
/// let theirs = encode_state(&ReturnTo::parse("/settings", "https://a.example").unwrap(), "n2");
/// let o = "https://a.example";
/// assert_eq!(resume_location(Some(&mine), SavedState::Saved(&mine), o).unwrap().as_str(), "/inbox?x=1");
/// assert!(resume_location(Some(&theirs), SavedState::Saved(&mine), o).is_err());
/// assert!(resume_location(Some(&theirs), SavedState::Nothing, o).is_err());
/// assert_eq!(resume_location(Some(&theirs), SavedState::Denied, o).unwrap().as_str(), "/settings");
/// assert_eq!(resume_location(None, SavedState::Saved(&mine), o).unwrap().as_str(), "/inbox?x=1");
/// ```
pub fn resume_location(
    returned: Option<&str>,
    saved: SavedState<'_>,
    origin: &str,
) -> Result<ReturnTo, ReturnToError> {
    let state = match (returned, saved) {
        (Some(r), SavedState::Saved(s)) if r == s => s,
        (Some(_), SavedState::Saved(_)) => return Err(ReturnToErrorKind::ForeignState.into()),
        (None, SavedState::Saved(s)) => s,
        (Some(_), SavedState::Nothing) => return Err(ReturnToErrorKind::UnsavedState.into()),
        (Some(r), SavedState::Denied) => r,
        (None, _) => return Err(ReturnToErrorKind::NoState.into()),
    };
    decode_state(state, origin).map(|(_, to)| to)
}

// base64url (RFC 4648 §5), no padding, canonical only.

const BASE64URL: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

fn base64url_encode(input: &[u8], out: &mut String) {
    let sextet = |v: u32| -> char {
        let index = usize::try_from(v & 0x3f).unwrap_or(0);
        BASE64URL.get(index).map_or('A', |&b| b as char)
    };
    for chunk in input.chunks(3) {
        let b = |i: usize| u32::from(chunk.get(i).copied().unwrap_or(0));
        let n = (b(0) << 16) | (b(1) << 8) | b(2);
        out.push(sextet(n >> 18));
        out.push(sextet(n >> 12));
        if chunk.len() > 1 {
            out.push(sextet(n >> 6));
        }
        if chunk.len() > 2 {
            out.push(sextet(n));
        }
    }
}

/// Strict decoding: only the URL-safe alphabet, no padding, no stray trailing bits.
fn base64url_decode(input: &str) -> Option<Vec<u8>> {
    let value = |c: u8| -> Option<u32> {
        BASE64URL
            .iter()
            .position(|&a| a == c)
            .and_then(|p| u32::try_from(p).ok())
    };
    let mut out = Vec::with_capacity(input.len().saturating_mul(3) / 4);
    for chunk in input.as_bytes().chunks(4) {
        let mut n = 0u32;
        for (i, &c) in chunk.iter().enumerate() {
            let shift = 18u32.checked_sub(u32::try_from(i).ok()?.checked_mul(6)?)?;
            n |= value(c)? << shift;
        }
        let [_, b0, b1, b2] = n.to_be_bytes();
        match chunk.len() {
            4 => out.extend_from_slice(&[b0, b1, b2]),
            3 if b2 == 0 => out.extend_from_slice(&[b0, b1]),
            2 if b1 == 0 && b2 == 0 => out.push(b0),
            _ => return None,
        }
    }
    Some(out)
}
