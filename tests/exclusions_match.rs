//! The compiled exclusion matcher: semantics, specificity, scale, and the compile budget.

use inactivity_core::exclusions::{EntryError, Exclusions};
use inactivity_core::url::normalize_api_path;

mod common;
use common::naive;

fn strings(entries: &[&str]) -> Vec<String> {
    entries.iter().map(|s| s.to_string()).collect()
}

/// `matches(path)` on the compiled list, cross-checked against the reference.
#[track_caller]
fn check(entries: &[&str], path: &str, want: Option<&str>) {
    let entries = strings(entries);
    let compiled = Exclusions::compile(&entries).expect("valid entries");
    assert_eq!(compiled.matches(path), want, "{path:?} in {entries:?}");
    // The client entry walks the trie instead: the same answers.
    let trie = Exclusions::compile_trie(&entries).expect("valid entries");
    assert_eq!(trie.matches(path), want, "trie: {path:?} in {entries:?}");
    assert_eq!(
        naive(&entries, path),
        want,
        "reference: {path:?} in {entries:?}"
    );
}

const DEFAULTS: &[&str] = &[
    "api/v2/featuretoggles",
    "api/v2/diagnostics/newrelic/insights",
    "api/v2/diagnostics/trace",
    "api/v2/integrations/clientapps",
    "api/v2/users/me",
];

#[test]
fn literal_entries() {
    for entry in DEFAULTS {
        check(DEFAULTS, &normalize_api_path(entry), Some(entry));
    }
    check(DEFAULTS, "api/v2/users", None);
    check(DEFAULTS, "api/v2/users/me/presence", None);
    check(DEFAULTS, "api/v2/diagnostics", None);
    check(DEFAULTS, "api/v2/diagnostics/newrelic", None);
    check(DEFAULTS, "v2/users/me", None);
    check(DEFAULTS, "", None);
    check(&[], "api/v2/users/me", None);
    // Entries are normalized like paths; the entry comes back as written.
    check(
        &["/API/V2/Users/Me/"],
        "api/v2/users/me",
        Some("/API/V2/Users/Me/"),
    );
    check(
        &["api//v2/%75sers/me"],
        "api/v2/users/me",
        Some("api//v2/%75sers/me"),
    );
    check(&["api\\v2\\users"], "api/v2/users", Some("api\\v2\\users"));
    check(&["api/v2/ü"], "api/v2/%c3%bc", Some("api/v2/ü"));
    check(&["api/v2/a%2Fb"], "api/v2/a%2fb", Some("api/v2/a%2Fb"));
    check(&["api/v2/a%2Fb"], "api/v2/a/b", None);
    // Empty path segments in the input are skipped.
    check(
        &["api/v2/users/me"],
        "api//v2/users/me/",
        Some("api/v2/users/me"),
    );
}

#[test]
fn parameters() {
    let e = &["api/v2/users/{userId}/presences/{sourceId}"];
    check(e, "api/v2/users/42/presences/purecloud", Some(e[0]));
    check(e, "api/v2/users/me/presences/x", Some(e[0]));
    check(e, "api/v2/users/42/presences", None);
    check(e, "api/v2/users/42/presences/x/y", None);
    check(e, "api/v2/users/presences/x", None);
    // A parameter is exactly one non-empty segment.
    check(e, "api/v2/users//presences/x", None);
    check(&["{a}"], "x", Some("{a}"));
    check(&["{a}"], "", None);
    check(&["{a}/{b}"], "x", None);
    check(&["{a}/{b}"], "x/y", Some("{a}/{b}"));
    check(&["api/{v}/users"], "api/v9/users", Some("api/{v}/users"));
}

#[test]
fn the_most_specific_entry_wins() {
    let e = &["api/v2/users/{userId}", "api/v2/users/me"];
    check(e, "api/v2/users/me", Some("api/v2/users/me"));
    check(e, "api/v2/users/42", Some("api/v2/users/{userId}"));
    let e = &["api/v2/users/me", "api/v2/users/{userId}"];
    check(e, "api/v2/users/me", Some("api/v2/users/me"));
    // At the first difference, the literal wins.
    let e = &[
        "api/{x}/users/me",
        "api/v2/{y}/{z}",
        "api/v2/users/{id}",
        "{a}/{b}/{c}/{d}",
    ];
    check(e, "api/v2/users/me", Some("api/v2/users/{id}"));
    check(e, "api/v2/groups/me", Some("api/v2/{y}/{z}"));
    check(e, "api/v3/users/me", Some("api/{x}/users/me"));
    check(e, "api/v3/users/you", Some("{a}/{b}/{c}/{d}"));
    check(e, "x/v2/users/me", Some("{a}/{b}/{c}/{d}"));
    check(e, "api/v2/users", None);
}

