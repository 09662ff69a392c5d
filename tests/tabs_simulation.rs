//! A virtual-clock simulation of several tabs of one client, each an `IdleMachine` and an
//! `ActivityThrottle` driven the way the browser layer drives them: one idle timer re-armed only
//! when `poll_timeout()` changes (or after it fired), a throttle timer, a broadcast channel with
//! delays (every message goes through the wire codec), a shared "last activity" in storage, a
//! server that keeps its own idle deadline, and tabs that freeze, wake, open late.
//!
//! No real time passes: the whole hour-long scenarios run in milliseconds.

use inactivity_core::idle::{Action, IdleConfig, IdleMachine};
use inactivity_core::reason::LogoutReason::{self, *};
use inactivity_core::tabs::{decode, encode, ActivityThrottle, TabMessage};

const SEC: u64 = 1_000;
const MIN: u64 = 60 * SEC;
const T: u64 = 5 * MIN;
const W: u64 = MIN;
const SERVER_LATENCY: u64 = 80;

struct Tab {
    id: String,
    machine: IdleMachine,
    throttle: ActivityThrottle,
    idle_timer: Option<u64>,
    throttle_timer: Option<u64>,
    frozen: bool,
    server_answer_at: Option<u64>,
    /// Every action, with the virtual time it was polled.
    actions: Vec<(u64, Action)>,
    /// How many times the idle timer was armed.
    arms: u32,
    /// How many messages this tab broadcast.
    broadcasts: u32,
}

struct Sim {
    now: u64,
    config: IdleConfig,
    tabs: Vec<Tab>,
    /// `(deliver at, to, text)`.
    channel: Vec<(u64, usize, String)>,
    /// The shared last activity in storage (`None`: storage denied).
    storage: Option<u64>,
    /// The server's last counted use of the token.
    server_last_use: u64,
    seed: u64,
}

impl Sim {
    fn new(config: IdleConfig) -> Sim {
        Sim {
            now: 0,
            config,
            tabs: Vec::new(),
            channel: Vec::new(),
            storage: Some(0),
            server_last_use: 0,
            seed: 7,
        }
    }

    /// Channel delay: 5–54 ms, deterministic.
    fn delay(&mut self) -> u64 {
        self.seed = self
            .seed
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        5 + (self.seed >> 33) % 50
    }

    fn open_tab(&mut self) -> usize {
        let last = self.storage;
        let machine = match last {
            Some(last) => IdleMachine::with_last_activity(self.config, last, self.now),
            None => IdleMachine::new(self.config, self.now),
        };
        let i = self.tabs.len();
        self.tabs.push(Tab {
            id: format!("tab-{i}"),
            machine,
            throttle: ActivityThrottle::default(),
            idle_timer: None,
            throttle_timer: None,
            frozen: false,
            server_answer_at: None,
            actions: Vec::new(),
            arms: 0,
            broadcasts: 0,
        });
        self.broadcast(
            i,
            TabMessage::Hello {
                last_activity_ms: last.unwrap_or(0),
            },
        );
        self.service(i, false);
        i
    }

    fn broadcast(&mut self, from: usize, msg: TabMessage) {
        let text = encode(&msg, &self.tabs[from].id);
        self.tabs[from].broadcasts += 1;
        for to in 0..self.tabs.len() {
            if to != from {
                let at = self.now + self.delay();
                self.channel.push((at, to, text.clone()));
            }
        }
    }

    /// A counted API call in tab `i` at the current time.
    fn activity(&mut self, i: usize) {
        let now = self.now;
        assert!(!self.tabs[i].frozen, "a frozen tab runs no code");
        self.server_last_use = now;
        self.tabs[i].machine.handle_activity(now);
        if !self.tabs[i].machine.is_logged_out() {
            self.storage = self.storage.map(|s| s.max(now));
            if let Some(at) = self.tabs[i].throttle.on_activity(now) {
                self.broadcast(i, TabMessage::Activity { at_ms: at });
            }
        }
        self.service(i, false);
    }

    /// After any input: drain the actions, then re-arm the timers the way the layer does.
    fn service(&mut self, i: usize, idle_timer_fired: bool) {
        let now = self.now;
        while let Some(action) = self.tabs[i].machine.poll_action() {
            self.tabs[i].actions.push((now, action));
            match action {
                Action::CheckServerDeadline => {
                    self.tabs[i].server_answer_at = Some(now + SERVER_LATENCY)
                }
                Action::Logout { reason } if reason != OtherTab => {
                    self.broadcast(i, TabMessage::Logout { reason })
                }
                _ => {}
            }
        }
        let tab = &mut self.tabs[i];
        let next = tab.machine.poll_timeout();
        if idle_timer_fired || next != tab.idle_timer {
            tab.idle_timer = next;
            if next.is_some() {
                tab.arms += 1;
            }
        }
        tab.throttle_timer = tab.throttle.poll_timeout();
    }

