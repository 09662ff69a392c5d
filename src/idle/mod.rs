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
//! ignored — never clamped to `now_ms`, which would let a bad value keep the session alive. A
//! wall clock stepping forwards looks exactly like sleep, and is treated as such. So every `now_ms` must be the current time: an
//! older timestamp (a request recorded before the machine existed, replayed later) reads as the
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
//! false after handling it.
#![deny(
    clippy::arithmetic_side_effects,
    clippy::indexing_slicing,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic
)]

use alloc::collections::VecDeque;

use super::reason::LogoutReason;

mod action;
mod config;

pub use action::{Action, IdleState};
pub use config::IdleConfig;

/// The default warning lead: 60 seconds before expiry.
pub const DEFAULT_WARNING_MS: u64 = 60_000;

/// The default lateness (5 seconds) beyond which an expiry counts as slept-through rather than
/// idle. Browsers delay ordinary timers by a few milliseconds; a hidden, throttled, frozen or
/// sleeping page misses its deadline by far more.
pub const DEFAULT_SLEPT_TOLERANCE_MS: u64 = 5_000;

/// How long the machine waits for [`IdleMachine::handle_server_deadline`] after emitting
/// [`Action::CheckServerDeadline`] before it warns anyway (capped at half the warning window,
/// and never past the expiry).
pub const SERVER_CHECK_WAIT_MS: u64 = 3_000;

/// A server deadline must be later than the machine's own expiry by more than this to count as
/// "the token was used elsewhere". Smaller differences are clock skew: the machine warns as
/// planned. This also bounds how often a misbehaving server can make the machine re-check. The
/// same tolerance applies above: a deadline beyond `now + timeout` by more than this is not
/// trusted.
pub const MIN_SERVER_EXTENSION_MS: u64 = 1_000;

/// How far in the future a time from another tab or from shared storage may be and still count
/// as now (the tabs of one browser share its clock; this absorbs delivery and rounding). Beyond
/// it the time is invalid — a clock that jumped back, or a value a script wrote — and is
/// ignored, never clamped to now: a value from the future must not keep a session alive.
pub const FUTURE_TOLERANCE_MS: u64 = 5_000;

/// Whether `at_ms` is later than `now_ms` by more than [`FUTURE_TOLERANCE_MS`]: invalid.
pub fn is_future(at_ms: u64, now_ms: u64) -> bool {
    at_ms > now_ms.saturating_add(FUTURE_TOLERANCE_MS)
}

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
    /// The deadline handed to the layer: never later than the true next deadline.
    armed_ms: Option<u64>,
    actions: VecDeque<Action>,
    /// Whether the last warning-related action the layer polled was a `Warn`.
    layer_shows_warning: bool,
}

impl IdleMachine {
    /// A machine whose last activity is `now_ms` (a fresh sign-in or the first tab).
    pub fn new(config: IdleConfig, now_ms: u64) -> Self {
        IdleMachine::with_last_activity(config, now_ms, now_ms)
    }

