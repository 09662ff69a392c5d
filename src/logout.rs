//! The logout sequence as a sans-IO plan: the plan says which [`Step`] to perform next, the
//! browser layer performs it (hook, HTTP call, navigation) and reports a [`StepOutcome`].
//!
//! The order (on timeout: Off Queue, Offline, revoke, back to the login prompt):
//!
//! 1. `BeforeLogoutHook` — the app's `beforeLogout` (bounded in time by the layer);
//! 2. `GET /api/v2/users/{userId}/routingstatus`;
//! 3. `PUT /api/v2/users/{userId}/routingstatus {"status":"OFF_QUEUE"}`, unless the status
//!    was `OFF_QUEUE`. Any other status (`IDLE`, `INTERACTING`, `COMMUNICATING`,
//!    `NOT_RESPONDING`, an unknown one) is On Queue, and a failed or unreadable `GET` still tries
//!    the `PUT`: fail closed;
//! 4. `GET /api/v2/presencedefinitions`;
//! 5. `PATCH /api/v2/users/{userId}/presences/purecloud` with the definition whose
//!    `systemPresence` is `Offline` (case-insensitive); skipped when there is none;
//! 6. `DELETE /api/v2/tokens/me`;
//! 7. `ClearTokensHook` — the app's `clearTokens`;
//! 8. `SaveReturnLocation` — remember the page (storage and the login `state`);
//! 9. `Navigate` — to the login URL.
//!
//! Steps 2–6 are [`Step::Call`]s: each carries its request ([`Call`]: method, path, JSON body),
//! so the browser layer is a generic executor with no platform paths of its own; it answers
//! with the response's JSON body ([`StepOutcome::Response`]) or [`StepOutcome::Failed`].
//!
//! A failed step never stops the plan: it is recorded in [`LogoutPlan::failures`] and the next
//! step follows. The calls are skipped when the reason is [`LogoutReason::ServerRevoked`] (the
//! token is already dead: every call would be a 401), and in a tab that is not the leader
//! (another tab makes them — exactly one tab must). Without a user id the routing status and
//! presence calls cannot be addressed: they are recorded as failed ([`FailureCause::NoUser`]).
//!
//! ```
//! use inactivity_core::json::Value;
//! use inactivity_core::logout::{CallKind, LogoutPlan, Step, StepOutcome};
//! use inactivity_core::reason::LogoutReason;
//!
//! let obj = |m: Vec<(&str, Value)>| Value::Object(m.into_iter().map(|(k, v)| (k.to_owned(), v)).collect());
//! let mut plan = LogoutPlan::new(LogoutReason::Idle, true, Some("u1"));
//! let mut calls = Vec::new();
//! while let Some(step) = plan.next_step() {
//!     let outcome = match &step {
//!         Step::Call(call) => {
//!             calls.push(format!("{} {}", call.method, call.path));
//!             match call.kind {
//!                 CallKind::GetRoutingStatus => StepOutcome::Response(obj(vec![("status", "OFF_QUEUE".into())])),
//!                 CallKind::GetPresenceDefinitions => StepOutcome::Response(obj(vec![("entities", Value::Array(vec![
//!                     obj(vec![("id", "o1".into()), ("systemPresence", "Offline".into())]),
//!                 ]))])),
//!                 _ => StepOutcome::Response(Value::Null),
//!             }
//!         }
//!         _ => StepOutcome::Done,
//!     };
//!     plan.handle(&step, outcome);
//! }
//! assert!(plan.is_finished() && plan.failures().is_empty());
//! assert_eq!(calls, [
//!     "GET /api/v2/users/u1/routingstatus",   // already Off Queue: no PUT
//!     "GET /api/v2/presencedefinitions",
//!     "PATCH /api/v2/users/u1/presences/purecloud",
//!     "DELETE /api/v2/tokens/me",
//! ]);
//! ```

#![deny(
    clippy::arithmetic_side_effects,
    clippy::indexing_slicing,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic
)]

use alloc::{string::String, vec::Vec};

use super::json::Value;
use super::reason::LogoutReason;
use super::text::{concat, push_json_string, push_uri_component};

