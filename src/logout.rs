//! The logout sequence as a sans-IO plan: the plan says which [`Step`] to perform next, the
//! browser layer performs it (hook, lock, HTTP call, navigation) and reports a [`StepOutcome`].
//!
//! The order (on timeout: Off Queue, Offline, revoke, back to the login prompt):
//!
//! 1. `BeforeLogoutHook` — the app's `beforeLogout` (bounded in time by the layer);
//! 2. `AcquireLock` — the session's logout lock (a Web Lock), waited for with no time bound:
//!    only one tab at a time makes the calls, and no page timer decides who (a paused or
//!    throttled timer must neither stall nor double them). Granted or not available (no Web
//!    Locks), the plan goes on;
//! 3. `GET /api/v2/tokens/me?preserveIdleTTL=true` — whether the calls are still needed, asked
//!    of the server rather than of another tab's record: a 401 means the calls were made (the
//!    revoke is the last of them) or the server revoked the token, and the plan goes straight
//!    to 7. Any other answer, or none, goes on: fail closed;
//! 4. `PUT /api/v2/users/{userId}/routingstatus {"status":"OFF_QUEUE"}` — unconditionally: the
//!    status is not read first (no read on the critical path), and Off Queue for an agent already
//!    off queue changes nothing;
//! 5. `PATCH /api/v2/users/{userId}/presences/purecloud` with the Offline definition, learnt
//!    before the logout ([`LogoutPlan::new`]'s `offline_id`); when it is not known, one
//!    `GET /api/v2/presencedefinitions` first (the definition whose `systemPresence` is
//!    `Offline`, case-insensitive), and no `PATCH` without one;
//! 6. `DELETE /api/v2/tokens/me` — always last: after it, the token can make no call;
//! 7. `ReleaseLock` — when it was granted;
//! 8. `ClearTokensHook` — the app's `clearTokens`;
//! 9. `Navigate` — to the login URL, with the page to come back to when
//!    [`LogoutPlan::saves_return`].
//!
//! Steps 3–6 are [`Step::Call`]s: each carries its request ([`Call`]: method, path, JSON body),
//! so the browser layer is a generic executor with no platform paths of its own. Calls go one at
//! a time: the next one only once the previous one is reported (answered, failed, or past its
//! bound), so the server sees them in this order.
//!
//! Steps 2–7 happen only when the reason [makes calls](LogoutReason::makes_calls): a tab told
//! by another tab to log out, or whose token the server revoked, makes none. A failed step never
//! stops the plan: it is recorded in [`LogoutPlan::failures`] and the next step follows. Without
//! a user id the routing status and presence cannot be addressed: they are recorded as failed
//! ([`FailureCause::NoUser`]).
//!
//! ```
//! use inactivity_core::logout::{LogoutPlan, Step, StepOutcome};
//! use inactivity_core::reason::LogoutReason;
//!
//! let mut plan = LogoutPlan::new(LogoutReason::Idle, Some("u1"), Some("offline-id".into()));
//! let mut seen = Vec::new();
//! while let Some(step) = plan.next_step() {
//!     seen.push(match &step {
//!         Step::Call(call) => format!("{} {}", call.method, call.path),
//!         other => other.name().to_owned(),
//!     });
//!     let outcome = match &step {
//!         Step::Call(_) => StepOutcome::Response(inactivity_core::json::Value::Null),
//!         _ => StepOutcome::Done,
//!     };
//!     plan.handle(&step, outcome);
//! }
//! assert!(plan.failures().is_empty());
//! assert_eq!(seen, [
//!     "before-logout-hook",
//!     "acquire-lock",
//!     "GET /api/v2/tokens/me?preserveIdleTTL=true",
//!     "PUT /api/v2/users/u1/routingstatus",
//!     "PATCH /api/v2/users/u1/presences/purecloud",
//!     "DELETE /api/v2/tokens/me",
//!     "release-lock",
//!     "clear-tokens-hook",
//!     "navigate",
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

/// The `systemPresence` of the presence definition to set.
pub const OFFLINE: &str = "Offline";

/// The longest presence definition id accepted from the server, in bytes.
pub const MAX_DEFINITION_ID_LEN: usize = 256;

/// The server's idle deadline of the token, read without resetting it (not counted as activity):
/// `{ "dateTokenIdles": "<ISO-8601>" }`, or a 401 once the token is revoked.
pub const TOKEN_CHECK_PATH: &str = "/api/v2/tokens/me?preserveIdleTTL=true";

/// The presence definitions (`{ "entities": [{ "id", "systemPresence" }] }`).
pub const PRESENCE_DEFINITIONS_PATH: &str = "/api/v2/presencedefinitions";

