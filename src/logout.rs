//! The logout sequence as a sans-IO plan: the plan says which [`Step`] to perform next, the
//! browser layer performs it (hook, HTTP call, navigation) and reports a [`StepOutcome`].
//!
//! The order (DESIGN §2 "on timeout", issue 5 item 5):
//!
//! 1. [`Step::BeforeLogoutHook`] — the app's `beforeLogout` (bounded in time by the layer);
//! 2. [`Step::GetRoutingStatus`] — `GET …/routingstatus`;
//! 3. [`Step::PutOffQueue`] — `PUT …/routingstatus {"status":"OFF_QUEUE"}`, unless the status
//!    was `OFF_QUEUE`. Any other status (`IDLE`, `INTERACTING`, `COMMUNICATING`,
//!    `NOT_RESPONDING`, an unknown one) is On Queue, and a failed or unreadable `GET` still tries
//!    the `PUT`: fail closed;
//! 4. [`Step::GetPresenceDefinitions`] — `GET /api/v2/presencedefinitions`;
//! 5. [`Step::PatchPresenceOffline`] — `PATCH …/presences/purecloud` with the definition whose
//!    `systemPresence` is `Offline` (case-insensitive); skipped when there is none;
//! 6. [`Step::RevokeToken`] — `DELETE /api/v2/tokens/me`;
//! 7. [`Step::ClearTokensHook`] — the app's `clearTokens`;
//! 8. [`Step::SaveReturnLocation`] — remember the page (storage and the login `state`);
//! 9. [`Step::Navigate`] — to the login URL.
//!
//! A failed step never stops the plan: it is recorded in [`LogoutPlan::failures`] and the next
//! step follows. Steps 2–6 are the server calls; they are skipped when the reason is
//! [`LogoutReason::ServerRevoked`] (the token is already dead: every call would be a 401), and
//! in a tab that is not the leader (another tab makes them — exactly one tab must).
//!
//! ```
//! use inactivity_core::logout::{LogoutPlan, Step, StepOutcome};
//! use inactivity_core::reason::LogoutReason;
//!
//! let mut plan = LogoutPlan::new(LogoutReason::Idle, true);
//! while let Some(step) = plan.next_step() {
//!     let outcome = match &step {
//!         Step::GetRoutingStatus => StepOutcome::RoutingStatus("OFF_QUEUE".into()),
//!         Step::GetPresenceDefinitions => StepOutcome::PresenceDefinitions(vec![
//!             ("a1".into(), "Available".into()),
//!             ("o1".into(), "Offline".into()),
//!         ]),
//!         _ => StepOutcome::Done,
//!     };
//!     plan.handle(&step, outcome);
//! }
//! assert!(plan.is_finished() && plan.failures().is_empty());
//! ```

#![deny(
    clippy::arithmetic_side_effects,
    clippy::indexing_slicing,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic
)]

use alloc::{string::String, vec::Vec};

use super::reason::LogoutReason;

/// The routing status that means "Off Queue"; any other means On Queue.
pub const OFF_QUEUE: &str = "OFF_QUEUE";

/// The `systemPresence` of the presence definition to set.
pub const OFFLINE: &str = "Offline";

/// The longest presence definition id accepted from the server, in bytes.
pub const MAX_DEFINITION_ID_LEN: usize = 256;

