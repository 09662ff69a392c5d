//! The sans-IO idle state machine.
//!
//! [`IdleMachine`] never reads a clock and never performs an effect. Time comes in as
//! `now_ms` (wall-clock milliseconds since the Unix epoch, `Date.now()` in a browser) on every
//! `handle_*` call; effects go out as [`Action`]s from [`IdleMachine::poll_action`], and the one
//! instant at which the machine wants to be woken comes out of [`IdleMachine::poll_timeout`]
//! (the quinn `Connection` pattern).
//!
//! # Driving it
//!
//! ```
//! use inactivity_core::idle::{Action, IdleConfig, IdleMachine};
//! use inactivity_core::reason::LogoutReason;
//!
//! let config = IdleConfig::new(Some(300_000)).with_warning_ms(60_000);
//! let mut machine = IdleMachine::new(config, 0);
//! assert_eq!(machine.poll_timeout(), Some(240_000)); // arm the one timer here
//!
//! machine.handle_timeout(240_000); // the timer fired
//! assert_eq!(machine.poll_action(), Some(Action::CheckServerDeadline));
//! machine.handle_server_deadline(None, 240_100); // the server had nothing later
//! assert_eq!(machine.poll_action(), Some(Action::Warn { remaining_ms: 59_900 }));
//!
//! machine.handle_timeout(300_000);
//! assert_eq!(machine.poll_action(), Some(Action::Logout { reason: LogoutReason::Idle }));
//! assert_eq!(machine.poll_timeout(), None);
//! ```
//!
//! The browser layer's loop is: after every `handle_*` call, drain `poll_action()` (one `match`),
//! then (re)arm its single timer at `poll_timeout()` **if that value changed**, or
//! unconditionally when the timer itself just fired (a fired timer is consumed). Wake events —
//! `visibilitychange`, `focus`, `pageshow`, `online` — are fed to
//! [`IdleMachine::handle_timeout`] too: a wake-up with nothing due is a no-op.
//!
//! # Deadlines
//!
//! * expiry = last activity + `timeout_ms`;
//! * warning point = expiry − `warning_ms`, only when `0 < warning_ms < timeout_ms`;
//! * at the warning point the machine first emits [`Action::CheckServerDeadline`] and waits for
//!   [`IdleMachine::handle_server_deadline`] — at most [`SERVER_CHECK_WAIT_MS`] (and at most half
//!   the warning window); without an answer by then it warns anyway. A server deadline later
//!   than ours (by more than [`MIN_SERVER_EXTENSION_MS`]) means the token was used elsewhere:
//!   the machine extends instead of warning — but only to a deadline a use at or before now
//!   could explain (at most `now + timeout`, with the same tolerance). A later one would mean
//!   the server applies a longer timeout than ours, or is wrong: it is not trusted, and the
//!   machine warns as planned (the stricter of the two rules wins);
//! * expiry reached → [`Action::Logout`] with [`LogoutReason::Idle`], or with
//!   [`LogoutReason::Slept`] when the machine learns of the expiry more than
//!   `slept_tolerance_ms` after it passed (the page could not run: frozen, hidden and
//!   throttled, or the machine slept). A machine that learns of its expiry late never warns
//!   first: expiry is always checked before anything else.
//!
//! # One timer, re-armed lazily
//!
//! Activity only moves a timestamp: **it never moves [`IdleMachine::poll_timeout`]**. The armed
//! deadline is allowed to be *earlier* than the true next deadline (never later): the timer fires
//! at the old deadline, the machine finds the deadline moved, emits nothing, and
//! `poll_timeout()` then yields the new one. So a page making thousands of counted calls re-arms
//! its timer about once per `timeout_ms − warning_ms`, and never more than twice per
//! `timeout_ms − warning_ms` (two fires can be close together only when the first found an old
//! activity; the next is then a full period away), whatever the request rate: with the default
//! 60 s warning and the platform's 5-minute minimum timeout, at most about two per timeout
//! period. The warning itself adds its own deadlines. `poll_timeout()` moves eagerly only
//! when the true next deadline becomes *earlier* than the armed one (a shorter timeout from
//! [`IdleMachine::set_config`], or the wall clock stepping backwards), or when the armed deadline
//! has been reached.
//!
//! # Hostile or odd time
//!
//! All arithmetic saturates. When the wall clock steps backwards (a `now_ms` earlier than one
//! already seen), every timestamp the machine holds is shifted back by the size of the step: the
//! idle time already elapsed is kept, and the jump never extends the session (fail closed).
//! Remote activity reported in the future (beyond [`FUTURE_TOLERANCE_MS`]) is invalid and
//! ignored — never clamped to `now_ms`, which would let a bad value keep the session alive; so
//! is another tab's hold that claims to begin (or to be announced) in the future. A wall clock
//! stepping forwards looks exactly like sleep, and is treated as such. So every `now_ms` must be
//! the current time: an older timestamp (a request recorded before the machine existed, replayed later) reads as the
//! clock stepping back and makes the deadlines earlier by that much — fail closed, but pass
//! `max(recorded, last_activity_ms())` or the current time instead.
//!
//! # Several tabs
//!
//! Another tab's activity comes in through [`IdleMachine::handle_remote_activity`]; it is
//! applied before the expiry check, because a tab that was frozen has stale knowledge: while it
//! could not run, the others may have kept the shared session alive. A layer driving several
//! tabs should therefore feed the shared last activity (from storage) to
//! `handle_remote_activity` **before** any other event after a wake-up — otherwise a frozen
//! tab could log out (and, through the channel, log out every tab) although the user was active
//! in another one. Only broadcast a local activity when [`IdleMachine::is_logged_out`] is still
//! false after handling it. (`tabs::TabSync` drives a machine this way.)
//!
//! # Holds
//!
//! An interaction in progress (a call) holds the session (see [`hold`] for the bounds): while
//! any hold is active, in this tab ([`IdleMachine::begin_hold`]) or in another tab of the session
//! ([`IdleMachine::handle_remote_hold`]), the machine neither warns nor logs out for idleness —
//! a warning shown when a hold begins is cleared — and [`IdleMachine::state`] is
//! [`IdleState::Held`]. When the last hold ends (released, at its max duration, or its tab
//! gone), the idle timer runs from that moment. Holds do not stop a logout for an outside reason
//! ([`IdleMachine::handle_logout`]): the session is over anyway.
//!
//! ```
//! use inactivity_core::idle::{Action, HoldEndReason, IdleConfig, IdleMachine, IdleState};
//!
//! let config = IdleConfig::new(Some(300_000)).with_max_hold_ms(3_600_000);
//! let mut machine = IdleMachine::new(config, 0);
//! let call = machine.begin_hold("Call 42", 200_000).unwrap();
//! assert!(matches!(machine.poll_action(), Some(Action::HoldBegan { .. })));
//! assert_eq!(machine.state(), IdleState::Held);
//!
//! machine.handle_timeout(200_000 + 150_000); // half a timeout since the last counted call
//! assert_eq!(machine.poll_action(), Some(Action::KeepAlive));
//!
//! machine.release_hold(call, 420_000);
//! assert!(matches!(
//!     machine.poll_action(),
//!     Some(Action::HoldEnded { reason: HoldEndReason::Released, at_ms: 420_000, .. })
//! ));
//! assert_eq!(machine.expiry_ms(), Some(720_000)); // the timer runs from the release
//! ```
//!
//! While a hold of this tab is active, the server's idle deadline still runs (it counts API
//! calls): the machine asks for one call of the tracker's own ([`Action::KeepAlive`]) whenever
//! half a timeout has passed since the last counted call it knows of — local, another tab's, or
//! an earlier keep-alive — so at most once per half timeout, and once only however far time
//! jumps. A keep-alive counts as activity here (the server counts it too); tabs holding only
//! through another tab's hold make none.
#![deny(
    clippy::arithmetic_side_effects,
    clippy::indexing_slicing,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic
)]

