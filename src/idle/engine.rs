//! The machine's insides: deadlines, the clock, the warning window, holds ending, keep-alives,
//! the action queue.

#![deny(
    clippy::arithmetic_side_effects,
    clippy::indexing_slicing,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic
)]

use alloc::string::String;

use crate::reason::LogoutReason;

use super::hold::{check_label, Entry, HoldEndReason, HoldError, HoldId, HoldInfo, RemoteHold};
use super::hold::{HOLD_LEASE_MS, MAX_HOLDS, MAX_REMOTE_HOLDS};
use super::{Action, IdleMachine, Phase, SERVER_CHECK_WAIT_MS};

impl IdleMachine {
    /// The warning point under the current config, if a warning applies.
    fn warn_at_ms(&self) -> Option<u64> {
        let lead = self.config.effective_warning_ms()?;
        Some(self.expiry_ms()?.saturating_sub(lead))
    }

    /// Half the timeout (at least 1 ms): the keep-alive period. `None`: no timeout, no server
    /// deadline to keep.
    fn keep_alive_period_ms(&self) -> Option<u64> {
        self.config
            .timeout_ms
            .filter(|&t| t > 0)
            .map(|t| (t / 2).max(1))
    }

    /// When the next keep-alive is due: half a timeout after the last counted call known, while
    /// a hold of this tab is active.
    fn keep_alive_due_ms(&self) -> Option<u64> {
        if !self.holds.iter().any(Entry::is_local) {
            return None;
        }
        Some(
            self.last_activity_ms
                .saturating_add(self.keep_alive_period_ms()?),
        )
    }

    /// When a tab held only by other tabs' holds asks the server next: its own expiry, and
    /// once per timeout after the last such check ([`Action::VerifyHold`]).
    fn hold_check_due_ms(&self) -> Option<u64> {
        if !self.is_held() || self.holds.iter().any(Entry::is_local) {
            return None;
        }
        let timeout = self.config.timeout_ms?;
        let again = self.last_hold_check_ms.map(|t| t.saturating_add(timeout));
        Some(self.expiry_ms()?.max(again.unwrap_or(0)))
    }

    /// The true next deadline, from the state alone.
    fn next_deadline_ms(&self) -> Option<u64> {
        if self.is_logged_out() {
            return None;
        }
        if self.is_held() {
            let max_hold = self.config.max_hold_ms;
            return [
                self.holds.iter().map(|e| e.end_ms(max_hold)).min(),
                self.keep_alive_due_ms(),
                self.hold_check_due_ms(),
            ]
            .into_iter()
            .flatten()
            .min();
        }
        let expiry = self.expiry_ms()?;
        match self.phase {
            Phase::LoggedOut(_) => None,
            Phase::Active => Some(self.warn_at_ms().unwrap_or(expiry)),
            Phase::AwaitingServer { until_ms } => Some(until_ms.min(expiry)),
            Phase::Warning => Some(expiry),
        }
    }

    /// Keep `armed_ms <= next deadline`, moving it only when it must move: it is due (or
    /// past), or the true deadline became earlier, or nothing is pending any more. While a
    /// driver postponed the machine, nothing is armed before the postponement ends.
    pub(super) fn rearm(&mut self, now_ms: u64) {
        let mut next = self.next_deadline_ms();
        match self.postponed_ms {
            Some(until) if until > now_ms && next.is_some() => next = next.map(|n| n.max(until)),
            Some(until) if until <= now_ms => self.postponed_ms = None,
            _ => {}
        }
        self.armed_ms = match (self.armed_ms, next) {
            (Some(armed), Some(next)) if armed > now_ms && armed <= next => Some(armed),
            _ => next,
        };
    }

