//! Holds: an interaction in progress (a call) keeps the session from warning or logging out.
//!
//! A hold is an input of the [`IdleMachine`]: while any hold is active — begun in this tab
//! ([`IdleMachine::begin_hold`]) or announced by another tab of the session
//! ([`IdleMachine::handle_remote_hold`]) — the machine neither warns nor logs out for
//! idleness, and a warning shown when a hold begins is cleared. When a hold ends, the idle timer
//! runs from that moment. Holds are bounded:
//!
//! * **in time**: a hold ends by itself at its start + the max hold duration
//!   ([`IdleConfig::max_hold_ms`](super::IdleConfig::max_hold_ms); the option `maxHoldSeconds`,
//!   [`DEFAULT_MAX_HOLD_SECONDS`], allowed [`MIN_MAX_HOLD_SECONDS`]–[`MAX_MAX_HOLD_SECONDS`],
//!   see [`check_max_hold_seconds`]) — a forgotten hold never keeps a session for ever;
//! * **by its tab**: another tab's hold is a lease that its tab renews every
//!   [`HOLD_REFRESH_MS`]; unrenewed for [`HOLD_LEASE_MS`] (the tab was closed, crashed or frozen)
//!   it ends, and so does every hold of a tab that says goodbye — no tab inherits a dead tab's
//!   hold;
//! * **in number**: [`MAX_HOLDS`] per tab, [`MAX_REMOTE_HOLDS`] from other tabs together;
//! * **in size**: a label is 1–[`MAX_HOLD_LABEL_CHARS`] characters, no control characters
//!   ([`check_label`]).
//!
//! While a hold of this tab is active the server still counts idle time (API calls are its
//! activity), so the machine asks for one counted API call of the tracker's own
//! ([`Action::KeepAlive`](super::Action::KeepAlive)) at most once per half timeout.

#![deny(
    clippy::arithmetic_side_effects,
    clippy::indexing_slicing,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic
)]

use alloc::string::String;
use core::fmt;

use super::IdleMachine;

/// The default max hold duration (`maxHoldSeconds`): 4 hours.
pub const DEFAULT_MAX_HOLD_SECONDS: u32 = 14_400;
/// The shortest max hold duration a tracker accepts: 1 minute.
pub const MIN_MAX_HOLD_SECONDS: u32 = 60;
/// The longest max hold duration a tracker accepts: 8 hours (the longest timeout).
pub const MAX_MAX_HOLD_SECONDS: u32 = 28_800;
/// [`DEFAULT_MAX_HOLD_SECONDS`] in milliseconds.
pub const DEFAULT_MAX_HOLD_MS: u64 = 14_400_000;

/// The longest label, in characters (Unicode scalar values).
pub const MAX_HOLD_LABEL_CHARS: usize = 100;

/// At most this many holds of one tab are active at once; one more is refused
/// ([`HoldError::TooManyHolds`]), and another tab's beyond it are ignored.
pub const MAX_HOLDS: usize = 16;

/// At most this many holds of other tabs, all together, are tracked; more are ignored.
pub const MAX_REMOTE_HOLDS: usize = 64;

/// A tab with active holds announces each again this often (with its one timer: the driver's
/// deadline is folded into it), so the other tabs can tell a live hold from a dead tab's.
pub const HOLD_REFRESH_MS: u64 = 60_000;

/// Another tab's hold not announced again within this long after its last announcement ends
/// ([`HoldEndReason::TabGone`]): three refresh periods, so that a background tab whose timers
/// the browser throttles to one a minute still keeps its holds.
pub const HOLD_LEASE_MS: u64 = 3 * HOLD_REFRESH_MS;

/// A hold, as its tab numbers it. Unique among that tab's active holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct HoldId(pub u32);

/// Why a hold ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum HoldEndReason {
    /// `"released"`: its tab released it (`hold.release()`).
    Released,
    /// `"expired"`: it reached the max hold duration (a forgotten hold).
    Expired,
    /// `"tab-gone"`: its tab went away — said goodbye (`pagehide`), or stopped renewing it.
    TabGone,
}

