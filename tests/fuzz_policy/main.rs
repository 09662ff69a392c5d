//! Fuzzing the policy JSON: valid policies built from a model, serialized and
//! read back with `serde_json::from_slice`, must validate, parse to exactly the model and resolve
//! as the model says; the same policies with one mutation — every rule of docs/rules.md §2, wrong types,
//! missing parts, hostile exclusion entries — must be refused with an error at the JSON path of
//! the mutation, with the mutation's code and a message; damaged bytes must never panic. The long
//! run is `npm run fuzz` (fuzz/, target `policy`).
#![cfg(not(target_arch = "wasm32"))]

use inactivity_core::json::{JsonType, Value};
use inactivity_core::policy::{resolve, validate, Policy, PolicyError, Source};
use proptest::prelude::*;

mod model;
mod mutation;

use model::*;
use mutation::*;

pub(crate) const IDLE: &str = "idleTokenTimeout";
pub(crate) const ORG: &str = "idleTokenTimeout.idleTokenTimeoutSeconds";
pub(crate) const BUNDLES: &str = "idleTokenTimeout.inactivityTimeoutGroupBundles";
pub(crate) const EXCLUSIONS: &str = "authSettings.inactivityTimeoutExclusions";

// ---- checks that hold for every error ----

/// The value at `path` (`a.b[1].c`; `""` is the root), if it exists.
pub(crate) fn at_path<'a>(root: &'a Value, path: &str) -> Option<&'a Value> {
    if path.is_empty() {
        return Some(root);
    }
    let mut v = root;
    for part in path.split('.') {
        let (name, indexes) = part
            .split_once('[')
            .map_or((part, ""), |(n, rest)| (n, rest));
        v = v.get(name)?;
        for index in indexes.split('[').filter(|s| !s.is_empty()) {
            let i: usize = index.strip_suffix(']')?.parse().ok()?;
            v = v.as_array()?.get(i)?;
        }
    }
    Some(v)
}

/// Every error names a place that exists (or, for a missing value, whose parent exists), has a
/// kebab-case code and a message that reads as a sentence.
pub(crate) fn check_errors(root: &Value, errors: &[PolicyError]) {
    for e in errors {
        let code = e.code();
        assert!(
            !code.is_empty() && code.bytes().all(|b| b.is_ascii_lowercase() || b == b'-'),
            "{code}"
        );
        let message = e.message();
        assert!(message.len() > 5, "{e:?}: {message:?}");
        assert!(
            !message.contains("Some(") && !message.contains("\"\"\""),
            "{message}"
        );
        if e.path.is_empty() {
            assert!(
                e.with_path().starts_with("the policy "),
                "{}",
                e.with_path()
            );
        } else {
            assert_eq!(e.with_path(), format!("{}: {message}", e.path));
        }
        let exists = at_path(root, &e.path).is_some();
        let parent = e.path.rsplit_once('.').map_or("", |(p, _)| p);
        match code {
            "missing" => assert!(at_path(root, parent).is_some(), "{e:?}"),
            "too-many-errors" => assert_eq!(e.path, ""),
            _ => assert!(exists, "{e:?} names a place that is not in {root:?}"),
        }
    }
}

/// `validate` and `Policy::parse` agree (parse accepts the HIPAA cap, which `resolve` applies).
pub(crate) fn check_agreement(root: &Value) -> Vec<PolicyError> {
    let errors = validate(root);
    check_errors(root, &errors);
    let expected: Vec<&PolicyError> = errors
        .iter()
        .filter(|e| e.code() != "hipaa-cap-exceeded")
        .collect();
    match Policy::parse(root) {
        Ok(policy) => {
            assert!(
                expected.is_empty(),
                "parse accepted what validate refused: {expected:?}"
            );
            for groups in [vec![], vec!["1".to_owned(), "g4 with spaces".to_owned()]] {
                let r = resolve(&policy, &groups);
                if let Some(s) = r.timeout_seconds {
                    assert!((300..=28_800).contains(&s) || (r.source == Source::Hipaa && s == 900));
                    assert!(!policy.hipaa() || s <= 900, "HIPAA cap: {r:?}");
                }
                assert!(!r.explain().is_empty());
            }
        }
        Err(parse_errors) => {
            check_errors(root, &parse_errors);
            if errors.last().is_none_or(|e| e.code() != "too-many-errors") {
                let got: Vec<&PolicyError> = parse_errors.iter().collect();
                assert_eq!(got, expected);
            }
        }
    }
    errors
}