#[test]
fn overlapping_templates_need_no_backtracking() {
    // A path that follows the literal branch first and must fall back to the parameter branch.
    let e = &["api/v2/users/me/x", "api/v2/users/{id}/y"];
    check(e, "api/v2/users/me/y", Some("api/v2/users/{id}/y"));
    check(e, "api/v2/users/me/x", Some("api/v2/users/me/x"));
    check(e, "api/v2/users/you/x", None);
    let e = &["a/b/c/d", "a/{1}/c/e", "a/b/{2}/f", "{3}/b/c/g"];
    check(e, "a/b/c/d", Some("a/b/c/d"));
    check(e, "a/b/c/e", Some("a/{1}/c/e"));
    check(e, "a/b/c/f", Some("a/b/{2}/f"));
    check(e, "a/b/c/g", Some("{3}/b/c/g"));
    check(e, "z/b/c/g", Some("{3}/b/c/g"));
    check(e, "z/b/c/f", None);
}

#[test]
fn compile_errors_come_with_indices() {
    let entries = strings(&[
        "api/v2/users/me",
        "",
        "api/v2/{",
        "API/v2/users/me/",
        "a/{x}",
        "a/{y}",
        "a?b",
    ]);
    let errors = Exclusions::compile(&entries).unwrap_err();
    assert_eq!(
        errors,
        [
            (1, EntryError::Empty),
            (2, EntryError::UnclosedBrace),
            (3, EntryError::Duplicate { first: 0 }),
            (5, EntryError::Duplicate { first: 4 }),
            (6, EntryError::Query),
        ]
    );
    // Length is a policy rule, not a compile limit.
    let long = strings(&[&format!("api/{}", "x".repeat(10_000))]);
    assert!(Exclusions::compile(&long).is_ok());
}

#[test]
fn entry_error_codes_and_messages() {
    #[track_caller]
    fn check(entry: &str, code: &str, message: &str) {
        let errors = Exclusions::compile(&[entry.to_owned()]).unwrap_err();
        let (_, e) = &errors[0];
        assert_eq!(
            (e.code(), e.to_string()),
            (code, message.to_owned()),
            "{entry:?}"
        );
    }
    check(
        "",
        "exclusion-empty",
        "is empty: write an API path such as api/v2/users/me, or remove the entry",
    );
    check(
        "api/v2 /x",
        "exclusion-whitespace",
        "contains a space or control character at character 7: API paths have none; remove it",
    );
    check(
        "https://x.com/api",
        "exclusion-absolute-url",
        "is a full URL: write only the API path, e.g. api/v2/users/me",
    );
    check(
        "a?b",
        "exclusion-query",
        "contains '?': write the path without a query string (queries are ignored when matching)",
    );
    check(
        "a#b",
        "exclusion-fragment",
        "contains '#': write the path without a fragment",
    );
    check("a/*", "exclusion-wildcard", "contains '*': wildcards are not supported; use {name} for one path segment, e.g. api/v2/users/{userId}");
    check(
        "a/../b",
        "exclusion-dot-segment",
        "contains a '.' or '..' segment: write the API path as the API defines it",
    );
    check(
        "a/{b",
        "exclusion-unclosed-brace",
        "has a '{' without its '}': close the parameter, e.g. {userId}",
    );
    check(
        "a/{}",
        "exclusion-empty-parameter",
        "has an empty parameter '{}': give it a name, e.g. {userId}",
    );
    check("a/v{b}", "exclusion-partial-parameter", "has a parameter that is not a whole segment (\"v{b}\"): a {name} must stand alone between slashes, e.g. api/v2/users/{userId}");
    check(
        "a/b}",
        "exclusion-stray-brace",
        "has a '}' without a '{': remove it",
    );
    assert_eq!(
        EntryError::TooLong { chars: 513 }.to_string(),
        "is 513 characters long; an entry may have at most 512 characters"
    );
    assert_eq!(
        EntryError::TooLong { chars: 513 }.code(),
        "exclusion-too-long"
    );
    assert_eq!(
        EntryError::Duplicate { first: 0 }.code(),
        "exclusion-duplicate"
    );
}

