//! Several tabs, one session: the decisions of the browser layer's cross-tab sync.
//!
//! The wire codec and the activity throttle live in [`super::tabs`]; this module decides what to
//! do with them, so the browser layer (`web/tabs.rs`, `web/leader.rs`) only moves bytes:
//!
//! * [`Scope`]: the names of the channel, the storage keys and the lock of one session —
//!   per origin (browsers scope `BroadcastChannel`, `localStorage` and Web Locks by origin),
//!   per platform API, per user and per access token, so two users, two platforms or two
//!   sessions never collide. The token is part of the scope because the server keeps its idle
//!   deadline per token: tabs with different tokens are different sessions to the server, and
//!   sharing one idle timer between them would keep a tab alive on the client whose token the
//!   server revokes;
//! * [`start_last_activity`]: the last activity a tab starts from — the shared one, unless it
//!   belongs to a session that already ended or expired (a fresh sign-in must never inherit a
//!   dead session: it would log out at once and loop back to the login page);
//! * [`LogoutRecord`] and [`logout_role`]: which tab makes the server-side logout calls. The tabs
//!   that log out queue on one Web Lock; the first one granted makes the calls, and the record in
//!   storage tells the next ones that they are done (or, if the leader was closed mid-way, that
//!   they must take over);
//! * [`TabSync`]: the driver of one tab (sans-IO, like [`IdleMachine`]): local activity,
//!   messages from other tabs, wake-ups, and what to broadcast and store — at most about one
//!   activity message per tab per second whatever the request rate, a storage write at most
//!   every [`STORE_INTERVAL_MS`], and no timer of its own beyond the machine's.
//!
//! # Driving a tab
//!
//! ```
//! use inactivity_core::idle::{IdleConfig, IdleMachine};
//! use inactivity_core::tab_sync::{Shared, TabOutput, TabSync};
//!
//! let config = IdleConfig::new(Some(300_000));
//! let (mut a, mut b) = (IdleMachine::new(config, 0), IdleMachine::new(config, 0));
//! let (mut sync_a, mut sync_b) = (TabSync::new(1, 0), TabSync::new(2, 0));
//!
//! sync_a.handle_local_activity(&mut a, 10_000); // a counted request in tab A
//! let Some(TabOutput::Broadcast(text)) = sync_a.poll_output() else { panic!() };
//! assert_eq!(sync_a.poll_output(), Some(TabOutput::StoreLastActivity(10_000)));
//!
//! sync_b.handle_message(&text, &mut b, 10_020); // delivered to tab B
//! assert_eq!(b.last_activity_ms(), 10_000);
//!
//! // B wakes up (timer, visibilitychange, …): the shared state first, then its own deadlines.
//! let shared = Shared { last_activity_ms: Some(10_000), ..Shared::default() };
//! sync_b.handle_wake(&mut b, &shared, 20_000);
//! assert!(!b.is_logged_out());
//! ```

#![deny(
    clippy::arithmetic_side_effects,
    clippy::indexing_slicing,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic
)]

use alloc::string::String;

use crate::text::{concat, push_dec, push_hex};
use alloc::collections::VecDeque;

pub use super::idle::FUTURE_TOLERANCE_MS;
use super::idle::{is_future, IdleMachine};
use super::reason::LogoutReason;
use super::tabs::{decode, encode, TabMessage, ACTIVITY_BROADCAST_INTERVAL_MS};

/// The first part of every name this crate uses in shared browser state.
pub const NAMESPACE: &str = "inactivity-timeout";

/// After waking up past its own expiry, a tab without the shared storage (a cross-site iframe)
/// asks the other tabs (a [`TabMessage::Hello`]) and waits this long for an answer before it
/// logs out: otherwise a tab that was frozen could log every tab out while the user works in
/// another one.
pub const CATCH_UP_MS: u64 = 500;

/// How long a tab that logs out waits for the logout lock (held by the tab making the server
/// calls) before it goes on without it. The holder may be frozen: it must never block the others
/// for longer. A tab that gives up makes the calls itself unless the record says they are done.
pub const LEADER_WAIT_MS: u64 = 10_000;

/// The shared last activity in storage is written at most this often (with a broadcast), and
/// whenever the tab wakes up (its own deadline included) with something not yet stored: every
/// write is a `storage` event in every other tab.
pub const STORE_INTERVAL_MS: u64 = 10_000;