/// Which platform call a [`Call`] is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CallKind {
    /// `GET /api/v2/tokens/me?preserveIdleTTL=true`: are the calls still needed?
    CheckToken,
    /// `PUT /api/v2/users/{userId}/routingstatus` with `{"status":"OFF_QUEUE"}`.
    PutOffQueue,
    /// `GET /api/v2/presencedefinitions` (only when the Offline definition is not known).
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
            CallKind::CheckToken => "check-token",
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
    /// Request the session's logout lock and wait for it (no time bound): report
    /// [`StepOutcome::Done`] when granted, [`StepOutcome::Failed`] when there are no Web Locks.
    AcquireLock,
    /// Make this call; report [`StepOutcome::Response`] with the JSON body of a 2xx answer
    /// (`Value::Null` when it has none), [`StepOutcome::Unauthorized`] for a 401, else
    /// [`StepOutcome::Failed`].
    Call(Call),
    /// Release the logout lock (it was granted).
    ReleaseLock,
    /// Run the app's `clearTokens` hook.
    ClearTokensHook,
    /// Go to the login URL — with the page to come back to when [`LogoutPlan::saves_return`].
    Navigate,
}

impl Step {
    /// A short stable name, for logs and diagnostics (`"put-off-queue"`…).
    pub fn name(&self) -> &'static str {
        match self {
            Step::BeforeLogoutHook => "before-logout-hook",
            Step::AcquireLock => "acquire-lock",
            Step::Call(call) => call.kind.name(),
            Step::ReleaseLock => "release-lock",
            Step::ClearTokensHook => "clear-tokens-hook",
            Step::Navigate => "navigate",
        }
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
    /// A hook returned, the lock was granted, a local step succeeded.
    Done,
    /// It failed: 4xx (but 401), 5xx, network error, no answer within the bound, the hook threw
    /// or hung, no Web Locks.
    Failed,
    /// A call answered 401: the token is revoked.
    Unauthorized,
    /// A call answered 2xx with this JSON body (`Value::Null` when there is none).
    Response(Value),
}

/// Why a step is in [`LogoutPlan::failures`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum FailureCause {
    /// The layer reported [`StepOutcome::Failed`] (or a 401 on a call other than the check).
    Failed,
    /// The outcome did not fit the step (e.g. `Done` for a call); treated as a failure.
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
    Lock,
    Check,
    OffQueue,
    PresenceDefinitions,
    PresenceOffline,
    Revoke,
    Unlock,
    ClearTokens,
    Navigate,
    Finished,
}

impl Stage {
    fn next(self) -> Stage {
        match self {
            Stage::BeforeLogout => Stage::Lock,
            Stage::Lock => Stage::Check,
            Stage::Check => Stage::OffQueue,
            Stage::OffQueue => Stage::PresenceDefinitions,
            Stage::PresenceDefinitions => Stage::PresenceOffline,
            Stage::PresenceOffline => Stage::Revoke,
            Stage::Revoke => Stage::Unlock,
            Stage::Unlock => Stage::ClearTokens,
            Stage::ClearTokens => Stage::Navigate,
            Stage::Navigate | Stage::Finished => Stage::Finished,
        }
    }
}

/// The logout sequence of one tab, one step at a time.
#[derive(Debug, Clone)]
pub struct LogoutPlan {
    reason: LogoutReason,
    /// `/api/v2/users/{userId}` (the id percent-encoded), when the user is known.
    user_path: Option<String>,
    stage: Stage,
    pending: Option<Step>,
    offline_id: Option<String>,
    locked: bool,
    save_return: bool,
    failures: Vec<Failure>,
}

/// The Offline definition's id in a `GET /api/v2/presencedefinitions` answer
/// (`{ "entities": [{ "id", "systemPresence" }] }`): the first whose `systemPresence` is
/// `Offline` (case-insensitive) with a usable id.
pub fn offline_definition(body: &Value) -> Option<String> {
    body.get("entities")?
        .as_array()?
        .iter()
        .filter_map(|d| {
            let id = d.get("id")?.as_str()?;
            let system = d.get("systemPresence")?.as_str()?;
            (system.trim().eq_ignore_ascii_case(OFFLINE)
                && !id.trim().is_empty()
                && id.len() <= MAX_DEFINITION_ID_LEN)
                .then(|| String::from(id))
        })
        .next()
}

impl LogoutPlan {
    /// The plan for a logout for `reason` of the user `user_id` (`None`: not known), with the
    /// Offline presence definition's id when it was learnt before (`None`: the plan reads it).
    /// The page to come back to is saved for every reason but [`LogoutReason::User`] (see
    /// [`LogoutPlan::with_return`]).
    pub fn new(reason: LogoutReason, user_id: Option<&str>, offline_id: Option<String>) -> Self {
        LogoutPlan {
            reason,
            user_path: user_id.map(|id| {
                let mut path = String::from("/api/v2/users/");
                push_uri_component(&mut path, id);
                path
            }),
            stage: Stage::BeforeLogout,
            pending: None,
            offline_id,
            locked: false,
            save_return: reason != LogoutReason::User,
            failures: Vec::new(),
        }
    }

