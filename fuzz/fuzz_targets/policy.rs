//! Policy JSON: any bytes through `serde_json::from_slice` into the core's `Value`, then
//! `validate`, `Policy::parse` and `resolve`. Never a panic; every error names an existing place
//! (or, for a missing value, an existing parent), with a code and a message; `validate` and
//! `parse` agree; a parsed policy resolves to a legal timeout; the JSON layer round-trips.
#![no_main]

mod common;

use inactivity_core::json::Value;
use inactivity_core::policy::{resolve, validate, Policy, PolicyError, Source};
use libfuzzer_sys::fuzz_target;

fn at_path<'a>(root: &'a Value, path: &str) -> Option<&'a Value> {
    if path.is_empty() {
        return Some(root);
    }
    let mut v = root;
    for part in path.split('.') {
        let (name, indexes) = part.split_once('[').unwrap_or((part, ""));
        v = v.get(name)?;
        for index in indexes.split('[').filter(|s| !s.is_empty()) {
            let i: usize = index.strip_suffix(']')?.parse().ok()?;
            v = v.as_array()?.get(i)?;
        }
    }
    Some(v)
}

fn check(root: &Value, errors: &[PolicyError]) {
    for e in errors {
        let code = e.code();
        assert!(!code.is_empty() && code.bytes().all(|b| b.is_ascii_lowercase() || b == b'-'));
        assert!(e.message().len() > 5, "{e:?}");
        match code {
            "too-many-errors" => assert_eq!(e.path, ""),
            "missing" => {
                let parent = e.path.rsplit_once('.').map_or("", |(p, _)| p);
                assert!(at_path(root, parent).is_some(), "{e:?}");
            }
            // Keys may repeat (the last one wins, as in JSON.parse): the path still exists.
            _ => assert!(at_path(root, &e.path).is_some(), "{e:?}"),
        }
    }
}

/// Every string in the bundles, as a user's groups (plus one that is in none).
fn groups(root: &Value) -> Vec<String> {
    let mut out = vec!["not-in-any-bundle".to_owned()];
    let bundles = root
        .get("idleTokenTimeout")
        .and_then(|i| i.get("inactivityTimeoutGroupBundles"))
        .and_then(Value::as_array)
        .unwrap_or_default();
    for b in bundles {
        for g in b
            .get("groups")
            .and_then(Value::as_array)
            .unwrap_or_default()
        {
            if let Some(s) = g.as_str() {
                out.push(s.to_owned());
            }
        }
    }
    out
}

fn same(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => {
            x == y || (x - y).abs() <= x.abs().max(y.abs()) * 1e-15
        }
        (Value::Array(x), Value::Array(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(x, y)| same(x, y))
        }
        (Value::Object(x), Value::Object(y)) => {
            x.len() == y.len()
                && x.iter()
                    .zip(y)
                    .all(|((kx, x), (ky, y))| kx == ky && same(x, y))
        }
        _ => a == b,
    }
}

fuzz_target!(|data: &[u8]| {
    let value: Value = match serde_json::from_slice(data) {
        Ok(v) => v,
        Err(e) => {
            assert!(!e.to_string().is_empty());
            return;
        }
    };
    // The JSON layer round-trips (what the server stores is what the client reads) — numbers to
    // within an ulp or so: serde_json without `float_roundtrip` does not round numbers of more
    // than 17 significant digits exactly, which no timeout has.
    let again: Value = serde_json::from_slice(&serde_json::to_vec(&value).unwrap()).unwrap();
    assert!(same(&again, &value), "{again:?} != {value:?}");

    let errors = validate(&value);
    check(&value, &errors);
    let truncated = errors.last().is_some_and(|e| e.code() == "too-many-errors");
    let expected: Vec<&PolicyError> = errors
        .iter()
        .filter(|e| e.code() != "hipaa-cap-exceeded")
        .collect();
    match Policy::parse(&value) {
        Ok(policy) => {
            assert!(expected.is_empty(), "parse accepted {expected:?}");
            let all = groups(&value);
            for user in [&all[..1], &all[..], &all[all.len().saturating_sub(1)..]] {
                let r = resolve(&policy, user);
                match r.timeout_seconds {
                    Some(s) => {
                        assert!((300..=28_800).contains(&s), "{r:?}");
                        assert!(!policy.hipaa() || s <= 900, "{r:?}");
                        assert_ne!(r.source, Source::None);
                    }
                    None => assert_eq!(r.source, Source::None),
                }
                assert_eq!(r.source == Source::GroupBundle, r.bundle_priority.is_some());
                assert!(r.explain().ends_with('.'));
            }
        }
        Err(parse_errors) => {
            assert!(!parse_errors.is_empty());
            check(&value, &parse_errors);
            if !truncated {
                assert_eq!(parse_errors.iter().collect::<Vec<_>>(), expected);
            }
        }
    }
});