/// The longest decimal number the storage records accept (16 digits: ms until the year 318857).
const MAX_DIGITS: usize = 16;

/// Shared state of a session untouched for this long (a day) is removed when a tab opens its
/// link: every sign-in makes a new session, whose few keys must not pile up in `localStorage`.
pub const ABANDONED_AFTER_MS: u64 = 24 * 60 * 60 * 1000;

/// The suffixes of the storage keys of a scope.
const KEY_SUFFIXES: [&str; 3] = [":last-activity", ":logout", ":message"];

/// The names of the shared browser state of one session: per origin (implicit: browsers scope
/// all of it by origin), per platform API, per user and — with [`Scope::with_session`] — per
/// access token.
///
/// ```
/// use inactivity_core::tab_sync::Scope;
/// let scope = Scope::new("user:1", "");
/// assert_eq!(scope.channel(), "inactivity-timeout:v1:user%3A1");
/// assert_eq!(scope.last_activity_key(), "inactivity-timeout:v1:user%3A1:last-activity");
/// let other_api = Scope::new("user:1", "https://api.example.com");
/// assert_eq!(other_api.channel(), "inactivity-timeout:v1:user%3A1@https%3A%2F%2Fapi.example.com");
/// let session = Scope::new("user:1", "").with_session("a-token");
/// assert_eq!(session.channel(), "inactivity-timeout:v1:user%3A1#ad41923eefb1ec90");
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Scope {
    prefix: String,
}

impl Scope {
    /// The scope of `user_id` on the platform API at `api_root` (`""`: the same origin).
    /// Both are percent-encoded, so no value can reach into another scope's names.
    pub fn new(user_id: &str, api_root: &str) -> Scope {
        let mut prefix = concat(&[NAMESPACE, ":v1:"]);
        encode_component(user_id, &mut prefix);
        if !api_root.is_empty() {
            prefix.push('@');
            encode_component(api_root, &mut prefix);
        }
        Scope { prefix }
    }

    /// The same scope, narrowed to the tabs that hold `access_token` (its 64-bit FNV-1a
    /// fingerprint, never the token itself). An empty token changes nothing.
    #[must_use]
    pub fn with_session(mut self, access_token: &str) -> Scope {
        if !access_token.is_empty() {
            self.prefix.push('#');
            push_hex(&mut self.prefix, fingerprint(access_token), 16, false);
        }
        self
    }

    /// The part every name of this scope starts with.
    pub fn prefix(&self) -> &str {
        &self.prefix
    }

    /// The `BroadcastChannel` name.
    pub fn channel(&self) -> String {
        self.prefix.clone()
    }

    /// The `localStorage` key of the shared last activity (decimal ms since the epoch).
    pub fn last_activity_key(&self) -> String {
        concat(&[&self.prefix, ":last-activity"])
    }

    /// The `localStorage` key of the [`LogoutRecord`].
    pub fn logout_key(&self) -> String {
        concat(&[&self.prefix, ":logout"])
    }

    /// The `localStorage` key that carries messages by `storage` events where
    /// `BroadcastChannel` is missing.
    pub fn message_key(&self) -> String {
        concat(&[&self.prefix, ":message"])
    }

    /// The Web Lock the tabs that log out queue on.
    pub fn lock_name(&self) -> String {
        concat(&[&self.prefix, ":logout"])
    }
}

/// The 64-bit FNV-1a hash of `text`: tells sessions apart without putting a token in a name.
fn fingerprint(text: &str) -> u64 {
    text.bytes().fold(0xcbf2_9ce4_8422_2325, |hash, b| {
        (hash ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    })
}

/// The scope prefix of a storage key this crate writes (any scope, any version-1 key), or
/// `None` for any other key.
///
/// ```
/// use inactivity_core::tab_sync::scope_of_key;
/// assert_eq!(scope_of_key("inactivity-timeout:v1:u1#0a:logout"), Some("inactivity-timeout:v1:u1#0a"));
/// assert_eq!(scope_of_key("inactivity-timeout:v1:u1:other"), None);
/// assert_eq!(scope_of_key("someone-else:logout"), None);
/// ```
pub fn scope_of_key(key: &str) -> Option<&str> {
    let head = concat(&[NAMESPACE, ":v1:"]);
    if !key.starts_with(&head) {
        return None;
    }
    KEY_SUFFIXES
        .iter()
        .find_map(|suffix| key.strip_suffix(suffix))
        .filter(|prefix| prefix.len() > head.len())
}

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

fn encode_component(value: &str, out: &mut String) {
    for b in value.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
            out.push(char::from(b));
        } else {
            out.push('%');
            push_hex(out, u64::from(b), 2, true);
        }
    }
}