    /// A wall clock that stepped backwards (an earlier `now_ms` than any seen before) shifts
    /// every timestamp back by the size of the step, so the idle time already elapsed is kept.
    /// (Saturating at the epoch: a reading smaller than the idle time already elapsed — a clock
    /// set to 1970 — cannot be represented and loses the excess; no real clock does that.)
    pub(super) fn observe_clock(&mut self, now_ms: u64) {
        if let Some(back) = self.clock_ms.checked_sub(now_ms).filter(|&back| back > 0) {
            // The shift is uniform unless a timestamp hits 0 or the expiry was saturated at
            // u64::MAX; then the phase must be re-derived.
            let saturated = self.last_activity_ms < back
                || self
                    .config
                    .timeout_ms
                    .is_some_and(|t| self.last_activity_ms.checked_add(t).is_none());
            self.last_activity_ms = self.last_activity_ms.saturating_sub(back);
            self.since_ms = self.since_ms.saturating_sub(back);
            self.local_ms = self.local_ms.saturating_sub(back);
            self.last_keep_alive_ms = self.last_keep_alive_ms.map(|k| k.saturating_sub(back));
            self.last_hold_check_ms = self.last_hold_check_ms.map(|k| k.saturating_sub(back));
            self.postponed_ms = self.postponed_ms.map(|p| p.saturating_sub(back));
            for entry in &mut self.holds {
                entry.shift_back(back);
            }
            if let Phase::AwaitingServer { until_ms } = self.phase {
                self.phase = Phase::AwaitingServer {
                    until_ms: until_ms.saturating_sub(back),
                };
            }
            if saturated {
                self.settle_window(now_ms);
            }
        }
        self.clock_ms = now_ms;
        self.last_activity_ms = self.last_activity_ms.min(now_ms);
    }

    /// Move the last activity forward to `at_ms` (never backwards) and leave the warning window
    /// if the new deadline is outside it.
    pub(super) fn set_last_activity(&mut self, at_ms: u64, now_ms: u64) {
        if at_ms > self.last_activity_ms {
            self.last_activity_ms = at_ms;
            self.activity_seen = true;
            self.settle_window(now_ms);
        }
    }

    /// This tab's own activity at `at_ms` (a driver tells the others about it).
    pub(super) fn count_local(&mut self, at_ms: u64) {
        self.local_count = self.local_count.wrapping_add(1);
        self.local_ms = at_ms;
    }

    /// After the deadline or the config changed: if `now_ms` is no longer inside the warning
    /// window, go back to `Active` (clearing a shown warning); if it still is, update the
    /// countdown of a shown warning. An already-passed expiry is left for `advance`.
    pub(super) fn settle_window(&mut self, now_ms: u64) {
        if !matches!(self.phase, Phase::AwaitingServer { .. } | Phase::Warning) {
            return;
        }
        let inside = self.warn_at_ms().is_some_and(|warn_at| now_ms >= warn_at);
        if !inside {
            self.leave_window();
        } else if let (Phase::Warning, Some(expiry)) = (self.phase, self.expiry_ms()) {
            if now_ms < expiry {
                self.warn(expiry, now_ms);
            }
        }
    }

    /// Back to `Active`: a shown warning is cleared, a pending server check dropped.
    fn leave_window(&mut self) {
        match self.phase {
            Phase::Warning => self.push(Action::WarningCleared),
            Phase::AwaitingServer { .. } => {
                self.actions.retain(|a| *a != Action::CheckServerDeadline);
            }
            Phase::Active | Phase::LoggedOut(_) => return,
        }
        self.phase = Phase::Active;
    }

