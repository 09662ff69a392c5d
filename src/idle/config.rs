//! What a machine enforces: its config and the constants of its deadlines.

#![deny(
    clippy::arithmetic_side_effects,
    clippy::indexing_slicing,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic
)]

use super::hold::DEFAULT_MAX_HOLD_MS;
#[cfg(doc)]
use super::{Action, IdleMachine};
#[cfg(doc)]
use crate::reason::LogoutReason;

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

/// The idle policy a machine enforces. All durations are milliseconds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct IdleConfig {
    /// The idle timeout; `None` when no timeout applies to this user: the machine then never
    /// logs out for idleness (it still honours [`IdleMachine::handle_logout`]). `Some(0)` logs
    /// out at once (fail closed).
    pub timeout_ms: Option<u64>,
    /// How long before expiry to warn; `0` = no warning. A value not below the timeout also
    /// means no warning.
    pub warning_ms: u64,
    /// Lateness beyond which an expiry is reported as [`LogoutReason::Slept`] rather than
    /// [`LogoutReason::Idle`]; see [`DEFAULT_SLEPT_TOLERANCE_MS`].
    pub slept_tolerance_ms: u64,
    /// How long a hold lasts at most ([`DEFAULT_MAX_HOLD_MS`]; a tracker checks the option with
    /// [`check_max_hold_seconds`](super::check_max_hold_seconds)): a forgotten hold ends by
    /// itself at its start + this, and the idle timer runs from there.
    pub max_hold_ms: u64,
}

impl IdleConfig {
    /// A config with the given timeout, the default warning ([`DEFAULT_WARNING_MS`]), the
    /// default slept tolerance ([`DEFAULT_SLEPT_TOLERANCE_MS`]) and the default max hold
    /// duration ([`DEFAULT_MAX_HOLD_MS`]).
    pub fn new(timeout_ms: Option<u64>) -> Self {
        IdleConfig {
            timeout_ms,
            warning_ms: DEFAULT_WARNING_MS,
            slept_tolerance_ms: DEFAULT_SLEPT_TOLERANCE_MS,
            max_hold_ms: DEFAULT_MAX_HOLD_MS,
        }
    }

    /// The same config with another warning lead (`0` = no warning).
    #[must_use]
    pub fn with_warning_ms(self, warning_ms: u64) -> Self {
        IdleConfig { warning_ms, ..self }
    }

    /// The same config with another slept tolerance.
    #[must_use]
    pub fn with_slept_tolerance_ms(self, slept_tolerance_ms: u64) -> Self {
        IdleConfig {
            slept_tolerance_ms,
            ..self
        }
    }

    /// The same config with another max hold duration.
    #[must_use]
    pub fn with_max_hold_ms(self, max_hold_ms: u64) -> Self {
        IdleConfig {
            max_hold_ms,
            ..self
        }
    }

    /// The warning lead actually in force: `Some(warning_ms)` when a timeout applies and
    /// `0 < warning_ms < timeout_ms`, otherwise `None` (no warning).
    pub fn effective_warning_ms(&self) -> Option<u64> {
        let timeout = self.timeout_ms?;
        (self.warning_ms > 0 && self.warning_ms < timeout).then_some(self.warning_ms)
    }
}

impl Default for IdleConfig {
    /// No timeout, the default warning, slept tolerance and max hold duration.
    fn default() -> Self {
        IdleConfig::new(None)
    }
}
