//! The idle policy a machine enforces: the timeout, the warning and the sleep tolerance.
#![deny(
    clippy::arithmetic_side_effects,
    clippy::indexing_slicing,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic
)]

use super::{DEFAULT_SLEPT_TOLERANCE_MS, DEFAULT_WARNING_MS};

/// The idle policy a machine enforces. All durations are milliseconds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct IdleConfig {
    /// The idle timeout; `None` when no timeout applies to this user: the machine then never
    /// logs out for idleness (it still honours [`IdleMachine::handle_logout`](super::IdleMachine::handle_logout)). `Some(0)` logs
    /// out at once (fail closed).
    pub timeout_ms: Option<u64>,
    /// How long before expiry to warn; `0` = no warning. A value not below the timeout also
    /// means no warning.
    pub warning_ms: u64,
    /// Lateness beyond which an expiry is reported as [`LogoutReason::Slept`](crate::reason::LogoutReason::Slept) rather than
    /// [`LogoutReason::Idle`](crate::reason::LogoutReason::Idle); see [`DEFAULT_SLEPT_TOLERANCE_MS`].
    pub slept_tolerance_ms: u64,
}

impl IdleConfig {
    /// A config with the given timeout, the default warning ([`DEFAULT_WARNING_MS`]) and the
    /// default slept tolerance ([`DEFAULT_SLEPT_TOLERANCE_MS`]).
    pub fn new(timeout_ms: Option<u64>) -> Self {
        IdleConfig {
            timeout_ms,
            warning_ms: DEFAULT_WARNING_MS,
            slept_tolerance_ms: DEFAULT_SLEPT_TOLERANCE_MS,
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

    /// The warning lead actually in force: `Some(warning_ms)` when a timeout applies and
    /// `0 < warning_ms < timeout_ms`, otherwise `None` (no warning).
    pub fn effective_warning_ms(&self) -> Option<u64> {
        let timeout = self.timeout_ms?;
        (self.warning_ms > 0 && self.warning_ms < timeout).then_some(self.warning_ms)
    }
}

impl Default for IdleConfig {
    /// No timeout, the default warning and slept tolerance.
    fn default() -> Self {
        IdleConfig::new(None)
    }
}
