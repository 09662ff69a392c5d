//! Validation of every rule of docs/rules.md §2, at and around each boundary. One table, one `check()`.

use inactivity_core::json::Value;
use inactivity_core::policy::{validate, Policy};
use serde_json::{json, Value as J};

pub(crate) fn value(j: J) -> Value {
    serde_json::from_value(j).expect("a Value deserializes from any JSON")
}

/// Asserts the (path, code) pairs that `validate` reports, and that `Policy::parse` agrees
/// (it reports the same errors minus the HIPAA cap).
#[track_caller]
pub(crate) fn check(policy: J, expected: &[(&str, &str)]) {
    let v = value(policy);
    let got: Vec<(String, &str)> = validate(&v)
        .iter()
        .map(|e| (e.path.clone(), e.code()))
        .collect();
    let want: Vec<(String, &str)> = expected.iter().map(|(p, c)| (p.to_string(), *c)).collect();
    assert_eq!(got, want, "validate({v:?})");
    let structural: Vec<(String, &str)> = want
        .into_iter()
        .filter(|(_, c)| *c != "hipaa-cap-exceeded")
        .collect();
    match Policy::parse(&v) {
        Ok(_) => assert!(
            structural.is_empty(),
            "parse accepted {v:?}; expected {structural:?}"
        ),
        Err(errors) => {
            let got: Vec<(String, &str)> =
                errors.iter().map(|e| (e.path.clone(), e.code())).collect();
            assert_eq!(got, structural, "parse({v:?})");
        }
    }
}

fn org(seconds: J) -> J {
    json!({ "idleTokenTimeout": { "enableIdleTokenTimeout": true, "idleTokenTimeoutSeconds": seconds } })
}

fn bundle(priority: J, seconds: J, groups: J) -> J {
    json!({ "priority": priority, "timeoutSeconds": seconds, "inactivityTimeoutUnit": "Minutes", "groups": groups })
}

fn grouped(bundles: J) -> J {
    json!({ "idleTokenTimeout": { "inactivityTimeoutGroupsEnabled": true, "inactivityTimeoutGroupBundles": bundles } })
}

fn grouped_disabled(bundles: J) -> J {
    json!({ "idleTokenTimeout": { "inactivityTimeoutGroupsEnabled": false, "inactivityTimeoutGroupBundles": bundles } })
}

fn hipaa(mut policy: J) -> J {
    policy["hipaa"] = json!(true);
    policy
}

pub(crate) fn excl(entries: J) -> J {
    json!({ "idleTokenTimeout": {}, "authSettings": { "inactivityTimeoutExclusions": entries } })
}

mod exclusions;

const OTO: &str = "idleTokenTimeout.idleTokenTimeoutSeconds";
const B: &str = "idleTokenTimeout.inactivityTimeoutGroupBundles";
pub(crate) const X: &str = "authSettings.inactivityTimeoutExclusions";

#[test]
fn root_and_types() {
    check(json!(null), &[("", "wrong-type")]);
    check(json!(5), &[("", "wrong-type")]);
    check(json!("policy"), &[("", "wrong-type")]);
    check(json!([]), &[("", "wrong-type")]);
    check(json!({}), &[("idleTokenTimeout", "missing")]);
    check(
        json!({ "idleTokenTimeout": null }),
        &[("idleTokenTimeout", "missing")],
    );
    check(
        json!({ "idleTokenTimeout": [] }),
        &[("idleTokenTimeout", "wrong-type")],
    );
    check(json!({ "idleTokenTimeout": {} }), &[]);
    check(
        json!({ "idleTokenTimeout": {}, "hipaa": "yes" }),
        &[("hipaa", "wrong-type")],
    );
    check(json!({ "idleTokenTimeout": {}, "hipaa": null }), &[]);
    check(
        json!({ "idleTokenTimeout": {}, "authSettings": 5 }),
        &[("authSettings", "wrong-type")],
    );
    check(json!({ "idleTokenTimeout": {}, "authSettings": null }), &[]);
    check(json!({ "idleTokenTimeout": {}, "authSettings": {} }), &[]);
    // Everything wrong at once: all errors, in document order of the rules.
    check(
        json!({ "idleTokenTimeout": { "enableIdleTokenTimeout": "yes", "inactivityTimeoutGroupsEnabled": 1 },
                "hipaa": 0, "authSettings": [] }),
        &[
            ("hipaa", "wrong-type"),
            ("idleTokenTimeout.enableIdleTokenTimeout", "wrong-type"),
            (
                "idleTokenTimeout.inactivityTimeoutGroupsEnabled",
                "wrong-type",
            ),
            ("authSettings", "wrong-type"),
        ],
    );
}

