//! After every input: the idle machine's actions and the cross-tab sync's outputs become the
//! driver's instructions.

#![deny(
    clippy::arithmetic_side_effects,
    clippy::indexing_slicing,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic
)]

use crate::idle::Action;
use crate::logout::TOKEN_CHECK_PATH;
use crate::tabs::TabOutput;

use super::calls::Purpose;
use super::host;
use super::link::Transport;
use super::output::{Notice, Output};
use super::{Life, Tab};

impl Tab {
    /// Moves the cross-tab sync's outputs to the driver's queue (dropped without a link).
    pub(super) fn drain_sync(&mut self) {
        while let Some(output) = self.sync.poll_output() {
            let Some(link) = &self.link else { continue };
            let output = match output {
                TabOutput::Broadcast(text) => Output::Broadcast(text),
                TabOutput::StoreLastActivity(at_ms) if link.storage() => {
                    Output::StoreLastActivity {
                        key: link.scope().last_activity_key(),
                        at_ms,
                    }
                }
                TabOutput::ClearLogoutRecord if link.storage() => {
                    Output::Unstore(link.scope().logout_key())
                }
                _ => continue,
            };
            if link.transport() != Transport::None || !matches!(output, Output::Broadcast(_)) {
                self.out.push(output);
            }
        }
    }

    /// After every input: the machine's actions and the sync's outputs become instructions.
    pub(super) fn collect(&mut self, now_ms: u64) {
        while let Some(action) = self.machine.poll_action() {
            match action {
                Action::CheckServerDeadline => {
                    // The machine waits briefly for the answer, then warns; a later answer still
                    // counts until the expiry (it may clear the warning): wait for it that long.
                    let bound = self
                        .machine
                        .remaining_ms(now_ms)
                        .unwrap_or(0)
                        .max(self.config.request_timeout_ms);
                    self.call_within(Purpose::ServerDeadline, "GET", TOKEN_CHECK_PATH, bound);
                }
                Action::VerifyHold => {
                    self.call(Purpose::HoldCheck, "GET", TOKEN_CHECK_PATH);
                }
                Action::Warn { remaining_ms } => {
                    self.out.push(Output::Notify(Notice::Warning(remaining_ms)));
                    let ms = crate::text::dec(remaining_ms);
                    let posts = host::post(&self.config, "warning", &[("remainingMs", &ms)]);
                    self.out.extend(posts);
                }
                Action::WarningCleared => {
                    self.out.push(Output::Notify(Notice::WarningCleared));
                    let posts = host::post(&self.config, "resumed", &[]);
                    self.out.extend(posts);
                }
                Action::KeepAlive => {
                    self.call(Purpose::KeepAlive, "GET", "/api/v2/tokens/me");
                }
                Action::HoldBegan { hold } => {
                    self.log.hold_event(&hold, hold.since_ms, None);
                    let label = host::json_string(&hold.label);
                    let posts = host::post(&self.config, "hold-began", &[("label", &label)]);
                    self.out.extend(posts);
                }
                Action::HoldEnded {
                    hold,
                    at_ms,
                    reason,
                } => {
                    self.log.hold_event(&hold, at_ms, Some(reason));
                    let label = host::json_string(&hold.label);
                    let why = host::json_string(reason.as_str());
                    let fields = [("label", label.as_str()), ("reason", why.as_str())];
                    let posts = host::post(&self.config, "hold-ended", &fields);
                    self.out.extend(posts);
                }
                Action::Logout { reason } => {
                    if self.life == Life::Running {
                        // What the other tabs must hear first (a logout message) comes from
                        // the sync, inside the logout's beginning.
                        self.drain_sync();
                        self.begin_logout(reason, now_ms);
                    }
                }
            }
        }
        self.drain_sync();
    }
}