/// The routing status that means "Off Queue"; any other means On Queue.
pub const OFF_QUEUE: &str = "OFF_QUEUE";

/// The `systemPresence` of the presence definition to set.
pub const OFFLINE: &str = "Offline";

/// The longest presence definition id accepted from the server, in bytes.
pub const MAX_DEFINITION_ID_LEN: usize = 256;

/// Which platform call a [`Call`] is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CallKind {
    /// `GET /api/v2/users/{userId}/routingstatus`.
    GetRoutingStatus,
    /// `PUT /api/v2/users/{userId}/routingstatus` with `{"status":"OFF_QUEUE"}`.
    PutOffQueue,
    /// `GET /api/v2/presencedefinitions`.
    GetPresenceDefinitions,
    /// `PATCH /api/v2/users/{userId}/presences/purecloud` with the Offline definition.
    PatchPresenceOffline,
    /// `DELETE /api/v2/tokens/me`.
    RevokeToken,
}

impl CallKind {
    /// A short stable name, for logs and diagnostics (`"put-off-queue"`…).
    pub fn name(self) -> &'static str {
        match self {
            CallKind::GetRoutingStatus => "get-routing-status",
            CallKind::PutOffQueue => "put-off-queue",
            CallKind::GetPresenceDefinitions => "get-presence-definitions",
            CallKind::PatchPresenceOffline => "patch-presence-offline",
            CallKind::RevokeToken => "revoke-token",
        }
    }
}

/// A call to the platform API, ready to make.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Call {
    /// Which call it is.
    pub kind: CallKind,
    /// The HTTP method.
    pub method: &'static str,
    /// The path under the API root (`/api/v2/…`), the user id percent-encoded.
    pub path: String,
    /// The JSON body, if any.
    pub body: Option<String>,
}

/// One thing the browser layer must do to log out.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Step {
    /// Run the app's `beforeLogout` hook (bounded time).
    BeforeLogoutHook,
    /// Make this call; report [`StepOutcome::Response`] with the JSON body of a 2xx answer
    /// (`Value::Null` when it has none), else [`StepOutcome::Failed`].
    Call(Call),
    /// Run the app's `clearTokens` hook.
    ClearTokensHook,
    /// Save the return location (path, query, fragment) for after the next sign-in.
    SaveReturnLocation,
    /// Navigate to the login URL (with the `state` carrying the return location).
    Navigate,
}

impl Step {
    /// A short stable name, for logs and diagnostics (`"put-off-queue"`…).
    pub fn name(&self) -> &'static str {
        match self {
            Step::BeforeLogoutHook => "before-logout-hook",
            Step::Call(call) => call.kind.name(),
            Step::ClearTokensHook => "clear-tokens-hook",
            Step::SaveReturnLocation => "save-return-location",
            Step::Navigate => "navigate",
        }
    }

    /// Whether the step is a call to the platform API (skipped by non-leaders and after a 401).
    pub fn is_server_call(&self) -> bool {
        matches!(self, Step::Call(_))
    }

    /// The kind of call, for a [`Step::Call`].
    pub fn call_kind(&self) -> Option<CallKind> {
        match self {
            Step::Call(call) => Some(call.kind),
            _ => None,
        }
    }
}

/// How a step went.
#[derive(Debug, Clone, PartialEq)]
pub enum StepOutcome {
    /// A hook returned (or a local step succeeded).
    Done,
    /// It failed: 4xx, 5xx, network error, timeout, the hook threw or hung.
    Failed,
    /// A call answered 2xx with this JSON body (`Value::Null` when there is none).
    Response(Value),
}

/// Why a step is in [`LogoutPlan::failures`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum FailureCause {
    /// The layer reported [`StepOutcome::Failed`].
    Failed,
    /// The outcome did not fit the step (e.g. `Done` without the routing status); treated as a
    /// failure.
    UnexpectedOutcome,
    /// The presence definitions had no usable `Offline` one: presence was not set Offline.
    NoOfflineDefinition,
    /// No user id is known: the user's routing status and presence could not be addressed.
    NoUser,
}