    /// Process everything due at `now_ms`.
    pub(super) fn advance(&mut self, now_ms: u64) {
        if self.is_logged_out() {
            return;
        }
        self.observe_clock(now_ms);
        if self.postponed_ms.is_some_and(|until| until > now_ms) {
            // A driver's catch-up: nothing is decided before it ends (inputs are still taken).
            return;
        }
        self.settle_holds(now_ms);
        if self.is_held() {
            // No countdown while held: no warning, no idle logout.
            self.leave_window();
            self.keep_alive(now_ms);
            if self.hold_check_due_ms().is_some_and(|due| now_ms >= due) {
                self.push(Action::VerifyHold);
                self.last_hold_check_ms = Some(now_ms);
            }
            return;
        }
        let Some(expiry) = self.expiry_ms() else {
            return;
        };
        if now_ms >= expiry {
            let lateness = now_ms.saturating_sub(expiry.max(self.since_ms));
            let reason = if lateness > self.config.slept_tolerance_ms {
                LogoutReason::Slept
            } else {
                LogoutReason::Idle
            };
            self.logout(reason);
            return;
        }
        match self.phase {
            Phase::Active => {
                let (Some(warn_at), Some(lead)) =
                    (self.warn_at_ms(), self.config.effective_warning_ms())
                else {
                    return;
                };
                if now_ms >= warn_at {
                    self.push(Action::CheckServerDeadline);
                    let wait = SERVER_CHECK_WAIT_MS.min(lead.checked_div(2).unwrap_or(0));
                    let until_ms = now_ms.saturating_add(wait).min(expiry);
                    self.phase = Phase::AwaitingServer { until_ms };
                    if now_ms >= until_ms {
                        self.warn(expiry, now_ms);
                    }
                }
            }
            Phase::AwaitingServer { until_ms } => {
                if now_ms >= until_ms {
                    self.warn(expiry, now_ms);
                }
            }
            Phase::Warning | Phase::LoggedOut(_) => {}
        }
    }

    /// Ends every hold whose end has come by `now_ms`, earliest first, each at its own end
    /// (in the past when the machine learns of it late): the idle timer runs from there.
    fn settle_holds(&mut self, now_ms: u64) {
        let max_hold = self.config.max_hold_ms;
        while let Some((index, at_ms, reason)) = self
            .holds
            .iter()
            .enumerate()
            .map(|(i, e)| {
                let (end, reason) = e.end(max_hold);
                (i, end, reason)
            })
            .filter(|&(_, end, _)| end <= now_ms)
            .min_by_key(|&(_, end, _)| end)
        {
            let entry = self.holds.remove(index);
            self.ended(entry, at_ms, reason);
        }
    }

    /// A hold ended at `at_ms` (already removed from the holds): the event, and the last
    /// activity moves there. When the last hold of this tab ended here (released or expired),
    /// one [`Action::KeepAlive`] follows: the server counts only API calls, and its idle
    /// deadline must run from the end of the hold too, as every tab's timer does — not from the
    /// last keep-alive, up to half a timeout earlier.
    pub(super) fn ended(&mut self, entry: Entry, at_ms: u64, reason: HoldEndReason) {
        let at_ms = at_ms.min(self.clock_ms);
        let local = entry.is_local();
        if local {
            self.count_local(at_ms);
        }
        self.push(Action::HoldEnded {
            hold: entry.info,
            at_ms,
            reason,
        });
        if local && reason != HoldEndReason::TabGone && !self.holds.iter().any(Entry::is_local) {
            self.push(Action::KeepAlive);
            self.last_keep_alive_ms = Some(at_ms);
        }
        self.set_last_activity(at_ms, self.clock_ms);
    }

    /// While a hold of this tab is active: one keep-alive when half a timeout has passed since
    /// the last counted call — one only, however late the machine learns of it.
    fn keep_alive(&mut self, now_ms: u64) {
        if self.keep_alive_due_ms().is_some_and(|due| now_ms >= due) {
            self.push(Action::KeepAlive);
            self.last_keep_alive_ms = Some(now_ms);
            self.set_last_activity(now_ms, now_ms);
            self.count_local(now_ms);
        }
    }

    pub(super) fn warn(&mut self, expiry_ms: u64, now_ms: u64) {
        self.phase = Phase::Warning;
        self.push(Action::Warn {
            remaining_ms: expiry_ms.saturating_sub(now_ms),
        });
    }

    pub(super) fn logout(&mut self, reason: LogoutReason) {
        self.phase = Phase::LoggedOut(reason);
        // The session is over: its holds with it (no events: nothing follows the logout).
        self.holds.clear();
        self.push(Action::Logout { reason });
    }

