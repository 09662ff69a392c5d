//! One session's idle deadline, decided by the core's idle machine.
//!
//! Enforcement (a live token) and the admin's preview (a replayed session) both drive a
//! [`SessionIdle`]: counted calls go in, the deadline and whether it passed come out. There is no
//! second implementation of "last counted call + timeout": the core's
//! [`crate::tracker_core::IdleMachine`] is it. The server shows no warning, so the
//! machine runs without one.

use crate::tracker_core::{IdleConfig, IdleMachine};

/// The idle state of one session (one access token).
#[derive(Debug, Clone)]
pub struct SessionIdle {
    machine: IdleMachine,
}

/// The machine's config for a timeout in seconds (`None`: no timeout applies), without a warning.
fn config(timeout_seconds: Option<u32>) -> IdleConfig {
    IdleConfig::new(timeout_seconds.map(|s| u64::from(s) * 1000)).with_warning_ms(0)
}

impl SessionIdle {
    /// A session that starts at `now_ms` (the sign-in counts as activity).
    pub fn start(timeout_seconds: Option<u32>, now_ms: u64) -> Self {
        Self {
            machine: IdleMachine::new(config(timeout_seconds), now_ms),
        }
    }

    /// A counted API call at `now_ms`, with the timeout that applies from now on. A session whose
    /// deadline had already passed stays expired: activity never revives it. Returns whether
    /// the call reset the deadline (`false`: the session had expired).
    pub fn activity(&mut self, timeout_seconds: Option<u32>, now_ms: u64) -> bool {
        self.machine.handle_activity(now_ms);
        // After the activity the session has been idle for 0 ms: a new, shorter timeout cannot
        // expire it at once; it applies from this call on.
        self.machine.set_config(config(timeout_seconds), now_ms);
        !self.machine.is_logged_out()
    }

    /// Whether the deadline has passed at `now_ms`; once it has, the answer stays `true`.
    pub fn expired(&mut self, now_ms: u64) -> bool {
        self.machine.handle_timeout(now_ms);
        self.machine.is_logged_out()
    }

    /// When the session expires (or expired): last counted call + timeout; `None` when no
    /// timeout applies.
    pub fn deadline_ms(&self) -> Option<u64> {
        self.machine.expiry_ms()
    }

    /// The last counted call (or the start).
    pub fn last_activity_ms(&self) -> u64 {
        self.machine.last_activity_ms()
    }

    /// The timeout in force, in milliseconds.
    pub fn timeout_ms(&self) -> Option<u64> {
        self.machine.config().timeout_ms
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const MIN: u64 = 60_000;

    #[test]
    fn counted_calls_move_the_deadline_until_it_passes() {
        let mut idle = SessionIdle::start(Some(600), 0);
        assert_eq!(idle.deadline_ms(), Some(10 * MIN));
        assert!(idle.activity(Some(600), 9 * MIN));
        assert_eq!(idle.deadline_ms(), Some(19 * MIN));
        assert!(!idle.expired(19 * MIN - 1));
        assert!(idle.expired(19 * MIN));
        // Activity after the deadline does not revive the session.
        assert!(!idle.activity(Some(600), 19 * MIN + 1));
        assert!(idle.expired(19 * MIN + 1));
        assert_eq!(idle.deadline_ms(), Some(19 * MIN));
    }

    #[test]
    fn a_new_timeout_applies_from_the_call_on() {
        let mut idle = SessionIdle::start(Some(1800), 0);
        // 20 minutes idle, then a call with a 10-minute timeout: not expired, 10 minutes from now.
        assert!(idle.activity(Some(600), 20 * MIN));
        assert!(!idle.expired(20 * MIN));
        assert_eq!(idle.deadline_ms(), Some(30 * MIN));
        assert!(idle.activity(None, 25 * MIN));
        assert_eq!(idle.deadline_ms(), None);
        assert!(!idle.expired(u64::MAX / 2));
    }
}
