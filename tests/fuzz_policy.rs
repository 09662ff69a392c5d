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

const IDLE: &str = "idleTokenTimeout";
const ORG: &str = "idleTokenTimeout.idleTokenTimeoutSeconds";
const BUNDLES: &str = "idleTokenTimeout.inactivityTimeoutGroupBundles";
const EXCLUSIONS: &str = "authSettings.inactivityTimeoutExclusions";

// ---- the model of a valid policy ----

#[derive(Debug, Clone)]
struct Bundle {
    priority: u32,
    timeout: u32,
    unit: Option<&'static str>,
    groups: Vec<String>,
}

#[derive(Debug, Clone)]
struct Model {
    hipaa: Option<bool>,
    org_enabled: bool,
    /// The org-wide seconds: in range when enabled, anything (or absent) when disabled.
    org_seconds: Option<f64>,
    org_unit: Option<&'static str>,
    groups_enabled: bool,
    /// In array order (priorities are a permutation of 1..=N).
    bundles: Vec<Bundle>,
    exclusions: Option<Vec<String>>,
    /// Unknown fields at every level (which must be ignored).
    extras: bool,
}

impl Model {
    fn hipaa(&self) -> bool {
        self.hipaa == Some(true)
    }

    fn value(&self) -> Value {
        let mut idle = vec![("enableIdleTokenTimeout", Value::Bool(self.org_enabled))];
        if let Some(s) = self.org_seconds {
            idle.push(("idleTokenTimeoutSeconds", Value::Number(s)));
        }
        if let Some(u) = self.org_unit {
            idle.push(("inactivityTimeoutUnit", Value::from(u)));
        }
        idle.push((
            "inactivityTimeoutGroupsEnabled",
            Value::Bool(self.groups_enabled),
        ));
        let bundles = self
            .bundles
            .iter()
            .map(|b| {
                let mut m = vec![
                    ("priority", Value::Number(f64::from(b.priority))),
                    ("timeoutSeconds", Value::Number(f64::from(b.timeout))),
                    (
                        "groups",
                        Value::Array(b.groups.iter().map(|g| Value::from(g.as_str())).collect()),
                    ),
                ];
                if let Some(u) = b.unit {
                    m.push(("inactivityTimeoutUnit", Value::from(u)));
                }
                if self.extras {
                    m.push(("name", Value::from("Bundle")));
                }
                obj(m)
            })
            .collect();
        idle.push(("inactivityTimeoutGroupBundles", Value::Array(bundles)));
        if self.extras {
            idle.push(("selfUri", Value::from("/api/v2/tokens/timeout")));
        }
        let mut root = vec![("idleTokenTimeout", obj(idle))];
        if let Some(list) = &self.exclusions {
            let mut auth = vec![(
                "inactivityTimeoutExclusions",
                Value::Array(list.iter().map(|e| Value::from(e.as_str())).collect()),
            )];
            if self.extras {
                auth.push(("multifactorAuthenticationRequired", Value::Bool(false)));
            }
            root.push(("authSettings", obj(auth)));
        }
        if let Some(h) = self.hipaa {
            root.push(("hipaa", Value::Bool(h)));
        }
        if self.extras {
            root.push((
                "extra",
                obj(vec![("nested", Value::Array(vec![Value::Null]))]),
            ));
        }
        obj(root)
    }

    /// What `resolve` must answer for a user in `groups`: (seconds, source, bundle priority,
    /// group, capped).
    fn resolution(&self, groups: &[String]) -> (Option<u32>, Source, Option<u32>, Option<String>) {
        let mut bundles: Vec<&Bundle> = self.bundles.iter().collect();
        bundles.sort_by_key(|b| b.priority);
        let hit = self
            .groups_enabled
            .then(|| {
                bundles.iter().find_map(|b| {
                    let g = b.groups.iter().find(|g| groups.contains(g))?;
                    Some((b.priority, b.timeout, g.clone()))
                })
            })
            .flatten();
        match hit {
            Some((p, t, g)) => (Some(t), Source::GroupBundle, Some(p), Some(g)),
            None if self.org_enabled => (
                self.org_seconds.map(|s| s as u32),
                Source::Organization,
                None,
                None,
            ),
            None if self.hipaa() => (Some(900), Source::Hipaa, None, None),
            None => (None, Source::None, None, None),
        }
    }
}

