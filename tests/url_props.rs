//! Property tests for URL resolution: never panics; results are normalized; relative and
//! absolute spellings agree.
#![cfg(not(target_arch = "wasm32"))]

use inactivity_core::url::{normalize_api_path, ApiScope};
use proptest::prelude::*;

fn scope() -> ApiScope {
    ApiScope::new("https://apps.example.com/agent/desk/", &[]).unwrap()
}

/// Path-ish strings made of the characters that matter to the parser.
fn pathish() -> impl Strategy<Value = String> {
    prop::collection::vec(
        prop::sample::select(vec![
            "/", "\\", ".", "..", "%2e", "%2E", "%", "%41", "%2f", "?", "#", "a", "B", "api", "v2",
            " ", "\t", "\n", "\u{0}", ":", "@", "[", "]", "ü", "{", "}", "//",
        ]),
        0..16,
    )
    .prop_map(|parts| parts.concat())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(5000))]

    #[test]
    fn arbitrary_strings_never_panic(s in "\\PC{0,40}", base in "\\PC{0,30}") {
        let _ = scope().api_path(&s);
        let _ = normalize_api_path(&s);
        if let Ok(sc) = ApiScope::new(&base, std::slice::from_ref(&s)) {
            let _ = sc.api_path(&s);
        }
        let _ = ApiScope::new(&format!("https://{base}"), &[]).map(|sc| sc.api_path(&s));
    }

    #[test]
    fn results_are_normalized(p in pathish(), prefix in prop::sample::select(vec!["", "/", "https://apps.example.com/", "//apps.example.com/", "https:", "../"])) {
        let url = format!("{prefix}{p}");
        let n = normalize_api_path(&p);
        prop_assert_eq!(normalize_api_path(&n), n.clone(), "idempotent");
        prop_assert!(!n.starts_with('/') && !n.ends_with('/') && !n.contains("//"));
        prop_assert!(n.bytes().all(|b| b.is_ascii() && !b.is_ascii_uppercase() && b > b' '));
        if let Some(api) = scope().api_path(&url) {
            prop_assert_eq!(normalize_api_path(&api), api.clone());
            prop_assert!(api == "api" || api.starts_with("api/"), "{}", api);
        }
    }

    #[test]
    fn absolute_and_root_relative_agree(p in pathish()) {
        // (Tabs and newlines are removed before parsing, so they could join two slashes into a
        // protocol-relative `//`: leave them out here.)
        let p = p.replace(['?', '#', '\t', '\n', '\r'], "");
        let trimmed = p.trim_start_matches(['/', '\\']);
        let root = format!("/{trimmed}");
        let absolute = format!("https://apps.example.com/{trimmed}");
        prop_assert_eq!(scope().api_path(&root), scope().api_path(&absolute));
        // The server's bare-path normalization gives the same path as the client's resolver.
        if let Some(api) = scope().api_path(&absolute) {
            prop_assert_eq!(api, normalize_api_path(&root));
        }
    }
}