fn user_groups(model: &Model, picks: &[prop::sample::Index]) -> Vec<String> {
    let all: Vec<&String> = model.bundles.iter().flat_map(|b| &b.groups).collect();
    let mut groups: Vec<String> = vec!["not-in-any-bundle".to_owned()];
    if !all.is_empty() {
        groups.extend(picks.iter().map(|p| p.get(&all).to_string()));
    }
    groups
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 3_000, failure_persistence: None, ..ProptestConfig::default() })]

    /// A valid policy survives the trip through JSON bytes, validates, parses to exactly the
    /// model and resolves as the model says.
    #[test]
    fn valid_policies_round_trip_and_resolve(m in model(Need::default()), pretty in any::<bool>(), picks in prop::collection::vec(any::<prop::sample::Index>(), 0..4)) {
        let value = m.value();
        let read = through_bytes(&value, pretty);
        prop_assert_eq!(&read, &value);
        let errors = validate(&read);
        prop_assert!(errors.is_empty(), "{:?}", errors);
        let policy = Policy::parse(&read).unwrap();
        prop_assert_eq!(policy.hipaa(), m.hipaa());
        prop_assert_eq!(policy.org_timeout_seconds(), m.org_enabled.then(|| m.org_seconds.unwrap() as u32));
        prop_assert_eq!(policy.groups_enabled(), m.groups_enabled);
        let mut bundles: Vec<(u32, u32, Vec<String>)> = m.bundles.iter().map(|b| (b.priority, b.timeout, b.groups.clone())).collect();
        bundles.sort();
        let parsed: Vec<(u32, u32, Vec<String>)> = policy.bundles().iter().map(|b| (b.priority, b.timeout_seconds, b.groups.clone())).collect();
        prop_assert_eq!(parsed, if m.groups_enabled { bundles } else { vec![] });
        let entries = m.exclusions.clone().unwrap_or_default();
        prop_assert_eq!(policy.exclusions().entries(), entries.as_slice());
        let groups = user_groups(&m, &picks);
        let r = resolve(&policy, &groups);
        let (seconds, source, priority, group) = m.resolution(&groups);
        prop_assert_eq!((r.timeout_seconds, r.source, r.bundle_priority, r.group_id.clone(), r.hipaa_capped), (seconds, source, priority, group, false));
        prop_assert!(r.explain().ends_with('.'));
        // The JSON the server stores is the JSON the client reads: no drift.
        prop_assert_eq!(serde_json::to_string(&read).unwrap(), serde_json::to_string(&value).unwrap());
    }

    /// One mutation: an error at the mutation's path with its code, whatever else is wrong.
    #[test]
    fn one_mutation_is_reported_at_its_path((mutation, m) in mutation().prop_flat_map(|(mutation, need)| (Just(mutation), model(need))), pretty in any::<bool>()) {
        let mut value = m.value();
        let expect = mutate(&m, &mut value, &mutation);
        let bytes = serde_json::to_vec(&value).unwrap();
        let read: Result<Value, _> = serde_json::from_slice(&bytes);
        if let Expect::Unreadable = expect {
            let e = read.expect_err("too deep");
            prop_assert!(e.to_string().contains("nested more than 64 levels"), "{}", e);
            return Ok(());
        }
        let read = read.unwrap();
        prop_assert_eq!(&read, &through_bytes(&value, pretty));
        let errors = check_agreement(&read);
        match expect {
            Expect::Error(path, code) => {
                prop_assert!(
                    errors.iter().any(|e| e.path == path && e.code() == code),
                    "{:?}: expected {} at {:?}, got {:#?}", mutation, code, path, errors
                );
                prop_assert!(Policy::parse(&read).is_err());
            }
            Expect::Valid => prop_assert!(errors.is_empty(), "{:?}: {:#?}", mutation, errors),
            Expect::HipaaCapped => {
                prop_assert!(errors.iter().any(|e| e.path == ORG && e.code() == "hipaa-cap-exceeded"), "{:#?}", errors);
                prop_assert!(errors.iter().all(|e| e.code() == "hipaa-cap-exceeded"), "{:#?}", errors);
                let policy = Policy::parse(&read).unwrap();
                let r = resolve(&policy, &["not-in-any-bundle".to_owned()]);
                prop_assert_eq!((r.timeout_seconds, r.source, r.hipaa_capped), (Some(900), Source::Organization, true));
            }
            Expect::Unreadable => unreachable!(),
        }
    }

    /// Damaged bytes: a JSON error with a message, or a value whose every error is well-formed.
    #[test]
    fn damaged_bytes_never_panic(m in model(Need { bundles: 1, exclusions: 1, ..Need::default() }), edits in prop::collection::vec((any::<prop::sample::Index>(), prop::sample::select(b"{}[]\",:0123456789.e-+ tfnul\\".to_vec()), 0u8..3), 1..4)) {
        let mut bytes = serde_json::to_vec(&m.value()).unwrap();
        for (at, byte, op) in edits {
            let i = at.index(bytes.len() + 1);
            match op {
                0 => bytes.insert(i, byte),
                1 if i < bytes.len() => { bytes.remove(i); }
                _ if i < bytes.len() => bytes[i] = byte,
                _ => bytes.push(byte),
            }
        }
        match serde_json::from_slice::<Value>(&bytes) {
            Ok(value) => { check_agreement(&value); }
            Err(e) => prop_assert!(!e.to_string().is_empty()),
        }
    }
}

