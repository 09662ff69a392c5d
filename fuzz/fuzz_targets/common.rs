//! Shared by the fuzz targets: the checks every accepted or refused input must pass.
#![allow(dead_code)]

use std::sync::OnceLock;

/// The checks of bugs this fuzzing already found (the regression tests in
/// tests/fuzz_return_to.rs and tests/fuzz_url.rs) can be turned off to hunt for others, e.g.
/// `FUZZ_SKIP_KNOWN=return-to-dot-segments,normalize-idempotence npm run fuzz`. By default every
/// check runs, so a known bug fails the run until it is fixed.
pub fn check_known(name: &str) -> bool {
    static SKIP: OnceLock<Vec<String>> = OnceLock::new();
    let skip = SKIP.get_or_init(|| {
        std::env::var("FUZZ_SKIP_KNOWN")
            .unwrap_or_default()
            .split(',')
            .map(|s| s.trim().to_owned())
            .filter(|s| !s.is_empty())
            .collect()
    });
    !skip.iter().any(|s| s == name)
}

/// A normalized API path: no leading or trailing `/`, no empty segment, printable ASCII with no
/// uppercase letter.
pub fn assert_normalized(path: &str) {
    assert!(
        !path.starts_with('/') && !path.ends_with('/') && !path.contains("//"),
        "{path:?}"
    );
    assert!(
        path.bytes()
            .all(|b| b.is_ascii_graphic() && !b.is_ascii_uppercase()),
        "{path:?}"
    );
}

/// Whether every `%` in `s` starts a valid escape (`normalize_api_path` is idempotent only
/// then: the reported bug "normalize-idempotence").
pub fn escapes_well_formed(s: &str) -> bool {
    let b = s.as_bytes();
    b.iter().enumerate().all(|(i, &c)| {
        c != b'%'
            || (b.get(i + 1).is_some_and(u8::is_ascii_hexdigit)
                && b.get(i + 2).is_some_and(u8::is_ascii_hexdigit))
    })
}