#[test]
fn thousands_of_entries() {
    // A catalog-like list: resources with literal and parameter children, 3 000 entries.
    let mut entries = Vec::new();
    for r in 0..300 {
        entries.push(format!("api/v2/res{r}"));
        entries.push(format!("api/v2/res{r}/{{id}}"));
        entries.push(format!("api/v2/res{r}/search"));
        entries.push(format!("api/v2/res{r}/{{id}}/members"));
        entries.push(format!("api/v2/res{r}/{{id}}/members/{{memberId}}"));
        entries.push(format!("api/v2/res{r}/bulk/{{jobId}}"));
        entries.push(format!("api/v2/res{r}/{{id}}/bulk"));
        entries.push(format!("api/v2/res{r}/{{id}}/members/{{memberId}}/roles"));
        entries.push(format!("api/v2/res{r}/me/settings"));
        entries.push(format!("api/v2/res{r}/{{id}}/settings"));
    }
    let compiled = Exclusions::compile(&entries).unwrap();
    assert_eq!(compiled.len(), 3000);
    assert!(compiled.fully_determinized());
    assert!(
        compiled.state_count() < 4 * 3000,
        "{} states",
        compiled.state_count()
    );
    for path in [
        "api/v2/res7",
        "api/v2/res7/search",
        "api/v2/res7/42",
        "api/v2/res7/search/members",
        "api/v2/res299/bulk/bulk",
        "api/v2/res299/bulk",
        "api/v2/res3/me/settings",
        "api/v2/res3/you/settings",
        "api/v2/res3/9/members/8/roles",
        "api/v2/res3/res3/legacy",
        "api/v2/nothing",
        "api/v2/res1/1/2/3/4",
    ] {
        assert_eq!(compiled.matches(path), naive(&entries, path), "{path}");
    }
    // A parameter right under api/v2 overlaps every resource: determinizing that costs
    // resources² states. Beyond the budget, matching steps the trie nodes instead; same answers.
    for r in 0..300 {
        entries.push(format!("api/v2/{{version}}/res{r}/legacy"));
    }
    let compiled = Exclusions::compile(&entries).unwrap();
    for path in [
        "api/v2/res3/res3/legacy",
        "api/v2/res3/res4/legacy",
        "api/v2/v1/res4/legacy",
        "api/v2/res3/search",
        "api/v2/res3/4/members/5/roles",
        "api/v2/res3/res4/members/5/roles",
        "api/v2/res3/res4/legacy/x",
    ] {
        assert_eq!(compiled.matches(path), naive(&entries, path), "{path}");
    }
}

#[test]
fn contrived_lists_stay_within_the_compile_budget() {
    // Entry j has a literal "a" at position j and parameters elsewhere: determinizing them fully
    // needs 2^20 states. Compilation stays bounded and matching stays exact.
    let k = 20;
    let entries: Vec<String> = (0..k)
        .map(|j| {
            let mut segments: Vec<String> = (0..k)
                .map(|i| {
                    if i == j {
                        "a".into()
                    } else {
                        format!("{{p{i}}}")
                    }
                })
                .collect();
            segments.push(format!("end{j}"));
            segments.join("/")
        })
        .collect();
    let started = std::time::Instant::now();
    let compiled = Exclusions::compile(&entries).unwrap();
    assert!(
        started.elapsed().as_secs() < 20,
        "compile took {:?}",
        started.elapsed()
    );
    assert!(!compiled.fully_determinized());
    let path = |a_at: &[usize], end: usize| {
        let mut s: Vec<String> = (0..k)
            .map(|i| {
                if a_at.contains(&i) {
                    "a".into()
                } else {
                    "x".into()
                }
            })
            .collect();
        s.push(format!("end{end}"));
        s.join("/")
    };
    for (a_at, end) in [
        (vec![3], 3),
        (vec![3], 4),
        (vec![0, 5, 19], 19),
        (vec![0, 5, 19], 5),
        (vec![0, 5, 19], 6),
        ((0..20).collect(), 13),
        (vec![], 0),
    ] {
        let p = path(&a_at, end);
        assert_eq!(compiled.matches(&p), naive(&entries, &p), "{p}");
    }
}

#[test]
fn accessors() {
    let compiled = Exclusions::compile(&strings(DEFAULTS)).unwrap();
    assert_eq!(compiled.len(), 5);
    assert!(!compiled.is_empty());
    assert_eq!(compiled.entries(), DEFAULTS);
    let empty = Exclusions::default();
    assert!(empty.is_empty());
    assert_eq!(empty.matches("api/v2/users/me"), None);
    assert_eq!(Exclusions::compile(&[]).unwrap().matches(""), None);
}

/// The plain patterns the shim's fallback matches with when the tracker is broken.
#[test]
fn patterns_for_the_fallback() {
    let entries: Vec<String> = [
        "api/v2/Users/me",
        "/api/v2/users/{userId}/presences/{sourceId}",
        "api/v2/%7Ex/",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    let compiled = Exclusions::compile(&entries).unwrap();
    assert_eq!(
        compiled.patterns(),
        ["api/v2/users/me", "api/v2/users/*/presences/*", "api/v2/~x"]
    );
}