    /// A machine that starts from an existing last activity — the one shared by the other tabs
    /// of the same client and user — instead of from zero. A value in the future starts a fresh
    /// period at `now_ms` (callers filter invalid shared values first: see
    /// `tab_sync::start_last_activity`). If that shared activity is already older than the timeout, the machine logs out
    /// at once with [`LogoutReason::Idle`] (the first [`IdleMachine::poll_action`] says so), so
    /// a layer must not pass a shared value older than the current sign-in.
    pub fn with_last_activity(config: IdleConfig, last_activity_ms: u64, now_ms: u64) -> Self {
        let mut machine = IdleMachine {
            config,
            last_activity_ms: last_activity_ms.min(now_ms),
            clock_ms: now_ms,
            since_ms: now_ms,
            phase: Phase::Active,
            armed_ms: None,
            actions: VecDeque::new(),
            layer_shows_warning: false,
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
    /// ignored otherwise.
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
    /// ([`LogoutReason::HostRequest`]). If this machine's own expiry had already passed, its own
    /// reason (`idle`/`slept`) wins: the first cause is reported. No-op after logout.
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
    /// cleared or its countdown updated. No-op after logout.
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

    /// The one instant (ms since the epoch) at which to call [`IdleMachine::handle_timeout`]:
    /// the warning point (with its server check), the end of the bounded wait for the server,
    /// or the expiry. Never later than the true next deadline; possibly earlier (activity does
    /// not move it — see the module docs). `None` when nothing is pending: no timeout applies,
    /// or logged out.
    ///
    /// A browser cannot wait more than 2³¹−1 ms in one `setTimeout`; clamp the delay and let
    /// the early wake-up be a no-op.
    pub fn poll_timeout(&self) -> Option<u64> {
        self.armed_ms
    }

    /// The next thing the layer must do, oldest first; `None` when there is nothing. At most a
    /// handful are ever queued: a newer countdown replaces an unpolled one, a warning cleared
    /// before it was polled vanishes, and [`Action::Logout`] supersedes everything unpolled.
    pub fn poll_action(&mut self) -> Option<Action> {
        let action = self.actions.pop_front()?;
        match action {
            Action::Warn { .. } => self.layer_shows_warning = true,
            Action::WarningCleared | Action::Logout { .. } => self.layer_shows_warning = false,
            Action::CheckServerDeadline => {}
        }
        Some(action)
    }

    /// Milliseconds until expiry at `now_ms` (0 once expired or logged out); `None` when no
    /// timeout applies. Never more than the timeout, even if the clock stepped backwards.
    pub fn remaining_ms(&self, now_ms: u64) -> Option<u64> {
        if self.is_logged_out() {
            return Some(0);
        }
        let timeout = self.config.timeout_ms?;
        let expiry = self.expiry_ms()?;
        Some(expiry.saturating_sub(now_ms).min(timeout))
    }

    /// The last activity (ms since the epoch), local or remote, that the machine counts from.
    pub fn last_activity_ms(&self) -> u64 {
        self.last_activity_ms
    }

    /// When the session expires (ms since the epoch): last activity + timeout (saturating);
    /// `None` when no timeout applies.
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

    // ---- internals ----

    /// The warning point under the current config, if a warning applies.
    fn warn_at_ms(&self) -> Option<u64> {
        let lead = self.config.effective_warning_ms()?;
        Some(self.expiry_ms()?.saturating_sub(lead))
    }

    /// The true next deadline, from the state alone.
    fn next_deadline_ms(&self) -> Option<u64> {
        let expiry = self.expiry_ms()?;
        match self.phase {
            Phase::LoggedOut(_) => None,
            Phase::Active => Some(self.warn_at_ms().unwrap_or(expiry)),
            Phase::AwaitingServer { until_ms } => Some(until_ms.min(expiry)),
            Phase::Warning => Some(expiry),
        }
    }

    /// Keep `armed_ms <= next deadline`, moving it only when it must move: it is due (or
    /// past), or the true deadline became earlier, or nothing is pending any more.
    fn rearm(&mut self, now_ms: u64) {
        let next = self.next_deadline_ms();
        self.armed_ms = match (self.armed_ms, next) {
            (Some(armed), Some(next)) if armed > now_ms && armed <= next => Some(armed),
            _ => next,
        };
    }

    /// A wall clock that stepped backwards (an earlier `now_ms` than any seen before) shifts
    /// every timestamp back by the size of the step, so the idle time already elapsed is kept.
    /// (Saturating at the epoch: a reading smaller than the idle time already elapsed — a clock
    /// set to 1970 — cannot be represented and loses the excess; no real clock does that.)
    fn observe_clock(&mut self, now_ms: u64) {
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
    fn set_last_activity(&mut self, at_ms: u64, now_ms: u64) {
        if at_ms > self.last_activity_ms {
            self.last_activity_ms = at_ms;
            self.settle_window(now_ms);
        }
    }

    /// After the deadline or the config changed: if `now_ms` is no longer inside the warning
    /// window, go back to `Active` (clearing a shown warning); if it still is, update the
    /// countdown of a shown warning. An already-passed expiry is left for `advance`.
    fn settle_window(&mut self, now_ms: u64) {
        if !matches!(self.phase, Phase::AwaitingServer { .. } | Phase::Warning) {
            return;
        }
        let inside = self.warn_at_ms().is_some_and(|warn_at| now_ms >= warn_at);
        if !inside {
            if self.phase == Phase::Warning {
                self.push(Action::WarningCleared);
            }
            self.phase = Phase::Active;
        } else if let (Phase::Warning, Some(expiry)) = (self.phase, self.expiry_ms()) {
            if now_ms < expiry {
                self.warn(expiry, now_ms);
            }
        }
    }

    /// Process everything due at `now_ms`.
    fn advance(&mut self, now_ms: u64) {
        if self.is_logged_out() {
            return;
        }
        self.observe_clock(now_ms);
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

    fn warn(&mut self, expiry_ms: u64, now_ms: u64) {
        self.phase = Phase::Warning;
        self.push(Action::Warn {
            remaining_ms: expiry_ms.saturating_sub(now_ms),
        });
    }

    fn logout(&mut self, reason: LogoutReason) {
        self.phase = Phase::LoggedOut(reason);
        self.push(Action::Logout { reason });
    }

    /// Queue an action, keeping the queue minimal (at most one of each kind).
    fn push(&mut self, action: Action) {
        match action {
            Action::CheckServerDeadline => {
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
            Action::Logout { .. } => self.actions.clear(),
        }
        self.actions.push_back(action);
    }
}