fn obj(members: Vec<(&str, Value)>) -> Value {
    Value::Object(
        members
            .into_iter()
            .map(|(k, v)| (k.to_owned(), v))
            .collect(),
    )
}

/// Distinct exclusion templates (no two normalize to the same).
const ENTRIES: &[&str] = &[
    "api/v2/users/me",
    "api/v2/featuretoggles",
    "api/v2/diagnostics/trace",
    "api/v2/diagnostics/newrelic/insights",
    "api/v2/integrations/clientapps",
    "api/v2/users/{userId}/presences/{sourceId}",
    "api/v2/users/{userId}/routingstatus",
    "api/v2/users/{userId}",
    "api/v2/routing/queues",
    "api/v2/routing/queues/{queueId}/members",
    "api/v2/conversations/{conversationId}",
    "api/v2/analytics/conversations/details/query",
    "api/v2/notifications/channels",
    "api/v2/tokens/me",
    "api/v2/caf%C3%A9/{id}",
    "api/v2/a-b_c~d.e",
];

/// A spelling of `entry` that normalizes to the same template.
fn respell(entry: &str, variant: usize) -> String {
    match variant % 5 {
        0 => entry.to_owned(),
        1 => format!("/{entry}"),
        2 => entry.to_ascii_uppercase().replace("%C3%A9", "%c3%a9"),
        3 => format!("{}/", entry.replace('/', "//")),
        _ => entry.replace("{userId}", "{id}").replace('a', "%61"),
    }
}

/// What a model needs for a mutation to apply.
#[derive(Debug, Clone, Copy, Default)]
struct Need {
    org_enabled: bool,
    org_disabled: bool,
    bundles: usize,
    groups_disabled: bool,
    exclusions: usize,
}

fn model(need: Need) -> impl Strategy<Value = Model> {
    let bundle_parts = prop::collection::vec(
        (
            300u32..=28_800,
            prop::option::of(prop::sample::select(vec!["Minutes", "Hours"])),
            1usize..=5,
        ),
        5,
    );
    (
        prop::option::of(any::<bool>()),
        any::<bool>(),
        (
            300u32..=28_800,
            prop::option::of(prop::sample::select(vec![
                0.0, 5.0, 299.0, 1e9, -1.0, 1800.0,
            ])),
        ),
        prop::option::of(prop::sample::select(vec!["Minutes", "Hours"])),
        any::<bool>(),
        0usize..=5,
        Just(vec![1u32, 2, 3, 4, 5]).prop_shuffle(),
        bundle_parts,
        prop::option::of(prop::collection::vec((0..ENTRIES.len(), 0usize..5), 0..10)),
        any::<bool>(),
    )
        .prop_map(
            move |(
                hipaa,
                org_on,
                (secs, junk),
                org_unit,
                groups_on,
                n,
                order,
                parts,
                excl,
                extras,
            )| {
                let hipaa_cap = |s: u32| {
                    if hipaa == Some(true) {
                        300 + s % 601
                    } else {
                        s
                    }
                };
                let org_enabled = (need.org_enabled || org_on) && !need.org_disabled;
                let org_seconds = if org_enabled {
                    Some(f64::from(hipaa_cap(secs)))
                } else {
                    junk
                };
                let groups_enabled = (need.bundles > 0 || groups_on) && !need.groups_disabled;
                let n = n.max(need.bundles);
                let priorities: Vec<u32> = order.into_iter().filter(|p| *p as usize <= n).collect();
                let mut next_group = 0;
                let bundles = priorities
                    .into_iter()
                    .zip(parts)
                    .map(|(priority, (timeout, unit, count))| Bundle {
                        priority,
                        timeout: hipaa_cap(timeout),
                        unit,
                        groups: (0..count)
                            .map(|_| {
                                next_group += 1;
                                // Group ids as real ones look, and a few odd but valid ones.
                                match next_group % 4 {
                                    0 => format!("g{next_group} with spaces"),
                                    1 => format!("{next_group:08x}-0000-4000-8000-000000000000"),
                                    2 => format!("gr\u{fc}ppe-{next_group}"),
                                    _ => format!("{next_group}"),
                                }
                            })
                            .collect(),
                    })
                    .collect();
                let exclusions = match excl {
                    None if need.exclusions == 0 => None,
                    picks => {
                        let mut seen = Vec::new();
                        let mut list = Vec::new();
                        for (i, v) in picks
                            .unwrap_or_default()
                            .into_iter()
                            .chain((0..need.exclusions).map(|i| (i, 0)))
                        {
                            if !seen.contains(&i) {
                                seen.push(i);
                                list.push(respell(ENTRIES[i], v));
                            }
                        }
                        Some(list)
                    }
                };
                Model {
                    hipaa,
                    org_enabled,
                    org_seconds,
                    org_unit,
                    groups_enabled,
                    bundles,
                    exclusions,
                    extras,
                }
            },
        )
}

