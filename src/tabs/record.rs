//! The logout record in storage, and which tab makes the server-side logout calls.

#![deny(
    clippy::arithmetic_side_effects,
    clippy::indexing_slicing,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic
)]

use alloc::string::String;

use crate::idle::is_future;
use crate::reason::LogoutReason;
use crate::text::push_dec;

use super::shared::parse_ms;

/// How long a tab that logs out waits for the logout lock (held by the tab making the server
/// calls) before it goes on without it. The holder may be frozen: it must never block the others
/// for longer. A tab that gives up makes the calls itself unless the record says they are done.
pub const LEADER_WAIT_MS: u64 = 10_000;
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
/// use inactivity_core::tabs::{Calls, LogoutRecord};
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
    /// Another tab held it for longer than [`LEADER_WAIT_MS`] (e.g. it is frozen).
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

/// The record, unless it is from the future (invalid: see [`FUTURE_TOLERANCE_MS`](crate::idle::FUTURE_TOLERANCE_MS)).
pub fn valid_record(record: Option<LogoutRecord>, now_ms: u64) -> Option<LogoutRecord> {
    record.filter(|r| !is_future(r.ended_ms, now_ms))
}
