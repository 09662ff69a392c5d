//! One mutation of a valid policy, and the error it must produce.

use super::*;

#[derive(Debug, Clone)]
pub(crate) enum Mutation {
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

pub(crate) fn number_or(values: Vec<f64>) -> impl Strategy<Value = Option<Value>> {
    prop::sample::select(values).prop_map(|n| Some(Value::Number(n)))
}

/// A value of any JSON type but `expected`.
pub(crate) fn wrong_type(expected: JsonType) -> impl Strategy<Value = Option<Value>> {
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

pub(crate) fn mutation() -> impl Strategy<Value = (Mutation, Need)> {
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

pub(crate) fn member<'a>(v: &'a mut Value, key: &str) -> &'a mut Value {
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

pub(crate) fn set(root: &mut Value, path: &str, new: Option<Value>) {
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

pub(crate) fn bundle(root: &mut Value, i: usize) -> &mut Value {
    let Value::Array(items) = member(member(root, IDLE), "inactivityTimeoutGroupBundles") else {
        panic!("no bundles")
    };
    &mut items[i]
}

pub(crate) fn items(v: &mut Value) -> &mut Vec<Value> {
    match v {
        Value::Array(items) => items,
        other => panic!("not an array: {other:?}"),
    }
}

pub(crate) fn exclusions(root: &mut Value) -> &mut Vec<Value> {
    let list = member(member(root, "authSettings"), "inactivityTimeoutExclusions");
    if !matches!(list, Value::Array(_)) {
        *list = Value::Array(vec![]);
    }
    items(list)
}

/// What the mutation must produce: an error (path, code), or none.
pub(crate) enum Expect {
    Error(String, &'static str),
    Valid,
    HipaaCapped,
    Unreadable,
}

pub(crate) fn mutate(model: &Model, root: &mut Value, m: &Mutation) -> Expect {
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