    /// The same plan, saving the page to come back to or not (a user's own sign-out saves it
    /// only when asked).
    #[must_use]
    pub fn with_return(mut self, save_return: bool) -> Self {
        self.save_return = save_return;
        self
    }

    /// The step to perform now; `None` when the plan is finished. Until that step is reported
    /// with [`LogoutPlan::handle`], the same step is returned again: a step is never skipped
    /// by accident.
    pub fn next_step(&mut self) -> Option<Step> {
        if let Some(step) = &self.pending {
            return Some(step.clone());
        }
        loop {
            let calls = self.makes_server_calls();
            let step = match self.stage {
                Stage::BeforeLogout => Some(Step::BeforeLogoutHook),
                Stage::Lock if calls => Some(Step::AcquireLock),
                Stage::Check if calls => Some(self.call(
                    CallKind::CheckToken,
                    "GET",
                    String::from(TOKEN_CHECK_PATH),
                    None,
                )),
                Stage::OffQueue if calls => self.user_call(
                    CallKind::PutOffQueue,
                    "PUT",
                    "/routingstatus",
                    Some(String::from(r#"{"status":"OFF_QUEUE"}"#)),
                ),
                Stage::PresenceDefinitions if calls && self.offline_id.is_none() => {
                    Some(self.call(
                        CallKind::GetPresenceDefinitions,
                        "GET",
                        String::from(PRESENCE_DEFINITIONS_PATH),
                        None,
                    ))
                }
                Stage::PresenceOffline if calls => match self.offline_id.clone() {
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
                Stage::Revoke if calls => Some(self.call(
                    CallKind::RevokeToken,
                    "DELETE",
                    String::from("/api/v2/tokens/me"),
                    None,
                )),
                Stage::Unlock if self.locked => Some(Step::ReleaseLock),
                Stage::ClearTokens => Some(Step::ClearTokensHook),
                Stage::Navigate => Some(Step::Navigate),
                Stage::Finished => return None,
                _ => None,
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
        let cause = match (step, step.call_kind(), outcome) {
            (Step::AcquireLock, _, StepOutcome::Done) => {
                self.locked = true;
                None
            }
            (_, Some(CallKind::CheckToken), StepOutcome::Unauthorized) => {
                // Nothing left to do at the server.
                self.stage = Stage::Unlock;
                None
            }
            (_, Some(CallKind::CheckToken), _) => None,
            (_, _, StepOutcome::Failed | StepOutcome::Unauthorized) => Some(FailureCause::Failed),
            (_, Some(CallKind::GetPresenceDefinitions), StepOutcome::Response(body)) => {
                self.offline_id = offline_definition(&body);
                self.offline_id
                    .is_none()
                    .then_some(FailureCause::NoOfflineDefinition)
            }
            (_, Some(_), StepOutcome::Response(_)) | (_, None, StepOutcome::Done) => None,
            (_, Some(_), StepOutcome::Done) | (_, None, StepOutcome::Response(_)) => {
                Some(FailureCause::UnexpectedOutcome)
            }
        };
        if let Some(cause) = cause {
            self.failures.push(Failure {
                step: step.name(),
                cause,
            });
        }
    }

    /// Why the user is being logged out.
    pub fn reason(&self) -> LogoutReason {
        self.reason
    }

    /// Whether the plan includes the server calls at all (see [`LogoutReason::makes_calls`]).
    pub fn makes_server_calls(&self) -> bool {
        self.reason.makes_calls()
    }

    /// Whether [`Step::Navigate`] saves the page to come back to after signing in again.
    pub fn saves_return(&self) -> bool {
        self.save_return
    }

    /// Whether the logout lock is held (granted and not released yet).
    pub fn holds_lock(&self) -> bool {
        self.locked && self.stage <= Stage::Unlock
    }

    /// The steps that failed so far, in order; the plan went on after each.
    pub fn failures(&self) -> &[Failure] {
        &self.failures
    }

    /// Whether every step has been performed (or skipped).
    pub fn is_finished(&self) -> bool {
        self.stage == Stage::Finished
    }

    fn call(
        &self,
        kind: CallKind,
        method: &'static str,
        path: String,
        body: Option<String>,
    ) -> Step {
        Step::Call(Call {
            kind,
            method,
            path,
            body,
        })
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
        match &self.user_path {
            Some(user) => Some(self.call(kind, method, concat(&[user, suffix]), body)),
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