/// A step that did not achieve its purpose; the plan went on regardless.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Failure {
    /// The step's name ([`Step::name`]).
    pub step: &'static str,
    /// Why it is counted as failed.
    pub cause: FailureCause,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Stage {
    BeforeLogout,
    RoutingStatus,
    OffQueue,
    PresenceDefinitions,
    PresenceOffline,
    Revoke,
    ClearTokens,
    SaveReturn,
    Navigate,
    Finished,
}

impl Stage {
    fn next(self) -> Stage {
        match self {
            Stage::BeforeLogout => Stage::RoutingStatus,
            Stage::RoutingStatus => Stage::OffQueue,
            Stage::OffQueue => Stage::PresenceDefinitions,
            Stage::PresenceDefinitions => Stage::PresenceOffline,
            Stage::PresenceOffline => Stage::Revoke,
            Stage::Revoke => Stage::ClearTokens,
            Stage::ClearTokens => Stage::SaveReturn,
            Stage::SaveReturn => Stage::Navigate,
            Stage::Navigate | Stage::Finished => Stage::Finished,
        }
    }
}

/// The logout sequence of one tab, one step at a time.
#[derive(Debug, Clone)]
pub struct LogoutPlan {
    reason: LogoutReason,
    leader: bool,
    /// `/api/v2/users/{userId}` (the id percent-encoded), when the user is known.
    user_path: Option<String>,
    stage: Stage,
    pending: Option<Step>,
    put_off_queue: bool,
    offline_id: Option<String>,
    failures: Vec<Failure>,
}

impl LogoutPlan {
    /// The plan for a logout for `reason` of the user `user_id` (`None`: not known). `leader`:
    /// this tab makes the server calls; `false` when another tab does (normally the case for
    /// [`LogoutReason::OtherTab`]).
    pub fn new(reason: LogoutReason, leader: bool, user_id: Option<&str>) -> Self {
        LogoutPlan {
            reason,
            leader,
            user_path: user_id.map(|id| {
                let mut path = String::from("/api/v2/users/");
                push_uri_component(&mut path, id);
                path
            }),
            stage: Stage::BeforeLogout,
            pending: None,
            put_off_queue: true,
            offline_id: None,
            failures: Vec::new(),
        }
    }