/// A stored time in ms: 1–16 ASCII digits, no sign, no leading zero (except `"0"`). Anything
/// else (another tab's garbage, a value from another version) is `None`.
///
/// ```
/// use inactivity_core::tab_sync::parse_ms;
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

/// The last activity a tab that started tracking at `fresh_ms` starts from, given the shared
/// one in storage (if any), the logout record, the timeout in force and this tab's own counted
/// activity so far (`local_ms`).
///
/// The shared value is used — even if older than `fresh_ms`: the session is older than this tab
/// — unless it belongs to a session that is over: one whose logout was recorded at or after it,
/// or one already idle for the whole timeout. Using such a value would log out at once, and a
/// user who just signed in would loop back to the login page. A shared value or a record in the
/// future (beyond [`FUTURE_TOLERANCE_MS`]: a clock that jumped back, or a value a script wrote)
/// is invalid and ignored, never clamped to now; [`TabSync::handle_wake`] overwrites it.
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

/// The record, unless it is from the future (invalid: see [`FUTURE_TOLERANCE_MS`]).
pub fn valid_record(record: Option<LogoutRecord>, now_ms: u64) -> Option<LogoutRecord> {
    record.filter(|r| !is_future(r.ended_ms, now_ms))
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

/// What the layer must do for [`TabSync`]; see [`TabSync::poll_output`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TabOutput {
    /// Send this encoded [`TabMessage`] to the other tabs.
    Broadcast(String),
    /// Store this as the shared last activity, unless the stored one is later
    /// ([`replaces_stored`] decides).
    StoreLastActivity(u64),
    /// Remove the logout record: it is invalid (from the future).
    ClearLogoutRecord,
}

/// The cross-tab driver of one tab: it feeds an [`IdleMachine`] with what other tabs say, and
/// says what to tell them. Sans-IO: time is an input, effects come out of
/// [`TabSync::poll_output`], and the only instant of its own it wants to be woken at (the end of
/// a catch-up) out of [`TabSync::poll_timeout`].
///
/// Traffic: a counted request is broadcast at once when none was in the last
/// [`ACTIVITY_BROADCAST_INTERVAL_MS`] (so at most one message per interval whatever the request
/// rate); a later one within the interval waits for the next wake-up of the tab — at the latest
/// the machine's own deadline, which comes before any other tab could warn or log out on the
/// older time (they know an activity at most one interval older than this tab's last, so their
/// deadlines are at most that much earlier) — so no timer is armed for it, and the last
/// activity of a burst is never lost. The shared last activity is stored with a broadcast at
/// most every [`STORE_INTERVAL_MS`], and at each wake-up with anything newer. A newcomer's
/// [`TabMessage::Hello`] is answered only when no activity broadcast went out in the last
/// interval; one hello at start and one per catch-up; one logout message.
#[derive(Debug, Clone)]
pub struct TabSync {
    id: String,
    started_ms: u64,
    /// When the last activity message went out.
    last_broadcast_ms: Option<u64>,
    /// The latest local activity not broadcast yet (it came within the interval).
    pending_ms: Option<u64>,
    /// When the shared last activity was last written.
    last_stored_ms: Option<u64>,
    /// The latest broadcast activity not stored yet.
    unstored_ms: Option<u64>,
    catch_up_until: Option<u64>,
    deferred_activity: bool,
    ended_elsewhere: bool,
    outbox: VecDeque<TabOutput>,
}

impl TabSync {
    /// The driver of a tab that started tracking at `started_ms`; `random` names it (any value:
    /// the id is its 16 hex digits).
    pub fn new(random: u64, started_ms: u64) -> TabSync {
        TabSync {
            id: {
                let mut id = String::with_capacity(16);
                push_hex(&mut id, random, 16, false);
                id
            },
            started_ms,
            last_broadcast_ms: None,
            pending_ms: None,
            last_stored_ms: None,
            unstored_ms: None,
            catch_up_until: None,
            deferred_activity: false,
            ended_elsewhere: false,
            outbox: VecDeque::new(),
        }
    }

