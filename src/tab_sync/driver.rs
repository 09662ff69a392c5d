//! The driver of one tab ([`TabSync`]): local activity, messages from other tabs, wake-ups, and
//! what to broadcast and store.
#![deny(
    clippy::arithmetic_side_effects,
    clippy::indexing_slicing,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic
)]

use alloc::collections::VecDeque;
use alloc::string::String;

use super::record::LogoutRecord;
use super::{CATCH_UP_MS, STORE_INTERVAL_MS};
use crate::idle::{is_future, IdleMachine};
use crate::reason::LogoutReason;
use crate::tabs::{decode, encode, TabMessage, ACTIVITY_BROADCAST_INTERVAL_MS};
use crate::text::push_hex;

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
    /// ([`replaces_stored`](super::replaces_stored) decides).
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
    /// [`LogoutReason::OtherTab`] to [`record_at_logout`](super::record_at_logout) and [`logout_role`](super::logout_role) otherwise).
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
