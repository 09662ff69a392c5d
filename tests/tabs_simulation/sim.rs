//! The virtual-clock harness: tabs driven the way the browser layer drives them.
//!
//! Each tab is an `IdleMachine` and a `TabSync`, with one timer armed at the earlier of their
//! deadlines (re-armed only when that changes, or after it fired); a broadcast channel with
//! delays (every message goes through the wire codec); the shared last activity and the logout
//! record in storage; a server that keeps its own idle deadline (counted calls and keep-alives
//! reset it) and answers the machine's deadline checks; and tabs that freeze, wake, close and
//! crash. No real time passes: hour-long scenarios run in milliseconds.

use inactivity_core::idle::{Action, HoldId, IdleConfig, IdleMachine};
use inactivity_core::reason::LogoutReason;
use inactivity_core::tabs::{decode, TabMessage};
use inactivity_core::tabs::{
    replaces_stored, start_last_activity, Calls, LogoutRecord, Shared, TabOutput, TabSync,
};

pub const SEC: u64 = 1_000;
pub const MIN: u64 = 60 * SEC;
/// The timeout and warning lead of most scenarios.
pub const T: u64 = 5 * MIN;
pub const W: u64 = MIN;
/// How long the server takes to answer a deadline check.
pub const SERVER_LATENCY: u64 = 80;
/// The longest channel delay (see [`Sim::delay`]).
pub const MAX_DELAY: u64 = 54;

fn sender(text: &str) -> String {
    decode(text).expect("the codec round-trips").0
}

pub fn config() -> IdleConfig {
    IdleConfig::new(Some(T)).with_warning_ms(W)
}

pub fn is_warn(a: &Action) -> bool {
    matches!(a, Action::Warn { .. })
}

pub struct Tab {
    pub machine: IdleMachine,
    pub sync: TabSync,
    pub timer: Option<u64>,
    /// How many times the one timer was (re-)armed.
    pub arms: u32,
    pub frozen: bool,
    /// Closed (or crashed): runs nothing, receives nothing.
    pub closed: bool,
    pub server_answer_at: Option<u64>,
    /// Every action, with the virtual time it was polled.
    pub actions: Vec<(u64, Action)>,
    /// Every message this tab sent, with the time.
    pub sent: Vec<(u64, TabMessage)>,
    /// Storage writes of the shared last activity.
    pub stores: u32,
    /// When this tab made a keep-alive call during a hold.
    pub keep_alives: Vec<u64>,
    /// When this tab made the call that follows the end of its last hold.
    pub end_calls: Vec<u64>,
}

impl Tab {
    pub fn logout_time(&self) -> Option<u64> {
        self.actions
            .iter()
            .find(|(_, a)| matches!(a, Action::Logout { .. }))
            .map(|(t, _)| *t)
    }

    pub fn count(&self, pred: impl Fn(&Action) -> bool) -> usize {
        self.actions.iter().filter(|(_, a)| pred(a)).count()
    }

    pub fn reason(&self) -> Option<LogoutReason> {
        self.machine.logout_reason()
    }
}

pub struct Sim {
    pub now: u64,
    pub config: IdleConfig,
    pub tabs: Vec<Tab>,
    /// `(deliver at, to, text)`.
    pub wire: Vec<(u64, usize, String)>,
    /// The shared last activity in storage (`None` inside: absent).
    pub storage: Option<u64>,
    /// Whether the tabs may use storage at all (a cross-site iframe: no).
    pub storage_usable: bool,
    pub record: Option<LogoutRecord>,
    /// The server's last counted use of the token.
    pub server_last_use: u64,
    seed: u64,
}

impl Sim {
    pub fn new(config: IdleConfig) -> Sim {
        Sim {
            now: 0,
            config,
            tabs: Vec::new(),
            wire: Vec::new(),
            storage: None,
            storage_usable: true,
            record: None,
            server_last_use: 0,
            seed: 7,
        }
    }

    /// Channel delay: 5–54 ms, deterministic.
    pub fn delay(&mut self) -> u64 {
        self.seed = self
            .seed
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        5 + (self.seed >> 33) % 50
    }

    fn shared(&self) -> Shared {
        Shared {
            last_activity_ms: self.storage.filter(|_| self.storage_usable),
            record: self.record.filter(|_| self.storage_usable),
            storage: self.storage_usable,
            peers: true,
        }
    }

