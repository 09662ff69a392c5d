//! The cross-tab driver of one tab: activity, holds, logouts, wake-ups.

#![deny(
    clippy::arithmetic_side_effects,
    clippy::indexing_slicing,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic
)]

use alloc::string::String;
use alloc::vec::Vec;

use crate::idle::{
    check_label, is_future, HoldEndReason, HoldError, HoldId, IdleMachine, RemoteHold,
    HOLD_REFRESH_MS, MAX_HOLDS,
};
use crate::reason::LogoutReason;
use crate::text::push_hex;

use super::codec::{decode, encode, TabMessage, ACTIVITY_BROADCAST_INTERVAL_MS};
use super::shared::Shared;

/// After waking up past its own expiry, a tab without the shared storage (a cross-site iframe)
/// asks the other tabs (a [`TabMessage::Hello`]) and waits this long for an answer before it
/// logs out: otherwise a tab that was frozen could log every tab out while the user works in
/// another one. So does a tab that finds another tab's hold past its lease (it may only have
/// been unable to hear the renewals) before it ends that hold.
pub const CATCH_UP_MS: u64 = 500;

/// The shared last activity in storage is written at most this often (with a broadcast), and
/// whenever the tab wakes up (its own deadline included) with something not yet stored: every
/// write is a `storage` event in every other tab.
pub const STORE_INTERVAL_MS: u64 = 10_000;

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
/// a catch-up, the next renewal of its holds) out of [`TabSync::poll_timeout`] — folded into the
/// tab's one timer.
///
/// Traffic: a counted request is broadcast at once when none was in the last
/// [`ACTIVITY_BROADCAST_INTERVAL_MS`] (so at most one message per interval whatever the request
/// rate); a later one within the interval waits for the next wake-up of the tab — at the latest
/// the machine's own deadline, which comes before any other tab could warn or log out on the
/// older time (they know an activity at most one interval older than this tab's last, so their
/// deadlines are at most that much earlier) — so no timer is armed for it, and the last
/// activity of a burst is never lost. The same goes for this tab's other own activity: a
/// keep-alive, the end of one of its holds. The shared last activity is stored with a
/// broadcast at most every [`STORE_INTERVAL_MS`], and at each wake-up with anything newer. A
/// newcomer's [`TabMessage::Hello`] is answered only when no activity broadcast went out in the
/// last interval; one hello at start and one per catch-up; one logout message.
///
/// Holds: each hold of this tab is announced when it begins ([`TabMessage::Hold`]), again every
/// [`HOLD_REFRESH_MS`] while it lasts and in answer to a hello, and
/// its end is announced ([`TabMessage::Release`]); on `pagehide`, one goodbye ends them all in
/// the other tabs ([`TabSync::handle_page_hide`]). With `k` holds that is `k` messages a
/// minute.
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
    /// The machine's count of this tab's own activity, as last told (see `tell_local`).
    told_local: u64,
    /// This tab's holds the others were told of, with their start.
    announced: Vec<(HoldId, u64)>,
    /// When they were last all announced again.
    last_refresh_ms: Option<u64>,
    /// Holds begun during a catch-up: begun when it ends.
    deferred_holds: Vec<(HoldId, String)>,
    /// A goodbye went out (`pagehide`): nothing is announced until the page shows again.
    gone: bool,
    outbox: Vec<TabOutput>,
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
            told_local: 0,
            announced: Vec::new(),
            last_refresh_ms: None,
            deferred_holds: Vec::new(),
            gone: false,
            outbox: Vec::new(),
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
    /// tab that knows a later activity answers with it (and a tab with holds announces them);
    /// tell them about this tab's own counted activity from before the link existed
    /// (`unshared_ms`: nobody heard of it) and its holds.
    pub fn link_opened(&mut self, machine: &IdleMachine, unshared_ms: Option<u64>, now_ms: u64) {
        if machine.is_logged_out() {
            return;
        }
        self.send(&TabMessage::Hello {
            last_activity_ms: machine.known_activity_ms().unwrap_or(0),
        });
        if let Some(at_ms) = unshared_ms {
            self.broadcast_activity(at_ms.min(machine.last_activity_ms()), now_ms);
        }
        // Whatever was said before the link existed went nowhere.
        self.told_local = machine.local_activity().0;
        self.announced.clear();
        self.sync_holds(machine, now_ms);
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
        self.after(machine, now_ms);
    }

    /// A hold begins in this tab (`tracker.hold(label)`): in the machine, and announced to the
    /// other tabs. During a catch-up it is begun when the catch-up ends (if the session turned
    /// out to be alive), under the number returned now. See [`IdleMachine::begin_hold`].
    pub fn begin_hold(
        &mut self,
        machine: &mut IdleMachine,
        label: &str,
        now_ms: u64,
    ) -> Result<HoldId, HoldError> {
        check_label(label)?;
        if self.catch_up_until.is_some() {
            if machine.is_logged_out() {
                return Err(HoldError::LoggedOut);
            }
            let local = machine.holds().filter(|h| h.tab.is_none()).count();
            if local.saturating_add(self.deferred_holds.len()) >= MAX_HOLDS {
                return Err(HoldError::TooManyHolds);
            }
            let id = machine.reserve_hold_id();
            self.deferred_holds.push((id, String::from(label)));
            return Ok(id);
        }
        let id = machine.begin_hold(label, now_ms);
        self.after(machine, now_ms);
        id
    }

    /// The hold `id` of this tab is released (`hold.release()`): in the machine, and announced.
    /// Returns whether it was active.
    pub fn release_hold(&mut self, machine: &mut IdleMachine, id: HoldId, now_ms: u64) -> bool {
        if let Some(i) = self.deferred_holds.iter().position(|(d, _)| *d == id) {
            self.deferred_holds.remove(i);
            return true;
        }
        let found = machine.release_hold(id, now_ms);
        self.after(machine, now_ms);
        found
    }

    /// The page is being hidden for good, or put in the back/forward cache (`pagehide`): when
    /// this tab has told others of holds, one goodbye ends them all there at once (drain
    /// [`TabSync::poll_output`] before returning from the handler). Should the page show again,
    /// the next [`TabSync::handle_wake`] announces them anew.
    pub fn handle_page_hide(&mut self) {
        if !self.announced.is_empty() {
            self.send(&TabMessage::Goodbye);
            self.announced.clear();
        }
        self.last_refresh_ms = None;
        self.gone = true;
    }

    /// A message from the channel (an untrusted input): anything malformed, from another
    /// version, or from this tab itself is ignored. Returns whether it was accepted. Times from
    /// the future in it are invalid (see [`crate::idle::FUTURE_TOLERANCE_MS`]): the activity or
    /// hold is ignored.
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
                // told everybody within the last interval. A time from the future says nothing.
                let theirs = if is_future(last_activity_ms, now_ms) {
                    0
                } else {
                    last_activity_ms
                };
                let mine = machine.known_activity_ms().unwrap_or(0);
                if mine > theirs && !machine.is_logged_out() && self.may_broadcast(now_ms) {
                    self.pending_ms = None;
                    self.broadcast_activity(mine, now_ms);
                }
                // The newcomer learns of this tab's holds now, not at the next renewal (hellos
                // are rare: one per tab opened, one per catch-up).
                self.announce_all(machine, now_ms);
            }
            TabMessage::Hold {
                hold,
                since_ms,
                at_ms,
                label,
            } => {
                let hold = RemoteHold {
                    tab: &from,
                    id: hold,
                    label: &label,
                    since_ms,
                    sent_ms: at_ms,
                };
                machine.handle_remote_hold(hold, now_ms);
            }
            TabMessage::Release { hold, reason } => {
                machine.handle_remote_release(&from, hold, reason, now_ms)
            }
            TabMessage::Goodbye => machine.handle_tab_gone(&from, now_ms),
        }
        self.after(machine, now_ms);
        true
    }

    /// The machine logged out for `reason`: tell the other tabs — unless the session ended
    /// elsewhere (a logout message, or the logout record at a wake-up): then the machine may
    /// still report its own `idle`/`slept` (its expiry had passed first), but an echo could
    /// reach tabs of a newer session. Returns whether the logout is this tab's own: only then
    /// may it write the logout record and make the server calls (plan the logout for
    /// [`LogoutReason::OtherTab`] otherwise).
    pub fn handle_logout(&mut self, reason: LogoutReason) -> bool {
        let own = reason != LogoutReason::OtherTab && !self.ended_elsewhere;
        if own {
            self.send(&TabMessage::Logout { reason });
        }
        // The logout ends the holds everywhere: no release, no renewal.
        self.announced.clear();
        self.deferred_holds.clear();
        own
    }

    /// The tab's timer fired, or the page may have been unable to run (`visibilitychange`,
    /// `focus`, `pageshow`, `resume`, `online`). In this order:
    ///
    /// 0. a logout record from the future is invalid: it is ignored and cleared;
    /// 1. the session ended elsewhere since this tab started (the logout record) → log out with
    ///    [`LogoutReason::OtherTab`] (or the machine's own `slept`, if its expiry passed first),
    ///    quietly: see [`TabSync::handle_logout`];
    /// 2. a tab that finds another tab's hold past its lease may only have been unable to hear
    ///    the renewals (frozen): when it can reach the others, it asks them first (a hello,
    ///    which holders answer by announcing their holds) and waits [`CATCH_UP_MS`];
    /// 3. the shared last activity is applied *before* any deadline is checked: a tab that was
    ///    frozen must not log everybody out while the user works in another tab. One from the
    ///    future is invalid: ignored, and overwritten with this tab's;
    /// 4. without shared storage, a tab that would now log out first asks the others (a hello)
    ///    and waits [`CATCH_UP_MS`] for their answer — when it can reach any;
    /// 5. the machine's own deadlines; what was held back during a catch-up; then what this tab
    ///    has not told yet: its own latest activity (if the interval allows), its holds (new,
    ///    ended, or due for renewal), the shared last activity (if newer than stored).
    pub fn handle_wake(&mut self, machine: &mut IdleMachine, shared: &Shared, now_ms: u64) {
        // Values from the future are invalid: ignored and overwritten, never clamped to now.
        if shared.record.is_some_and(|r| is_future(r.ended_ms, now_ms)) {
            self.outbox.push(TabOutput::ClearLogoutRecord);
        } else if shared
            .record
            .is_some_and(|r| r.ends_session_of(self.started_ms))
        {
            self.ended_elsewhere = true;
            machine.handle_logout(LogoutReason::OtherTab, now_ms);
        }
        let caught_up = match self.catch_up_until {
            Some(until) if now_ms < until && now_ms.saturating_add(CATCH_UP_MS) >= until => {
                return;
            }
            Some(_) => {
                self.catch_up_until = None;
                machine.postpone(None, now_ms);
                true
            }
            None if shared.peers && !machine.is_logged_out() && machine.lease_lapsed(now_ms) => {
                self.start_catch_up(machine, now_ms);
                return;
            }
            None => false,
        };
        match shared.last_activity_ms {
            Some(at_ms) if is_future(at_ms, now_ms) && !machine.is_logged_out() => {
                self.store(machine.last_activity_ms(), now_ms);
            }
            Some(at_ms) if is_future(at_ms, now_ms) => {}
            Some(at_ms) => machine.handle_remote_activity(at_ms, now_ms),
            None => {}
        }
        let would_expire = machine.expiry_ms().is_some_and(|e| e <= now_ms)
            && machine.held_until_ms().is_none_or(|h| h <= now_ms);
        if !shared.storage && shared.peers && would_expire && !machine.is_logged_out() && !caught_up
        {
            self.start_catch_up(machine, now_ms);
            return;
        }
        machine.handle_timeout(now_ms);
        if core::mem::take(&mut self.deferred_activity) {
            machine.handle_activity(now_ms);
        }
        for (id, label) in core::mem::take(&mut self.deferred_holds) {
            // Refused only when the session turned out to be over.
            let _ = machine.begin_reserved_hold(id, &label, now_ms);
        }
        self.gone = false;
        self.after(machine, now_ms);
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
    /// catch-up, or the next renewal of this tab's holds; `None` otherwise (the rest waits for
    /// the machine's deadlines and wake events). Fold it into the tab's one timer.
    ///
    /// During a catch-up only its end: a wake-up before it does nothing, so a renewal due
    /// meanwhile waits for it ([`CATCH_UP_MS`], far inside the lease) — were it asked for, the
    /// timer would fire again and again at the same instant.
    pub fn poll_timeout(&self) -> Option<u64> {
        if let Some(until) = self.catch_up_until {
            return Some(until);
        }
        self.last_refresh_ms
            .filter(|_| !self.announced.is_empty() && !self.gone)
            .map(|r| r.saturating_add(HOLD_REFRESH_MS))
    }

    /// Whether a catch-up is running (the tab woke past its expiry without shared storage, or
    /// found another tab's hold past its lease, and waits for the other tabs' answer).
    pub fn catching_up(&self) -> bool {
        self.catch_up_until.is_some()
    }

    /// The next thing to do, oldest first; `None` when there is nothing.
    pub fn poll_output(&mut self) -> Option<TabOutput> {
        (!self.outbox.is_empty()).then(|| self.outbox.remove(0))
    }

    // ---- inside ----

    fn start_catch_up(&mut self, machine: &mut IdleMachine, now_ms: u64) {
        let until = now_ms.saturating_add(CATCH_UP_MS);
        self.catch_up_until = Some(until);
        machine.postpone(Some(until), now_ms);
        self.send(&TabMessage::Hello {
            last_activity_ms: machine.known_activity_ms().unwrap_or(0),
        });
    }

    /// After the machine handled an input: tell what this tab has to tell.
    fn after(&mut self, machine: &IdleMachine, now_ms: u64) {
        if machine.is_logged_out() {
            self.announced.clear();
            self.deferred_holds.clear();
            return;
        }
        self.tell_local(machine, now_ms);
        self.sync_holds(machine, now_ms);
    }

    /// This tab's own activity the others have not heard of (a counted call, a keep-alive, the
    /// end of a hold): broadcast now if the interval allows, else at the next wake-up.
    fn tell_local(&mut self, machine: &IdleMachine, now_ms: u64) {
        let (count, at_ms) = machine.local_activity();
        if count == self.told_local {
            return;
        }
        self.told_local = count;
        let at_ms = at_ms.min(now_ms);
        if self.may_broadcast(now_ms) {
            self.pending_ms = None;
            self.broadcast_activity(at_ms, now_ms);
        } else {
            self.pending_ms = Some(self.pending_ms.map_or(at_ms, |p| p.max(at_ms)));
        }
    }

    /// Announces this tab's new holds and the end of the others; renews them all when due.
    fn sync_holds(&mut self, machine: &IdleMachine, now_ms: u64) {
        if self.gone {
            return;
        }
        let max_hold = machine.config().max_hold_ms;
        let mut ended = Vec::new();
        self.announced.retain(|&(id, since)| {
            let active = machine.holds().any(|h| h.tab.is_none() && h.id == id);
            if !active {
                ended.push((id, since));
            }
            active
        });
        for (hold, since) in ended {
            let reason = if now_ms >= since.saturating_add(max_hold) {
                HoldEndReason::Expired
            } else {
                HoldEndReason::Released
            };
            self.send(&TabMessage::Release { hold, reason });
        }
        let fresh: Vec<TabMessage> = machine
            .holds()
            .filter(|h| h.tab.is_none() && !self.announced.iter().any(|(id, _)| *id == h.id))
            .map(|h| TabMessage::Hold {
                hold: h.id,
                since_ms: h.since_ms,
                at_ms: now_ms,
                label: h.label.clone(),
            })
            .collect();
        for message in fresh {
            if let TabMessage::Hold { hold, since_ms, .. } = &message {
                self.announced.push((*hold, *since_ms));
            }
            self.send(&message);
        }
        if self.announced.is_empty() {
            self.last_refresh_ms = None;
            return;
        }
        let due = self
            .last_refresh_ms
            .is_none_or(|r| now_ms < r || now_ms >= r.saturating_add(HOLD_REFRESH_MS));
        match self.last_refresh_ms {
            None => self.last_refresh_ms = Some(now_ms),
            Some(_) if due => self.announce_all(machine, now_ms),
            Some(_) => {}
        }
    }

    /// Announces every hold of this tab again (a renewal, or an answer to a hello).
    fn announce_all(&mut self, machine: &IdleMachine, now_ms: u64) {
        if self.gone || machine.is_logged_out() {
            return;
        }
        let mut any = false;
        for h in machine.holds().filter(|h| h.tab.is_none()) {
            if self.announced.iter().any(|(id, _)| *id == h.id) {
                any = true;
                let message = TabMessage::Hold {
                    hold: h.id,
                    since_ms: h.since_ms,
                    at_ms: now_ms,
                    label: h.label.clone(),
                };
                self.outbox
                    .push(TabOutput::Broadcast(encode(&message, &self.id)));
            }
        }
        if any {
            self.last_refresh_ms = Some(now_ms);
        }
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
        self.outbox.push(TabOutput::StoreLastActivity(at_ms));
    }

    fn send(&mut self, message: &TabMessage) {
        self.outbox
            .push(TabOutput::Broadcast(encode(message, &self.id)));
    }
}