    /// This tab's id on the wire.
    pub fn id(&self) -> &str {
        &self.id
    }

    /// When this tab started tracking: logout records older than this are another session's.
    pub fn started_ms(&self) -> u64 {
        self.started_ms
    }

    /// The link to the other tabs just opened: say hello with what this tab knows, so that a
    /// tab that knows a later activity answers with it; and tell them about this tab's own
    /// counted activity from before the link existed (`unshared_ms`: nobody heard of it).
    pub fn link_opened(&mut self, machine: &IdleMachine, unshared_ms: Option<u64>, now_ms: u64) {
        if machine.is_logged_out() {
            return;
        }
        self.send(&TabMessage::Hello {
            last_activity_ms: machine.last_activity_ms(),
        });
        if let Some(at_ms) = unshared_ms {
            self.broadcast_activity(at_ms.min(machine.last_activity_ms()), now_ms);
        }
    }

    /// A counted request in this tab at `now_ms`: feeds the machine and, at most once per
    /// interval, tells the other tabs (see the type's docs). While a catch-up is running (see
    /// [`TabSync::handle_wake`]) it is held back until the catch-up ends: counted then if the
    /// session turned out to be alive, ignored if it had expired.
    pub fn handle_local_activity(&mut self, machine: &mut IdleMachine, now_ms: u64) {
        if self.catch_up_until.is_some() {
            self.deferred_activity = true;
            return;
        }
        machine.handle_activity(now_ms);
        if machine.is_logged_out() {
            return;
        }
        if self.may_broadcast(now_ms) {
            self.pending_ms = None;
            self.broadcast_activity(now_ms, now_ms);
        } else {
            self.pending_ms = Some(self.pending_ms.map_or(now_ms, |p| p.max(now_ms)));
        }
    }

    /// A message from the channel (an untrusted input): anything malformed, from another
    /// version, or from this tab itself is ignored. Returns whether it was accepted.
    pub fn handle_message(&mut self, text: &str, machine: &mut IdleMachine, now_ms: u64) -> bool {
        let Some((from, message)) = decode(text) else {
            return false;
        };
        if from == self.id {
            return false;
        }
        match message {
            TabMessage::Activity { at_ms } => machine.handle_remote_activity(at_ms, now_ms),
            TabMessage::Logout { .. } => {
                self.ended_elsewhere = true;
                machine.handle_logout(LogoutReason::OtherTab, now_ms);
            }
            TabMessage::Hello { last_activity_ms } => {
                // Not activity: only answered, when this tab knows later activity and has not
                // told everybody within the last interval.
                let mine = machine.last_activity_ms();
                if mine > last_activity_ms && !machine.is_logged_out() && self.may_broadcast(now_ms)
                {
                    self.pending_ms = None;
                    self.broadcast_activity(mine, now_ms);
                }
            }
        }
        true
    }

    /// The machine logged out for `reason`: tell the other tabs — unless the session ended
    /// elsewhere (a logout message, or the logout record at a wake-up): then the machine may
    /// still report its own `idle`/`slept` (its expiry had passed first), but an echo could
    /// reach tabs of a newer session. Returns whether the logout is this tab's own: only then
    /// may it write the logout record and make the server calls (pass
    /// [`LogoutReason::OtherTab`] to [`record_at_logout`] and [`logout_role`] otherwise).
    pub fn handle_logout(&mut self, reason: LogoutReason) -> bool {
        let own = reason != LogoutReason::OtherTab && !self.ended_elsewhere;
        if own {
            self.send(&TabMessage::Logout { reason });
        }
        own
    }

