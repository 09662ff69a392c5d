//! What a driver in this crate (`tabs::TabSync`) needs of the machine beyond its public inputs.

#![deny(
    clippy::arithmetic_side_effects,
    clippy::indexing_slicing,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic
)]

use super::hold::{check_label, HoldEndReason, HoldError, HoldId};
use super::IdleMachine;

impl IdleMachine {
    /// How many times this tab's own activity moved the last activity (a counted call, a
    /// keep-alive, the end of one of its holds), and the latest one's time.
    pub(crate) fn local_activity(&self) -> (u64, u64) {
        (self.local_count, self.local_ms)
    }

    /// The last activity, unless the machine only knows its own start ([`IdleMachine::new`]):
    /// opening a tab is not activity, and must not be told as such.
    pub(crate) fn known_activity_ms(&self) -> Option<u64> {
        self.activity_seen.then_some(self.last_activity_ms)
    }

    /// The number the next hold of this tab will get; begin it with
    /// [`IdleMachine::begin_reserved_hold`] (a driver that must defer the begin).
    pub(crate) fn reserve_hold_id(&mut self) -> HoldId {
        let id = HoldId(self.next_hold_id);
        self.next_hold_id = self.next_hold_id.checked_add(1).unwrap_or(1);
        id
    }

    /// [`IdleMachine::begin_hold`] with a number from [`IdleMachine::reserve_hold_id`].
    pub(crate) fn begin_reserved_hold(
        &mut self,
        id: HoldId,
        label: &str,
        now_ms: u64,
    ) -> Result<(), HoldError> {
        check_label(label)?;
        self.advance(now_ms);
        let result = self.check_room();
        if result.is_ok() {
            self.insert_local(id, label, now_ms);
        }
        self.advance(now_ms);
        self.rearm(now_ms);
        result
    }

    /// Whether a hold of another tab has outlived its lease by `now_ms` (not yet processed):
    /// its tab may be gone — or this one could not run.
    pub(crate) fn lease_lapsed(&self, now_ms: u64) -> bool {
        let max_hold = self.config.max_hold_ms;
        self.holds.iter().any(|e| {
            let (end, reason) = e.end(max_hold);
            reason == HoldEndReason::TabGone && end <= now_ms
        })
    }

    /// Nothing is decided before `until_ms` (`None`: that is over) — no expiry, no end of a
    /// hold, no warning — and nothing is armed before it: the driver calls
    /// [`IdleMachine::handle_timeout`] then (a catch-up with the other tabs). Inputs are still
    /// taken meanwhile (another tab's answer); an outside logout still logs out.
    pub(crate) fn postpone(&mut self, until_ms: Option<u64>, now_ms: u64) {
        self.postponed_ms = until_ms;
        self.rearm(now_ms);
    }
}