mod action;
mod config;
mod driver;
mod engine;
pub mod hold;

pub use action::{Action, IdleState};
pub use config::{
    is_future, IdleConfig, DEFAULT_SLEPT_TOLERANCE_MS, DEFAULT_WARNING_MS, FUTURE_TOLERANCE_MS,
    MIN_SERVER_EXTENSION_MS, SERVER_CHECK_WAIT_MS,
};
pub use hold::{
    check_label, check_max_hold_seconds, HoldEndReason, HoldError, HoldId, HoldInfo, RemoteHold,
    DEFAULT_MAX_HOLD_MS, DEFAULT_MAX_HOLD_SECONDS, HOLD_LEASE_MS, HOLD_REFRESH_MS, MAX_HOLDS,
    MAX_HOLD_LABEL_CHARS, MAX_MAX_HOLD_SECONDS, MAX_REMOTE_HOLDS, MIN_MAX_HOLD_SECONDS,
};

use alloc::vec::Vec;

use crate::reason::LogoutReason;

use hold::Entry;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Phase {
    Active,
    AwaitingServer { until_ms: u64 },
    Warning,
    LoggedOut(LogoutReason),
}

/// The idle state machine of one tab. See the [module documentation](self) for how to drive it.
#[derive(Debug, Clone)]
pub struct IdleMachine {
    config: IdleConfig,
    last_activity_ms: u64,
    /// The latest `now_ms` seen: a smaller one means the wall clock stepped backwards.
    clock_ms: u64,
    /// When the machine began enforcing the current config: an expiry that passed before this
    /// is not this machine's lateness (a tab opened later, a policy that just got shorter).
    since_ms: u64,
    phase: Phase,
    /// The deadline handed to the layer: never later than the true next deadline (but see
    /// `postponed_ms`).
    armed_ms: Option<u64>,
    /// A driver asked for nothing to be due before this (a catch-up with the other tabs).
    postponed_ms: Option<u64>,
    actions: Vec<Action>,
    /// Whether the last warning-related action the layer polled was a `Warn`.
    layer_shows_warning: bool,
    /// The active holds, this tab's and the other tabs', oldest first.
    holds: Vec<Entry>,
    /// The number of this tab's next hold.
    next_hold_id: u32,
    /// How many times this tab's own activity moved the last activity (a counted call, a
    /// keep-alive, the end of one of its holds), and the latest: what a driver tells the others.
    local_count: u64,
    local_ms: u64,
    /// When the last [`Action::KeepAlive`] was emitted.
    last_keep_alive_ms: Option<u64>,
    /// When the last [`Action::VerifyHold`] was emitted.
    last_hold_check_ms: Option<u64>,
    /// Whether the last activity is one (rather than the start of a fresh machine).
    activity_seen: bool,
}

