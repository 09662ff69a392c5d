//! What the answers to the tracker's own calls mean — each rule written once. A 401 to a call
//! made with the session's token means the token is dead: the tab logs out (`server-revoked`),
//! whatever the call was for.

#![deny(
    clippy::arithmetic_side_effects,
    clippy::indexing_slicing,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic
)]

use crate::json::Value;
use crate::logout::offline_definition;
use crate::reason::LogoutReason;

use super::calls::{Answer, Purpose};
use super::date::parse_date;
use super::output::{CallId, Output};
use super::{Life, Tab};

/// The server's idle deadline in a `tokens/me` answer (`dateTokenIdles`), when it says one.
fn server_deadline(body: &Value) -> Option<u64> {
    parse_date(body.get("dateTokenIdles")?.as_str()?)
}

impl Tab {
    /// The call `id`, made for `purpose`, came back with `answer`.
    pub(super) fn answered(&mut self, purpose: Purpose, id: CallId, answer: Answer, now_ms: u64) {
        if purpose == Purpose::Logout {
            let step = self
                .plan
                .as_mut()
                .and_then(crate::logout::LogoutPlan::next_step);
            if let Some(step) = step {
                self.finish_step(&step, answer.outcome(), now_ms);
                self.step_logout(now_ms);
            }
            return;
        }
        if let Purpose::Settings(part) = purpose {
            let was_pending = self.settings.pending();
            let learnt = self
                .settings
                .answer(part, answer.ok().cloned(), answer.status());
            if let Some(user) = learnt {
                self.user_known(user);
            }
            if was_pending && !self.settings.pending() && self.life == Life::Running {
                self.settings_changed(now_ms);
            }
            return;
        }
        if purpose == Purpose::Stay {
            let ok = answer.ok().is_some();
            self.out.push(Output::Settled { id, ok });
        }
        if answer.unauthorized() && purpose != Purpose::PresenceDefinitions {
            if self.life == Life::Running {
                self.machine
                    .handle_logout(LogoutReason::ServerRevoked, now_ms);
            }
            return;
        }
        let deadline = answer.ok().and_then(server_deadline);
        match purpose {
            Purpose::PresenceDefinitions => {
                if let Some(id) = answer.ok().and_then(offline_definition) {
                    self.offline_id = Some(id);
                }
            }
            Purpose::ServerDeadline => self.machine.handle_server_deadline(deadline, now_ms),
            Purpose::HoldCheck => self.machine.handle_hold_verdict(deadline, now_ms),
            Purpose::Verify | Purpose::KeepAlive | Purpose::Stay => {}
            Purpose::Settings(_) | Purpose::Logout => {}
        }
    }
}
