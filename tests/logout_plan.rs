//! The logout plan, table-driven: for a reason, a leadership and the server's answers, the exact
//! steps performed and the failures recorded.

use inactivity_core::logout::{Failure, FailureCause, LogoutPlan, Step, StepOutcome};
use inactivity_core::reason::LogoutReason::{self, *};
use Step::*;

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

fn patch(id: &str) -> Step {
    PatchPresenceOffline {
        definition_id: id.into(),
    }
}

/// Run the plan to the end against `world`; compare the steps and the failures.
fn check(
    reason: LogoutReason,
    leader: bool,
    world: World,
    steps: &[Step],
    failures: &[(Step, FailureCause)],
) {
    let mut plan = LogoutPlan::new(reason, leader);
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
            match &step {
                GetRoutingStatus => world.status.map_or(StepOutcome::Failed, |s| {
                    StepOutcome::RoutingStatus(s.into())
                }),
                GetPresenceDefinitions => {
                    world.definitions.clone().map_or(StepOutcome::Failed, |d| {
                        StepOutcome::PresenceDefinitions(
                            d.into_iter().map(|(a, b)| (a.into(), b.into())).collect(),
                        )
                    })
                }
                _ => StepOutcome::Done,
            }
        };
        assert!(done.len() < 20, "the plan must end");
        done.push(step.clone());
        plan.handle(&step, outcome);
    }
    assert!(plan.is_finished());
    assert_eq!(plan.next_step(), None);
    assert_eq!(done, steps, "{reason} leader={leader}");
    let expected: Vec<Failure> = failures
        .iter()
        .map(|(step, cause)| Failure {
            step: step.clone(),
            cause: *cause,
        })
        .collect();
    assert_eq!(plan.failures(), expected, "{reason} leader={leader}");
}

const LOCAL_ONLY: &[Step] = &[
    BeforeLogoutHook,
    ClearTokensHook,
    SaveReturnLocation,
    Navigate,
];

#[test]
#[rustfmt::skip]
fn the_order_and_the_routing_status() {
    let full = |off: Option<Step>| {
        let mut v = vec![BeforeLogoutHook, GetRoutingStatus];
        v.extend(off);
        v.extend([GetPresenceDefinitions, patch("off-1"), RevokeToken, ClearTokensHook, SaveReturnLocation, Navigate]);
        v
    };
    check(Idle, true, world("OFF_QUEUE"), &full(None), &[]);
    check(Idle, true, world("off_queue"), &full(None), &[]);
    check(Idle, true, world(" OFF_QUEUE "), &full(None), &[]);
    for on_queue in ["IDLE", "INTERACTING", "COMMUNICATING", "NOT_RESPONDING", "SOMETHING_NEW", "", "OFF-QUEUE"] {
        check(Idle, true, world(on_queue), &full(Some(PutOffQueue)), &[]);
    }
    check(Slept, true, world("IDLE"), &full(Some(PutOffQueue)), &[]);
    check(HostRequest, true, world("IDLE"), &full(Some(PutOffQueue)), &[]);
    check(OtherTab, true, world("IDLE"), &full(Some(PutOffQueue)), &[]);
    check(Idle, true, World { status: None, ..world("x") }, &full(Some(PutOffQueue)),
          &[(GetRoutingStatus, FailureCause::Failed)]);
}

#[test]
#[rustfmt::skip]
fn who_makes_the_server_calls() {
    check(Idle, false, world("IDLE"), LOCAL_ONLY, &[]);
    check(OtherTab, false, world("IDLE"), LOCAL_ONLY, &[]);
    check(ServerRevoked, true, world("IDLE"), LOCAL_ONLY, &[]);
    check(ServerRevoked, false, world("IDLE"), LOCAL_ONLY, &[]);
    assert!(LogoutPlan::new(Idle, true).makes_server_calls());
    assert!(!LogoutPlan::new(ServerRevoked, true).makes_server_calls());
    assert!(!LogoutPlan::new(Idle, false).makes_server_calls());
}