impl IdleMachine {
    /// A machine whose last activity is `now_ms` (a fresh sign-in or the first tab).
    pub fn new(config: IdleConfig, now_ms: u64) -> Self {
        let mut machine = IdleMachine::with_last_activity(config, now_ms, now_ms);
        machine.activity_seen = false;
        machine
    }

    /// A machine that starts from an existing last activity — the one shared by the other tabs
    /// of the same client and user — instead of from zero. A value in the future starts a fresh
    /// period at `now_ms` (callers filter invalid shared values first: see
    /// [`start_last_activity`](crate::tabs::start_last_activity)). If that shared activity is
    /// already older than the timeout, the machine logs out at once with
    /// [`LogoutReason::Idle`] (the first [`IdleMachine::poll_action`] says so), so a layer must
    /// not pass a shared value older than the current sign-in.
    pub fn with_last_activity(config: IdleConfig, last_activity_ms: u64, now_ms: u64) -> Self {
        let mut machine = IdleMachine {
            config,
            last_activity_ms: last_activity_ms.min(now_ms),
            clock_ms: now_ms,
            since_ms: now_ms,
            phase: Phase::Active,
            armed_ms: None,
            postponed_ms: None,
            actions: Vec::new(),
            layer_shows_warning: false,
            holds: Vec::new(),
            next_hold_id: 1,
            local_count: 0,
            local_ms: 0,
            last_keep_alive_ms: None,
            last_hold_check_ms: None,
            activity_seen: true,
        };
        machine.advance(now_ms);
        machine.rearm(now_ms);
        machine
    }

    /// A counted API call made in this tab at `now_ms`: a fresh period starts (and a shown
    /// warning is cleared) — unless the expiry had already passed, in which case the machine
    /// logs out first and the activity is ignored: activity never revives an expired session.
    /// Ignored after logout. Does not move [`IdleMachine::poll_timeout`] (see the module docs).
    pub fn handle_activity(&mut self, now_ms: u64) {
        self.advance(now_ms);
        if !self.is_logged_out() {
            self.set_last_activity(now_ms, now_ms);
            self.count_local(now_ms);
        }
        self.rearm(now_ms);
    }