/// Documents at the edges of JSON: a JSON error with a message, valid, or refused at a path.
#[test]
fn hostile_numbers_and_documents() {
    const ON: &str = r#""enableIdleTokenTimeout":true"#;
    // (document, Err: a JSON error; Ok(None): valid; Ok(Some((path, code))): refused there)
    type Expected = Result<Option<(&'static str, &'static str)>, ()>;
    let cases: Vec<(String, Expected)> = vec![
        (format!(r#"{{"idleTokenTimeout":{{{ON},"idleTokenTimeoutSeconds":1e400}}}}"#), Err(())),
        (format!(r#"{{"idleTokenTimeout":{{{ON},"idleTokenTimeoutSeconds":NaN}}}}"#), Err(())),
        (format!(r#"{{"idleTokenTimeout":{{{ON},"idleTokenTimeoutSeconds":18446744073709551616}}}}"#), Ok(Some((ORG, "timeout-out-of-range")))),
        (format!(r#"{{"idleTokenTimeout":{{{ON},"idleTokenTimeoutSeconds":-0}}}}"#), Ok(Some((ORG, "timeout-out-of-range")))),
        (format!(r#"{{"idleTokenTimeout":{{{ON},"idleTokenTimeoutSeconds":300.0000000000001}}}}"#), Ok(Some((ORG, "not-an-integer")))),
        (format!(r#"{{"idleTokenTimeout":{{{ON},"idleTokenTimeoutSeconds":1800}},"idleTokenTimeout":7}}"#), Ok(Some((IDLE, "wrong-type")))),
        (r#"{"hipaa":true,"idleTokenTimeout":{}}"#.to_owned(), Ok(None)),
        (r#"{"idleTokenTimeout":{},"authSettings":{"inactivityTimeoutExclusions":["api/v2/users/me","API/V2/USERS/ME/"]}}"#.to_owned(), Ok(Some(("authSettings.inactivityTimeoutExclusions[1]", "exclusion-duplicate")))),
        ("\u{feff}{}".to_owned(), Err(())),
        (String::new(), Err(())),
        ("{".to_owned(), Err(())),
        ("[]".to_owned(), Ok(Some(("", "wrong-type")))),
    ];
    for (text, expected) in cases {
        match (serde_json::from_str::<Value>(&text), expected) {
            (Err(e), Err(())) => assert!(!e.to_string().is_empty()),
            (Ok(value), Ok(expected)) => {
                let errors = check_agreement(&value);
                match expected {
                    None => assert!(errors.is_empty(), "{text}: {errors:?}"),
                    Some((path, code)) => assert!(
                        errors.iter().any(|e| e.path == path && e.code() == code),
                        "{text}: {errors:?}"
                    ),
                }
            }
            (got, _) => panic!("{text}: {got:?}"),
        }
    }
}