    /// A tab opens now, the way the layer opens one: a fresh machine, then the link (the shared
    /// last activity, a hello).
    pub fn open_tab(&mut self) -> usize {
        let now = self.now;
        let i = self.tabs.len();
        let mut machine = IdleMachine::new(self.config, now);
        let sync = TabSync::new(0x1000 + i as u64, now);
        let shared = self.shared();
        let start = start_last_activity(
            shared.last_activity_ms,
            shared.record,
            self.config.timeout_ms,
            now,
            None,
            now,
        );
        if start < machine.last_activity_ms() {
            machine = IdleMachine::with_last_activity(self.config, start, now);
        }
        self.tabs.push(Tab {
            machine,
            sync,
            timer: None,
            arms: 0,
            frozen: false,
            closed: false,
            server_answer_at: None,
            actions: Vec::new(),
            sent: Vec::new(),
            stores: 0,
            keep_alives: Vec::new(),
            end_calls: Vec::new(),
        });
        let tab = &mut self.tabs[i];
        tab.sync.link_opened(&tab.machine, None, now);
        self.service(i, false);
        i
    }

    /// A counted API call in tab `i` now.
    pub fn activity(&mut self, i: usize) {
        assert!(self.runs(i), "a frozen or closed tab runs no code");
        self.server_last_use = self.now;
        let now = self.now;
        let tab = &mut self.tabs[i];
        tab.sync.handle_local_activity(&mut tab.machine, now);
        self.service(i, false);
    }

    /// Activity in tab `i` every `step` ms from now until `until` (exclusive); the last time.
    pub fn activity_every(&mut self, i: usize, step: u64, until: u64) -> u64 {
        let mut last = self.now;
        let mut t = self.now;
        while t < until {
            self.run_until(t);
            self.activity(i);
            last = t;
            t += step;
        }
        last
    }

    /// A hold begins in tab `i` now (`tracker.hold(label)`).
    pub fn hold(&mut self, i: usize, label: &str) -> HoldId {
        assert!(self.runs(i), "a frozen or closed tab runs no code");
        let now = self.now;
        let tab = &mut self.tabs[i];
        let id = tab
            .sync
            .begin_hold(&mut tab.machine, label, now)
            .expect("a hold");
        self.service(i, false);
        id
    }

    /// A hold begins in tab `i` now, if the tab takes one.
    pub fn try_hold(&mut self, i: usize, label: &str) -> Option<HoldId> {
        let now = self.now;
        let tab = &mut self.tabs[i];
        let id = tab.sync.begin_hold(&mut tab.machine, label, now).ok();
        self.service(i, false);
        id
    }

    /// Tab `i` releases its hold `id` now.
    pub fn release(&mut self, i: usize, id: HoldId) -> bool {
        assert!(self.runs(i), "a frozen or closed tab runs no code");
        let now = self.now;
        let tab = &mut self.tabs[i];
        let found = tab.sync.release_hold(&mut tab.machine, id, now);
        self.service(i, false);
        found
    }

    /// Tab `i` is closed: `pagehide` (its goodbye goes out), then nothing.
    pub fn close(&mut self, i: usize) {
        self.tabs[i].sync.handle_page_hide();
        self.service(i, false);
        self.crash(i);
    }

    /// Tab `i` stops without a word (the browser killed it, the machine crashed).
    pub fn crash(&mut self, i: usize) {
        let tab = &mut self.tabs[i];
        tab.closed = true;
        tab.timer = None;
        tab.server_answer_at = None;
    }

    /// Logs tab `i` out for an outside reason (a host request, a revoked token).
    pub fn logout(&mut self, i: usize, reason: LogoutReason) {
        let now = self.now;
        self.tabs[i].machine.handle_logout(reason, now);
        self.service(i, false);
    }

    pub fn runs(&self, i: usize) -> bool {
        !self.tabs[i].frozen && !self.tabs[i].closed
    }

    pub fn freeze(&mut self, i: usize) {
        self.tabs[i].frozen = true;
    }

    /// A frozen tab resumes: a wake event (the shared state first, then its own deadlines).
    pub fn wake(&mut self, i: usize) {
        self.tabs[i].frozen = false;
        self.wake_event(i, false);
    }

    fn wake_event(&mut self, i: usize, fired: bool) {
        let now = self.now;
        let shared = self.shared();
        let tab = &mut self.tabs[i];
        tab.sync.handle_wake(&mut tab.machine, &shared, now);
        self.service(i, fired);
    }