    /// Activity that another tab reports to have happened at `at_ms`. Ignored when not newer
    /// than the last activity known here, and when in the future beyond
    /// [`FUTURE_TOLERANCE_MS`] (invalid: never clamped to now, which would keep the session
    /// alive for ever); within the tolerance it counts as now. Applied before the expiry check
    /// (see "Several tabs" in the module docs). Ignored after logout.
    pub fn handle_remote_activity(&mut self, at_ms: u64, now_ms: u64) {
        if self.is_logged_out() {
            return;
        }
        self.observe_clock(now_ms);
        if !is_future(at_ms, now_ms) {
            self.set_last_activity(at_ms.min(now_ms), now_ms);
        }
        self.advance(now_ms);
        self.rearm(now_ms);
    }

    /// The timer fired, or the page may have been unable to run (`visibilitychange`, `focus`,
    /// `pageshow`, `online`): process whatever is due at `now_ms`. Nothing due: a no-op.
    pub fn handle_timeout(&mut self, now_ms: u64) {
        self.advance(now_ms);
        self.rearm(now_ms);
    }

    /// The answer to [`Action::CheckServerDeadline`]: the server's idle deadline for the token
    /// (ms since the epoch), or `None` when the request failed or the answer was unusable.
    ///
    /// A deadline later than the machine's expiry by more than [`MIN_SERVER_EXTENSION_MS`],
    /// and not later than `now + timeout` by more than that, means the token was used
    /// elsewhere: the last activity moves to `deadline − timeout` (never beyond `now_ms`) and
    /// the machine extends instead of warning (a shown warning is cleared). Otherwise — no
    /// answer, an earlier or equal deadline, or one no use up to now could explain (a server
    /// with a longer timeout, a bogus far-future date) — it warns as planned. Accepted only
    /// while a check is pending or a warning is shown (a late answer may still clear it);
    /// ignored otherwise (also while held).
    pub fn handle_server_deadline(&mut self, deadline_ms: Option<u64>, now_ms: u64) {
        self.advance(now_ms);
        if matches!(self.phase, Phase::AwaitingServer { .. } | Phase::Warning) {
            if let (Some(deadline), Some(timeout), Some(expiry)) =
                (deadline_ms, self.config.timeout_ms, self.expiry_ms())
            {
                let later = deadline > expiry.saturating_add(MIN_SERVER_EXTENSION_MS);
                let explainable = deadline
                    <= now_ms
                        .saturating_add(timeout)
                        .saturating_add(MIN_SERVER_EXTENSION_MS);
                if later && explainable {
                    self.set_last_activity(deadline.saturating_sub(timeout).min(now_ms), now_ms);
                }
            }
            if let (Phase::AwaitingServer { .. }, Some(expiry)) = (self.phase, self.expiry_ms()) {
                self.warn(expiry, now_ms);
            }
        }
        self.rearm(now_ms);
    }

    /// Log out for an outside reason: a 401 from the API ([`LogoutReason::ServerRevoked`]),
    /// another tab logged out ([`LogoutReason::OtherTab`]), the embedding host asked
    /// ([`LogoutReason::HostRequest`]) — holds or not. If this machine's own expiry had already
    /// passed, its own reason (`idle`/`slept`) wins: the first cause is reported. No-op after
    /// logout.
    pub fn handle_logout(&mut self, reason: LogoutReason, now_ms: u64) {
        self.advance(now_ms);
        if !self.is_logged_out() {
            self.logout(reason);
        }
        self.rearm(now_ms);
    }

    /// The policy changed (e.g. the admin saved new settings). Whatever was due under the old
    /// config is processed first. Under the new one, a user already idle for longer than the
    /// new timeout is logged out at once, with [`LogoutReason::Idle`]; a shown warning is
    /// cleared or its countdown updated; a hold older than the new max hold duration ends.
    /// No-op after logout.
    pub fn set_config(&mut self, config: IdleConfig, now_ms: u64) {
        self.advance(now_ms);
        if !self.is_logged_out() && config != self.config {
            self.config = config;
            self.since_ms = now_ms;
            self.settle_window(now_ms);
            self.advance(now_ms);
        }
        self.rearm(now_ms);
    }

