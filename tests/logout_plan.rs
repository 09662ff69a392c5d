//! The logout plan, table-driven: for a reason, a user, what was learnt before (the Offline
//! definition) and how the world answers (the lock, the server's check, each call), the exact
//! steps performed (with their requests) and the failures recorded.

use inactivity_core::json::Value;
use inactivity_core::logout::{
    offline_definition, CallKind, FailureCause, LogoutPlan, Step, StepOutcome,
};
use inactivity_core::reason::LogoutReason::{self, *};

/// How the simulated world answers each step.
#[derive(Clone)]
struct World {
    /// The lock is granted (else: no Web Locks).
    lock: bool,
    /// The server's check: 401 (the calls were made, or the token revoked).
    revoked: bool,
    /// The Offline definition learnt before the logout.
    offline: Option<&'static str>,
    /// The presence definitions' answer, if asked (`None`: the GET fails).
    definitions: Option<Vec<(&'static str, &'static str)>>,
    /// Step names that fail.
    failing: Vec<&'static str>,
}

fn world() -> World {
    World {
        lock: true,
        revoked: false,
        offline: Some("off-1"),
        definitions: Some(vec![
            ("avail", "Available"),
            ("off-2", "Offline"),
            ("busy", "Busy"),
        ]),
        failing: vec![],
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

fn definitions(d: Vec<(&str, &str)>) -> Value {
    let entities = d
        .into_iter()
        .map(|(id, system)| obj(vec![("id", id.into()), ("systemPresence", system.into())]))
        .collect();
    obj(vec![("entities", Value::Array(entities))])
}

/// A step as the tables write it: its name, and for the PATCH the definition id it sets.
fn label(step: &Step) -> String {
    match step {
        Step::Call(call) if call.kind == CallKind::PatchPresenceOffline => {
            let body: serde_json::Value =
                serde_json::from_str(call.body.as_deref().unwrap()).unwrap();
            format!(
                "patch:{}",
                body["presenceDefinition"]["id"].as_str().unwrap()
            )
        }
        step => step.name().to_owned(),
    }
}

/// Run the plan to the end against `world`; compare the steps and the failures.
fn check(reason: LogoutReason, world: World, steps: &[&str], failures: &[(&str, FailureCause)]) {
    let mut plan = LogoutPlan::new(reason, Some("u1"), world.offline.map(String::from));
    assert_eq!(plan.reason(), reason);
    let mut done = Vec::new();
    while let Some(step) = plan.next_step() {
        assert_eq!(
            plan.next_step().as_ref(),
            Some(&step),
            "the pending step is stable"
        );
        let outcome = if world.failing.contains(&step.name()) {
            StepOutcome::Failed
        } else {
            match (&step, step.call_kind()) {
                (Step::AcquireLock, _) if !world.lock => StepOutcome::Failed,
                (_, Some(CallKind::CheckToken)) if world.revoked => StepOutcome::Unauthorized,
                (_, Some(CallKind::GetPresenceDefinitions)) => {
                    world.definitions.clone().map_or(StepOutcome::Failed, |d| {
                        StepOutcome::Response(definitions(d))
                    })
                }
                (_, Some(_)) => StepOutcome::Response(Value::Null),
                (_, None) => StepOutcome::Done,
            }
        };
        assert!(done.len() < 20, "the plan must end");
        done.push(label(&step));
        plan.handle(&step, outcome);
        let granted = world.lock && !world.failing.contains(&"acquire-lock");
        assert_eq!(
            plan.holds_lock(),
            granted
                && done.iter().any(|s| s == "acquire-lock")
                && !done.iter().any(|s| s == "release-lock"),
            "the lock is held from its grant to its release"
        );
    }
    assert!(plan.is_finished());
    assert!(!plan.holds_lock());
    assert_eq!(plan.next_step(), None);
    assert_eq!(done, steps, "{reason}");
    let got: Vec<_> = plan.failures().iter().map(|f| (f.step, f.cause)).collect();
    assert_eq!(got, failures, "{reason}");
}

const LOCAL_ONLY: &[&str] = &["before-logout-hook", "clear-tokens-hook", "navigate"];

const FULL: &[&str] = &[
    "before-logout-hook",
    "acquire-lock",
    "check-token",
    "put-off-queue",
    "patch:off-1",
    "revoke-token",
    "release-lock",
    "clear-tokens-hook",
    "navigate",
];

#[test]
fn the_order_off_queue_offline_revoke_inside_the_lock() {
    for reason in [Idle, Slept, HostRequest, User] {
        check(reason, world(), FULL, &[]);
    }
    // No Web Locks: the check and the calls all the same, nothing to release.
    let unlocked: Vec<&str> = FULL
        .iter()
        .copied()
        .filter(|s| *s != "release-lock")
        .collect();
    check(
        Idle,
        World {
            lock: false,
            ..world()
        },
        &unlocked,
        &[("acquire-lock", FailureCause::Failed)],
    );
}

#[test]
fn the_server_says_the_calls_are_made_and_nothing_more_is_called() {
    check(
        Idle,
        World {
            revoked: true,
            ..world()
        },
        &[
            "before-logout-hook",
            "acquire-lock",
            "check-token",
            "release-lock",
            "clear-tokens-hook",
            "navigate",
        ],
        &[],
    );
    // A check that fails says nothing: the calls are made (fail closed).
    check(
        Idle,
        World {
            failing: vec!["check-token"],
            ..world()
        },
        FULL,
        &[],
    );
}

#[test]
fn a_tab_told_by_another_or_revoked_by_the_server_never_calls() {
    check(OtherTab, world(), LOCAL_ONLY, &[]);
    check(ServerRevoked, world(), LOCAL_ONLY, &[]);
    assert!(!LogoutPlan::new(OtherTab, None, None).makes_server_calls());
    assert!(LogoutPlan::new(User, None, None).makes_server_calls());
}

#[test]
fn each_call_carries_its_request() {
    let mut plan = LogoutPlan::new(Idle, Some("user 1/é"), Some("off\"1".into()));
    let mut requests = Vec::new();
    while let Some(step) = plan.next_step() {
        let outcome = match &step {
            Step::Call(call) => {
                requests.push((call.method, call.path.clone(), call.body.clone()));
                StepOutcome::Response(Value::Null)
            }
            _ => StepOutcome::Done,
        };
        plan.handle(&step, outcome);
    }
    let user = "/api/v2/users/user%201%2F%C3%A9";
    assert_eq!(
        requests,
        [
            (
                "GET",
                "/api/v2/tokens/me?preserveIdleTTL=true".to_owned(),
                None
            ),
            (
                "PUT",
                format!("{user}/routingstatus"),
                Some(r#"{"status":"OFF_QUEUE"}"#.to_owned())
            ),
            (
                "PATCH",
                format!("{user}/presences/purecloud"),
                Some(r#"{"presenceDefinition":{"id":"off\"1"}}"#.to_owned())
            ),
            ("DELETE", "/api/v2/tokens/me".to_owned(), None),
        ]
    );
}

#[test]
#[rustfmt::skip]
fn without_a_user_id_the_user_calls_are_failures() {
    let mut plan = LogoutPlan::new(Idle, None, Some("o".into()));
    let mut done = Vec::new();
    while let Some(step) = plan.next_step() {
        let outcome = if step.call_kind().is_some() { StepOutcome::Response(Value::Null) } else { StepOutcome::Done };
        done.push(step.name());
        plan.handle(&step, outcome);
    }
    assert_eq!(done, ["before-logout-hook", "acquire-lock", "check-token", "revoke-token", "release-lock", "clear-tokens-hook", "navigate"]);
    let got: Vec<_> = plan.failures().iter().map(|f| (f.step, f.cause)).collect();
    assert_eq!(got, [("put-off-queue", FailureCause::NoUser), ("patch-presence-offline", FailureCause::NoUser)]);
}

#[test]
#[rustfmt::skip]
fn the_offline_definition_is_read_only_when_not_learnt_before() {
    let unknown = |defs: Option<Vec<(&'static str, &'static str)>>| World { offline: None, definitions: defs, ..world() };
    let steps = |p: Option<&'static str>| {
        let mut v = vec!["before-logout-hook", "acquire-lock", "check-token", "put-off-queue", "get-presence-definitions"];
        v.extend(p);
        v.extend(["revoke-token", "release-lock", "clear-tokens-hook", "navigate"]);
        v
    };
    let none = [("get-presence-definitions", FailureCause::NoOfflineDefinition)];
    check(Idle, unknown(Some(vec![("o", "OFFLINE")])), &steps(Some("patch:o")), &[]);
    check(Idle, unknown(Some(vec![("a", "Available"), ("o1", "Offline"), ("o2", "Offline")])), &steps(Some("patch:o1")), &[]);
    check(Idle, unknown(Some(vec![])), &steps(None), &none);
    check(Idle, unknown(None), &steps(None), &[("get-presence-definitions", FailureCause::Failed)]);
}

#[test]
#[rustfmt::skip]
fn the_offline_definition_in_an_answer() {
    let pick = |d: Vec<(&str, &str)>| offline_definition(&definitions(d));
    assert_eq!(pick(vec![("o", "offline")]).as_deref(), Some("o"));
    assert_eq!(pick(vec![("", "Offline"), ("o", " Offline ")]).as_deref(), Some("o"));
    assert_eq!(pick(vec![("a", "Available"), ("b", "Away")]), None);
    assert_eq!(pick(vec![("x", "Offline-ish")]), None);
    assert_eq!(pick(vec![("  ", "Offline")]), None);
    assert_eq!(pick(vec![(&"i".repeat(300), "Offline")]), None);
    assert_eq!(offline_definition(&Value::Null), None);
    assert_eq!(offline_definition(&obj(vec![("entities", "x".into())])), None);
}

#[test]
#[rustfmt::skip]
fn a_failed_step_never_stops_the_plan() {
    use FailureCause::Failed;
    let everything = World {
        failing: vec!["before-logout-hook", "put-off-queue", "patch-presence-offline", "revoke-token",
                      "clear-tokens-hook", "navigate"],
        ..world()
    };
    check(Idle, everything.clone(), FULL,
          &[("before-logout-hook", Failed), ("put-off-queue", Failed), ("patch-presence-offline", Failed),
            ("revoke-token", Failed), ("clear-tokens-hook", Failed), ("navigate", Failed)]);
    check(OtherTab, everything, LOCAL_ONLY,
          &[("before-logout-hook", Failed), ("clear-tokens-hook", Failed), ("navigate", Failed)]);
}

#[test]
fn stale_duplicate_and_odd_reports() {
    let mut plan = LogoutPlan::new(Idle, Some("u1"), Some("o".into()));
    // Nothing pending yet: any report is ignored.
    plan.handle(&Step::Navigate, StepOutcome::Done);
    assert_eq!(plan.next_step(), Some(Step::BeforeLogoutHook));
    // A report for another step than the pending one is ignored.
    plan.handle(&Step::ClearTokensHook, StepOutcome::Done);
    assert_eq!(plan.next_step(), Some(Step::BeforeLogoutHook));
    plan.handle(&Step::BeforeLogoutHook, StepOutcome::Done);
    plan.handle(&Step::BeforeLogoutHook, StepOutcome::Failed); // duplicate: ignored
    assert_eq!(plan.next_step(), Some(Step::AcquireLock));
    plan.handle(&Step::AcquireLock, StepOutcome::Done);
    let check = plan.next_step().unwrap();
    assert_eq!(check.call_kind(), Some(CallKind::CheckToken));
    plan.handle(&check, StepOutcome::Response(Value::Null));
    let put = plan.next_step().unwrap();
    assert_eq!(put.call_kind(), Some(CallKind::PutOffQueue));
    // `Done` for a call: recorded, the plan goes on.
    plan.handle(&put, StepOutcome::Done);
    let patch = plan.next_step().unwrap();
    // A 401 on a call but the check: a failure like any other.
    plan.handle(&patch, StepOutcome::Unauthorized);
    let revoke = plan.next_step().unwrap();
    assert_eq!(revoke.call_kind(), Some(CallKind::RevokeToken));
    plan.handle(&revoke, StepOutcome::Response(Value::Null));
    assert_eq!(plan.next_step(), Some(Step::ReleaseLock));
    plan.handle(&Step::ReleaseLock, StepOutcome::Done);
    // A data outcome for a hook: recorded.
    let clear = plan.next_step().unwrap();
    plan.handle(&clear, StepOutcome::Response(Value::Null));
    let causes: Vec<_> = plan.failures().iter().map(|f| (f.step, f.cause)).collect();
    assert_eq!(
        causes,
        [
            ("put-off-queue", FailureCause::UnexpectedOutcome),
            ("patch-presence-offline", FailureCause::Failed),
            ("clear-tokens-hook", FailureCause::UnexpectedOutcome),
        ]
    );
}

#[test]
fn a_sign_out_saves_the_page_only_when_asked() {
    assert!(LogoutPlan::new(Idle, None, None).saves_return());
    assert!(!LogoutPlan::new(User, None, None).saves_return());
    assert!(LogoutPlan::new(User, None, None)
        .with_return(true)
        .saves_return());
}

#[test]
fn step_names_and_kinds() {
    let kinds = [
        CallKind::CheckToken,
        CallKind::PutOffQueue,
        CallKind::GetPresenceDefinitions,
        CallKind::PatchPresenceOffline,
        CallKind::RevokeToken,
    ];
    let names: Vec<_> = kinds.iter().map(|k| k.name()).collect();
    assert_eq!(
        names,
        [
            "check-token",
            "put-off-queue",
            "get-presence-definitions",
            "patch-presence-offline",
            "revoke-token"
        ]
    );
    for local in [
        Step::BeforeLogoutHook,
        Step::AcquireLock,
        Step::ReleaseLock,
        Step::ClearTokensHook,
        Step::Navigate,
    ] {
        assert!(local.call_kind().is_none());
        assert!(!names.contains(&local.name()));
    }
}
