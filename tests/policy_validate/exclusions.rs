//! Validation of the exclusion list: count, length, syntax, duplicates after normalization.

use super::{check, excl, value, X};
use inactivity_core::policy::validate;
use serde_json::{json, Value as J};

#[test]
fn exclusion_list() {
    let x = |i: usize| format!("{X}[{i}]");
    check(excl(json!([])), &[]);
    check(excl(json!(null)), &[]);
    check(excl(json!("api/v2/users/me")), &[(X, "wrong-type")]);
    check(
        excl(json!([5, "api/v2/users/me", null])),
        &[(&x(0), "wrong-type"), (&x(2), "wrong-type")],
    );
    let many = |n: usize| J::Array((0..n).map(|i| json!(format!("api/v2/thing{i}"))).collect());
    check(excl(many(199)), &[]);
    check(excl(many(200)), &[]);
    check(excl(many(201)), &[(X, "too-many-exclusions")]);
    let long = |n: usize| json!([format!("api/{}", "a".repeat(n - 4))]);
    check(excl(long(511)), &[]);
    check(excl(long(512)), &[]);
    check(excl(long(513)), &[(&x(0), "exclusion-too-long")]);
    // Characters, not bytes: 512 two-byte characters are allowed.
    check(excl(json!([format!("api/{}", "é".repeat(508))])), &[]);
    check(
        excl(json!([format!("api/{}", "é".repeat(509))])),
        &[(&x(0), "exclusion-too-long")],
    );
}

#[test]
fn exclusion_syntax_errors() {
    let one = |entry: &str, code: &str| {
        check(
            excl(json!(["api/v2/users/me", entry])),
            &[(&format!("{X}[1]"), code)],
        )
    };
    one("", "exclusion-empty");
    one("   ", "exclusion-empty");
    one("/", "exclusion-empty");
    one("//", "exclusion-empty");
    one("api/v2/users /me", "exclusion-whitespace");
    one(" api/v2/presencedefinitions", "exclusion-whitespace");
    one("api/v2/presencedefinitions ", "exclusion-whitespace");
    one("api/v2/\tusers", "exclusion-whitespace");
    one("api/v2/users\n", "exclusion-whitespace");
    one("api/v2/users\u{a0}x", "exclusion-whitespace");
    one("api/v2/users\u{0}", "exclusion-whitespace");
    one("api/v2/users?expand=x", "exclusion-query");
    one("api/v2/users#top", "exclusion-fragment");
    one("api/v2/users/*", "exclusion-wildcard");
    one("api/v2/*/me", "exclusion-wildcard");
    one("api/../v2/users", "exclusion-dot-segment");
    one("api/v2/users/..", "exclusion-dot-segment");
    one("./api/v2/users", "exclusion-dot-segment");
    one("api/%2e%2e/users", "exclusion-dot-segment");
    one("api/%2E/users", "exclusion-dot-segment");
    one("api/.%2e/users", "exclusion-dot-segment");
    one("api/v2/users/{userId", "exclusion-unclosed-brace");
    one(
        "api/v2/users/{userId/presences}",
        "exclusion-unclosed-brace",
    );
    one("api/v2/users/x{userId", "exclusion-unclosed-brace");
    one("api/v2/users/{}", "exclusion-empty-parameter");
    one("api/v2/users/v{id}", "exclusion-partial-parameter");
    one("api/v2/users/{id}.json", "exclusion-partial-parameter");
    one("api/v2/users/{a}{b}", "exclusion-partial-parameter");
    one("api/v2/users/{a{b}}", "exclusion-partial-parameter");
    one("api/v2/users/id}", "exclusion-stray-brace");
    one(
        "https://api.example.com/api/v2/users",
        "exclusion-absolute-url",
    );
    // Valid oddities.
    check(
        excl(json!([
            "/api/v2/users/me",
            "api/v2/users/{userId}/presences/{sourceId}"
        ])),
        &[],
    );
    check(
        excl(json!([
            "api/v2/users.me",
            "api/v2/users/...",
            "api/v2/a..b"
        ])),
        &[],
    );
    check(
        excl(json!([
            "api/v2/ünïcode",
            "api/v2/%C3%BC",
            "api/v2/a:b@c!$&'()+,;="
        ])),
        &[],
    );
}

#[test]
fn exclusion_duplicates_after_normalization() {
    let dup = |a: &str, b: &str| {
        check(
            excl(json!([a, b])),
            &[(&format!("{X}[1]"), "exclusion-duplicate")],
        )
    };
    dup("api/v2/users/me", "api/v2/users/me");
    dup("api/v2/users/me", "/api/v2/users/me");
    dup("api/v2/users/me", "api/v2/users/me/");
    dup("api/v2/users/me", "API/V2/Users/Me");
    dup("api/v2/users/me", "api//v2///users/me");
    dup("api/v2/users/me", "api/v2/%75sers/%6D%65");
    dup("api/v2/users/me", "api\\v2\\users\\me");
    dup("api/v2/users/{userId}", "api/v2/users/{id}");
    dup("api/v2/ü", "api/v2/%C3%BC");
    dup("api/v2/%c3%bc", "api/v2/%C3%BC");
    // Not duplicates.
    check(excl(json!(["api/v2/users/me", "api/v2/users/{id}"])), &[]);
    check(excl(json!(["api/v2/users", "api/v2/users/{id}"])), &[]);
    check(excl(json!(["api/v2/a%2Fb", "api/v2/a/b"])), &[]);
    // Each later copy is reported, pointing at the first.
    let errors = validate(&value(excl(json!(["a/b", "c", "A/B", "a/b/"]))));
    let got: Vec<String> = errors
        .iter()
        .map(|e| format!("{} {}", e.path, e.message()))
        .collect();
    assert_eq!(got.len(), 2);
    assert!(
        got[0].starts_with(&format!("{X}[2] is the same as entry [0]")),
        "{got:?}"
    );
    assert!(
        got[1].starts_with(&format!("{X}[3] is the same as entry [0]")),
        "{got:?}"
    );
}

#[test]
fn too_long_entries_do_not_hide_duplicates_and_indices_stay_right() {
    let long = format!("api/{}", "a".repeat(600));
    let errors = validate(&value(excl(json!([long, 7, "x", "", "X"]))));
    let got: Vec<(String, &str)> = errors.iter().map(|e| (e.path.clone(), e.code())).collect();
    assert_eq!(
        got,
        [
            (format!("{X}[0]"), "exclusion-too-long"),
            (format!("{X}[1]"), "wrong-type"),
            (format!("{X}[3]"), "exclusion-empty"),
            (format!("{X}[4]"), "exclusion-duplicate"),
        ]
    );
    assert!(errors[3].message().contains("entry [2]"), "{}", errors[3]);
}