    /// A hold begins in this tab at `now_ms` (a call started): see "Holds" in the module docs.
    /// Whatever was due is processed first, so an expired session is not revived
    /// ([`HoldError::LoggedOut`]). Emits [`Action::HoldBegan`] (and clears a shown warning).
    pub fn begin_hold(&mut self, label: &str, now_ms: u64) -> Result<HoldId, HoldError> {
        check_label(label)?;
        self.advance(now_ms);
        let result = self.check_room().map(|()| {
            let id = self.reserve_hold_id();
            self.insert_local(id, label, now_ms);
            id
        });
        self.advance(now_ms);
        self.rearm(now_ms);
        result
    }

    /// The hold `id` of this tab ends at `now_ms` ([`HoldEndReason::Released`]); when it was
    /// the last, the idle timer runs from `now_ms`. Returns whether it was active (a hold that
    /// already expired, or after logout: `false`).
    pub fn release_hold(&mut self, id: HoldId, now_ms: u64) -> bool {
        self.advance(now_ms);
        let found = self.end_hold(None, id, now_ms, hold::HoldEndReason::Released);
        self.advance(now_ms);
        self.rearm(now_ms);
        found
    }

    /// Another tab announces (or announces again) a hold. A new hold is tracked — and, when it
    /// began before this machine's expiry, applied before the expiry check (the other tab
    /// held the session while this one could not run) — unless it is invalid: a start or a
    /// send time in the future beyond [`FUTURE_TOLERANCE_MS`], a hold already past its max
    /// duration, one that began after this session expired, a label [`check_label`] refuses, or
    /// no room ([`MAX_HOLDS`] per tab, [`MAX_REMOTE_HOLDS`] in all). A known hold's lease is
    /// renewed: it lasts until `sent_ms` + [`HOLD_LEASE_MS`] (capped by its max duration).
    /// Ignored after logout.
    pub fn handle_remote_hold(&mut self, hold: RemoteHold<'_>, now_ms: u64) {
        if self.is_logged_out() {
            return;
        }
        self.observe_clock(now_ms);
        if !is_future(hold.since_ms, now_ms) && !is_future(hold.sent_ms, now_ms) {
            self.apply_remote_hold(hold, now_ms);
        }
        self.advance(now_ms);
        self.rearm(now_ms);
    }

    /// Another tab ended its hold `id` (released, or expired there) at about `now_ms`: it ends
    /// here too, with that reason. Unknown holds are ignored.
    pub fn handle_remote_release(
        &mut self,
        tab: &str,
        id: HoldId,
        reason: HoldEndReason,
        now_ms: u64,
    ) {
        if self.is_logged_out() {
            return;
        }
        self.observe_clock(now_ms);
        self.end_hold(Some(tab), id, now_ms, reason);
        self.advance(now_ms);
        self.rearm(now_ms);
    }

    /// Another tab went away (it said goodbye on `pagehide`): its holds end now
    /// ([`HoldEndReason::TabGone`]).
    pub fn handle_tab_gone(&mut self, tab: &str, now_ms: u64) {
        if self.is_logged_out() {
            return;
        }
        self.observe_clock(now_ms);
        while let Some(id) = self
            .holds
            .iter()
            .find(|e| e.info.tab.as_deref() == Some(tab))
            .map(|e| e.info.id)
        {
            self.end_hold(Some(tab), id, now_ms, HoldEndReason::TabGone);
        }
        self.advance(now_ms);
        self.rearm(now_ms);
    }

    /// The one instant (ms since the epoch) at which to call [`IdleMachine::handle_timeout`]:
    /// the warning point (with its server check), the end of the bounded wait for the server,
    /// or the expiry; while held, the next keep-alive or the earliest end of a hold. Never later
    /// than the true next deadline; possibly earlier (activity does not move it — see the
    /// module docs). `None` when nothing is pending: no timeout applies and nothing is held, or
    /// logged out.
    ///
    /// A browser cannot wait more than 2³¹−1 ms in one `setTimeout`; clamp the delay and let
    /// the early wake-up be a no-op.
    pub fn poll_timeout(&self) -> Option<u64> {
        self.armed_ms
    }