    /// Queue an action, keeping the queue minimal (at most one of each kind, but one event per
    /// hold).
    pub(super) fn push(&mut self, action: Action) {
        match action {
            Action::CheckServerDeadline | Action::KeepAlive | Action::VerifyHold => {
                if self.actions.contains(&action) {
                    return;
                }
            }
            Action::Warn { .. } => self.actions.retain(|a| !matches!(a, Action::Warn { .. })),
            Action::WarningCleared => {
                self.actions.retain(|a| !matches!(a, Action::Warn { .. }));
                if !self.layer_shows_warning || self.actions.contains(&action) {
                    return;
                }
            }
            // Nothing follows a logout, and nothing unpolled but the hold events precedes it
            // (they are history, for the activity log).
            Action::Logout { .. } => self
                .actions
                .retain(|a| matches!(a, Action::HoldBegan { .. } | Action::HoldEnded { .. })),
            Action::HoldBegan { .. } | Action::HoldEnded { .. } => {}
        }
        self.actions.push(action);
    }

    // ---- holds ----

    pub(super) fn check_room(&self) -> Result<(), HoldError> {
        if self.is_logged_out() {
            Err(HoldError::LoggedOut)
        } else if self.holds.iter().filter(|e| e.is_local()).count() >= MAX_HOLDS {
            Err(HoldError::TooManyHolds)
        } else {
            Ok(())
        }
    }

    pub(super) fn insert_local(&mut self, id: HoldId, label: &str, now_ms: u64) {
        let info = HoldInfo {
            id,
            tab: None,
            label: String::from(label),
            since_ms: now_ms,
        };
        self.insert(Entry {
            info,
            lease_until_ms: None,
        });
    }

    pub(super) fn apply_remote_hold(&mut self, hold: RemoteHold<'_>, now_ms: u64) {
        let lease = hold.sent_ms.min(now_ms).saturating_add(HOLD_LEASE_MS);
        let key = (Some(hold.tab), hold.id);
        if let Some(entry) = self.holds.iter_mut().find(|e| e.is_of(key.0, key.1)) {
            // Renewed before anything is settled: a lease that lapsed while this tab could not
            // run is not ended when its tab proves alive.
            entry.lease_until_ms = entry.lease_until_ms.max(Some(lease));
            return;
        }
        self.settle_holds(now_ms);
        let since = hold.since_ms.min(now_ms);
        let in_time = since.saturating_add(self.config.max_hold_ms) > now_ms;
        // The session was alive when the hold began: held then, or before its expiry.
        let alive_then = self.is_held() || self.expiry_ms().is_none_or(|e| since < e);
        let of_tab = self
            .holds
            .iter()
            .filter(|e| e.info.tab.as_deref() == Some(hold.tab))
            .count();
        let remote = self.holds.iter().filter(|e| !e.is_local()).count();
        let room = of_tab < MAX_HOLDS && remote < MAX_REMOTE_HOLDS;
        if in_time && alive_then && room && check_label(hold.label).is_ok() {
            self.insert(Entry {
                info: HoldInfo {
                    id: hold.id,
                    tab: Some(String::from(hold.tab)),
                    label: String::from(hold.label),
                    since_ms: since,
                },
                lease_until_ms: Some(lease),
            });
        }
    }

    pub(super) fn insert(&mut self, entry: Entry) {
        self.push(Action::HoldBegan {
            hold: entry.info.clone(),
        });
        self.holds.push(entry);
    }

    /// Ends the hold (`tab`, `id`) at `at_ms` for `reason`, if active; whether it was.
    pub(super) fn end_hold(
        &mut self,
        tab: Option<&str>,
        id: HoldId,
        at_ms: u64,
        reason: HoldEndReason,
    ) -> bool {
        let Some(index) = self.holds.iter().position(|e| e.is_of(tab, id)) else {
            return false;
        };
        let entry = self.holds.remove(index);
        self.ended(entry, at_ms, reason);
        true
    }
}