    fn deliver(&mut self, to: usize, text: &str) {
        let now = self.now;
        let (_from, msg) = decode(text).expect("the codec round-trips");
        match msg {
            TabMessage::Activity { at_ms } => {
                self.tabs[to].machine.handle_remote_activity(at_ms, now)
            }
            TabMessage::Logout { .. } => self.tabs[to].machine.handle_logout(OtherTab, now),
            TabMessage::Hello { last_activity_ms } => {
                let mine = self.tabs[to].machine.last_activity_ms();
                if mine > last_activity_ms && !self.tabs[to].machine.is_logged_out() {
                    self.broadcast(to, TabMessage::Activity { at_ms: mine });
                }
            }
        }
        self.service(to, false);
    }

    fn freeze(&mut self, i: usize) {
        self.tabs[i].frozen = true;
    }

    /// Resume a frozen tab: first catch up with the shared last activity, then the wake event.
    fn wake(&mut self, i: usize) {
        self.tabs[i].frozen = false;
        let now = self.now;
        if let Some(shared) = self.storage {
            self.tabs[i].machine.handle_remote_activity(shared, now);
        }
        self.tabs[i].machine.handle_timeout(now);
        self.service(i, false);
    }

    /// Process every event up to `until`, in time order; then stand at `until`.
    fn run_until(&mut self, until: u64) {
        loop {
            let mut next: Option<(u64, u8, usize)> = None; // (time, kind, index)
            let mut consider = |t: Option<u64>, kind: u8, index: usize| {
                if let Some(t) = t.filter(|&t| t <= until) {
                    if next.is_none_or(|(nt, nk, _)| (t, kind) < (nt, nk)) {
                        next = Some((t, kind, index));
                    }
                }
            };
            for (i, tab) in self.tabs.iter().enumerate().filter(|(_, t)| !t.frozen) {
                consider(tab.idle_timer, 2, i);
                consider(tab.throttle_timer, 1, i);
                consider(tab.server_answer_at, 1, i);
            }
            for (k, (at, to, _)) in self.channel.iter().enumerate() {
                if !self.tabs[*to].frozen {
                    consider(Some(*at), 0, k);
                }
            }
            let Some((t, kind, index)) = next else { break };
            self.now = self.now.max(t);
            match kind {
                0 => {
                    let (_, to, text) = self.channel.remove(index);
                    self.deliver(to, &text);
                }
                1 if self.tabs[index].throttle_timer.is_some_and(|d| d <= t) => {
                    self.tabs[index].throttle_timer = None;
                    if let Some(at) = self.tabs[index].throttle.handle_timeout(self.now) {
                        self.broadcast(index, TabMessage::Activity { at_ms: at });
                    }
                    self.service(index, false);
                }
                1 => {
                    self.tabs[index].server_answer_at = None;
                    let deadline = self.server_last_use + T;
                    self.tabs[index]
                        .machine
                        .handle_server_deadline(Some(deadline), self.now);
                    self.service(index, false);
                }
                _ => {
                    self.tabs[index].idle_timer = None;
                    self.tabs[index].machine.handle_timeout(self.now);
                    self.service(index, true);
                }
            }
        }
        self.now = self.now.max(until);
    }