impl HoldEndReason {
    /// Every reason.
    pub const ALL: [HoldEndReason; 3] = [
        HoldEndReason::Released,
        HoldEndReason::Expired,
        HoldEndReason::TabGone,
    ];

    /// The wire form: `"released"`, `"expired"`, `"tab-gone"`.
    pub fn as_str(self) -> &'static str {
        match self {
            HoldEndReason::Released => "released",
            HoldEndReason::Expired => "expired",
            HoldEndReason::TabGone => "tab-gone",
        }
    }

    /// The reason named `text` (exactly a wire form), if any.
    pub fn parse(text: &str) -> Option<HoldEndReason> {
        HoldEndReason::ALL
            .into_iter()
            .find(|reason| reason.as_str() == text)
    }
}

/// An active hold, for `explain()` and the events.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HoldInfo {
    /// Its number in its tab.
    pub id: HoldId,
    /// The tab it belongs to: `None` for this tab, else the other tab's id.
    pub tab: Option<String>,
    /// What it is for (e.g. `"Call 42"`), as given to `hold(label)`.
    pub label: String,
    /// When it began (ms since the epoch).
    pub since_ms: u64,
}

/// Why a hold or a hold option was refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum HoldError {
    /// The label is empty or only whitespace.
    EmptyLabel,
    /// The label is longer than [`MAX_HOLD_LABEL_CHARS`] characters.
    LabelTooLong,
    /// The label contains a control character.
    LabelControlCharacter,
    /// The max hold duration is outside
    /// [`MIN_MAX_HOLD_SECONDS`]–[`MAX_MAX_HOLD_SECONDS`].
    MaxHoldOutOfRange,
    /// This tab already has [`MAX_HOLDS`] active holds.
    TooManyHolds,
    /// The session is over: nothing to hold.
    LoggedOut,
}

impl HoldError {
    /// A stable code: `"empty-label"`, `"label-too-long"`, `"label-control-character"`,
    /// `"max-hold-out-of-range"`, `"too-many-holds"`, `"logged-out"`.
    pub fn code(self) -> &'static str {
        match self {
            HoldError::EmptyLabel => "empty-label",
            HoldError::LabelTooLong => "label-too-long",
            HoldError::LabelControlCharacter => "label-control-character",
            HoldError::MaxHoldOutOfRange => "max-hold-out-of-range",
            HoldError::TooManyHolds => "too-many-holds",
            HoldError::LoggedOut => "logged-out",
        }
    }

    /// A sentence for the developer (a JS `TypeError`/`RangeError` message), without
    /// formatting machinery.
    pub fn message(self) -> &'static str {
        match self {
            HoldError::EmptyLabel => "a hold's label must not be empty",
            HoldError::LabelTooLong => "a hold's label must be at most 100 characters",
            HoldError::LabelControlCharacter => {
                "a hold's label must not contain control characters"
            }
            HoldError::MaxHoldOutOfRange => {
                "maxHoldSeconds must be a whole number from 60 to 28800"
            }
            HoldError::TooManyHolds => "at most 16 holds can be active in one tab",
            HoldError::LoggedOut => "the session is over: nothing to hold",
        }
    }
}

impl fmt::Display for HoldError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.message())
    }
}

/// Whether `label` can name a hold: not empty or only whitespace, at most
/// [`MAX_HOLD_LABEL_CHARS`] characters, no control characters.
///
/// ```
/// use inactivity_core::idle::{check_label, HoldError};
/// assert_eq!(check_label("Call 42"), Ok(()));
/// assert_eq!(check_label("  "), Err(HoldError::EmptyLabel));
/// assert_eq!(check_label(&"x".repeat(101)), Err(HoldError::LabelTooLong));
/// ```
pub fn check_label(label: &str) -> Result<(), HoldError> {
    if label.chars().all(char::is_whitespace) {
        return Err(HoldError::EmptyLabel);
    }
    if label.chars().nth(MAX_HOLD_LABEL_CHARS).is_some() {
        return Err(HoldError::LabelTooLong);
    }
    if label.chars().any(char::is_control) {
        return Err(HoldError::LabelControlCharacter);
    }
    Ok(())
}

