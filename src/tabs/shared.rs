//! The session's shared state in storage: its stored form, the last activity a tab starts from,
//! and when the keys of a session can go.

#![deny(
    clippy::arithmetic_side_effects,
    clippy::indexing_slicing,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic
)]

use crate::idle::is_future;
pub use crate::idle::FUTURE_TOLERANCE_MS;

use super::record::{valid_record, LogoutRecord};

/// The longest decimal number the storage records accept (16 digits: ms until the year 318857).
const MAX_DIGITS: usize = 16;

/// Shared state of a session untouched for this long (a day) is removed when a tab opens its
/// link: every sign-in makes a new session, whose few keys must not pile up in `localStorage`.
pub const ABANDONED_AFTER_MS: u64 = 24 * 60 * 60 * 1000;
/// Whether the shared state of a session — its last activity and logout record, as stored —
/// was left behind: nothing in it is newer than [`ABANDONED_AFTER_MS`] ago (or nothing in it
/// is readable). Its keys can go.
pub fn abandoned(last_activity_ms: Option<u64>, record: Option<LogoutRecord>, now_ms: u64) -> bool {
    // Values from the future are invalid: they must not keep the keys for ever.
    let last_activity_ms = last_activity_ms.filter(|&t| !is_future(t, now_ms));
    let record = valid_record(record, now_ms);
    let latest = match (last_activity_ms, record.map(|r| r.ended_ms)) {
        (Some(a), Some(b)) => Some(a.max(b)),
        (a, b) => a.or(b),
    };
    latest.is_none_or(|t| t.saturating_add(ABANDONED_AFTER_MS) < now_ms)
}
/// A stored time in ms: 1–16 ASCII digits, no sign, no leading zero (except `"0"`). Anything
/// else (another tab's garbage, a value from another version) is `None`.
///
/// ```
/// use inactivity_core::tabs::parse_ms;
/// assert_eq!(parse_ms("1700000000000"), Some(1_700_000_000_000));
/// assert_eq!(parse_ms("017"), None);
/// assert_eq!(parse_ms(" 1"), None);
/// ```
pub fn parse_ms(text: &str) -> Option<u64> {
    let digits = text.as_bytes();
    if digits.is_empty() || digits.len() > MAX_DIGITS || !digits.iter().all(u8::is_ascii_digit) {
        return None;
    }
    if digits.len() > 1 && digits.first() == Some(&b'0') {
        return None;
    }
    text.parse().ok()
}
/// The last activity a tab that started tracking at `fresh_ms` starts from, given the shared
/// one in storage (if any), the logout record, the timeout in force and this tab's own counted
/// activity so far (`local_ms`).
///
/// The shared value is used — even if older than `fresh_ms`: the session is older than this tab
/// — unless it belongs to a session that is over: one whose logout was recorded at or after it,
/// or one already idle for the whole timeout. Using such a value would log out at once, and a
/// user who just signed in would loop back to the login page. A shared value or a record in the
/// future (beyond [`FUTURE_TOLERANCE_MS`]: a clock that jumped back, or a value a script wrote)
/// is invalid and ignored, never clamped to now; [`TabSync::handle_wake`](super::TabSync::handle_wake) overwrites it.
///
/// ```
/// use inactivity_core::tabs::start_last_activity;
/// const MIN: u64 = 60_000;
/// // Another tab was active 2 minutes ago: start from there, not from zero.
/// assert_eq!(start_last_activity(Some(8 * MIN), None, Some(5 * MIN), 10 * MIN, None, 10 * MIN), 8 * MIN);
/// // The shared value is older than the timeout: a new session starts now.
/// assert_eq!(start_last_activity(Some(MIN), None, Some(5 * MIN), 10 * MIN, None, 10 * MIN), 10 * MIN);
/// ```
pub fn start_last_activity(
    shared: Option<u64>,
    record: Option<LogoutRecord>,
    timeout_ms: Option<u64>,
    fresh_ms: u64,
    local_ms: Option<u64>,
    now_ms: u64,
) -> u64 {
    let record = valid_record(record, now_ms);
    let usable = shared
        .filter(|&s| !is_future(s, now_ms))
        .map(|s| s.min(now_ms))
        .filter(|&s| {
            let ended = record.is_some_and(|r| r.ended_ms >= s);
            let expired = timeout_ms.is_some_and(|t| s.saturating_add(t) <= now_ms);
            !ended && !expired
        });
    usable
        .unwrap_or(fresh_ms)
        .max(local_ms.unwrap_or(0))
        .min(now_ms.max(fresh_ms))
}
/// Whether a shared last activity of `at_ms` must replace the `stored` one: when nothing valid
/// is stored, or it is older. A stored value from the future is invalid and always replaced.
pub fn replaces_stored(stored: Option<u64>, at_ms: u64, now_ms: u64) -> bool {
    stored.is_none_or(|s| is_future(s, now_ms) || at_ms > s)
}

/// What the shared storage says, read by the layer at a wake-up.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Shared {
    /// The shared last activity; `None` when absent or unreadable.
    pub last_activity_ms: Option<u64>,
    /// The logout record; `None` when absent or unreadable.
    pub record: Option<LogoutRecord>,
    /// Whether the shared storage is usable at all (`false`: denied or missing — then the tab
    /// relies on messages alone).
    pub storage: bool,
    /// Whether messages can reach other tabs (a channel is open).
    pub peers: bool,
}