#[test]
fn unknown_fields_and_real_responses_pass_through() {
    check(
        json!({
            "idleTokenTimeout": {
                "enableIdleTokenTimeout": true, "idleTokenTimeoutSeconds": 1800,
                "inactivityTimeoutUnit": "Minutes", "inactivityTimeoutGroupsEnabled": true,
                "inactivityTimeoutGroupBundles": [
                    { "priority": 2, "timeoutSeconds": 3600, "inactivityTimeoutUnit": "Hours", "groups": ["b", "c"], "name": "x" },
                    { "priority": 1, "timeoutSeconds": 600, "groups": ["a"], "extra": [1, 2, { "deep": null }] }
                ],
                "selfUri": "/api/v2/tokens/timeout"
            },
            "authSettings": { "multifactorAuthRequired": false, "domainAllowlistEnabled": true,
                              "inactivityTimeoutExclusions": ["api/v2/users/me", "api/v2/featuretoggles"] },
            "hipaa": false,
            "somethingElse": { "a": 1 }
        }),
        &[],
    );
}

#[test]
fn org_wide_timeout() {
    check(org(json!(299)), &[(OTO, "timeout-out-of-range")]);
    check(org(json!(300)), &[]);
    check(org(json!(301)), &[]);
    check(org(json!(28_799)), &[]);
    check(org(json!(28_800)), &[]);
    check(org(json!(28_801)), &[(OTO, "timeout-out-of-range")]);
    check(org(json!(0)), &[(OTO, "timeout-out-of-range")]);
    check(org(json!(-1800)), &[(OTO, "timeout-out-of-range")]);
    check(
        org(json!(4_294_967_296u64)),
        &[(OTO, "timeout-out-of-range")],
    );
    check(org(json!(1e300)), &[(OTO, "timeout-out-of-range")]);
    check(org(json!(1800.5)), &[(OTO, "not-an-integer")]);
    check(org(json!(300.0)), &[]);
    check(org(json!(299.999)), &[(OTO, "not-an-integer")]);
    check(org(json!("1800")), &[(OTO, "wrong-type")]);
    check(org(json!(true)), &[(OTO, "wrong-type")]);
    check(org(json!(null)), &[(OTO, "missing")]);
    check(
        json!({ "idleTokenTimeout": { "enableIdleTokenTimeout": true } }),
        &[(OTO, "missing")],
    );
    check(
        json!({ "idleTokenTimeout": { "enableIdleTokenTimeout": "true", "idleTokenTimeoutSeconds": 5 } }),
        &[("idleTokenTimeout.enableIdleTokenTimeout", "wrong-type")],
    );
}

#[test]
fn disabled_org_wide_values_are_ignored_but_typed() {
    let off = |seconds: J| json!({ "idleTokenTimeout": { "enableIdleTokenTimeout": false, "idleTokenTimeoutSeconds": seconds } });
    check(off(json!(5)), &[]);
    check(off(json!(-1)), &[]);
    check(off(json!(0)), &[]);
    check(off(json!(1800.5)), &[]);
    check(off(json!(99_999_999)), &[]);
    check(off(json!(null)), &[]);
    check(off(json!("1800")), &[(OTO, "wrong-type")]);
    check(off(json!([])), &[(OTO, "wrong-type")]);
    // HIPAA: a disabled value above 900 is ignored too.
    check(hipaa(off(json!(28_800))), &[]);
}

#[test]
fn units() {
    let unit = |u: J| json!({ "idleTokenTimeout": { "enableIdleTokenTimeout": true, "idleTokenTimeoutSeconds": 1800, "inactivityTimeoutUnit": u } });
    let path = "idleTokenTimeout.inactivityTimeoutUnit";
    check(unit(json!("Minutes")), &[]);
    check(unit(json!("Hours")), &[]);
    check(unit(json!(null)), &[]);
    check(unit(json!("minutes")), &[(path, "invalid-unit")]);
    check(unit(json!("Days")), &[(path, "invalid-unit")]);
    check(unit(json!("")), &[(path, "invalid-unit")]);
    check(unit(json!(60)), &[(path, "wrong-type")]);
    // The unit is an enum: part of the field's type, checked in a disabled part too.
    check(
        json!({ "idleTokenTimeout": { "inactivityTimeoutUnit": "Days" } }),
        &[(path, "invalid-unit")],
    );
    check(
        grouped(
            json!([{ "priority": 1, "timeoutSeconds": 600, "inactivityTimeoutUnit": "Weeks", "groups": ["g"] }]),
        ),
        &[(&format!("{B}[0].inactivityTimeoutUnit"), "invalid-unit")],
    );
}

