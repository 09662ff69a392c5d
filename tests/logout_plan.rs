//! The logout plan, table-driven: for a reason, a leadership, a user and the server's answers,
//! the exact steps performed (with their requests) and the failures recorded.

use inactivity_core::json::Value;
use inactivity_core::logout::{CallKind, FailureCause, LogoutPlan, Step, StepOutcome};
use inactivity_core::reason::LogoutReason::{self, *};

/// How the simulated world answers each step.
#[derive(Clone, Default)]
struct World {
    status: Option<&'static str>, // None: the GET fails
    definitions: Option<Vec<(&'static str, &'static str)>>, // None: the GET fails
    failing: Vec<&'static str>,   // step names that fail
}

fn world(status: &'static str) -> World {
    World {
        status: Some(status),
        definitions: Some(vec![
            ("avail", "Available"),
            ("off-1", "Offline"),
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
fn check(
    reason: LogoutReason,
    leader: bool,
    world: World,
    steps: &[&str],
    failures: &[(&str, FailureCause)],
) {
    let mut plan = LogoutPlan::new(reason, leader, Some("u1"));
    assert_eq!(plan.reason(), reason);
    assert_eq!(plan.leader(), leader);
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
            match step.call_kind() {
                Some(CallKind::GetRoutingStatus) => world.status.map_or(StepOutcome::Failed, |s| {
                    StepOutcome::Response(obj(vec![("status", s.into())]))
                }),
                Some(CallKind::GetPresenceDefinitions) => {
                    world.definitions.clone().map_or(StepOutcome::Failed, |d| {
                        let entities = d
                            .into_iter()
                            .map(|(id, system)| {
                                obj(vec![("id", id.into()), ("systemPresence", system.into())])
                            })
                            .collect();
                        StepOutcome::Response(obj(vec![("entities", Value::Array(entities))]))
                    })
                }
                Some(_) => StepOutcome::Response(Value::Null),
                None => StepOutcome::Done,
            }
        };
        assert!(done.len() < 20, "the plan must end");
        done.push(label(&step));
        plan.handle(&step, outcome);
    }
    assert!(plan.is_finished());
    assert_eq!(plan.next_step(), None);
    assert_eq!(done, steps, "{reason} leader={leader}");
    let got: Vec<_> = plan.failures().iter().map(|f| (f.step, f.cause)).collect();
    assert_eq!(got, failures, "{reason} leader={leader}");
}

const LOCAL_ONLY: &[&str] = &[
    "before-logout-hook",
    "clear-tokens-hook",
    "save-return-location",
    "navigate",
];

#[test]
#[rustfmt::skip]
fn the_order_and_the_routing_status() {
    let full = |off: bool| {
        let mut v = vec!["before-logout-hook", "get-routing-status"];
        if off { v.push("put-off-queue"); }
        v.extend(["get-presence-definitions", "patch:off-1", "revoke-token", "clear-tokens-hook", "save-return-location", "navigate"]);
        v
    };
    check(Idle, true, world("OFF_QUEUE"), &full(false), &[]);
    check(Idle, true, world("off_queue"), &full(false), &[]);
    check(Idle, true, world(" OFF_QUEUE "), &full(false), &[]);
    for on_queue in ["IDLE", "INTERACTING", "COMMUNICATING", "NOT_RESPONDING", "SOMETHING_NEW", "", "OFF-QUEUE"] {
        check(Idle, true, world(on_queue), &full(true), &[]);
    }
    check(Slept, true, world("IDLE"), &full(true), &[]);
    check(HostRequest, true, world("IDLE"), &full(true), &[]);
    check(OtherTab, true, world("IDLE"), &full(true), &[]);
    check(Idle, true, World { status: None, ..world("x") }, &full(true),
          &[("get-routing-status", FailureCause::Failed)]);
}

#[test]
fn each_call_carries_its_request() {
    let mut plan = LogoutPlan::new(Idle, true, Some("user 1/é"));
    let mut requests = Vec::new();
    while let Some(step) = plan.next_step() {
        let outcome = match &step {
            Step::Call(call) => {
                requests.push((call.method, call.path.clone(), call.body.clone()));
                match call.kind {
                    CallKind::GetRoutingStatus => {
                        StepOutcome::Response(obj(vec![("status", "IDLE".into())]))
                    }
                    CallKind::GetPresenceDefinitions => StepOutcome::Response(obj(vec![(
                        "entities",
                        Value::Array(vec![obj(vec![
                            ("id", "off\"1".into()),
                            ("systemPresence", "Offline".into()),
                        ])]),
                    )])),
                    _ => StepOutcome::Response(Value::Null),
                }
            }
            _ => StepOutcome::Done,
        };
        plan.handle(&step, outcome);
    }
    let user = "/api/v2/users/user%201%2F%C3%A9";
    assert_eq!(
        requests,
        [
            ("GET", format!("{user}/routingstatus"), None),
            (
                "PUT",
                format!("{user}/routingstatus"),
                Some(r#"{"status":"OFF_QUEUE"}"#.to_owned())
            ),
            ("GET", "/api/v2/presencedefinitions".to_owned(), None),
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
    let mut plan = LogoutPlan::new(Idle, true, None);
    let mut done = Vec::new();
    while let Some(step) = plan.next_step() {
        let outcome = match step.call_kind() {
            Some(CallKind::GetPresenceDefinitions) => StepOutcome::Response(obj(vec![(
                "entities",
                Value::Array(vec![obj(vec![("id", "o".into()), ("systemPresence", "Offline".into())])]),
            )])),
            Some(_) => StepOutcome::Response(Value::Null),
            None => StepOutcome::Done,
        };
        done.push(step.name());
        plan.handle(&step, outcome);
    }
    assert_eq!(done, ["before-logout-hook", "get-presence-definitions", "revoke-token", "clear-tokens-hook", "save-return-location", "navigate"]);
    let got: Vec<_> = plan.failures().iter().map(|f| (f.step, f.cause)).collect();
    assert_eq!(got, [("get-routing-status", FailureCause::NoUser), ("put-off-queue", FailureCause::NoUser),
                     ("patch-presence-offline", FailureCause::NoUser)]);
}

#[test]
#[rustfmt::skip]
fn who_makes_the_server_calls() {
    check(Idle, false, world("IDLE"), LOCAL_ONLY, &[]);
    check(OtherTab, false, world("IDLE"), LOCAL_ONLY, &[]);
    check(ServerRevoked, true, world("IDLE"), LOCAL_ONLY, &[]);
    check(ServerRevoked, false, world("IDLE"), LOCAL_ONLY, &[]);
    assert!(LogoutPlan::new(Idle, true, None).makes_server_calls());
    assert!(!LogoutPlan::new(ServerRevoked, true, None).makes_server_calls());
    assert!(!LogoutPlan::new(Idle, false, None).makes_server_calls());
}

#[test]
#[rustfmt::skip]
fn presence_definitions() {
    let with = |defs: Vec<(&'static str, &'static str)>| World { definitions: Some(defs), ..world("OFF_QUEUE") };
    let steps = |p: Option<&'static str>| {
        let mut v = vec!["before-logout-hook", "get-routing-status", "get-presence-definitions"];
        v.extend(p);
        v.extend(["revoke-token", "clear-tokens-hook", "save-return-location", "navigate"]);
        v
    };
    let none = [("get-presence-definitions", FailureCause::NoOfflineDefinition)];
    check(Idle, true, with(vec![("o", "OFFLINE")]), &steps(Some("patch:o")), &[]);
    check(Idle, true, with(vec![("o", "offline")]), &steps(Some("patch:o")), &[]);
    check(Idle, true, with(vec![("a", "Available"), ("o1", "Offline"), ("o2", "Offline")]), &steps(Some("patch:o1")), &[]);
    check(Idle, true, with(vec![("", "Offline"), ("o", "Offline")]), &steps(Some("patch:o")), &[]);
    check(Idle, true, with(vec![]), &steps(None), &none);
    check(Idle, true, with(vec![("a", "Available"), ("b", "Away")]), &steps(None), &none);
    check(Idle, true, with(vec![("x", "Offline-ish")]), &steps(None), &none);
    check(Idle, true, with(vec![("  ", "Offline")]), &steps(None), &none);
    let long: &'static str = Box::leak("i".repeat(300).into_boxed_str());
    check(Idle, true, with(vec![(long, "Offline")]), &steps(None), &none);
    check(Idle, true, World { definitions: None, ..world("OFF_QUEUE") }, &steps(None),
          &[("get-presence-definitions", FailureCause::Failed)]);
}

#[test]
#[rustfmt::skip]
fn a_failed_step_never_stops_the_plan() {
    let everything = World {
        failing: vec!["before-logout-hook", "get-routing-status", "put-off-queue", "get-presence-definitions",
                      "patch-presence-offline", "revoke-token", "clear-tokens-hook", "save-return-location", "navigate"],
        ..world("IDLE")
    };
    use FailureCause::Failed;
    check(Idle, true, everything.clone(),
          &["before-logout-hook", "get-routing-status", "put-off-queue", "get-presence-definitions", "revoke-token",
            "clear-tokens-hook", "save-return-location", "navigate"],
          &[("before-logout-hook", Failed), ("get-routing-status", Failed), ("put-off-queue", Failed),
            ("get-presence-definitions", Failed), ("revoke-token", Failed), ("clear-tokens-hook", Failed),
            ("save-return-location", Failed), ("navigate", Failed)]);
    check(Idle, false, everything, LOCAL_ONLY,
          &[("before-logout-hook", Failed), ("clear-tokens-hook", Failed), ("save-return-location", Failed),
            ("navigate", Failed)]);
    check(Idle, true, World { failing: vec!["put-off-queue", "revoke-token"], ..world("IDLE") },
          &["before-logout-hook", "get-routing-status", "put-off-queue", "get-presence-definitions", "patch:off-1",
            "revoke-token", "clear-tokens-hook", "save-return-location", "navigate"],
          &[("put-off-queue", Failed), ("revoke-token", Failed)]);
}

#[test]
fn stale_duplicate_and_odd_reports() {
    let mut plan = LogoutPlan::new(Idle, true, Some("u1"));
    // Nothing pending yet: any report is ignored.
    plan.handle(&Step::Navigate, StepOutcome::Done);
    assert_eq!(plan.next_step(), Some(Step::BeforeLogoutHook));
    // A report for another step than the pending one is ignored.
    plan.handle(&Step::ClearTokensHook, StepOutcome::Done);
    assert_eq!(plan.next_step(), Some(Step::BeforeLogoutHook));
    plan.handle(&Step::BeforeLogoutHook, StepOutcome::Done);
    plan.handle(&Step::BeforeLogoutHook, StepOutcome::Failed); // duplicate: ignored
    let get = plan.next_step().unwrap();
    assert_eq!(get.call_kind(), Some(CallKind::GetRoutingStatus));
    // `Done` for a call, or a body without a status: unknown → fail closed (PUT), recorded.
    plan.handle(&get, StepOutcome::Done);
    let put = plan.next_step().unwrap();
    assert_eq!(put.call_kind(), Some(CallKind::PutOffQueue));
    plan.handle(&put, StepOutcome::Response(Value::Null));
    let defs = plan.next_step().unwrap();
    assert_eq!(defs.call_kind(), Some(CallKind::GetPresenceDefinitions));
    // A body without entities: recorded, the plan goes on.
    plan.handle(
        &defs,
        StepOutcome::Response(obj(vec![("status", "x".into())])),
    );
    let revoke = plan.next_step().unwrap();
    assert_eq!(revoke.call_kind(), Some(CallKind::RevokeToken));
    // A data outcome for a hook: recorded.
    plan.handle(&revoke, StepOutcome::Response(Value::Null));
    let clear = plan.next_step().unwrap();
    plan.handle(&clear, StepOutcome::Response(Value::Null));
    let causes: Vec<_> = plan.failures().iter().map(|f| (f.step, f.cause)).collect();
    assert_eq!(
        causes,
        [
            ("get-routing-status", FailureCause::UnexpectedOutcome),
            ("get-presence-definitions", FailureCause::UnexpectedOutcome),
            ("clear-tokens-hook", FailureCause::UnexpectedOutcome),
        ]
    );
}

#[test]
fn step_names_and_kinds() {
    let kinds = [
        CallKind::GetRoutingStatus,
        CallKind::PutOffQueue,
        CallKind::GetPresenceDefinitions,
        CallKind::PatchPresenceOffline,
        CallKind::RevokeToken,
    ];
    let names: Vec<_> = kinds.iter().map(|k| k.name()).collect();
    assert_eq!(
        names,
        [
            "get-routing-status",
            "put-off-queue",
            "get-presence-definitions",
            "patch-presence-offline",
            "revoke-token"
        ]
    );
    for local in [
        Step::BeforeLogoutHook,
        Step::ClearTokensHook,
        Step::SaveReturnLocation,
        Step::Navigate,
    ] {
        assert!(!local.is_server_call() && local.call_kind().is_none());
        assert!(!names.contains(&local.name()));
    }
}