#[test]
#[rustfmt::skip]
fn presence_definitions() {
    let with = |defs: Vec<(&'static str, &'static str)>| World { definitions: Some(defs), ..world("OFF_QUEUE") };
    let steps = |p: Option<Step>| {
        let mut v = vec![BeforeLogoutHook, GetRoutingStatus, GetPresenceDefinitions];
        v.extend(p);
        v.extend([RevokeToken, ClearTokensHook, SaveReturnLocation, Navigate]);
        v
    };
    let none = [(GetPresenceDefinitions, FailureCause::NoOfflineDefinition)];
    check(Idle, true, with(vec![("o", "OFFLINE")]), &steps(Some(patch("o"))), &[]);
    check(Idle, true, with(vec![("o", "offline")]), &steps(Some(patch("o"))), &[]);
    check(Idle, true, with(vec![("a", "Available"), ("o1", "Offline"), ("o2", "Offline")]), &steps(Some(patch("o1"))), &[]);
    check(Idle, true, with(vec![("", "Offline"), ("o", "Offline")]), &steps(Some(patch("o"))), &[]);
    check(Idle, true, with(vec![]), &steps(None), &none);
    check(Idle, true, with(vec![("a", "Available"), ("b", "Away")]), &steps(None), &none);
    check(Idle, true, with(vec![("x", "Offline-ish")]), &steps(None), &none);
    check(Idle, true, with(vec![("  ", "Offline")]), &steps(None), &none);
    let long: &'static str = Box::leak("i".repeat(300).into_boxed_str());
    check(Idle, true, with(vec![(long, "Offline")]), &steps(None), &none);
    check(Idle, true, World { definitions: None, ..world("OFF_QUEUE") }, &steps(None),
          &[(GetPresenceDefinitions, FailureCause::Failed)]);
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
          &[BeforeLogoutHook, GetRoutingStatus, PutOffQueue, GetPresenceDefinitions, RevokeToken, ClearTokensHook,
            SaveReturnLocation, Navigate],
          &[(BeforeLogoutHook, Failed), (GetRoutingStatus, Failed), (PutOffQueue, Failed),
            (GetPresenceDefinitions, Failed), (RevokeToken, Failed), (ClearTokensHook, Failed),
            (SaveReturnLocation, Failed), (Navigate, Failed)]);
    check(Idle, false, everything, LOCAL_ONLY,
          &[(BeforeLogoutHook, Failed), (ClearTokensHook, Failed), (SaveReturnLocation, Failed), (Navigate, Failed)]);
    check(Idle, true, World { failing: vec!["put-off-queue", "revoke-token"], ..world("IDLE") },
          &[BeforeLogoutHook, GetRoutingStatus, PutOffQueue, GetPresenceDefinitions, patch("off-1"), RevokeToken,
            ClearTokensHook, SaveReturnLocation, Navigate],
          &[(PutOffQueue, Failed), (RevokeToken, Failed)]);
}

#[test]
fn stale_duplicate_and_odd_reports() {
    let mut plan = LogoutPlan::new(Idle, true);
    // Nothing pending yet: any report is ignored.
    plan.handle(&Navigate, StepOutcome::Done);
    assert_eq!(plan.next_step(), Some(BeforeLogoutHook));
    // A report for another step than the pending one is ignored.
    plan.handle(&RevokeToken, StepOutcome::Done);
    assert_eq!(plan.next_step(), Some(BeforeLogoutHook));
    plan.handle(&BeforeLogoutHook, StepOutcome::Done);
    plan.handle(&BeforeLogoutHook, StepOutcome::Failed); // duplicate: ignored
    assert_eq!(plan.next_step(), Some(GetRoutingStatus));
    // `Done` without the status: unknown → fail closed (PUT off queue), recorded.
    plan.handle(&GetRoutingStatus, StepOutcome::Done);
    assert_eq!(plan.next_step(), Some(PutOffQueue));
    // A data outcome for a plain step: recorded, the plan goes on.
    plan.handle(&PutOffQueue, StepOutcome::RoutingStatus("IDLE".into()));
    assert_eq!(plan.next_step(), Some(GetPresenceDefinitions));
    plan.handle(
        &GetPresenceDefinitions,
        StepOutcome::RoutingStatus("x".into()),
    );
    assert_eq!(plan.next_step(), Some(RevokeToken));
    let causes: Vec<_> = plan
        .failures()
        .iter()
        .map(|f| (f.step.name(), f.cause))
        .collect();
    assert_eq!(
        causes,
        [
            ("get-routing-status", FailureCause::UnexpectedOutcome),
            ("put-off-queue", FailureCause::UnexpectedOutcome),
            ("get-presence-definitions", FailureCause::UnexpectedOutcome),
        ]
    );
}

#[test]
fn step_names_and_kinds() {
    let all = [
        BeforeLogoutHook,
        GetRoutingStatus,
        PutOffQueue,
        GetPresenceDefinitions,
        patch("x"),
        RevokeToken,
        ClearTokensHook,
        SaveReturnLocation,
        Navigate,
    ];
    let names: std::collections::BTreeSet<_> = all.iter().map(Step::name).collect();
    assert_eq!(names.len(), all.len());
    let server: Vec<_> = all
        .iter()
        .filter(|s| s.is_server_call())
        .map(Step::name)
        .collect();
    assert_eq!(
        server,
        [
            "get-routing-status",
            "put-off-queue",
            "get-presence-definitions",
            "patch-presence-offline",
            "revoke-token"
        ]
    );
}