#[test]
fn hipaa_cap() {
    check(hipaa(org(json!(899))), &[]);
    check(hipaa(org(json!(900))), &[]);
    check(hipaa(org(json!(901))), &[(OTO, "hipaa-cap-exceeded")]);
    check(hipaa(org(json!(28_800))), &[(OTO, "hipaa-cap-exceeded")]);
    check(org(json!(901)), &[]);
    // Out of range reports the range error only (one error per field).
    check(hipaa(org(json!(28_801))), &[(OTO, "timeout-out-of-range")]);
    check(hipaa(org(json!(299))), &[(OTO, "timeout-out-of-range")]);
    // HIPAA with everything off is valid: the 15-minute default applies.
    check(hipaa(json!({ "idleTokenTimeout": {} })), &[]);
    check(
        hipaa(grouped(json!([
            bundle(json!(1), json!(900), json!(["a"])),
            bundle(json!(2), json!(901), json!(["b"])),
        ]))),
        &[(&format!("{B}[1].timeoutSeconds"), "hipaa-cap-exceeded")],
    );
    // Disabled bundles are not capped.
    check(
        hipaa(grouped_disabled(json!([bundle(
            json!(1),
            json!(1800),
            json!(["a"])
        )]))),
        &[],
    );
}

fn bundles_with_groups(per_bundle: &[usize]) -> J {
    let mut n = 0;
    let bundles: Vec<J> = per_bundle
        .iter()
        .enumerate()
        .map(|(i, count)| {
            let groups: Vec<String> = (0..*count)
                .map(|_| {
                    n += 1;
                    format!("group-{n}")
                })
                .collect();
            bundle(json!(i + 1), json!(600), json!(groups))
        })
        .collect();
    grouped(J::Array(bundles))
}

#[test]
fn bundle_and_group_counts() {
    check(bundles_with_groups(&[1, 1, 1, 1]), &[]);
    check(bundles_with_groups(&[1, 1, 1, 1, 1]), &[]);
    check(
        bundles_with_groups(&[1, 1, 1, 1, 1, 1]),
        &[(B, "too-many-bundles")],
    );
    check(bundles_with_groups(&[24]), &[]);
    check(bundles_with_groups(&[25]), &[]);
    check(bundles_with_groups(&[5, 5, 5, 5, 5]), &[]);
    check(bundles_with_groups(&[26]), &[(B, "too-many-groups")]);
    check(
        bundles_with_groups(&[5, 5, 5, 5, 6]),
        &[(B, "too-many-groups")],
    );
    check(
        bundles_with_groups(&[5, 5, 5, 5, 5, 1]),
        &[(B, "too-many-bundles"), (B, "too-many-groups")],
    );
    check(grouped(json!([])), &[]);
    check(grouped(json!(null)), &[]);
    check(grouped(json!({})), &[(B, "wrong-type")]);
    check(grouped(json!([5])), &[(&format!("{B}[0]"), "wrong-type")]);
}

#[test]
fn priorities() {
    let two = |a: J, b: J| {
        grouped(json!([
            bundle(a, json!(600), json!(["a"])),
            bundle(b, json!(600), json!(["b"])),
        ]))
    };
    let p0 = format!("{B}[0].priority");
    let p1 = format!("{B}[1].priority");
    check(two(json!(1), json!(2)), &[]);
    check(two(json!(2), json!(1)), &[]); // order in the array is irrelevant
    check(two(json!(1), json!(1)), &[(&p1, "duplicate-priority")]);
    check(two(json!(2), json!(2)), &[(&p1, "duplicate-priority")]);
    check(two(json!(1), json!(3)), &[(&p1, "priority-gap")]);
    check(two(json!(0), json!(1)), &[(&p0, "priority-out-of-range")]);
    check(two(json!(-1), json!(1)), &[(&p0, "priority-out-of-range")]);
    check(two(json!(1.5), json!(2)), &[(&p0, "not-an-integer")]);
    check(two(json!("1"), json!(2)), &[(&p0, "wrong-type")]);
    check(two(json!(null), json!(2)), &[(&p0, "missing")]);
    check(two(json!(1e300), json!(2)), &[(&p0, "priority-gap")]);
    check(
        grouped(json!([{ "timeoutSeconds": 600, "groups": ["a"] }])),
        &[(&format!("{B}[0].priority"), "missing")],
    );
}

