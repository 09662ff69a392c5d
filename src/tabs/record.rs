//! The logout record in storage: when the session ended and how far its server calls got. It
//! tells a tab that wakes up that the session ended meanwhile, and a newcomer not to inherit
//! a dead session; which tab makes the calls is decided with the server, not with it (see
//! `crate::logout`), so it is otherwise for diagnostics.

#![deny(
    clippy::arithmetic_side_effects,
    clippy::indexing_slicing,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic
)]

use alloc::string::String;

use crate::idle::is_future;
use crate::text::push_dec;

use super::shared::parse_ms;

/// How far the server-side logout calls of a logout are.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Calls {
    /// A tab logged out for its own reason; nobody has started the calls yet.
    Pending,
    /// A tab holding the logout lock started them.
    Started,
    /// They are done (or none were needed: the server had revoked the token).
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

/// The record, unless it is from the future (invalid: see [`FUTURE_TOLERANCE_MS`](crate::idle::FUTURE_TOLERANCE_MS)).
pub fn valid_record(record: Option<LogoutRecord>, now_ms: u64) -> Option<LogoutRecord> {
    record.filter(|r| !is_future(r.ended_ms, now_ms))
}
