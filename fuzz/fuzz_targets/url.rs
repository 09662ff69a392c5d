//! URLs: lines of text — the base URL, API bases, and last a request URL. Never a panic; a
//! refused base or API base is named with what is wrong; an API path is normalized; the server's
//! bare-path normalization is idempotent.
#![no_main]

mod common;

use common::{assert_normalized, check_known, escapes_well_formed};
use inactivity_core::url::{normalize_api_path, ApiScope, UrlRole};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let mut lines: Vec<String> = text.split('\n').map(str::to_owned).collect();
    let request = lines.pop().unwrap_or_default();
    let base = if lines.is_empty() {
        "https://apps.example.com/agent/".to_owned()
    } else {
        lines.remove(0)
    };
    let apis = lines;

    let normalized = normalize_api_path(&request);
    if !normalized.is_empty() {
        assert_normalized(&normalized);
    }
    if check_known("normalize-idempotence") || escapes_well_formed(&request) {
        assert_eq!(normalize_api_path(&normalized), normalized, "{request:?}");
    }

    match ApiScope::new(&base, &apis) {
        Err(e) => {
            let message = e.to_string();
            match e.role() {
                UrlRole::Base => assert!(message.starts_with("the base URL "), "{message}"),
                UrlRole::ApiBase(i) => {
                    assert!(i < apis.len());
                    assert!(
                        message.starts_with(&format!("API base [{i}] ")),
                        "{message}"
                    );
                }
            }
        }
        Ok(scope) => {
            let origin = scope.base_origin();
            let again = ApiScope::new(&origin, &[]).expect("the base origin is a valid base");
            assert_eq!(again.base_origin(), origin);
            if let Some(path) = scope.api_path(&request) {
                if !path.is_empty() {
                    assert_normalized(&path);
                }
                // (A relative request takes the base's path: its escapes count too.)
                if check_known("normalize-idempotence")
                    || (escapes_well_formed(&request) && escapes_well_formed(&base))
                {
                    assert_eq!(normalize_api_path(&path), path, "{request:?}");
                }
            }
        }
    }
});