#[test]
fn bundle_timeouts() {
    let one = |s: J| grouped(json!([bundle(json!(1), s, json!(["a"]))]));
    let t = format!("{B}[0].timeoutSeconds");
    check(one(json!(299)), &[(&t, "timeout-out-of-range")]);
    check(one(json!(300)), &[]);
    check(one(json!(28_800)), &[]);
    check(one(json!(28_801)), &[(&t, "timeout-out-of-range")]);
    check(one(json!(600.5)), &[(&t, "not-an-integer")]);
    check(one(json!("600")), &[(&t, "wrong-type")]);
    check(one(json!(null)), &[(&t, "missing")]);
}

#[test]
fn groups() {
    let one = |g: J| grouped(json!([bundle(json!(1), json!(600), g)]));
    let g = format!("{B}[0].groups");
    check(one(json!(["a"])), &[]);
    check(one(json!([])), &[(&g, "empty-bundle")]);
    check(one(json!(null)), &[(&g, "missing")]);
    check(one(json!("a")), &[(&g, "wrong-type")]);
    check(one(json!([5])), &[(&format!("{g}[0]"), "wrong-type")]);
    check(
        one(json!([{ "id": "a" }])),
        &[(&format!("{g}[0]"), "wrong-type")],
    );
    check(one(json!([""])), &[(&format!("{g}[0]"), "empty-group-id")]);
    check(
        one(json!(["a", " \t"])),
        &[(&format!("{g}[1]"), "empty-group-id")],
    );
    check(
        one(json!(["a", "a"])),
        &[(&format!("{g}[1]"), "duplicate-group")],
    );
    check(
        grouped(json!([
            bundle(json!(1), json!(600), json!(["a", "b"])),
            bundle(json!(2), json!(900), json!(["c", "b"])),
        ])),
        &[(&format!("{B}[1].groups[1]"), "group-in-several-bundles")],
    );
    // Group ids are compared exactly (case matters: ids are opaque).
    check(
        grouped(json!([
            bundle(json!(1), json!(600), json!(["a"])),
            bundle(json!(2), json!(900), json!(["A"])),
        ])),
        &[],
    );
}

#[test]
fn disabled_groups_are_ignored_but_typed() {
    // Seven bundles, bad priorities, empty and repeated groups, bad timeouts: all ignored.
    let garbage = json!([
        { "priority": 0, "timeoutSeconds": 5, "groups": [] },
        { "priority": 0, "timeoutSeconds": 99999, "groups": ["a", "a", ""] },
        { "priority": 9, "timeoutSeconds": 1.5, "groups": ["a"] },
        {}, {}, {}, {}
    ]);
    check(grouped_disabled(garbage.clone()), &[]);
    check(
        json!({ "idleTokenTimeout": { "inactivityTimeoutGroupBundles": garbage } }),
        &[],
    );
    check(
        grouped_disabled(json!([{ "priority": "1", "timeoutSeconds": [], "groups": [5, "a"] }])),
        &[
            (&format!("{B}[0].priority"), "wrong-type"),
            (&format!("{B}[0].timeoutSeconds"), "wrong-type"),
            (&format!("{B}[0].groups[0]"), "wrong-type"),
        ],
    );
    check(
        grouped_disabled(json!([5])),
        &[(&format!("{B}[0]"), "wrong-type")],
    );
    check(grouped_disabled(json!("x")), &[(B, "wrong-type")]);
    check(
        grouped_disabled(json!([{ "groups": "a" }])),
        &[(&format!("{B}[0].groups"), "wrong-type")],
    );
}

