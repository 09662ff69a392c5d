//! Fuzzing the exclusion entries: lists of templates in every spelling the
//! admin page accepts compile and match exactly what a plain reference matches — requests going
//! through the whole URL pipeline (`ApiScope::api_path`) first; one bad entry slipped into a valid
//! list is reported at its index with the reason, and nothing else is; a re-spelled entry is a
//! duplicate of the first. The long run is `npm run fuzz` (fuzz/, target `exclusions`).
#![cfg(not(target_arch = "wasm32"))]

use inactivity_core::exclusions::{EntryError, Exclusions};
use inactivity_core::url::ApiScope;
use proptest::prelude::*;

/// A template segment in canonical form: a normalized literal, or a parameter.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
enum Seg {
    Lit(String),
    Param,
}

/// Canonical literals: what `normalize_segment` produces (lowercase, unreserved decoded, other
/// bytes `%xx` in lowercase hex), never `.` or `..`.
fn literal() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => prop::sample::select(vec![
            "api", "v2", "users", "me", "presences", "routing", "queues", "members", "conversations",
            "analytics", "details", "query", "diagnostics", "trace", "tokens", "timeout", "a", "b",
        ])
        .prop_map(str::to_owned),
        2 => "[a-z0-9][a-z0-9._~-]{0,7}",
        1 => prop::sample::select(vec!["caf%c3%a9", "a%2fb", "%25", "x%20y", "%e2%82%ac", "...", ".a", "a."])
            .prop_map(str::to_owned),
    ]
}

fn template() -> impl Strategy<Value = Vec<Seg>> {
    prop::collection::vec(
        prop_oneof![3 => literal().prop_map(Seg::Lit), 1 => Just(Seg::Param)],
        1..7,
    )
}

/// One spelling of a canonical literal: case changed, unreserved characters percent-encoded
/// (hex in either case).
fn spell_literal(lit: &str, salt: u64) -> String {
    let mut out = String::new();
    let bytes = lit.as_bytes();
    let mut i = 0;
    let mut bit = 0;
    while i < bytes.len() {
        let b = bytes[i];
        let flip = |k: u32| (salt.rotate_left(bit + k) & 1) == 1;
        if b == b'%' {
            // An escape stays an escape; its hex digits in either case.
            let esc = &lit[i..i + 3];
            out.push_str(&if flip(0) {
                esc.to_ascii_uppercase()
            } else {
                esc.to_owned()
            });
            i += 3;
        } else {
            if b.is_ascii_alphanumeric() && flip(1) && flip(2) {
                let hex = format!("%{b:02x}");
                out.push_str(&if flip(3) {
                    hex.to_ascii_uppercase()
                } else {
                    hex
                });
            } else if flip(4) {
                out.push(b.to_ascii_uppercase() as char);
            } else {
                out.push(b as char);
            }
            i += 1;
        }
        bit = (bit + 5) % 64;
    }
    out
}

/// One spelling of a template as the admin may write it: optional leading and trailing `/`,
/// doubled slashes or backslashes, any parameter names.
fn spell_template(t: &[Seg], salt: u64) -> String {
    let names = ["{userId}", "{id}", "{x}", "{conversationId}", "{q_1}"];
    let mut out = String::new();
    if salt & 1 == 1 {
        out.push('/');
    }
    for (i, s) in t.iter().enumerate() {
        if i > 0 {
            out.push_str(match (salt >> (i % 60)) & 3 {
                0 | 1 => "/",
                2 => "//",
                _ => "\\",
            });
        }
        match s {
            Seg::Lit(l) => out.push_str(&spell_literal(l, salt.rotate_left(i as u32 * 7))),
            Seg::Param => out.push_str(names[(salt as usize >> (i % 50)) % names.len()]),
        }
    }
    if salt & 2 == 2 {
        out.push('/');
    }
    out
}

