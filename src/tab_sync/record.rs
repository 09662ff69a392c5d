//! Which tab makes the server-side logout calls (the logout record in storage and the lock), and
//! which shared values a tab may trust: the last activity it starts from, records and times from
//! the future, sessions left behind.
#![deny(
    clippy::arithmetic_side_effects,
    clippy::indexing_slicing,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic
)]

use alloc::string::String;

use super::scope::parse_ms;
use super::ABANDONED_AFTER_MS;
use crate::idle::is_future;
use crate::reason::LogoutReason;
use crate::text::push_dec;

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

/// How far the server-side logout calls of a logout are.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Calls {
    /// A tab logged out for its own reason; nobody has started the calls yet.
    Pending,
    /// A tab holding the logout lock started them.
    Started,
    /// They are done (or none are needed: the token was already revoked).
    Done,
}

impl Calls {
    fn as_str(self) -> &'static str {
        match self {
            Calls::Pending => "pending",
            Calls::Started => "started",
            Calls::Done => "done",
        }
    }
}

/// What the tabs of a session know about its logout, kept in `localStorage`:
/// `"1 <ended ms> <pending|started|done>"`.
///
/// ```
/// use inactivity_core::tab_sync::{Calls, LogoutRecord};
/// let record = LogoutRecord { ended_ms: 1_700_000_000_000, calls: Calls::Started };
/// assert_eq!(record.encode(), "1 1700000000000 started");
/// assert_eq!(LogoutRecord::parse(&record.encode()), Some(record));
/// assert_eq!(LogoutRecord::parse("2 1700000000000 started"), None);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LogoutRecord {
    /// When the session ended (the first tab logged out), ms since the epoch.
    pub ended_ms: u64,
    /// How far the server calls are.
    pub calls: Calls,
}

impl LogoutRecord {
    /// The stored form.
    pub fn encode(&self) -> String {
        let mut out = String::from("1 ");
        push_dec(&mut out, self.ended_ms);
        out.push(' ');
        out.push_str(self.calls.as_str());
        out
    }

    /// The record in `text`, or `None` for anything that is not exactly a stored form.
    pub fn parse(text: &str) -> Option<LogoutRecord> {
        let mut parts = text.split(' ');
        let (Some("1"), Some(ended), Some(calls), None) =
            (parts.next(), parts.next(), parts.next(), parts.next())
        else {
            return None;
        };
        let calls = match calls {
            "pending" => Calls::Pending,
            "started" => Calls::Started,
            "done" => Calls::Done,
            _ => return None,
        };
        Some(LogoutRecord {
            ended_ms: parse_ms(ended)?,
            calls,
        })
    }

    /// Whether this record is about the session of a tab that started at `started_ms` (the
    /// session ended after the tab started), rather than an earlier one.
    pub fn ends_session_of(&self, started_ms: u64) -> bool {
        self.ended_ms >= started_ms
    }
}

/// The record a tab writes when it logs out for `reason` at `now_ms`, given the `existing`
/// one; `None`: write nothing. Only a tab logging out for its own reason writes, and never over
/// a record of its own session (another tab got there first: its record is the truth). A
/// logout for [`LogoutReason::ServerRevoked`] needs no calls (the token is dead): `Done` at once.
pub fn record_at_logout(
    existing: Option<LogoutRecord>,
    reason: LogoutReason,
    started_ms: u64,
    now_ms: u64,
) -> Option<LogoutRecord> {
    let existing = valid_record(existing, now_ms);
    if reason == LogoutReason::OtherTab || existing.is_some_and(|r| r.ends_session_of(started_ms)) {
        return None;
    }
    let calls = if reason == LogoutReason::ServerRevoked {
        Calls::Done
    } else {
        Calls::Pending
    };
    Some(LogoutRecord {
        ended_ms: now_ms,
        calls,
    })
}