    /// Activity in tab `i` every `step` ms from now until `until` (exclusive).
    fn activity_every(&mut self, i: usize, step: u64, until: u64) -> u64 {
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

    fn reasons(&self) -> Vec<Option<LogoutReason>> {
        self.tabs
            .iter()
            .map(|t| t.machine.logout_reason())
            .collect()
    }

    fn logout_time(&self, i: usize) -> Option<u64> {
        self.tabs[i]
            .actions
            .iter()
            .find(|(_, a)| matches!(a, Action::Logout { .. }))
            .map(|(t, _)| *t)
    }

    fn count(&self, i: usize, pred: impl Fn(&Action) -> bool) -> usize {
        self.tabs[i].actions.iter().filter(|(_, a)| pred(a)).count()
    }
}

fn config() -> IdleConfig {
    IdleConfig::new(Some(T)).with_warning_ms(W)
}

fn is_warn(a: &Action) -> bool {
    matches!(a, Action::Warn { .. })
}

#[test]
fn activity_in_one_tab_keeps_all_alive_then_all_log_out_together() {
    let mut sim = Sim::new(config());
    let tabs = [sim.open_tab(), sim.open_tab(), sim.open_tab()];
    let last = sim.activity_every(tabs[0], 7 * SEC, 30 * MIN);
    sim.run_until(30 * MIN);
    for &i in &tabs {
        assert!(
            sim.tabs[i].actions.is_empty(),
            "tab {i}: {:?}",
            sim.tabs[i].actions
        );
        assert_eq!(
            sim.tabs[i].machine.last_activity_ms(),
            last,
            "tab {i} caught up"
        );
    }
    sim.run_until(last + T + 10 * SEC);
    for &i in &tabs {
        let reason = sim.tabs[i].machine.logout_reason();
        assert!(
            matches!(reason, Some(Idle | OtherTab)),
            "tab {i}: {reason:?}"
        );
        let at = sim.logout_time(i).unwrap();
        assert!(
            at >= last + T && at < last + T + SEC,
            "tab {i} logged out at {at}"
        );
    }
    assert!(sim.reasons().contains(&Some(Idle)));
    // The tabs that logged out on their own timer first warned, with the server asked first.
    for &i in &tabs {
        if sim.tabs[i].machine.logout_reason() == Some(Idle) {
            let kinds: Vec<_> = sim.tabs[i].actions.iter().map(|(_, a)| *a).collect();
            assert_eq!(kinds[0], Action::CheckServerDeadline);
            assert_eq!(
                kinds[1],
                Action::Warn {
                    remaining_ms: W - SERVER_LATENCY
                }
            );
        }
    }
}

#[test]
fn logout_in_one_tab_logs_out_all_the_others() {
    let mut sim = Sim::new(config());
    let tabs = [sim.open_tab(), sim.open_tab(), sim.open_tab()];
    sim.run_until(2 * MIN);
    sim.tabs[1].machine.handle_logout(HostRequest, sim.now);
    sim.service(1, false);
    sim.run_until(2 * MIN + SEC);
    assert_eq!(
        sim.reasons(),
        [Some(OtherTab), Some(HostRequest), Some(OtherTab)]
    );
    for &i in &tabs {
        assert!(
            sim.logout_time(i).unwrap() < 2 * MIN + 100,
            "within the channel delay"
        );
        assert_eq!(sim.tabs[i].machine.poll_timeout(), None);
        assert_eq!(
            sim.count(i, |a| matches!(a, Action::Logout { .. })),
            1,
            "exactly once"
        );
    }
    // Only the tab that logged out first tells the others; nobody echoes.
    assert_eq!(
        sim.tabs.iter().map(|t| t.broadcasts).collect::<Vec<_>>(),
        [1, 2, 1]
    ); // hellos + 1 logout
}

#[test]
fn a_tab_opened_later_starts_from_the_shared_last_activity() {
    let mut sim = Sim::new(config());
    let first = sim.open_tab();
    sim.run_until(MIN);
    sim.activity(first);
    sim.run_until(3 * MIN);
    let late = sim.open_tab();
    assert_eq!(sim.tabs[late].machine.last_activity_ms(), MIN);
    assert_eq!(
        sim.tabs[late].machine.remaining_ms(3 * MIN),
        Some(T - 2 * MIN)
    );
    sim.run_until(MIN + T + SEC);
    assert!(sim.tabs[late].machine.is_logged_out());
    assert!(
        sim.logout_time(late).unwrap() <= MIN + T + 100,
        "the late tab did not get a fresh period"
    );
    assert!(sim.count(first, is_warn) + sim.count(late, is_warn) >= 1);
}

#[test]
fn without_storage_a_late_tab_degrades_but_the_session_still_ends_on_time() {
    let mut sim = Sim::new(config());
    let first = sim.open_tab();
    sim.run_until(MIN);
    sim.activity(first);
    sim.storage = None; // e.g. a cross-site iframe with storage denied
    sim.run_until(3 * MIN);
    let late = sim.open_tab(); // knows nothing: starts from now, says hello with 0
    sim.run_until(3 * MIN + SEC);
    assert_eq!(
        sim.tabs[first].machine.last_activity_ms(),
        MIN,
        "a hello is not activity"
    );
    sim.run_until(MIN + T + SEC);
    assert_eq!(sim.tabs[first].machine.logout_reason(), Some(Idle));
    assert_eq!(
        sim.tabs[late].machine.logout_reason(),
        Some(OtherTab),
        "logged out with the others"
    );
}

#[test]
fn a_laptop_that_slept_through_the_deadline_logs_out_as_slept_without_warning() {
    let mut sim = Sim::new(config());
    let tabs = [sim.open_tab(), sim.open_tab(), sim.open_tab()];
    sim.run_until(MIN);
    sim.activity(tabs[2]);
    sim.run_until(2 * MIN);
    for &i in &tabs {
        sim.freeze(i);
    }
    sim.run_until(3 * 60 * MIN); // three hours asleep: no timer ran
    for &i in &tabs {
        sim.wake(i);
    }
    sim.run_until(3 * 60 * MIN + SEC);
    for &i in &tabs {
        assert_eq!(sim.tabs[i].machine.logout_reason(), Some(Slept), "tab {i}");
        assert_eq!(
            sim.count(i, is_warn),
            0,
            "tab {i} never warns after its deadline"
        );
        assert_eq!(sim.count(i, |a| *a == Action::CheckServerDeadline), 0);
    }
}

#[test]
fn a_frozen_tab_wakes_to_find_the_session_kept_alive_by_another() {
    let mut sim = Sim::new(config());
    let active = sim.open_tab();
    let frozen = sim.open_tab();
    sim.run_until(MIN);
    sim.freeze(frozen);
    sim.activity_every(active, 30 * SEC, 20 * MIN);
    sim.run_until(20 * MIN);
    sim.wake(frozen);
    sim.run_until(20 * MIN + SEC);
    assert_eq!(
        sim.reasons(),
        [None, None],
        "waking must not log everyone out"
    );
    assert!(
        sim.tabs[frozen].actions.is_empty(),
        "{:?}",
        sim.tabs[frozen].actions
    );
    assert_eq!(
        sim.tabs[frozen].machine.last_activity_ms(),
        sim.tabs[active].machine.last_activity_ms()
    );
}

#[test]
fn a_frozen_tab_that_wakes_after_expiry_logs_out_as_slept_without_warning() {
    let mut sim = Sim::new(config());
    let running = sim.open_tab();
    let frozen = sim.open_tab();
    sim.run_until(MIN);
    sim.freeze(frozen);
    sim.run_until(T + 2 * MIN); // the running tab logged out at T; its message waits for the frozen one
    assert_eq!(sim.tabs[running].machine.logout_reason(), Some(Idle));
    sim.wake(frozen);
    sim.run_until(T + 2 * MIN + SEC);
    assert_eq!(sim.tabs[frozen].machine.logout_reason(), Some(Slept));
    assert_eq!(sim.count(frozen, is_warn), 0);
}

#[test]
fn a_tab_that_wakes_inside_the_warning_window_warns_with_the_true_remaining_time() {
    let mut sim = Sim::new(config());
    let tab = sim.open_tab();
    sim.freeze(tab);
    sim.run_until(4 * MIN + 30 * SEC);
    sim.wake(tab);
    sim.run_until(4 * MIN + 31 * SEC);
    let warn = sim.tabs[tab]
        .actions
        .iter()
        .find(|(_, a)| is_warn(a))
        .copied();
    assert_eq!(
        warn,
        Some((
            4 * MIN + 30 * SEC + SERVER_LATENCY,
            Action::Warn {
                remaining_ms: 30 * SEC - SERVER_LATENCY
            }
        ))
    );
}

#[test]
fn the_token_used_elsewhere_extends_instead_of_warning() {
    let mut sim = Sim::new(config());
    let tabs = [sim.open_tab(), sim.open_tab()];
    sim.run_until(3 * MIN);
    sim.server_last_use = 3 * MIN; // another client (not on our channel) used the token
    sim.run_until(7 * MIN - 1);
    for &i in &tabs {
        assert_eq!(
            sim.count(i, is_warn),
            0,
            "tab {i} extended instead of warning"
        );
        assert_eq!(sim.count(i, |a| *a == Action::CheckServerDeadline), 1);
    }
    sim.run_until(8 * MIN + SEC);
    for &i in &tabs {
        assert_eq!(sim.count(i, is_warn), 1);
        assert!(sim.tabs[i].machine.is_logged_out());
        assert!(
            sim.logout_time(i).unwrap() >= 8 * MIN && sim.logout_time(i).unwrap() < 8 * MIN + SEC
        );
    }
}

#[test]
fn ten_thousand_requests_in_ten_minutes_arm_each_timer_at_most_twice_per_period() {
    let mut sim = Sim::new(config());
    let tabs = [sim.open_tab(), sim.open_tab(), sim.open_tab()];
    let initial: Vec<u32> = tabs.iter().map(|&i| sim.tabs[i].arms).collect();
    assert_eq!(initial, [1, 1, 1]);
    sim.activity_every(tabs[0], 60, 10 * MIN); // 10,000 counted requests
    sim.run_until(10 * MIN);
    let periods = (10 * MIN).div_ceil(T) as u32;
    for &i in &tabs {
        let re_arms = sim.tabs[i].arms - 1;
        assert!(
            re_arms <= 2 * periods,
            "tab {i}: {re_arms} re-arms in {periods} periods"
        );
        assert!(sim.tabs[i].actions.is_empty(), "tab {i} never warned");
    }
    assert!(
        sim.tabs[tabs[0]].broadcasts <= 1 + 601,
        "{} broadcasts",
        sim.tabs[tabs[0]].broadcasts
    );
}
