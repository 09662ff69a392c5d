//! Property tests: random policies never panic; a policy that validates resolves to a legal
//! timeout or none; parse and validate agree.
#![cfg(not(target_arch = "wasm32"))]

use inactivity_core::json::Value;
use inactivity_core::policy::{resolve, validate, Policy, Source};
use proptest::prelude::*;

fn obj(members: Vec<(&str, Value)>) -> Value {
    Value::Object(
        members
            .into_iter()
            .map(|(k, v)| (k.to_owned(), v))
            .collect(),
    )
}

/// Numbers around every boundary, plus hostile ones.
fn number() -> impl Strategy<Value = f64> {
    prop_oneof![
        4 => prop::sample::select(vec![
            -1.0, 0.0, 1.0, 2.0, 3.0, 5.0, 6.0, 299.0, 300.0, 600.0, 899.0, 900.0, 901.0, 1800.0,
            28_800.0, 28_801.0, 1800.5, 4_294_967_296.0, 1e300, -1e300,
        ]),
        1 => prop::sample::select(vec![f64::NAN, f64::INFINITY, f64::NEG_INFINITY, -0.0]),
        2 => any::<f64>(),
        2 => (0u32..30_000).prop_map(f64::from),
    ]
}

/// Any JSON value, shallow.
fn anything() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        number().prop_map(Value::Number),
        "[a-zA-Z0-9 {}/?#.*%]{0,12}".prop_map(Value::String),
    ];
    leaf.prop_recursive(3, 16, 4, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
            prop::collection::vec(("[a-z]{1,3}", inner), 0..4).prop_map(Value::Object),
        ]
    })
}

/// A value of the right type most of the time, anything otherwise.
fn mostly<T: Strategy<Value = Value> + 'static>(good: T) -> BoxedStrategy<Option<Value>> {
    prop_oneof![
        6 => good.prop_map(Some),
        1 => Just(None),
        1 => anything().prop_map(Some),
    ]
    .boxed()
}

fn group_id() -> impl Strategy<Value = String> {
    prop::sample::select(vec!["g1", "g2", "g3", "g4", "g5", "g6", "", " "]).prop_map(str::to_owned)
}

fn bundle() -> impl Strategy<Value = Value> {
    (
        mostly((0u32..8).prop_map(|p| Value::Number(f64::from(p)))),
        mostly(number().prop_map(Value::Number)),
        mostly(prop::sample::select(vec!["Minutes", "Hours", "Days"]).prop_map(Value::from)),
        mostly(
            prop::collection::vec(group_id().prop_map(Value::String), 0..8).prop_map(Value::Array),
        ),
    )
        .prop_map(|(priority, timeout, unit, groups)| {
            let mut m = Vec::new();
            for (k, v) in [
                ("priority", priority),
                ("timeoutSeconds", timeout),
                ("inactivityTimeoutUnit", unit),
                ("groups", groups),
            ] {
                if let Some(v) = v {
                    m.push((k, v));
                }
            }
            obj(m)
        })
}

fn entry() -> impl Strategy<Value = String> {
    prop_oneof![
        prop::sample::select(vec![
            "api/v2/users/me",
            "api/v2/users/{userId}",
            "API/V2/Users/Me/",
            "api/v2/{x}/me",
            "api/v2/featuretoggles",
            "",
            "a b",
            "a?b",
            "a/../b",
            "a/{b",
            "a/{}",
            "a/v{x}",
            "*",
        ])
        .prop_map(str::to_owned),
        "[a-z{}/.%]{1,20}",
    ]
}

