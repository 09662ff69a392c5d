//! Timeout resolution: every path of docs/rules.md §2 (bundle, org-wide, HIPAA default, HIPAA cap,
//! none), with its explanation and its JS shape.

use inactivity_core::json::Value;
use inactivity_core::policy::{resolve, Policy, Resolution, Source};
use serde_json::{json, Value as J};

fn parse(j: J) -> Policy {
    let v: Value = serde_json::from_value(j).expect("JSON");
    Policy::parse(&v).expect("a valid policy")
}

/// (timeout, source, bundle priority, group id, capped, explanation)
type Want<'a> = (
    Option<u32>,
    Source,
    Option<u32>,
    Option<&'a str>,
    bool,
    &'a str,
);

#[track_caller]
fn check(policy: J, groups: &[&str], want: Want<'_>) {
    let groups: Vec<String> = groups.iter().map(|g| g.to_string()).collect();
    let r = resolve(&parse(policy), &groups);
    let got = (
        r.timeout_seconds,
        r.source,
        r.bundle_priority,
        r.group_id.as_deref(),
        r.hipaa_capped,
        r.explain(),
    );
    assert_eq!(
        got,
        (want.0, want.1, want.2, want.3, want.4, want.5.to_owned())
    );
}

fn policy(org: Option<u32>, bundles: Option<J>, hipaa: bool) -> J {
    json!({
        "idleTokenTimeout": {
            "enableIdleTokenTimeout": org.is_some(),
            "idleTokenTimeoutSeconds": org.unwrap_or(0),
            "inactivityTimeoutGroupsEnabled": bundles.is_some(),
            "inactivityTimeoutGroupBundles": bundles.unwrap_or(json!([{ "priority": 1, "timeoutSeconds": 300, "groups": ["ignored"] }])),
        },
        "hipaa": hipaa,
    })
}

fn two_bundles() -> J {
    // Listed lowest priority first: the order in the array must not matter.
    json!([
        { "priority": 2, "timeoutSeconds": 3600, "inactivityTimeoutUnit": "Hours", "groups": ["sales", "east"] },
        { "priority": 1, "timeoutSeconds": 600, "groups": ["support", "shared", "night"] },
    ])
}

const NONE: &str = "No inactivity timeout: the organization-wide timeout is off and none of the user's groups is in an enabled group bundle.";

#[test]
fn resolution_paths() {
    use Source::{GroupBundle, Organization};
    // Org-wide only.
    check(
        policy(Some(1800), None, false),
        &[],
        (
            Some(1800),
            Organization,
            None,
            None,
            false,
            "30 minutes, from the organization-wide timeout.",
        ),
    );
    check(
        policy(Some(1800), None, false),
        &["support"],
        (
            Some(1800),
            Organization,
            None,
            None,
            false,
            "30 minutes, from the organization-wide timeout.",
        ),
    );
    check(
        policy(Some(28_800), None, false),
        &[],
        (
            Some(28_800),
            Organization,
            None,
            None,
            false,
            "8 hours, from the organization-wide timeout.",
        ),
    );
    check(
        policy(Some(5401), None, false),
        &[],
        (
            Some(5401),
            Organization,
            None,
            None,
            false,
            "1 hour 30 minutes 1 second, from the organization-wide timeout.",
        ),
    );
    // Nothing enabled.
    check(
        policy(None, None, false),
        &["support"],
        (None, Source::None, None, None, false, NONE),
    );
    // Groups enabled, org-wide off.
    check(
        policy(None, Some(two_bundles()), false),
        &["sales"],
        (
            Some(3600),
            GroupBundle,
            Some(2),
            Some("sales"),
            false,
            "1 hour, from group bundle 2 (group sales).",
        ),
    );
    check(
        policy(None, Some(two_bundles()), false),
        &["nobody"],
        (None, Source::None, None, None, false, NONE),
    );
    check(
        policy(None, Some(two_bundles()), false),
        &[],
        (None, Source::None, None, None, false, NONE),
    );
    // Both enabled: the bundle overrides the org-wide timeout; outside the bundles, org-wide.
    check(
        policy(Some(1800), Some(two_bundles()), false),
        &["support"],
        (
            Some(600),
            GroupBundle,
            Some(1),
            Some("support"),
            false,
            "10 minutes, from group bundle 1 (group support).",
        ),
    );
    check(
        policy(Some(1800), Some(two_bundles()), false),
        &["other"],
        (
            Some(1800),
            Organization,
            None,
            None,
            false,
            "30 minutes, from the organization-wide timeout.",
        ),
    );
    // Several bundles: priority 1 wins, whatever the order of the user's groups or the bundles.
    check(
        policy(Some(1800), Some(two_bundles()), false),
        &["sales", "support"],
        (
            Some(600),
            GroupBundle,
            Some(1),
            Some("support"),
            false,
            "10 minutes, from group bundle 1 (group support).",
        ),
    );
    check(
        policy(Some(1800), Some(two_bundles()), false),
        &["east", "night"],
        (
            Some(600),
            GroupBundle,
            Some(1),
            Some("night"),
            false,
            "10 minutes, from group bundle 1 (group night).",
        ),
    );
    // Several of the user's groups in one bundle: the bundle's first listed group is named.
    check(
        policy(None, Some(two_bundles()), false),
        &["night", "shared"],
        (
            Some(600),
            GroupBundle,
            Some(1),
            Some("shared"),
            false,
            "10 minutes, from group bundle 1 (group shared).",
        ),
    );
    // Group ids are exact.
    check(
        policy(None, Some(two_bundles()), false),
        &["Support"],
        (None, Source::None, None, None, false, NONE),
    );
    // Groups disabled: the bundles are ignored.
    check(
        policy(Some(1800), None, false),
        &["ignored"],
        (
            Some(1800),
            Organization,
            None,
            None,
            false,
            "30 minutes, from the organization-wide timeout.",
        ),
    );
}