    /// The next thing the layer must do, oldest first; `None` when there is nothing. The queue
    /// stays small when drained after every input: a newer countdown replaces an unpolled one,
    /// a warning cleared before it was polled vanishes, one keep-alive at most, one event per
    /// hold that began or ended, and [`Action::Logout`] supersedes everything unpolled but the hold events.
    pub fn poll_action(&mut self) -> Option<Action> {
        if self.actions.is_empty() {
            return None;
        }
        let action = self.actions.remove(0);
        match &action {
            Action::Warn { .. } => self.layer_shows_warning = true,
            Action::WarningCleared | Action::Logout { .. } => self.layer_shows_warning = false,
            Action::CheckServerDeadline
            | Action::VerifyHold
            | Action::KeepAlive
            | Action::HoldBegan { .. }
            | Action::HoldEnded { .. } => {}
        }
        Some(action)
    }

    /// Milliseconds until expiry at `now_ms` (0 once expired or logged out; the full timeout
    /// while held: the countdown has not started); `None` when no timeout applies. Never more
    /// than the timeout, even if the clock stepped backwards.
    pub fn remaining_ms(&self, now_ms: u64) -> Option<u64> {
        if self.is_logged_out() {
            return Some(0);
        }
        let timeout = self.config.timeout_ms?;
        if self.is_held() {
            return Some(timeout);
        }
        let expiry = self.expiry_ms()?;
        Some(expiry.saturating_sub(now_ms).min(timeout))
    }

    /// The last activity (ms since the epoch), local or remote, that the machine counts from:
    /// counted calls, keep-alives, and the end of the last hold.
    pub fn last_activity_ms(&self) -> u64 {
        self.last_activity_ms
    }

    /// When the session expires (ms since the epoch): last activity + timeout (saturating);
    /// `None` when no timeout applies. While held it does not expire: see
    /// [`IdleMachine::held_until_ms`].
    pub fn expiry_ms(&self) -> Option<u64> {
        self.config
            .timeout_ms
            .map(|timeout| self.last_activity_ms.saturating_add(timeout))
    }

    /// Whether [`Action::Logout`] has been emitted (queued). Final.
    pub fn is_logged_out(&self) -> bool {
        matches!(self.phase, Phase::LoggedOut(_))
    }

    /// Why the machine logged out; `None` while it has not.
    pub fn logout_reason(&self) -> Option<LogoutReason> {
        match self.phase {
            Phase::LoggedOut(reason) => Some(reason),
            _ => None,
        }
    }

    /// Whether the machine is in its warning state (a [`Action::Warn`] was emitted and not
    /// cleared).
    pub fn warning_shown(&self) -> bool {
        self.phase == Phase::Warning
    }

    /// The machine's state, for diagnostics (`explain()`, logs).
    pub fn state(&self) -> IdleState {
        match self.phase {
            Phase::Active if self.is_held() => IdleState::Held,
            Phase::Active => IdleState::Active,
            Phase::AwaitingServer { .. } => IdleState::AwaitingServer,
            Phase::Warning => IdleState::Warning,
            Phase::LoggedOut(reason) => IdleState::LoggedOut(reason),
        }
    }

    /// The config in force.
    pub fn config(&self) -> &IdleConfig {
        &self.config
    }

    /// The active holds — this tab's (`tab: None`) and the other tabs' — oldest first, for
    /// `explain()`. As of the last input: a hold whose end has passed since is still listed
    /// until the next input processes it.
    pub fn holds(&self) -> impl Iterator<Item = &HoldInfo> {
        self.holds.iter().map(|e| &e.info)
    }

    /// Whether any hold is active (as of the last input).
    pub fn is_held(&self) -> bool {
        !self.holds.is_empty()
    }

    /// Until when the active holds last at most unless renewed (ms since the epoch): the latest
    /// end of any of them — the max duration, or another tab's lease. `None`: nothing held.
    pub fn held_until_ms(&self) -> Option<u64> {
        let max_hold = self.config.max_hold_ms;
        self.holds.iter().map(|e| e.end_ms(max_hold)).max()
    }

    /// When the last [`Action::KeepAlive`] was emitted; `None`: never.
    pub fn last_keep_alive_ms(&self) -> Option<u64> {
        self.last_keep_alive_ms
    }
}