/// JSON bytes of `value` (compact or pretty), read back as the browser and the server do.
fn through_bytes(value: &Value, pretty: bool) -> Value {
    let bytes = if pretty {
        serde_json::to_vec_pretty(value).unwrap()
    } else {
        serde_json::to_vec(value).unwrap()
    };
    serde_json::from_slice(&bytes).unwrap()
}

// ---- checks that hold for every error ----

/// The value at `path` (`a.b[1].c`; `""` is the root), if it exists.
fn at_path<'a>(root: &'a Value, path: &str) -> Option<&'a Value> {
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
fn check_errors(root: &Value, errors: &[PolicyError]) {
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
fn check_agreement(root: &Value) -> Vec<PolicyError> {
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

// ---- one mutation ----

#[derive(Debug, Clone)]
enum Mutation {
    /// Replace the value at a path (`None`: remove it) — (path, new value, expected code).
    Set(&'static str, Option<Value>, &'static str),
    /// The same at bundle `i`'s field.
    BundleField(usize, &'static str, Option<Value>, &'static str),
    /// Bundle `i`'s priority becomes bundle `j`'s.
    DuplicatePriority(usize, usize),
    /// Group `k` of bundle `i` becomes this.
    Group(usize, usize, Value, &'static str),
    /// Bundle `i` lists its first group again.
    DuplicateGroup(usize),
    /// Bundle `j` also lists bundle `i`'s first group.
    GroupInTwoBundles(usize, usize),
    /// Six bundles.
    TooManyBundles,
    /// Twenty-six groups.
    TooManyGroups,
    /// An exclusion entry added: (entry, expected code).
    Entry(Value, &'static str),
    /// Entry `k` added again in another spelling.
    DuplicateEntry(usize, usize),
    /// 201 entries.
    TooManyEntries,
    /// A HIPAA organization with an org-wide timeout above 15 minutes.
    HipaaCap(u32),
    /// Range and shape errors in a disabled part: still valid.
    DisabledParts,
    /// Nested arrays under an unknown field: fine up to the depth limit, unreadable beyond.
    Nesting(usize),
}

fn number_or(values: Vec<f64>) -> impl Strategy<Value = Option<Value>> {
    prop::sample::select(values).prop_map(|n| Some(Value::Number(n)))
}

/// A value of any JSON type but `expected`.
fn wrong_type(expected: JsonType) -> impl Strategy<Value = Option<Value>> {
    let all = vec![
        Value::from("1800"),
        Value::Bool(true),
        Value::Number(1.0),
        Value::Array(vec![]),
        obj(vec![("seconds", Value::Number(1800.0))]),
    ];
    prop::sample::select(
        all.into_iter()
            .filter(|v| v.json_type() != expected)
            .collect::<Vec<_>>(),
    )
    .prop_map(Some)
}

fn mutation() -> impl Strategy<Value = (Mutation, Need)> {
    let org = Need {
        org_enabled: true,
        ..Need::default()
    };
    let any_need = Need::default();
    let bundles = |n| Need {
        bundles: n,
        ..Need::default()
    };
    let i = || 0usize..5;
    prop_oneof![
        number_or(vec![0.0, 299.0, 28_801.0, -300.0, 1e9])
            .prop_map(move |v| (Mutation::Set(ORG, v, "timeout-out-of-range"), org)),
        number_or(vec![1800.5, 300.25, 1e-9])
            .prop_map(move |v| (Mutation::Set(ORG, v, "not-an-integer"), org)),
        wrong_type(JsonType::Number)
            .prop_map(move |v| (Mutation::Set(ORG, v, "wrong-type"), any_need)),
        prop::sample::select(vec![None, Some(Value::Null)])
            .prop_map(move |v| (Mutation::Set(ORG, v, "missing"), org)),
        wrong_type(JsonType::Boolean).prop_map(move |v| (
            Mutation::Set("idleTokenTimeout.enableIdleTokenTimeout", v, "wrong-type"),
            any_need
        )),
        wrong_type(JsonType::Boolean).prop_map(move |v| (
            Mutation::Set(
                "idleTokenTimeout.inactivityTimeoutGroupsEnabled",
                v,
                "wrong-type"
            ),
            any_need
        )),
        prop::sample::select(vec!["minutes", "Days", "", "HOURS", "Minutes "]).prop_map(move |u| (
            Mutation::Set(
                "idleTokenTimeout.inactivityTimeoutUnit",
                Some(Value::from(u)),
                "invalid-unit"
            ),
            any_need
        )),
        Just((
            Mutation::Set(
                "idleTokenTimeout.inactivityTimeoutUnit",
                Some(Value::Number(60.0)),
                "wrong-type"
            ),
            any_need
        )),
        prop::sample::select(vec![None, Some(Value::Null)])
            .prop_map(move |v| (Mutation::Set(IDLE, v, "missing"), any_need)),
        wrong_type(JsonType::Object)
            .prop_map(move |v| (Mutation::Set(IDLE, v, "wrong-type"), any_need)),
        prop::sample::select(vec![
            Value::Array(vec![]),
            Value::from("{}"),
            Value::Number(1.0),
            Value::Null,
            Value::Bool(false)
        ])
        .prop_map(move |v| (Mutation::Set("", Some(v), "wrong-type"), any_need)),
        wrong_type(JsonType::Boolean)
            .prop_map(move |v| (Mutation::Set("hipaa", v, "wrong-type"), any_need)),
        wrong_type(JsonType::Array)
            .prop_map(move |v| (Mutation::Set(BUNDLES, v, "wrong-type"), any_need)),
        prop::sample::select(vec![
            Value::from("x"),
            Value::Array(vec![]),
            Value::Number(1.0)
        ])
        .prop_map(move |v| (
            Mutation::Set("authSettings", Some(v), "wrong-type"),
            any_need
        )),
        prop::sample::select(vec![
            Value::from("api/v2/users/me"),
            Value::Bool(true),
            obj(vec![])
        ])
        .prop_map(move |v| (Mutation::Set(EXCLUSIONS, Some(v), "wrong-type"), any_need)),
        (i(), number_or(vec![0.0, 299.0, 28_801.0, 86_400.0])).prop_map(move |(i, v)| (
            Mutation::BundleField(i, "timeoutSeconds", v, "timeout-out-of-range"),
            bundles(i + 1)
        )),
        (i(), prop::sample::select(vec![None, Some(Value::Null)])).prop_map(move |(i, v)| (
            Mutation::BundleField(i, "timeoutSeconds", v, "missing"),
            bundles(i + 1)
        )),
        (i(), number_or(vec![0.0, -1.0, -1e9])).prop_map(move |(i, v)| (
            Mutation::BundleField(i, "priority", v, "priority-out-of-range"),
            bundles(i + 1)
        )),
        (i(), number_or(vec![6.0, 99.0, 1e12])).prop_map(move |(i, v)| (
            Mutation::BundleField(i, "priority", v, "priority-gap"),
            bundles(i + 1)
        )),
        (i(), number_or(vec![1.5, 0.999])).prop_map(move |(i, v)| (
            Mutation::BundleField(i, "priority", v, "not-an-integer"),
            bundles(i + 1)
        )),
        (i(), wrong_type(JsonType::Number)).prop_map(move |(i, v)| (
            Mutation::BundleField(i, "priority", v, "wrong-type"),
            bundles(i + 1)
        )),
        i().prop_map(move |i| (
            Mutation::BundleField(i, "groups", Some(Value::Array(vec![])), "empty-bundle"),
            bundles(i + 1)
        )),
        i().prop_map(move |i| (
            Mutation::BundleField(i, "groups", None, "missing"),
            bundles(i + 1)
        )),
        (
            i(),
            prop::sample::select(vec![Value::from("g"), Value::Number(1.0)])
        )
            .prop_map(move |(i, v)| (
                Mutation::BundleField(i, "groups", Some(v), "wrong-type"),
                bundles(i + 1)
            )),
        (
            i(),
            prop::sample::select(vec![
                Value::from("bundle"),
                Value::Number(1.0),
                Value::Array(vec![])
            ])
        )
            .prop_map(move |(i, v)| (
                Mutation::BundleField(i, "", Some(v), "wrong-type"),
                bundles(i + 1)
            )),
        (i(), 0usize..5, prop::sample::select(vec!["", " ", "\t\n"])).prop_map(move |(i, k, g)| (
            Mutation::Group(i, k, Value::from(g), "empty-group-id"),
            bundles(i + 1)
        )),
        (
            i(),
            0usize..5,
            prop::sample::select(vec![Value::Number(7.0), Value::Null, Value::Array(vec![])])
        )
            .prop_map(move |(i, k, g)| (
                Mutation::Group(i, k, g, "wrong-type"),
                Need {
                    bundles: i + 1,
                    ..Need::default()
                }
            )),
        i().prop_map(move |i| (Mutation::DuplicateGroup(i), bundles(i + 1))),
        (i(), i())
            .prop_filter("two bundles", |(i, j)| i != j)
            .prop_map(move |(i, j)| (Mutation::DuplicatePriority(i, j), bundles(i.max(j) + 1))),
        (i(), i())
            .prop_filter("two bundles", |(i, j)| i != j)
            .prop_map(move |(i, j)| (Mutation::GroupInTwoBundles(i, j), bundles(i.max(j) + 1))),
        Just((Mutation::TooManyBundles, bundles(1))),
        Just((Mutation::TooManyGroups, bundles(1))),
        prop::sample::select(vec![
            ("", "exclusion-empty"),
            ("   ", "exclusion-empty"),
            ("///", "exclusion-empty"),
            ("api/v2/users me", "exclusion-whitespace"),
            ("api/v2/users/me\n", "exclusion-whitespace"),
            (
                "https://api.example.com/api/v2/users/me",
                "exclusion-absolute-url"
            ),
            ("api/v2/users/me?expand=groups", "exclusion-query"),
            ("api/v2/users/me#x", "exclusion-fragment"),
            ("api/v2/users/*", "exclusion-wildcard"),
            ("api/v2/../users/me", "exclusion-dot-segment"),
            ("api/v2/%2e/me", "exclusion-dot-segment"),
            ("api/v2/users/{userId", "exclusion-unclosed-brace"),
            ("api/v2/users/{}", "exclusion-empty-parameter"),
            ("api/v2/users/v{n}", "exclusion-partial-parameter"),
            ("api/v2/{a}{b}", "exclusion-partial-parameter"),
            ("api/v2/users}", "exclusion-stray-brace"),
        ])
        .prop_map(|(e, code)| (Mutation::Entry(Value::from(e), code), Need::default())),
        prop::sample::select(vec![
            Value::Number(1.0),
            Value::Null,
            Value::Array(vec![]),
            Value::Bool(true)
        ])
        .prop_map(|v| (Mutation::Entry(v, "wrong-type"), Need::default())),
        Just((
            Mutation::Entry(
                Value::String(format!("api/{}", "a".repeat(509))),
                "exclusion-too-long"
            ),
            Need::default()
        )),
        (0usize..3, 1usize..5).prop_map(|(k, v)| (
            Mutation::DuplicateEntry(k, v),
            Need {
                exclusions: k + 1,
                ..Need::default()
            }
        )),
        Just((Mutation::TooManyEntries, Need::default())),
        (901u32..=28_800).prop_map(move |s| (Mutation::HipaaCap(s), org)),
        Just((
            Mutation::DisabledParts,
            Need {
                org_disabled: true,
                groups_disabled: true,
                bundles: 0,
                ..Need::default()
            }
        )),
        prop::sample::select(vec![1usize, 30, 60, 61, 62, 100])
            .prop_map(|d| (Mutation::Nesting(d), Need::default())),
    ]
}

fn member<'a>(v: &'a mut Value, key: &str) -> &'a mut Value {
    if v.is_null() {
        *v = Value::Object(vec![]);
    }
    let Value::Object(members) = v else {
        panic!("not an object: {v:?}")
    };
    if let Some(i) = members.iter().position(|(k, _)| k == key) {
        return &mut members[i].1;
    }
    members.push((key.to_owned(), Value::Null));
    &mut members.last_mut().unwrap().1
}

fn set(root: &mut Value, path: &str, new: Option<Value>) {
    if path.is_empty() {
        *root = new.unwrap_or(Value::Null);
        return;
    }
    let (parent, key) = path.rsplit_once('.').unwrap_or(("", path));
    let mut v = root;
    for part in parent.split('.').filter(|p| !p.is_empty()) {
        v = member(v, part);
    }
    match new {
        Some(new) => *member(v, key) = new,
        None => {
            if let Value::Object(members) = v {
                members.retain(|(k, _)| k != key);
            }
        }
    }
}

fn bundle(root: &mut Value, i: usize) -> &mut Value {
    let Value::Array(items) = member(member(root, IDLE), "inactivityTimeoutGroupBundles") else {
        panic!("no bundles")
    };
    &mut items[i]
}

fn items(v: &mut Value) -> &mut Vec<Value> {
    match v {
        Value::Array(items) => items,
        other => panic!("not an array: {other:?}"),
    }
}

fn exclusions(root: &mut Value) -> &mut Vec<Value> {
    let list = member(member(root, "authSettings"), "inactivityTimeoutExclusions");
    if !matches!(list, Value::Array(_)) {
        *list = Value::Array(vec![]);
    }
    items(list)
}

/// What the mutation must produce: an error (path, code), or none.
enum Expect {
    Error(String, &'static str),
    Valid,
    HipaaCapped,
    Unreadable,
}

fn mutate(model: &Model, root: &mut Value, m: &Mutation) -> Expect {
    let n = model.bundles.len();
    let groups = |i: usize| model.bundles[i].groups.len();
    match m {
        Mutation::Set(path, v, code) => {
            set(root, path, v.clone());
            Expect::Error((*path).to_owned(), code)
        }
        Mutation::BundleField(i, field, v, code) => {
            let b = bundle(root, *i);
            if field.is_empty() {
                *b = v.clone().unwrap();
                return Expect::Error(format!("{BUNDLES}[{i}]"), code);
            }
            match v {
                Some(v) => *member(b, field) = v.clone(),
                None => {
                    if let Value::Object(m) = b {
                        m.retain(|(k, _)| k != field);
                    }
                }
            }
            Expect::Error(format!("{BUNDLES}[{i}].{field}"), code)
        }
        Mutation::DuplicatePriority(i, j) => {
            let p = Value::Number(f64::from(model.bundles[*i].priority));
            *member(bundle(root, *j), "priority") = p;
            Expect::Error(
                format!("{BUNDLES}[{}].priority", i.max(j)),
                "duplicate-priority",
            )
        }
        Mutation::Group(i, k, v, code) => {
            let k = k % groups(*i);
            items(member(bundle(root, *i), "groups"))[k] = v.clone();
            Expect::Error(format!("{BUNDLES}[{i}].groups[{k}]"), code)
        }
        Mutation::DuplicateGroup(i) => {
            let list = items(member(bundle(root, *i), "groups"));
            list.push(list[0].clone());
            Expect::Error(
                format!("{BUNDLES}[{i}].groups[{}]", groups(*i)),
                "duplicate-group",
            )
        }
        Mutation::GroupInTwoBundles(i, j) => {
            let g = Value::from(model.bundles[*i].groups[0].as_str());
            items(member(bundle(root, *j), "groups")).push(g);
            // Reported at the later occurrence in document order.
            let at = if j > i {
                format!("{BUNDLES}[{j}].groups[{}]", groups(*j))
            } else {
                format!("{BUNDLES}[{i}].groups[0]")
            };
            Expect::Error(at, "group-in-several-bundles")
        }
        Mutation::TooManyBundles => {
            let list = items(member(member(root, IDLE), "inactivityTimeoutGroupBundles"));
            for p in n + 1..=6 {
                list.push(obj(vec![
                    ("priority", Value::Number(p as f64)),
                    ("timeoutSeconds", Value::Number(600.0)),
                    (
                        "groups",
                        Value::Array(vec![Value::String(format!("extra-{p}"))]),
                    ),
                ]));
            }
            Expect::Error(BUNDLES.to_owned(), "too-many-bundles")
        }
        Mutation::TooManyGroups => {
            let total: usize = model.bundles.iter().map(|b| b.groups.len()).sum();
            let list = items(member(bundle(root, 0), "groups"));
            for g in total..26 {
                list.push(Value::String(format!("more-{g}")));
            }
            Expect::Error(BUNDLES.to_owned(), "too-many-groups")
        }
        Mutation::Entry(v, code) => {
            let list = exclusions(root);
            list.push(v.clone());
            Expect::Error(format!("{EXCLUSIONS}[{}]", list.len() - 1), code)
        }
        Mutation::DuplicateEntry(k, variant) => {
            let list = exclusions(root);
            let again = respell(ENTRIES[*k], *variant);
            list.push(Value::String(again));
            Expect::Error(
                format!("{EXCLUSIONS}[{}]", list.len() - 1),
                "exclusion-duplicate",
            )
        }
        Mutation::TooManyEntries => {
            let list = exclusions(root);
            list.clear();
            list.extend((0..201).map(|i| Value::String(format!("api/v2/x{i}"))));
            Expect::Error(EXCLUSIONS.to_owned(), "too-many-exclusions")
        }
        Mutation::HipaaCap(s) => {
            set(root, "hipaa", Some(Value::Bool(true)));
            set(root, ORG, Some(Value::Number(f64::from(*s))));
            // Bundles may exceed the cap too, which is then reported at them as well.
            Expect::HipaaCapped
        }
        Mutation::DisabledParts => {
            set(root, ORG, Some(Value::Number(5.0)));
            let list = items(member(member(root, IDLE), "inactivityTimeoutGroupBundles"));
            list.push(obj(vec![
                ("priority", Value::Number(0.0)),
                ("timeoutSeconds", Value::Number(1e9)),
                (
                    "groups",
                    Value::Array(vec![Value::from(""), Value::from("")]),
                ),
            ]));
            list.push(obj(vec![("priority", Value::Number(0.5))]));
            Expect::Valid
        }
        Mutation::Nesting(depth) => {
            let mut v = Value::Null;
            for _ in 0..*depth {
                v = Value::Array(vec![v]);
            }
            set(root, "deep", Some(v));
            // The root object is level 1.
            if depth + 1 > 64 {
                Expect::Unreadable
            } else {
                Expect::Valid
            }
        }
    }
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
