//! A virtual-clock simulation of three tabs with the cross-tab driver, where the traffic bound is
//! measured.

mod tabs_support;

use inactivity_core::idle::{Action, IdleMachine};
use inactivity_core::reason::LogoutReason;
use inactivity_core::tab_sync::{Shared, TabOutput, TabSync};
use inactivity_core::tabs::{decode, TabMessage};
use tabs_support::*;

// ---- A virtual-clock simulation of three tabs with the driver, to measure the traffic. ----

struct Tab {
    machine: IdleMachine,
    sync: TabSync,
    timer: Option<u64>,
    /// How many times the one timer was (re-)armed, the way the layer arms it.
    arms: u32,
    sent: Vec<(u64, TabMessage)>,
    logouts: Vec<(u64, LogoutReason)>,
}

struct Sim {
    now: u64,
    tabs: Vec<Tab>,
    /// (deliver at, to, text)
    wire: Vec<(u64, usize, String)>,
    storage: Option<u64>,
}

impl Sim {
    fn new(n: u64) -> Sim {
        let tabs = (0..n)
            .map(|i| Tab {
                machine: IdleMachine::new(config(), 0),
                sync: TabSync::new(i, 0),
                timer: None,
                arms: 0,
                sent: Vec::new(),
                logouts: Vec::new(),
            })
            .collect();
        let mut sim = Sim {
            now: 0,
            tabs,
            wire: Vec::new(),
            storage: Some(0),
        };
        for i in 0..sim.tabs.len() {
            sim.service(i);
        }
        sim
    }

    fn service(&mut self, i: usize) {
        let now = self.now;
        let mut logout = None;
        while let Some(action) = self.tabs[i].machine.poll_action() {
            if let Action::Logout { reason } = action {
                self.tabs[i].logouts.push((now, reason));
                logout = Some(reason);
            }
        }
        if let Some(reason) = logout {
            let _ = self.tabs[i].sync.handle_logout(reason);
        }
        while let Some(output) = self.tabs[i].sync.poll_output() {
            match output {
                TabOutput::Broadcast(text) => {
                    self.tabs[i].sent.push((now, decode(&text).unwrap().1));
                    for to in (0..self.tabs.len()).filter(|&to| to != i) {
                        self.wire.push((now + 3, to, text.clone()));
                    }
                }
                TabOutput::StoreLastActivity(at) => self.storage = self.storage.map(|s| s.max(at)),
                TabOutput::ClearLogoutRecord => {}
            }
        }
        let tab = &mut self.tabs[i];
        let next = match (tab.machine.poll_timeout(), tab.sync.poll_timeout()) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        };
        if next != tab.timer {
            tab.timer = next;
            tab.arms += u32::from(next.is_some());
        }
    }

    fn run_until(&mut self, until: u64) {
        loop {
            let timer = (0..self.tabs.len())
                .filter_map(|i| self.tabs[i].timer.map(|t| (t, i)))
                .min();
            let wire = self
                .wire
                .iter()
                .enumerate()
                .map(|(k, (t, _, _))| (*t, k))
                .min();
            let next = match (timer, wire) {
                (Some(t), Some(w)) if w.0 <= t.0 => Some((w.0, None, Some(w.1))),
                (Some(t), _) => Some((t.0, Some(t.1), None)),
                (None, Some(w)) => Some((w.0, None, Some(w.1))),
                (None, None) => None,
            };
            let Some((at, timer, wire)) = next.filter(|(at, _, _)| *at <= until) else {
                break;
            };
            self.now = self.now.max(at);
            if let Some(i) = timer {
                self.tabs[i].timer = None;
                let shared = Shared {
                    last_activity_ms: self.storage,
                    storage: true,
                    peers: true,
                    record: None,
                };
                let tab = &mut self.tabs[i];
                tab.sync.handle_wake(&mut tab.machine, &shared, self.now);
                self.service(i);
            }
            if let Some(k) = wire {
                let (_, to, text) = self.wire.remove(k);
                let tab = &mut self.tabs[to];
                tab.sync.handle_message(&text, &mut tab.machine, self.now);
                self.service(to);
            }
        }
        self.now = until;
    }
}

#[test]
fn three_tabs_at_100_requests_a_second_exchange_about_one_message_per_second() {
    let mut sim = Sim::new(3);
    let minute = MIN;
    // 100 requests a second in tab 0 and 10 a second in tab 1, for one minute.
    let mut t = 0;
    while t < minute {
        sim.run_until(t);
        let tab = &mut sim.tabs[0];
        tab.sync.handle_local_activity(&mut tab.machine, sim.now);
        sim.service(0);
        if t % 100 == 0 {
            let tab = &mut sim.tabs[1];
            tab.sync.handle_local_activity(&mut tab.machine, sim.now);
            sim.service(1);
        }
        t += 10;
    }
    sim.run_until(minute + 2 * SEC);
    let per_second: Vec<f64> = sim
        .tabs
        .iter()
        .map(|t| t.sent.len() as f64 / 61.0)
        .collect();
    assert!(
        per_second[0] <= 1.0 && per_second[1] <= 1.0,
        "{per_second:?}"
    );
    assert_eq!(
        sim.tabs[2].sent.len(),
        0,
        "a tab without activity sends nothing"
    );
    // The others know the last activity up to one interval late, until tab 0's own deadline
    // (its warning point) tells them the rest — before any of them warns.
    let last = sim.tabs[0].machine.last_activity_ms();
    for tab in &sim.tabs {
        assert!(last - tab.machine.last_activity_ms() < SEC);
    }
    sim.run_until(last + T - MIN + SEC);
    for tab in &sim.tabs {
        assert_eq!(
            tab.machine.last_activity_ms(),
            last,
            "every tab knows the last activity"
        );
    }
    // Then idle: one tab logs out on its timer, the others within the channel's delay.
    sim.run_until(last + T + SEC);
    let times: Vec<u64> = sim.tabs.iter().map(|t| t.logouts[0].0).collect();
    assert!(
        times
            .iter()
            .all(|&at| at >= last + T && at <= last + T + 10),
        "{times:?}"
    );
    for tab in &sim.tabs {
        assert_eq!(tab.logouts.len(), 1);
    }
}

#[test]
fn ten_thousand_requests_in_ten_minutes_arm_each_timer_at_most_twice_per_period() {
    let mut sim = Sim::new(3);
    let initial: Vec<u32> = sim.tabs.iter().map(|t| t.arms).collect();
    let mut t = 0;
    while t < 10 * MIN {
        sim.run_until(t);
        let tab = &mut sim.tabs[0];
        tab.sync.handle_local_activity(&mut tab.machine, sim.now);
        sim.service(0);
        t += 60;
    }
    sim.run_until(10 * MIN);
    let periods = (10 * MIN).div_ceil(T) as u32;
    for (i, tab) in sim.tabs.iter().enumerate() {
        let re_arms = tab.arms - initial[i];
        assert!(
            re_arms <= 2 * periods,
            "tab {i}: {re_arms} re-arms in {periods} periods"
        );
        assert!(tab.logouts.is_empty());
    }
    let sent = sim.tabs[0].sent.len();
    assert!(sent <= 601, "{sent} messages for 10,000 requests in 600 s");
}