/// How the wait for the logout lock ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LockOutcome {
    /// This tab holds the lock.
    Granted,
    /// Another tab held it for longer than [`LEADER_WAIT_MS`](super::LEADER_WAIT_MS) (e.g. it is frozen).
    TimedOut,
    /// No Web Locks: missing, or denied (a cross-site iframe).
    Unavailable,
}

/// Whether a tab makes the server-side logout calls.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    /// This tab makes them.
    Leader,
    /// Another tab makes them (or made them), or nobody can without risking doing them twice.
    Follower,
}

/// Which role a tab that logs out for `reason` takes, once its wait for the logout lock ended
/// with `lock`, given the record it then reads (ignored when from the future) and its own start
/// time.
///
/// * Lock granted: the record of this session says `Done` → follower; `Pending` → leader (the
///   first tab granted makes the calls); `Started` → leader too: the tab that started them let
///   the lock go without finishing — it was closed mid-logout — so this one takes over. No
///   record of this session: leader for a logout of its own, follower for
///   [`LogoutReason::OtherTab`] (the tab that sent it could not take part: no storage or no
///   locks, and makes the calls itself).
/// * Timed out (the holder is frozen, or busy after a burst of wake-ups): as if granted. Unless
///   the record says the calls are done, this tab makes them itself: they are idempotent, and
///   twice beats never (a station left On Queue and Online is worse than a repeated call).
/// * No Web Locks: leader for a logout of its own, follower for `OtherTab`.
///
/// [`LogoutReason::ServerRevoked`] is always a follower: there is nothing left to call.
pub fn logout_role(
    reason: LogoutReason,
    lock: LockOutcome,
    record: Option<LogoutRecord>,
    started_ms: u64,
    now_ms: u64,
) -> Role {
    let record = valid_record(record, now_ms);
    let own = reason != LogoutReason::OtherTab;
    if reason == LogoutReason::ServerRevoked {
        return Role::Follower;
    }
    let leader_if = |yes: bool| if yes { Role::Leader } else { Role::Follower };
    match lock {
        LockOutcome::Unavailable => leader_if(own),
        LockOutcome::Granted | LockOutcome::TimedOut => {
            match record.filter(|r| r.ends_session_of(started_ms)) {
                Some(LogoutRecord {
                    calls: Calls::Done, ..
                }) => Role::Follower,
                Some(_) => Role::Leader,
                None => leader_if(own),
            }
        }
    }
}

/// The last activity a tab that started tracking at `fresh_ms` starts from, given the shared
/// one in storage (if any), the logout record, the timeout in force and this tab's own counted
/// activity so far (`local_ms`).
///
/// The shared value is used — even if older than `fresh_ms`: the session is older than this tab
/// — unless it belongs to a session that is over: one whose logout was recorded at or after it,
/// or one already idle for the whole timeout. Using such a value would log out at once, and a
/// user who just signed in would loop back to the login page. A shared value or a record in the
/// future (beyond [`FUTURE_TOLERANCE_MS`](super::FUTURE_TOLERANCE_MS): a clock that jumped back, or a value a script wrote)
/// is invalid and ignored, never clamped to now; [`TabSync::handle_wake`](super::TabSync::handle_wake) overwrites it.
///
/// ```
/// use inactivity_core::tab_sync::start_last_activity;
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

/// The record, unless it is from the future (invalid: see [`FUTURE_TOLERANCE_MS`](super::FUTURE_TOLERANCE_MS)).
pub fn valid_record(record: Option<LogoutRecord>, now_ms: u64) -> Option<LogoutRecord> {
    record.filter(|r| !is_future(r.ended_ms, now_ms))
}

/// Whether a shared last activity of `at_ms` must replace the `stored` one: when nothing valid
/// is stored, or it is older. A stored value from the future is invalid and always replaced.
pub fn replaces_stored(stored: Option<u64>, at_ms: u64, now_ms: u64) -> bool {
    stored.is_none_or(|s| is_future(s, now_ms) || at_ms > s)
}
