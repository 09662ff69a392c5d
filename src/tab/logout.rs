//! A tab's logout: it begins when the idle machine logs out, and runs the core's
//! [`LogoutPlan`] one step at a time — each step an instruction for the driver, each answer an
//! input — with the logout record in storage kept for diagnostics.

#![deny(
    clippy::arithmetic_side_effects,
    clippy::indexing_slicing,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic
)]

use crate::logout::{CallKind, LogoutPlan, Step, StepOutcome};
use crate::reason::LogoutReason;
use crate::tabs::{Calls as Progress, LogoutRecord};
use crate::text::concat;

use super::calls::Purpose;
use super::host;
use super::output::{Hook, Notice, Output};
use super::{Life, Tab};

impl Tab {
    /// The machine logged out for `reason`: tell the app, the embedding page and (unless the
    /// logout came from them) the other tabs, write the record, and start the plan.
    pub(super) fn begin_logout(&mut self, reason: LogoutReason, now_ms: u64) {
        self.life = Life::LoggingOut;
        // Only a logout of this tab's own makes the calls: a tab told by another never does.
        let own = self.sync.handle_logout(reason);
        let role = if own { reason } else { LogoutReason::OtherTab };
        self.out.push(Output::Notify(Notice::Logout(reason)));
        let reason_json = host::json_string(reason.as_str());
        let posts = host::post(&self.config, "logout", &[("reason", &reason_json)]);
        self.out.extend(posts);
        if own {
            self.record(Progress::Pending, now_ms);
        }
        let user = self.user.as_ref().map(|u| u.id.as_str());
        let mut plan = LogoutPlan::new(role, user, self.offline_id.clone());
        if let Some(save) = self.sign_out_return {
            plan = plan.with_return(save);
        }
        self.plan = Some(plan);
        self.step_logout(now_ms);
    }

    /// The session's logout record, for diagnostics (and for a tab that wakes to learn that the
    /// session ended): `"1 <ended ms> <pending|started|done>"`.
    fn record(&mut self, calls: Progress, now_ms: u64) {
        if let Some(link) = self.link.as_ref().filter(|l| l.storage()) {
            let ended_ms = self.logout_ms.get_or_insert(now_ms);
            let record = LogoutRecord {
                ended_ms: *ended_ms,
                calls,
            };
            self.out.push(Output::Store {
                key: link.scope().logout_key(),
                value: record.encode(),
            });
        }
    }

    /// Asks the driver for the plan's next step, or performs it when it needs nothing.
    pub(super) fn step_logout(&mut self, now_ms: u64) {
        loop {
            let Some(plan) = self.plan.as_mut() else {
                return;
            };
            let reason = plan.reason();
            let Some(step) = plan.next_step() else {
                return;
            };
            match &step {
                Step::BeforeLogoutHook | Step::ClearTokensHook => {
                    let hook = if step == Step::BeforeLogoutHook {
                        Hook::BeforeLogout
                    } else {
                        Hook::ClearTokens
                    };
                    self.out.push(Output::RunHook {
                        hook,
                        reason,
                        bound_ms: self.config.hook_timeout_ms,
                    });
                    return;
                }
                Step::AcquireLock => match self.link.as_ref().filter(|_| self.config.locks) {
                    Some(link) => {
                        self.out.push(Output::RequestLock(link.scope().lock_name()));
                        return;
                    }
                    None => self.finish_step(&step, StepOutcome::Failed, now_ms),
                },
                Step::Call(call) => {
                    let url = concat(&[&self.api_root, &call.path]);
                    let id = self.calls.open(Purpose::Logout);
                    self.out.push(Output::Call(super::output::OwnCall {
                        id,
                        method: call.method,
                        url,
                        body: call.body.clone(),
                        bound_ms: self.config.request_timeout_ms,
                    }));
                    return;
                }
                Step::ReleaseLock => {
                    self.out.push(Output::ReleaseLock);
                    self.finish_step(&step, StepOutcome::Done, now_ms);
                }
                Step::Navigate => {
                    let save_return = plan.saves_return();
                    self.out.push(Output::Navigate {
                        login_url: self.config.login_url.clone(),
                        save_return,
                    });
                    self.finish_step(&step, StepOutcome::Done, now_ms);
                }
            }
        }
    }

    /// The driver reports how `step` went.
    pub(super) fn finish_step(&mut self, step: &Step, outcome: StepOutcome, now_ms: u64) {
        let done = match (step, &outcome) {
            (Step::AcquireLock, StepOutcome::Done) => Some(Progress::Started),
            (Step::Call(call), StepOutcome::Unauthorized) if call.kind == CallKind::CheckToken => {
                Some(Progress::Done)
            }
            (Step::Call(call), _) if call.kind == CallKind::RevokeToken => Some(Progress::Done),
            _ => None,
        };
        if let Some(plan) = self.plan.as_mut() {
            plan.handle(step, outcome);
        }
        if let Some(progress) = done {
            self.record(progress, now_ms);
        }
    }

    /// The lock was granted (`granted`), or there are no Web Locks here.
    pub(super) fn lock_answered(&mut self, granted: bool, now_ms: u64) {
        let outcome = if granted {
            StepOutcome::Done
        } else {
            StepOutcome::Failed
        };
        if self.plan_waits_for(&Step::AcquireLock) {
            self.finish_step(&Step::AcquireLock, outcome, now_ms);
            self.step_logout(now_ms);
        } else if granted {
            // Granted after all that (stopped meanwhile): let it go at once.
            self.out.push(Output::ReleaseLock);
        }
    }

    /// An awaited hook returned, threw, or ran past its bound.
    pub(super) fn hook_done(&mut self, now_ms: u64) {
        for step in [Step::BeforeLogoutHook, Step::ClearTokensHook] {
            if self.plan_waits_for(&step) {
                self.finish_step(&step, StepOutcome::Done, now_ms);
                self.step_logout(now_ms);
                return;
            }
        }
    }

    fn plan_waits_for(&mut self, step: &Step) -> bool {
        self.plan
            .as_mut()
            .and_then(LogoutPlan::next_step)
            .is_some_and(|next| next == *step)
    }
}
