//! Return-to locations and OAuth states: the first byte picks the page's origin, the rest is a
//! candidate location (and, separately, a candidate state). Never a panic; whatever is accepted
//! is a same-origin path that a browser cannot read as another host nor re-shape with dot
//! segments; accepted locations round-trip through the state.
#![no_main]

mod common;

use common::check_known;
use inactivity_core::return_to::{decode_state, encode_state, ReturnTo};
use libfuzzer_sys::fuzz_target;

const ORIGINS: [&str; 4] = [
    "http://127.0.0.1:8080",
    "https://crm.example.com",
    "http://[::1]:3000",
    "https://apps.example.com:443",
];

/// WHATWG's dot segments (only `%2e` is decoded for this, in any case).
fn is_dot_segment(s: &str) -> bool {
    let s = s.to_ascii_lowercase();
    matches!(s.as_str(), "." | "%2e" | ".." | ".%2e" | "%2e." | "%2e%2e")
}

fn assert_safe(location: &str, origin: &str) {
    let bytes = location.as_bytes();
    assert_eq!(bytes.first(), Some(&b'/'), "{location:?}");
    assert!(!matches!(bytes.get(1), Some(b'/' | b'\\')), "{location:?}");
    assert!(
        bytes.iter().all(|&b| b.is_ascii_graphic() && b != b'\\'),
        "{location:?}"
    );
    let lower = location.to_ascii_lowercase();
    assert!(
        !lower.starts_with("/%2f") && !lower.starts_with("/%5c"),
        "{location:?}"
    );
    assert!(
        !lower.contains("%5c") && !lower.contains("%0"),
        "{location:?}"
    );
    // The path as a browser splits it (before any decoding) has no segment a browser resolves:
    // the reported bug "return-to-dot-segments" (`/%3F/%2e%2e/%2e%2e//evil.example`).
    if check_known("return-to-dot-segments") {
        let path = location.split(['?', '#']).next().unwrap_or("");
        assert!(
            !path.split('/').any(is_dot_segment),
            "{location:?} has a dot segment"
        );
    }
    assert_eq!(
        ReturnTo::parse(location, origin).map(ReturnTo::into_string),
        Ok(location.to_owned())
    );
}

fuzz_target!(|data: &[u8]| {
    let Some((&pick, rest)) = data.split_first() else {
        return;
    };
    let origin = ORIGINS[usize::from(pick) % ORIGINS.len()];
    let Ok(text) = std::str::from_utf8(rest) else {
        return;
    };
    match ReturnTo::parse(text, origin) {
        Ok(location) => {
            assert_safe(location.as_str(), origin);
            let nonce = format!("n{pick}");
            let state = encode_state(&location, &nonce);
            assert_eq!(decode_state(&state, origin), Ok((nonce, location)));
        }
        Err(e) => assert!(e.to_string().starts_with("the ")),
    }
    match decode_state(text, origin) {
        Ok((nonce, location)) => {
            assert!(nonce.len() <= 256 && !nonce.chars().any(char::is_control));
            assert_safe(location.as_str(), origin);
        }
        Err(e) => assert!(!e.to_string().is_empty()),
    }
});