    /// The tab's timer fired, or the page may have been unable to run (`visibilitychange`,
    /// `focus`, `pageshow`, `resume`, `online`). In this order:
    ///
    /// 0. a logout record or a shared last activity from the future is invalid: it is ignored and
    ///    overwritten (the record cleared, this tab's last activity stored);
    /// 1. the session ended elsewhere since this tab started (the logout record) → log out with
    ///    [`LogoutReason::OtherTab`] (or the machine's own `slept`, if its expiry passed first),
    ///    quietly: see [`TabSync::handle_logout`];
    /// 2. the shared last activity is applied *before* any deadline is checked: a tab that was
    ///    frozen must not log everybody out while the user works in another tab;
    /// 3. without shared storage, a tab that would now log out first asks the others (a hello)
    ///    and waits [`CATCH_UP_MS`] for their answer — when it can reach any;
    /// 4. the machine's own deadlines; then what this tab has not told yet: the latest activity
    ///    of a burst (if the interval allows), the shared last activity (if newer than stored).
    pub fn handle_wake(&mut self, machine: &mut IdleMachine, shared: &Shared, now_ms: u64) {
        // Values from the future are invalid: ignored and overwritten, never clamped to now.
        if shared.record.is_some_and(|r| is_future(r.ended_ms, now_ms)) {
            self.outbox.push_back(TabOutput::ClearLogoutRecord);
        } else if shared
            .record
            .is_some_and(|r| r.ends_session_of(self.started_ms))
        {
            self.ended_elsewhere = true;
            machine.handle_logout(LogoutReason::OtherTab, now_ms);
        }
        match shared.last_activity_ms {
            Some(at_ms) if is_future(at_ms, now_ms) && !machine.is_logged_out() => {
                self.store(machine.last_activity_ms(), now_ms);
            }
            Some(at_ms) if is_future(at_ms, now_ms) => {}
            Some(at_ms) => machine.handle_remote_activity(at_ms, now_ms),
            None => {}
        }
        match self.catch_up_until {
            Some(until) if now_ms < until && now_ms.saturating_add(CATCH_UP_MS) >= until => {
                return;
            }
            Some(_) => self.catch_up_until = None,
            None => {
                let would_expire = machine.expiry_ms().is_some_and(|e| e <= now_ms);
                if !shared.storage && shared.peers && would_expire && !machine.is_logged_out() {
                    self.catch_up_until = Some(now_ms.saturating_add(CATCH_UP_MS));
                    self.send(&TabMessage::Hello {
                        last_activity_ms: machine.last_activity_ms(),
                    });
                    return;
                }
            }
        }
        machine.handle_timeout(now_ms);
        if core::mem::take(&mut self.deferred_activity) {
            self.handle_local_activity(machine, now_ms);
        }
        if machine.is_logged_out() {
            return;
        }
        if let Some(at_ms) = self.pending_ms.filter(|_| self.may_broadcast(now_ms)) {
            self.pending_ms = None;
            self.broadcast_activity(at_ms.min(now_ms), now_ms);
        }
        if let Some(at_ms) = self.unstored_ms.take() {
            self.store(at_ms, now_ms);
        }
    }

    /// When to call [`TabSync::handle_wake`] next for this driver's own sake: the end of a
    /// catch-up; `None` otherwise (the rest waits for the machine's deadlines and wake events).
    /// Fold it into the tab's one timer.
    pub fn poll_timeout(&self) -> Option<u64> {
        self.catch_up_until
    }

    /// Whether a catch-up is running (the tab woke past its expiry without shared storage and
    /// waits for the other tabs' answer).
    pub fn catching_up(&self) -> bool {
        self.catch_up_until.is_some()
    }

    /// The next thing to do, oldest first; `None` when there is nothing.
    pub fn poll_output(&mut self) -> Option<TabOutput> {
        self.outbox.pop_front()
    }

    /// Whether no activity message went out in the last interval (or the clock stepped back).
    fn may_broadcast(&self, now_ms: u64) -> bool {
        self.last_broadcast_ms.is_none_or(|sent| {
            now_ms < sent || now_ms >= sent.saturating_add(ACTIVITY_BROADCAST_INTERVAL_MS)
        })
    }

    /// Tells the other tabs about activity at `at_ms`, and the storage when it is time to.
    fn broadcast_activity(&mut self, at_ms: u64, now_ms: u64) {
        self.last_broadcast_ms = Some(now_ms);
        self.send(&TabMessage::Activity { at_ms });
        let due = self.last_stored_ms.is_none_or(|stored| {
            now_ms < stored || now_ms >= stored.saturating_add(STORE_INTERVAL_MS)
        });
        if due {
            self.store(at_ms, now_ms);
        } else {
            self.unstored_ms = Some(self.unstored_ms.map_or(at_ms, |u| u.max(at_ms)));
        }
    }

    fn store(&mut self, at_ms: u64, now_ms: u64) {
        self.last_stored_ms = Some(now_ms);
        self.unstored_ms = None;
        self.outbox.push_back(TabOutput::StoreLastActivity(at_ms));
    }

    fn send(&mut self, message: &TabMessage) {
        self.outbox
            .push_back(TabOutput::Broadcast(encode(message, &self.id)));
    }
}