/// The plain reference: of the templates matching `path`, the most specific (a literal beats a
/// parameter at the first position where they differ).
fn reference(templates: &[Vec<Seg>], path: &[String]) -> Option<usize> {
    templates
        .iter()
        .enumerate()
        .filter(|(_, t)| {
            t.len() == path.len()
                && t.iter().zip(path).all(|(s, p)| match s {
                    Seg::Lit(l) => l == p,
                    Seg::Param => true,
                })
        })
        .min_by_key(|(_, t)| t.iter().map(|s| *s == Seg::Param).collect::<Vec<bool>>())
        .map(|(i, _)| i)
}

/// Distinct templates (by canonical form) and their spellings.
fn list() -> impl Strategy<Value = (Vec<Vec<Seg>>, Vec<String>)> {
    (prop::collection::vec(template(), 0..30), any::<u64>()).prop_map(|(mut ts, salt)| {
        let mut seen = std::collections::HashSet::new();
        ts.retain(|t| seen.insert(t.clone()));
        let spelled = ts
            .iter()
            .enumerate()
            .map(|(i, t)| spell_template(t, salt.rotate_left(i as u32).wrapping_add(i as u64)))
            .collect();
        (ts, spelled)
    })
}

/// A request path for `t`: parameters filled with a value or a literal of the list, literals
/// re-spelled, dot segments and doubled slashes that the URL parser removes.
fn request_for(t: &[Seg], fill: &[String], salt: u64) -> (String, Vec<String>) {
    let mut raw = String::from("/");
    let mut canonical = Vec::new();
    for (i, s) in t.iter().enumerate() {
        let value = match s {
            Seg::Lit(l) => l.clone(),
            Seg::Param => fill[i % fill.len()].clone(),
        };
        match (salt >> (i % 60)) & 7 {
            0 => raw.push_str("./"),
            1 => raw.push_str("zz/../"),
            2 => raw.push_str("%2e/"),
            3 => raw.push('/'),
            _ => {}
        }
        raw.push_str(&spell_literal(&value, salt.rotate_left(i as u32 * 3)));
        raw.push('/');
        canonical.push(value);
    }
    (raw, canonical)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 1_500, failure_persistence: None, ..ProptestConfig::default() })]

    /// Any spelling compiles; requests through the URL pipeline match what the reference says.
    #[test]
    fn spelled_lists_match_like_the_reference(
        (templates, spelled) in list(),
        fill in prop::collection::vec(literal(), 1..4),
        picks in prop::collection::vec((any::<prop::sample::Index>(), any::<u64>()), 1..12),
        query in prop::sample::select(vec!["", "?x=1", "#h", "?a=b/c#d"]),
    ) {
        let compiled = Exclusions::compile(&spelled);
        prop_assert!(compiled.is_ok(), "{:?}: {:?}", spelled, compiled.err());
        let compiled = compiled.unwrap();
        prop_assert_eq!(compiled.entries(), spelled.as_slice());
        let scope = ApiScope::new("https://apps.example.com/agent/", &["/".to_owned()]).unwrap();
        for (pick, salt) in picks {
            // A request built from an entry (so it often matches), or a path of literals alone.
            let t: Vec<Seg> = if templates.is_empty() { vec![Seg::Param] } else { pick.get(&templates).clone() };
            let (raw, canonical) = request_for(&t, &fill, salt);
            let url = format!("https://APPS.example.com:443{raw}{query}");
            let path = scope.api_path(&url);
            let joined = canonical.join("/");
            prop_assert_eq!(path.as_deref(), Some(joined.as_str()), "{}", url);
            let want = reference(&templates, &canonical).map(|i| spelled[i].as_str());
            prop_assert_eq!(compiled.matches(&path.unwrap()), want, "{} in {:?}", url, spelled);
        }
    }

    /// One bad entry in a valid list: reported at its index, with its reason and a message that
    /// says what to do; the other entries are fine.
    #[test]
    fn one_bad_entry_is_reported_at_its_index(
        (_, mut spelled) in list(),
        at in any::<prop::sample::Index>(),
        (bad, kind) in prop::sample::select(vec![
            ("", "exclusion-empty"), (" ", "exclusion-empty"), ("//", "exclusion-empty"), ("\\", "exclusion-empty"),
            ("api/v2/users me", "exclusion-whitespace"), ("api/\tv2", "exclusion-whitespace"),
            ("api/v2/\u{0}", "exclusion-whitespace"), ("api/v2/\u{a0}x", "exclusion-whitespace"),
            ("https://x.example.com/api/v2/users/me", "exclusion-absolute-url"), ("api/v2/a://b", "exclusion-absolute-url"),
            ("api/v2/users?x", "exclusion-query"), ("api/v2/users#x", "exclusion-fragment"),
            ("api/v2/*", "exclusion-wildcard"), ("api/**/me", "exclusion-wildcard"),
            ("api/../me", "exclusion-dot-segment"), ("./api", "exclusion-dot-segment"), ("api/%2E%2e", "exclusion-dot-segment"),
            ("api/.%2e/x", "exclusion-dot-segment"),
            ("api/{userId", "exclusion-unclosed-brace"), ("api/v{", "exclusion-unclosed-brace"),
            ("api/{}/x", "exclusion-empty-parameter"),
            ("api/v{n}", "exclusion-partial-parameter"), ("api/{a}.json", "exclusion-partial-parameter"),
            ("api/{a}{b}", "exclusion-partial-parameter"), ("api/{{a}}", "exclusion-partial-parameter"),
            ("api/users}", "exclusion-stray-brace"), ("api/}", "exclusion-stray-brace"),
        ]),
    ) {
        let i = at.index(spelled.len() + 1);
        spelled.insert(i, bad.to_owned());
        let errors = Exclusions::compile(&spelled).expect_err(bad);
        prop_assert_eq!(errors.len(), 1, "{:?}", errors);
        let (index, error) = &errors[0];
        prop_assert_eq!((*index, error.code()), (i, kind), "{:?}", bad);
        let message = error.to_string();
        prop_assert!(message.len() > 10 && message.contains(':'), "{}", message);
    }

    /// A second spelling of an entry is a duplicate of the first, reported at the second.
    #[test]
    fn a_respelled_entry_is_a_duplicate((templates, mut spelled) in list(), which in any::<prop::sample::Index>(), at in any::<prop::sample::Index>(), salt in any::<u64>()) {
        prop_assume!(!templates.is_empty());
        let k = which.index(templates.len());
        let again = spell_template(&templates[k], salt);
        let i = k + 1 + at.index(spelled.len() - k);
        spelled.insert(i, again.clone());
        let errors = Exclusions::compile(&spelled).expect_err(&again);
        prop_assert_eq!(errors, vec![(i, EntryError::Duplicate { first: k })]);
    }
}