#[test]
fn error_list_is_capped() {
    let entries = J::Array((0..250).map(|_| json!("")).collect());
    let errors = validate(&value(excl(entries)));
    assert_eq!(errors.len(), 101);
    assert_eq!(errors[0].code(), "too-many-exclusions");
    assert_eq!(errors[99].code(), "exclusion-empty");
    assert_eq!(errors[100].code(), "too-many-errors");
    assert_eq!(errors[100].path, "");
    assert_eq!(
        errors[100].message(),
        "151 more errors are not listed: fix the ones above and validate again"
    );
    // Exactly 100: no extra entry.
    let entries = J::Array((0..100).map(|_| json!(5)).collect());
    assert_eq!(validate(&value(excl(entries))).len(), 100);
}

#[test]
fn huge_inputs_are_fine() {
    let groups: Vec<J> = (0..100_000).map(|i| json!(format!("g{i}"))).collect();
    let errors = validate(&value(grouped(json!([bundle(
        json!(1),
        json!(600),
        J::Array(groups)
    )]))));
    assert_eq!(errors.len(), 1);
    assert_eq!(errors[0].code(), "too-many-groups");
    assert!(
        errors[0].message().contains("hold 100000 groups"),
        "{}",
        errors[0]
    );
    let entries: Vec<J> = (0..20_000)
        .map(|i| json!(format!("api/v2/{i}/{{id}}/x")))
        .collect();
    let errors = validate(&value(excl(J::Array(entries))));
    assert_eq!(errors.len(), 1);
    assert_eq!(errors[0].code(), "too-many-exclusions");
}

#[test]
fn messages_tell_what_to_change() {
    fn check(policy: J, expected: &str) {
        let errors = validate(&value(policy));
        let got: Vec<String> = errors.iter().map(|e| e.with_path()).collect();
        assert_eq!(got, [expected]);
        // Display is the message alone.
        assert_eq!(errors[0].to_string(), errors[0].message());
    }
    check(
        org(json!(299)),
        "idleTokenTimeout.idleTokenTimeoutSeconds: must be between 5 minutes (300 s) and 8 hours (28800 s); got 299 s",
    );
    check(
        org(json!(1800.5)),
        &format!("{OTO}: must be a whole number; got 1800.5"),
    );
    check(
        org(json!("30")),
        &format!("{OTO}: must be a number; got a string"),
    );
    check(
        org(json!(null)),
        &format!("{OTO}: is required: add a number"),
    );
    check(
        hipaa(org(json!(1800))),
        &format!("{OTO}: must be at most 15 minutes (900 s) because the organization is HIPAA-compliant; got 1800 s (30 minutes)"),
    );
    check(json!(null), "the policy must be an object; got null");
    check(
        json!({ "idleTokenTimeout": { "inactivityTimeoutUnit": "Days\u{1}\"" } }),
        "idleTokenTimeout.inactivityTimeoutUnit: must be \"Minutes\" or \"Hours\"; got \"Days\\u{1}\\\"\"",
    );
    check(
        bundles_with_groups(&[1, 1, 1, 1, 1, 1]),
        &format!("{B}: has 6 group bundles; at most 5 are allowed: remove 1"),
    );
    check(
        grouped(json!([bundle(json!(1), json!(600), json!(["a"])), bundle(json!(1), json!(600), json!(["b"]))])),
        &format!("{B}[1].priority: priority 1 is already used by {B}[0]: give each bundle its own priority, 1…N"),
    );
    check(
        grouped(json!([bundle(json!(3), json!(600), json!(["a"]))])),
        &format!("{B}[0].priority: must be between 1 and 1, the number of bundles: priorities are 1…N with no gaps; got 3"),
    );
    check(
        grouped(json!([bundle(json!(1), json!(600), json!(["g1"])), bundle(json!(2), json!(600), json!(["g1"]))])),
        &format!("{B}[1].groups[0]: group \"g1\" is already in another bundle ({B}[0].groups[0]); a group may stand in one bundle only: remove it from one of them"),
    );
    check(
        excl(json!(["api/v2/users/{id"])),
        &format!("{X}[0]: has a '{{' without its '}}': close the parameter, e.g. {{userId}}"),
    );
    // Echoed input is cut, so a hostile megabyte does not end up in the message.
    let errors = validate(&value(
        json!({ "idleTokenTimeout": { "inactivityTimeoutUnit": "x".repeat(1_000_000) } }),
    ));
    assert!(errors[0].with_path().len() < 200, "{}", errors[0]);
}
