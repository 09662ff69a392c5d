//! classify(): API call or not, excluded or activity — with the default exclusions of docs/rules.md §2.

use inactivity_core::classify::{classify, Classification};
use inactivity_core::json::Value;
use inactivity_core::policy::Policy;
use inactivity_core::url::ApiScope;
use serde_json::json;

fn policy() -> Policy {
    let v: Value = serde_json::from_value(json!({
        "idleTokenTimeout": { "enableIdleTokenTimeout": true, "idleTokenTimeoutSeconds": 1800 },
        "authSettings": { "inactivityTimeoutExclusions": [
            "api/v2/featuretoggles", "api/v2/diagnostics/newrelic/insights", "api/v2/diagnostics/trace",
            "api/v2/integrations/clientapps", "api/v2/users/me", "/api/v2/users/{userId}/presences/{sourceId}"
        ] }
    }))
    .unwrap();
    Policy::parse(&v).unwrap()
}

#[track_caller]
fn check(url: &str, activity: bool, excluded_by: Option<&str>, path: Option<&str>) {
    let scope = ApiScope::new("https://apps.example.com/agent/", &[]).unwrap();
    let got = classify(Some(&policy()), &scope, url);
    assert_eq!(
        (got.is_activity(), got.excluded_by(), got.path()),
        (activity, excluded_by, path),
        "{url}"
    );
}

#[test]
fn classification() {
    check(
        "/api/v2/routing/queues",
        true,
        None,
        Some("api/v2/routing/queues"),
    );
    check(
        "/api/v2/users/me",
        false,
        Some("api/v2/users/me"),
        Some("api/v2/users/me"),
    );
    check(
        "/API/v2/users/me/?expand=presence#x",
        false,
        Some("api/v2/users/me"),
        Some("api/v2/users/me"),
    );
    check(
        "../api/v2/users/me",
        false,
        Some("api/v2/users/me"),
        Some("api/v2/users/me"),
    );
    check(
        "/api/v2/users/me/presences",
        true,
        None,
        Some("api/v2/users/me/presences"),
    );
    check(
        "/api/v2/users/42/presences/purecloud",
        false,
        Some("/api/v2/users/{userId}/presences/{sourceId}"),
        Some("api/v2/users/42/presences/purecloud"),
    );
    check(
        "/api/v2/diagnostics/trace",
        false,
        Some("api/v2/diagnostics/trace"),
        Some("api/v2/diagnostics/trace"),
    );
    check(
        "/api/v2/diagnostics",
        true,
        None,
        Some("api/v2/diagnostics"),
    );
    check(
        "https://apps.example.com/api/v2/featuretoggles?x=1",
        false,
        Some("api/v2/featuretoggles"),
        Some("api/v2/featuretoggles"),
    );
    // Not API calls at all.
    check("/static/app.js", false, None, None);
    check("https://cdn.example.net/api/v2/users/me", false, None, None);
    check("data:application/json,{}", false, None, None);
    check("blob:https://apps.example.com/uuid", false, None, None);
    check("https://", false, None, None);
}

#[test]
fn the_three_cases_and_no_policy_yet() {
    let scope = ApiScope::new("https://apps.example.com/", &[]).unwrap();
    let policy = policy();
    assert_eq!(
        classify(Some(&policy), &scope, "/api/v2/users/me"),
        Classification::Excluded {
            path: "api/v2/users/me".into(),
            by: "api/v2/users/me".into()
        }
    );
    assert_eq!(
        classify(Some(&policy), &scope, "/api/v2/routing/queues"),
        Classification::Counted {
            path: "api/v2/routing/queues".into()
        }
    );
    assert_eq!(
        classify(Some(&policy), &scope, "/x"),
        Classification::NotApi
    );
    // Before the settings are known no exclusion is: every API call counts.
    assert_eq!(
        classify(None, &scope, "/api/v2/users/me"),
        Classification::Counted {
            path: "api/v2/users/me".into()
        }
    );
    assert_eq!(classify(None, &scope, "/x"), Classification::NotApi);
}