/// The max hold duration `seconds` (the option `maxHoldSeconds`) in milliseconds, when it is
/// within [`MIN_MAX_HOLD_SECONDS`]–[`MAX_MAX_HOLD_SECONDS`].
///
/// ```
/// use inactivity_core::idle::{check_max_hold_seconds, HoldError};
/// assert_eq!(check_max_hold_seconds(14_400), Ok(14_400_000));
/// assert_eq!(check_max_hold_seconds(59), Err(HoldError::MaxHoldOutOfRange));
/// ```
pub fn check_max_hold_seconds(seconds: u64) -> Result<u64, HoldError> {
    let range = u64::from(MIN_MAX_HOLD_SECONDS)..=u64::from(MAX_MAX_HOLD_SECONDS);
    if range.contains(&seconds) {
        Ok(seconds.saturating_mul(1000))
    } else {
        Err(HoldError::MaxHoldOutOfRange)
    }
}

impl IdleMachine {
    /// The answer to [`Action::VerifyHold`](super::Action::VerifyHold): the server's idle
    /// deadline for the token (`None`: the call failed or said none). A deadline that has passed
    /// means no tab kept the session alive at the server — the hold this tab believed is not
    /// real, or its tab is gone: log out for
    /// [`LogoutReason::ServerRevoked`](crate::reason::LogoutReason::ServerRevoked). Nothing
    /// learnt, nothing changes.
    pub fn handle_hold_verdict(&mut self, server_deadline_ms: Option<u64>, now_ms: u64) {
        if server_deadline_ms.is_some_and(|d| d <= now_ms) {
            self.handle_logout(crate::reason::LogoutReason::ServerRevoked, now_ms);
        }
    }
}

/// Another tab's hold, as its announcement says (see `TabMessage::Hold` in `tabs`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RemoteHold<'a> {
    /// The other tab's id.
    pub tab: &'a str,
    /// The hold's number in that tab.
    pub id: HoldId,
    /// Its label.
    pub label: &'a str,
    /// When it began (ms since the epoch).
    pub since_ms: u64,
    /// When the announcement was sent (ms since the epoch): the lease runs from here.
    pub sent_ms: u64,
}

/// A hold the machine tracks.
#[derive(Clone, Debug)]
pub(crate) struct Entry {
    pub(crate) info: HoldInfo,
    /// Another tab's hold: when its lease runs out unless renewed. `None`: this tab's.
    pub(crate) lease_until_ms: Option<u64>,
}

impl Entry {
    /// When the hold ends unless released or renewed first, and why it would: the max duration,
    /// or (another tab's hold) the end of its lease, whichever comes first.
    pub(crate) fn end(&self, max_hold_ms: u64) -> (u64, HoldEndReason) {
        let max_end = self.info.since_ms.saturating_add(max_hold_ms);
        match self.lease_until_ms {
            Some(lease) if lease < max_end => (lease, HoldEndReason::TabGone),
            _ => (max_end, HoldEndReason::Expired),
        }
    }

    pub(crate) fn end_ms(&self, max_hold_ms: u64) -> u64 {
        self.end(max_hold_ms).0
    }

    pub(crate) fn is_local(&self) -> bool {
        self.info.tab.is_none()
    }

    pub(crate) fn is_of(&self, tab: Option<&str>, id: HoldId) -> bool {
        self.info.id == id && self.info.tab.as_deref() == tab
    }

    /// The clock stepped back by `back`: so does every time of the hold.
    pub(crate) fn shift_back(&mut self, back: u64) {
        self.info.since_ms = self.info.since_ms.saturating_sub(back);
        if let Some(lease) = &mut self.lease_until_ms {
            *lease = lease.saturating_sub(back);
        }
    }
}
