//! Property tests: `ReturnTo::parse` and `decode_state` never panic, and whatever they accept is
//! a location a browser resolves on the page's own origin.
#![cfg(not(target_arch = "wasm32"))]

use inactivity_core::return_to::{decode_state, encode_state, ReturnTo};
use proptest::prelude::*;

const ORIGIN: &str = "https://crm.example.com:8443";

/// The shape every accepted location has: one leading `/` and then not `/` or `\`; no control
/// characters, spaces, backslashes or non-ASCII; no dot segments; valid percent escapes.
fn assert_safe(location: &str) {
    let bytes = location.as_bytes();
    assert_eq!(bytes.first(), Some(&b'/'), "{location:?}");
    assert!(!matches!(bytes.get(1), Some(b'/' | b'\\')), "{location:?}");
    assert!(
        bytes.iter().all(|&b| b.is_ascii_graphic() && b != b'\\'),
        "{location:?}"
    );
    let path = location.split(['?', '#']).next().unwrap();
    assert!(
        path.split('/').all(|s| s != "." && s != ".."),
        "{location:?}"
    );
    // Decoded once or twice, the path still does not start with `//`.
    let lower = path.to_ascii_lowercase();
    assert!(
        !lower.starts_with("/%2f") && !lower.starts_with("/%252f"),
        "{location:?}"
    );
    assert!(
        !location.to_ascii_lowercase().contains("%5c"),
        "{location:?}"
    );
    assert!(
        !location.to_ascii_lowercase().contains("%0"),
        "{location:?}"
    );
}

/// Strings built from the pieces attacks are made of.
fn hostile() -> impl Strategy<Value = String> {
    let piece = prop::sample::select(vec![
        "/",
        "//",
        "\\",
        "%2f",
        "%2F",
        "%5c",
        "%25",
        "%252f",
        "%09",
        "%0a",
        "%00",
        "%2e",
        ".",
        "..",
        "?",
        "#",
        "@",
        ":",
        "http:",
        "https://",
        "javascript:",
        "crm.example.com",
        ":8443",
        "evil",
        "\t",
        "\n",
        " ",
        "%",
        "%e",
        "%ef%bc%8f",
        "a",
        "é",
        "\u{0}",
        ";",
        "HTTPS://CRM.EXAMPLE.COM:8443",
    ]);
    prop::collection::vec(piece, 0..12).prop_map(|v| v.concat())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 5_000, ..ProptestConfig::default() })]

    #[test]
    fn parse_never_panics_on_anything(candidate in any::<String>(), origin in any::<String>()) {
        let _ = ReturnTo::parse(&candidate, &origin);
        if let Ok(location) = ReturnTo::parse(&candidate, ORIGIN) {
            assert_safe(location.as_str());
        }
    }

    #[test]
    fn accepted_hostile_strings_are_safe(candidate in hostile()) {
        if let Ok(location) = ReturnTo::parse(&candidate, ORIGIN) {
            assert_safe(location.as_str());
            prop_assert_eq!(ReturnTo::parse(location.as_str(), ORIGIN), Ok(location.clone()));
        }
    }

    #[test]
    fn state_round_trips(candidate in hostile(), nonce in "[ -~]{0,64}") {
        if let Ok(location) = ReturnTo::parse(&candidate, ORIGIN) {
            let state = encode_state(&location, &nonce);
            prop_assert_eq!(decode_state(&state, ORIGIN), Ok((nonce, location)));
        }
    }

    #[test]
    fn decode_state_never_panics(state in any::<String>(), tail in "[A-Za-z0-9_.-]{0,40}") {
        let _ = decode_state(&state, ORIGIN);
        if let Ok((_, location)) = decode_state(&format!("rt1.{tail}"), ORIGIN) {
            assert_safe(location.as_str());
        }
    }
}