/// A policy-shaped value: the right fields, each usually of the right type and near a boundary.
fn policy() -> impl Strategy<Value = Value> {
    let idle = (
        mostly(any::<bool>().prop_map(Value::Bool)),
        mostly(number().prop_map(Value::Number)),
        mostly(any::<bool>().prop_map(Value::Bool)),
        mostly(prop::collection::vec(bundle(), 0..7).prop_map(Value::Array)),
    )
        .prop_map(|(enabled, seconds, groups_enabled, bundles)| {
            let mut m = Vec::new();
            for (k, v) in [
                ("enableIdleTokenTimeout", enabled),
                ("idleTokenTimeoutSeconds", seconds),
                ("inactivityTimeoutGroupsEnabled", groups_enabled),
                ("inactivityTimeoutGroupBundles", bundles),
            ] {
                if let Some(v) = v {
                    m.push((k, v));
                }
            }
            obj(m)
        });
    (
        mostly(idle),
        mostly(any::<bool>().prop_map(Value::Bool)),
        mostly(
            prop::collection::vec(entry().prop_map(Value::String), 0..6)
                .prop_map(|e| obj(vec![("inactivityTimeoutExclusions", Value::Array(e))])),
        ),
    )
        .prop_map(|(idle, hipaa, auth)| {
            let mut m = Vec::new();
            for (k, v) in [
                ("idleTokenTimeout", idle),
                ("hipaa", hipaa),
                ("authSettings", auth),
            ] {
                if let Some(v) = v {
                    m.push((k, v));
                }
            }
            obj(m)
        })
}

fn user_groups() -> impl Strategy<Value = Vec<String>> {
    prop::collection::vec(group_id(), 0..4)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn anything_never_panics(v in anything(), groups in user_groups()) {
        let errors = validate(&v);
        prop_assert!(errors.len() <= 101);
        for e in &errors {
            prop_assert!(!e.code().is_empty());
            prop_assert!(!e.to_string().is_empty());
        }
        if let Ok(p) = Policy::parse(&v) {
            let _ = resolve(&p, &groups).explain();
        }
    }

    #[test]
    fn valid_policies_resolve_to_a_legal_timeout(v in policy(), groups in user_groups()) {
        let errors = validate(&v);
        let parsed = Policy::parse(&v);
        // parse reports exactly validate's errors minus the HIPAA cap.
        // (Compared by path and code: NaN in an error is not equal to itself.)
        let key = |e: &inactivity_core::policy::PolicyError| (e.path.clone(), e.code(), e.to_string());
        let structural: Vec<_> = errors.iter().filter(|e| e.code() != "hipaa-cap-exceeded").map(key).collect();
        match &parsed {
            Ok(_) => prop_assert!(structural.is_empty(), "{:?}", structural),
            Err(e) => prop_assert_eq!(e.iter().map(key).collect::<Vec<_>>(), structural),
        }
        if let Ok(p) = parsed {
            let r = resolve(&p, &groups);
            prop_assert!(!r.explain().is_empty());
            match (r.timeout_seconds, r.source) {
                (None, Source::None) => prop_assert!(!p.hipaa(), "HIPAA always has a timeout"),
                (Some(900), Source::Hipaa) => prop_assert!(p.hipaa()),
                (Some(t), Source::GroupBundle | Source::Organization) => {
                    prop_assert!((300..=28_800).contains(&t), "{}", t);
                    if p.hipaa() { prop_assert!(t <= 900, "{}", t); }
                    if r.hipaa_capped { prop_assert_eq!(t, 900); }
                }
                other => prop_assert!(false, "impossible resolution {:?}", other),
            }
            prop_assert_eq!(r.bundle_priority.is_some(), r.source == Source::GroupBundle);
            prop_assert_eq!(r.group_id.is_some(), r.source == Source::GroupBundle);
            if let Some(g) = &r.group_id { prop_assert!(groups.contains(g)); }
            // A fully valid policy (HIPAA cap included) never needs capping.
            if errors.is_empty() { prop_assert!(!r.hipaa_capped); }
        }
    }

    #[test]
    fn json_text_never_panics(text in "[\\[\\]{}:,\"a0-9.eE+-]{0,64}") {
        if let Ok(v) = serde_json::from_str::<Value>(&text) {
            let _ = validate(&v);
            let back = serde_json::to_string(&v).unwrap();
            prop_assert_eq!(serde_json::from_str::<Value>(&back).unwrap(), v);
        }
    }
}