    /// The step to perform now; `None` when the plan is finished. Until that step is reported
    /// with [`LogoutPlan::handle`], the same step is returned again: a step is never skipped
    /// by accident.
    pub fn next_step(&mut self) -> Option<Step> {
        if let Some(step) = &self.pending {
            return Some(step.clone());
        }
        loop {
            let step = match self.stage {
                Stage::BeforeLogout => Some(Step::BeforeLogoutHook),
                Stage::RoutingStatus => {
                    self.user_call(CallKind::GetRoutingStatus, "GET", "/routingstatus", None)
                }
                Stage::OffQueue if self.put_off_queue => self.user_call(
                    CallKind::PutOffQueue,
                    "PUT",
                    "/routingstatus",
                    Some(String::from(r#"{"status":"OFF_QUEUE"}"#)),
                ),
                Stage::PresenceDefinitions => self.call(
                    CallKind::GetPresenceDefinitions,
                    "GET",
                    String::from("/api/v2/presencedefinitions"),
                    None,
                ),
                Stage::PresenceOffline => match self.offline_id.clone() {
                    Some(id) => {
                        let mut body = String::from(r#"{"presenceDefinition":{"id":"#);
                        push_json_string(&mut body, &id);
                        body.push_str("}}");
                        self.user_call(
                            CallKind::PatchPresenceOffline,
                            "PATCH",
                            "/presences/purecloud",
                            Some(body),
                        )
                    }
                    None => None,
                },
                Stage::Revoke => self.call(
                    CallKind::RevokeToken,
                    "DELETE",
                    String::from("/api/v2/tokens/me"),
                    None,
                ),
                Stage::OffQueue => None,
                Stage::ClearTokens => Some(Step::ClearTokensHook),
                Stage::SaveReturn => Some(Step::SaveReturnLocation),
                Stage::Navigate => Some(Step::Navigate),
                Stage::Finished => return None,
            };
            match step {
                Some(step) => {
                    self.pending = Some(step.clone());
                    return Some(step);
                }
                None => self.stage = self.stage.next(),
            }
        }
    }

    /// Report how `step` went. A report for any other step than the pending one (stale,
    /// duplicated) is ignored. A failure is recorded and the plan goes on.
    pub fn handle(&mut self, step: &Step, outcome: StepOutcome) {
        if self.pending.as_ref() != Some(step) {
            return;
        }
        self.pending = None;
        self.stage = self.stage.next();
        let cause = match (step.call_kind(), outcome) {
            (_, StepOutcome::Failed) => Some(FailureCause::Failed),
            (Some(CallKind::GetRoutingStatus), StepOutcome::Response(body)) => {
                match body.get("status").and_then(Value::as_str) {
                    Some(status) => {
                        self.put_off_queue = !status.trim().eq_ignore_ascii_case(OFF_QUEUE);
                        None
                    }
                    None => Some(FailureCause::UnexpectedOutcome),
                }
            }
            (Some(CallKind::GetPresenceDefinitions), StepOutcome::Response(body)) => {
                let Some(entities) = body.get("entities").and_then(Value::as_array) else {
                    return self.fail(step, FailureCause::UnexpectedOutcome);
                };
                self.offline_id = entities
                    .iter()
                    .filter_map(|d| {
                        let id = d.get("id")?.as_str()?;
                        let system = d.get("systemPresence")?.as_str()?;
                        (system.trim().eq_ignore_ascii_case(OFFLINE)
                            && !id.trim().is_empty()
                            && id.len() <= MAX_DEFINITION_ID_LEN)
                            .then(|| String::from(id))
                    })
                    .next();
                self.offline_id
                    .is_none()
                    .then_some(FailureCause::NoOfflineDefinition)
            }
            (Some(_), StepOutcome::Response(_)) | (None, StepOutcome::Done) => None,
            (Some(_), StepOutcome::Done) | (None, StepOutcome::Response(_)) => {
                Some(FailureCause::UnexpectedOutcome)
            }
        };
        if let Some(cause) = cause {
            self.fail(step, cause);
        }
    }

    fn fail(&mut self, step: &Step, cause: FailureCause) {
        self.failures.push(Failure {
            step: step.name(),
            cause,
        });
    }

    /// Why the user is being logged out.
    pub fn reason(&self) -> LogoutReason {
        self.reason
    }

    /// Whether this tab makes the server calls.
    pub fn leader(&self) -> bool {
        self.leader
    }

    /// Whether the plan includes the server calls at all: leader, and the token not already
    /// revoked by the server.
    pub fn makes_server_calls(&self) -> bool {
        self.leader && self.reason != LogoutReason::ServerRevoked
    }

    /// The steps that failed so far, in order; the plan went on after each.
    pub fn failures(&self) -> &[Failure] {
        &self.failures
    }

    /// Whether every step has been performed (or skipped).
    pub fn is_finished(&self) -> bool {
        self.stage == Stage::Finished
    }

    /// A call, when this tab makes the server calls.
    fn call(
        &self,
        kind: CallKind,
        method: &'static str,
        path: String,
        body: Option<String>,
    ) -> Option<Step> {
        self.makes_server_calls().then_some(Step::Call(Call {
            kind,
            method,
            path,
            body,
        }))
    }

    /// A call about the user (`/api/v2/users/{userId}` + `suffix`); without a user id it cannot
    /// be made and is recorded as failed.
    fn user_call(
        &mut self,
        kind: CallKind,
        method: &'static str,
        suffix: &str,
        body: Option<String>,
    ) -> Option<Step> {
        if !self.makes_server_calls() {
            return None;
        }
        match &self.user_path {
            Some(user) => self.call(kind, method, concat(&[user, suffix]), body),
            None => {
                self.failures.push(Failure {
                    step: kind.name(),
                    cause: FailureCause::NoUser,
                });
                None
            }
        }
    }
}