#[test]
fn hipaa_paths() {
    use Source::{GroupBundle, Hipaa, Organization};
    let default = "15 minutes, the HIPAA default: no organization-wide or group timeout applies to this user.";
    check(
        policy(None, None, true),
        &[],
        (Some(900), Hipaa, None, None, false, default),
    );
    check(
        policy(None, Some(two_bundles()), true),
        &["nobody"],
        (Some(900), Hipaa, None, None, false, default),
    );
    check(
        policy(Some(900), None, true),
        &[],
        (
            Some(900),
            Organization,
            None,
            None,
            false,
            "15 minutes, from the organization-wide timeout.",
        ),
    );
    check(
        policy(Some(899), None, true),
        &[],
        (
            Some(899),
            Organization,
            None,
            None,
            false,
            "14 minutes 59 seconds, from the organization-wide timeout.",
        ),
    );
    check(policy(Some(901), None, true), &[], (Some(900), Organization, None, None, true, "15 minutes, from the organization-wide timeout, capped to the HIPAA maximum of 15 minutes."));
    check(policy(Some(28_800), None, true), &[], (Some(900), Organization, None, None, true, "15 minutes, from the organization-wide timeout, capped to the HIPAA maximum of 15 minutes."));
    check(
        policy(Some(1800), Some(two_bundles()), true),
        &["support"],
        (
            Some(600),
            GroupBundle,
            Some(1),
            Some("support"),
            false,
            "10 minutes, from group bundle 1 (group support).",
        ),
    );
    check(policy(Some(600), Some(two_bundles()), true), &["sales"], (Some(900), GroupBundle, Some(2), Some("sales"), true, "15 minutes, from group bundle 2 (group sales), capped to the HIPAA maximum of 15 minutes."));
}

#[test]
fn policy_accessors() {
    let p = parse(policy(Some(1800), Some(two_bundles()), true));
    assert!(p.hipaa());
    assert!(p.timeout_enabled());
    assert!(p.groups_enabled());
    assert_eq!(p.org_timeout_seconds(), Some(1800));
    let priorities: Vec<u32> = p.bundles().iter().map(|b| b.priority).collect();
    assert_eq!(priorities, [1, 2]);
    assert_eq!(p.bundles()[1].groups, ["sales", "east"]);
    assert!(p.exclusions().is_empty());

    let off = parse(policy(None, None, true));
    assert!(!off.timeout_enabled(), "the HIPAA default is not a setting");
    assert!(off.bundles().is_empty());
    assert_eq!(off.org_timeout_seconds(), None);
    let groups_only = parse(policy(None, Some(json!([])), false));
    assert!(groups_only.timeout_enabled());
}

#[test]
fn resolution_serializes_to_the_js_shape() {
    let cases: [(J, &[&str], J); 3] = [
        (
            policy(Some(1800), Some(two_bundles()), false),
            &["support"],
            json!({ "timeoutSeconds": 600, "source": "group-bundle", "bundlePriority": 1, "groupId": "support", "hipaaCapped": false }),
        ),
        (
            policy(Some(1800), None, true),
            &[],
            json!({ "timeoutSeconds": 900, "source": "organization", "bundlePriority": null, "groupId": null, "hipaaCapped": true }),
        ),
        (
            policy(None, None, false),
            &[],
            json!({ "timeoutSeconds": null, "source": "none", "bundlePriority": null, "groupId": null, "hipaaCapped": false }),
        ),
    ];
    for (p, groups, want) in cases {
        let groups: Vec<String> = groups.iter().map(|g| g.to_string()).collect();
        let r: Resolution = resolve(&parse(p), &groups);
        assert_eq!(serde_json::to_value(&r).unwrap(), want);
    }
    assert_eq!(serde_json::to_value(Source::Hipaa).unwrap(), json!("hipaa"));
}