/// One thing the browser layer must do to log out.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Step {
    /// Run the app's `beforeLogout` hook (bounded time).
    BeforeLogoutHook,
    /// `GET /api/v2/users/{userId}/routingstatus`; report [`StepOutcome::RoutingStatus`].
    GetRoutingStatus,
    /// `PUT /api/v2/users/{userId}/routingstatus` with `{"status":"OFF_QUEUE"}`.
    PutOffQueue,
    /// `GET /api/v2/presencedefinitions`; report [`StepOutcome::PresenceDefinitions`].
    GetPresenceDefinitions,
    /// `PATCH /api/v2/users/{userId}/presences/purecloud` with
    /// `{"presenceDefinition":{"id": definition_id}}`.
    PatchPresenceOffline {
        /// The id of the Offline presence definition.
        definition_id: String,
    },
    /// `DELETE /api/v2/tokens/me`.
    RevokeToken,
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
            Step::GetRoutingStatus => "get-routing-status",
            Step::PutOffQueue => "put-off-queue",
            Step::GetPresenceDefinitions => "get-presence-definitions",
            Step::PatchPresenceOffline { .. } => "patch-presence-offline",
            Step::RevokeToken => "revoke-token",
            Step::ClearTokensHook => "clear-tokens-hook",
            Step::SaveReturnLocation => "save-return-location",
            Step::Navigate => "navigate",
        }
    }

    /// Whether the step is a call to the platform API (skipped by non-leaders and after a 401).
    pub fn is_server_call(&self) -> bool {
        matches!(
            self,
            Step::GetRoutingStatus
                | Step::PutOffQueue
                | Step::GetPresenceDefinitions
                | Step::PatchPresenceOffline { .. }
                | Step::RevokeToken
        )
    }
}

/// How a step went.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StepOutcome {
    /// It succeeded (2xx, the hook returned).
    Done,
    /// It failed: 4xx, 5xx, network error, timeout, the hook threw or hung.
    Failed,
    /// The answer to [`Step::GetRoutingStatus`]: the `status` field.
    RoutingStatus(String),
    /// The answer to [`Step::GetPresenceDefinitions`]: `(id, systemPresence)` of each entity.
    PresenceDefinitions(Vec<(String, String)>),
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
}

/// A step that did not achieve its purpose; the plan went on regardless.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Failure {
    /// The step.
    pub step: Step,
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
    stage: Stage,
    pending: Option<Step>,
    put_off_queue: bool,
    offline_id: Option<String>,
    failures: Vec<Failure>,
}

impl LogoutPlan {
    /// The plan for a logout for `reason`. `leader`: this tab makes the server calls; `false`
    /// when another tab does (normally the case for [`LogoutReason::OtherTab`]).
    pub fn new(reason: LogoutReason, leader: bool) -> Self {
        LogoutPlan {
            reason,
            leader,
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
                Stage::RoutingStatus => self.server(Step::GetRoutingStatus),
                Stage::OffQueue => self
                    .server(Step::PutOffQueue)
                    .filter(|_| self.put_off_queue),
                Stage::PresenceDefinitions => self.server(Step::GetPresenceDefinitions),
                Stage::PresenceOffline => self.offline_id.clone().and_then(|definition_id| {
                    self.server(Step::PatchPresenceOffline { definition_id })
                }),
                Stage::Revoke => self.server(Step::RevokeToken),
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
        let cause = match (step, outcome) {
            (_, StepOutcome::Failed) => Some(FailureCause::Failed),
            (Step::GetRoutingStatus, StepOutcome::RoutingStatus(status)) => {
                self.put_off_queue = !status.trim().eq_ignore_ascii_case(OFF_QUEUE);
                None
            }
            (Step::GetPresenceDefinitions, StepOutcome::PresenceDefinitions(definitions)) => {
                self.offline_id = definitions
                    .into_iter()
                    .find(|(id, system)| {
                        system.trim().eq_ignore_ascii_case(OFFLINE)
                            && !id.trim().is_empty()
                            && id.len() <= MAX_DEFINITION_ID_LEN
                    })
                    .map(|(id, _)| id);
                self.offline_id
                    .is_none()
                    .then_some(FailureCause::NoOfflineDefinition)
            }
            (Step::GetRoutingStatus | Step::GetPresenceDefinitions, _) => {
                Some(FailureCause::UnexpectedOutcome)
            }
            (_, StepOutcome::Done) => None,
            (_, StepOutcome::RoutingStatus(_) | StepOutcome::PresenceDefinitions(_)) => {
                Some(FailureCause::UnexpectedOutcome)
            }
        };
        if let Some(cause) = cause {
            self.failures.push(Failure {
                step: step.clone(),
                cause,
            });
        }
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

    fn server(&self, step: Step) -> Option<Step> {
        self.makes_server_calls().then_some(step)
    }
}