    /// After any input: drain the actions and outputs, then re-arm the one timer the way the
    /// layer does.
    pub fn service(&mut self, i: usize, fired: bool) {
        let now = self.now;
        let mut after_own_end = false;
        while let Some(action) = self.tabs[i].machine.poll_action() {
            let ends_own = matches!(&action, Action::HoldEnded { hold, .. } if hold.tab.is_none());
            match &action {
                Action::CheckServerDeadline => {
                    self.tabs[i].server_answer_at = Some(now + SERVER_LATENCY)
                }
                Action::KeepAlive => {
                    // One counted call of the tracker's own: the server's deadline moves.
                    self.server_last_use = self.server_last_use.max(now);
                    if after_own_end {
                        self.tabs[i].end_calls.push(now);
                    } else {
                        self.tabs[i].keep_alives.push(now);
                    }
                }
                // A logout of the tab's own is recorded (as `Tab` does).
                Action::Logout { reason } if self.tabs[i].sync.handle_logout(*reason) => {
                    self.record = Some(LogoutRecord {
                        ended_ms: now,
                        calls: Calls::Pending,
                    });
                }
                _ => {}
            }
            self.tabs[i].actions.push((now, action));
            after_own_end = ends_own;
        }
        while let Some(output) = self.tabs[i].sync.poll_output() {
            match output {
                TabOutput::Broadcast(text) => {
                    let (from, msg) = decode(&text).expect("the codec round-trips");
                    self.tabs[i].sent.push((now, msg));
                    for to in 0..self.tabs.len() {
                        if to != i && !self.tabs[to].closed {
                            // A channel keeps the order of one sender's messages.
                            let last = self
                                .wire
                                .iter()
                                .filter(|(_, t, queued)| *t == to && sender(queued) == from)
                                .map(|(at, _, _)| *at)
                                .max()
                                .unwrap_or(0);
                            let at = (now + self.delay()).max(last);
                            self.wire.push((at, to, text.clone()));
                        }
                    }
                }
                TabOutput::StoreLastActivity(at) => {
                    if self.storage_usable && replaces_stored(self.storage, at, now) {
                        self.storage = Some(at);
                        self.tabs[i].stores += 1;
                    }
                }
                TabOutput::ClearLogoutRecord => self.record = None,
            }
        }
        let tab = &mut self.tabs[i];
        let next = match (tab.machine.poll_timeout(), tab.sync.poll_timeout()) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        };
        if fired || next != tab.timer {
            tab.timer = next;
            tab.arms += u32::from(next.is_some());
        }
    }

    fn deliver(&mut self, to: usize, text: &str) {
        let now = self.now;
        let tab = &mut self.tabs[to];
        assert!(tab.sync.handle_message(text, &mut tab.machine, now));
        self.service(to, false);
    }

    /// Process every event up to `until`, in time order; then stand at `until`. Messages to a
    /// frozen tab wait until it wakes; a closed tab gets none.
    pub fn run_until(&mut self, until: u64) {
        // Events at one instant are finite: a timer that fires without moving its deadline
        // (a busy loop in a browser) fails here instead of hanging the test.
        let mut same_instant = (self.now, 0u32);
        loop {
            // (time, kind, index): channel deliveries first, then server answers, then timers.
            let mut next: Option<(u64, u8, usize)> = None;
            let mut consider = |t: Option<u64>, kind: u8, index: usize| {
                if let Some(t) = t.filter(|&t| t <= until) {
                    if next.is_none_or(|(nt, nk, _)| (t, kind) < (nt, nk)) {
                        next = Some((t, kind, index));
                    }
                }
            };
            for (k, (at, to, _)) in self.wire.iter().enumerate() {
                if !self.tabs[*to].frozen {
                    consider(Some(*at), 0, k);
                }
            }
            for (i, tab) in self.tabs.iter().enumerate() {
                if !tab.frozen && !tab.closed {
                    consider(tab.server_answer_at, 1, i);
                    consider(tab.timer, 2, i);
                }
            }
            let Some((t, kind, index)) = next else { break };
            self.now = self.now.max(t);
            if same_instant.0 == self.now {
                same_instant.1 += 1;
                assert!(
                    same_instant.1 < 10_000,
                    "no progress at {}: event kind {kind} of {index} keeps coming (timer {:?}, machine {:?}, sync {:?})",
                    self.now,
                    self.tabs.get(index).map(|t| t.timer),
                    self.tabs.get(index).map(|t| t.machine.poll_timeout()),
                    self.tabs.get(index).map(|t| t.sync.poll_timeout()),
                );
            } else {
                same_instant = (self.now, 0);
            }
            match kind {
                0 => {
                    let (_, to, text) = self.wire.remove(index);
                    if !self.tabs[to].closed {
                        self.deliver(to, &text);
                    }
                }
                1 => {
                    self.tabs[index].server_answer_at = None;
                    let deadline = self.server_last_use + self.config.timeout_ms.unwrap();
                    let now = self.now;
                    self.tabs[index]
                        .machine
                        .handle_server_deadline(Some(deadline), now);
                    self.service(index, false);
                }
                _ => {
                    self.tabs[index].timer = None;
                    self.wake_event(index, true);
                }
            }
        }
        self.now = self.now.max(until);
    }

    pub fn reasons(&self) -> Vec<Option<LogoutReason>> {
        self.tabs.iter().map(Tab::reason).collect()
    }
}