/// Lists that blow up a naive determinization (literals and parameters interleaved) still
/// compile in bounded time and match like the reference.
#[test]
fn adversarial_lists_stay_bounded() {
    let width = 16;
    let templates: Vec<Vec<Seg>> = (0..width)
        .map(|j| {
            (0..width)
                .map(|i| {
                    if i == j {
                        Seg::Lit("a".into())
                    } else {
                        Seg::Param
                    }
                })
                .chain([Seg::Lit(format!("e{j}"))])
                .collect()
        })
        .collect();
    let spelled: Vec<String> = templates
        .iter()
        .enumerate()
        .map(|(i, t)| spell_template(t, (i as u64).wrapping_mul(0x9e37_79b9_7f4a_7c15)))
        .collect();
    let started = std::time::Instant::now();
    let compiled = Exclusions::compile(&spelled).unwrap();
    for k in 0..200u32 {
        let mut path: Vec<String> = (0..width)
            .map(|i| if (k >> (i % 8)) & 1 == 1 { "a" } else { "b" }.to_owned())
            .collect();
        path.push(format!("e{}", k % 17));
        let want = reference(&templates, &path).map(|i| spelled[i].as_str());
        assert_eq!(compiled.matches(&path.join("/")), want);
    }
    assert!(started.elapsed().as_secs() < 20, "{:?}", started.elapsed());
}
