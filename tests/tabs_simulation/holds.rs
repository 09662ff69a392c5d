//! Holds across tabs: a call in one tab keeps every tab of the session from warning or logging
//! out; a release, a forgotten hold, a closed or crashed tab each end it everywhere; keep-alives
//! keep the server's deadline, at most once per half timeout, also after a burst.

use inactivity_core::idle::{Action, HoldEndReason, HOLD_LEASE_MS, HOLD_REFRESH_MS};
use inactivity_core::reason::LogoutReason::*;
use inactivity_core::tabs::TabMessage;
use inactivity_core::tabs::CATCH_UP_MS;

use crate::sim::*;

const HOUR: u64 = 60 * MIN;

fn ended(tab: &Tab) -> Vec<(u64, u64, HoldEndReason)> {
    tab.actions
        .iter()
        .filter_map(|(t, a)| match a {
            Action::HoldEnded { at_ms, reason, .. } => Some((*t, *at_ms, *reason)),
            _ => None,
        })
        .collect()
}

fn began(tab: &Tab) -> usize {
    tab.count(|a| matches!(a, Action::HoldBegan { .. }))
}

fn quiet(tab: &Tab) -> bool {
    tab.count(|a| is_warn(a) || matches!(a, Action::Logout { .. })) == 0
}

/// Every `k`-th keep-alive is half a timeout after the previous one, never less.
fn assert_cadence(keep_alives: &[u64]) {
    for pair in keep_alives.windows(2) {
        assert!(pair[1] - pair[0] >= T / 2, "keep-alives at {pair:?}");
    }
}

#[test]
fn a_hold_in_one_tab_keeps_both_alive_and_its_release_starts_the_timer_in_both() {
    let mut sim = Sim::new(config());
    let (a, b) = (sim.open_tab(), sim.open_tab());
    sim.run_until(2 * MIN);
    let call = sim.hold(a, "Call 42");
    sim.run_until(2 * MIN + SEC);
    assert!(sim.tabs[b].machine.is_held(), "the other tab knows at once");
    assert_eq!(sim.tabs[b].machine.holds().next().unwrap().label, "Call 42");
    sim.run_until(2 * HOUR);
    for i in [a, b] {
        assert!(quiet(&sim.tabs[i]), "tab {i}: {:?}", sim.tabs[i].actions);
    }
    // Only the holding tab keeps the server's deadline, every half timeout.
    let keep = sim.tabs[a].keep_alives.clone();
    assert_cadence(&keep);
    assert_eq!(keep[0], T / 2, "half a timeout after the last counted call");
    assert_eq!(keep.len() as u64, 2 * HOUR / (T / 2));
    assert!(sim.tabs[b].keep_alives.is_empty());
    assert!(
        sim.server_last_use + T > 2 * HOUR,
        "the server never saw the session idle"
    );

    let release = 2 * HOUR;
    assert!(sim.release(a, call));
    sim.run_until(release + T - W - SEC);
    for i in [a, b] {
        assert!(quiet(&sim.tabs[i]), "tab {i}");
        assert_eq!(ended(&sim.tabs[i]).len(), 1);
        assert_eq!(ended(&sim.tabs[i])[0].2, HoldEndReason::Released);
    }
    sim.run_until(release + T + SEC);
    for i in [a, b] {
        let at = sim.tabs[i].logout_time().expect("logged out");
        assert!(
            (release + T..=release + T + MAX_DELAY).contains(&at),
            "tab {i} at {at}"
        );
    }
}

#[test]
fn a_forgotten_hold_ends_at_its_max_in_every_tab_and_the_session_a_timeout_later() {
    let mut sim = Sim::new(config().with_max_hold_ms(30 * MIN));
    let (a, b) = (sim.open_tab(), sim.open_tab());
    sim.run_until(MIN);
    sim.hold(a, "forgotten");
    sim.run_until(3 * HOUR);
    let end = 31 * MIN;
    for i in [a, b] {
        let tab = &sim.tabs[i];
        assert_eq!(ended(tab), [(end, end, HoldEndReason::Expired)], "tab {i}");
        let at = tab.logout_time().expect("logged out");
        assert!(
            (end + T..=end + T + MAX_DELAY).contains(&at),
            "tab {i} at {at}"
        );
    }
    assert_eq!(
        sim.reasons().iter().filter(|r| **r == Some(Idle)).count(),
        2
    );
}

#[test]
fn a_closed_tab_ends_its_holds_in_the_others_at_once() {
    let mut sim = Sim::new(config());
    let (a, b) = (sim.open_tab(), sim.open_tab());
    sim.run_until(MIN);
    sim.hold(a, "call");
    sim.hold(a, "second call");
    sim.run_until(20 * MIN);
    sim.close(a);
    assert_eq!(
        sim.tabs[a].sent.last().map(|(_, m)| m.clone()),
        Some(TabMessage::Goodbye),
        "one goodbye for both holds"
    );
    sim.run_until(20 * MIN + SEC);
    let gone = ended(&sim.tabs[b]);
    assert_eq!(gone.len(), 2);
    for (at, _, reason) in gone {
        assert!(at <= 20 * MIN + MAX_DELAY);
        assert_eq!(reason, HoldEndReason::TabGone);
    }
    sim.run_until(HOUR);
    let at = sim.tabs[b].logout_time().expect("logged out");
    assert!(
        (20 * MIN + T..=20 * MIN + T + MAX_DELAY).contains(&at),
        "{at}"
    );
}

#[test]
fn a_crashed_tab_ends_its_holds_when_their_lease_runs_out() {
    let mut sim = Sim::new(config());
    let (a, b) = (sim.open_tab(), sim.open_tab());
    sim.run_until(MIN);
    sim.hold(a, "call");
    sim.run_until(20 * MIN);
    sim.crash(a);
    let last_sent = sim.tabs[a]
        .sent
        .iter()
        .filter(|(_, m)| matches!(m, TabMessage::Hold { .. }))
        .map(|(t, _)| *t)
        .max()
        .unwrap();
    assert!(
        20 * MIN - last_sent <= HOLD_REFRESH_MS,
        "renewed every minute"
    );
    sim.run_until(HOUR);
    let lapse = last_sent + HOLD_LEASE_MS;
    let tab = &sim.tabs[b];
    // At the lease's end the tab asks first (the holder may only be frozen); nobody answers.
    assert_eq!(
        ended(tab),
        [(lapse + CATCH_UP_MS, lapse, HoldEndReason::TabGone)]
    );
    let at = tab.logout_time().expect("logged out");
    assert_eq!(at, lapse + T, "the timer ran from the end of the lease");
    assert!(tab
        .sent
        .iter()
        .any(|(t, m)| *t == lapse && matches!(m, TabMessage::Hello { .. })));
}

#[test]
fn a_warning_showing_when_a_hold_begins_is_cleared_in_every_tab() {
    let mut sim = Sim::new(config());
    let (a, b) = (sim.open_tab(), sim.open_tab());
    sim.run_until(4 * MIN + 30 * SEC);
    for i in [a, b] {
        assert!(sim.tabs[i].machine.warning_shown(), "tab {i} warns");
    }
    sim.hold(b, "call");
    sim.run_until(4 * MIN + 31 * SEC);
    for i in [a, b] {
        let tab = &sim.tabs[i];
        assert!(!tab.machine.warning_shown());
        assert_eq!(tab.count(|a| *a == Action::WarningCleared), 1, "tab {i}");
    }
    sim.run_until(HOUR);
    for i in [a, b] {
        assert!(!sim.tabs[i].machine.is_logged_out(), "tab {i}");
        assert_eq!(sim.tabs[i].count(is_warn), 1, "no warning since");
    }
}

#[test]
fn after_a_burst_one_keep_alive_and_the_holds_survive_in_every_tab() {
    let mut sim = Sim::new(config());
    let (a, b) = (sim.open_tab(), sim.open_tab());
    sim.run_until(MIN);
    sim.hold(a, "call");
    sim.run_until(30 * MIN);
    sim.freeze(a);
    sim.freeze(b);
    sim.run_until(3 * HOUR); // a laptop asleep: no timer ran
    let before = sim.tabs[a].keep_alives.len();
    sim.wake(a);
    sim.wake(b); // finds a's hold past its lease: asks before ending it
    assert!(sim.tabs[b].sync.catching_up());
    sim.run_until(3 * HOUR + SEC);
    assert_eq!(
        sim.tabs[a].keep_alives[before..],
        [3 * HOUR],
        "one, not sixty"
    );
    assert_cadence(&sim.tabs[a].keep_alives);
    for i in [a, b] {
        let tab = &sim.tabs[i];
        assert!(quiet(tab), "tab {i}: {:?}", tab.actions);
        assert!(ended(tab).is_empty(), "tab {i}: no hold ended");
        assert_eq!(began(tab), 1, "tab {i}: nor began again");
        assert!(tab.machine.is_held());
    }
    sim.run_until(3 * HOUR + 2 * T);
    assert_eq!(
        sim.tabs[a].keep_alives.len(),
        before + 1 + 4,
        "then every half timeout"
    );
}

#[test]
fn a_frozen_holder_holds_nothing_and_hears_the_logout_when_it_wakes() {
    let mut sim = Sim::new(config());
    let (a, b) = (sim.open_tab(), sim.open_tab());
    sim.run_until(MIN);
    sim.hold(a, "call");
    sim.run_until(20 * MIN);
    sim.freeze(a);
    sim.run_until(HOUR);
    let logout = sim.tabs[b].logout_time().expect("logged out");
    assert!(logout <= 20 * MIN + HOLD_LEASE_MS + T + SEC, "{logout}");
    sim.wake(a);
    sim.run_until(HOUR + SEC);
    assert!(sim.tabs[a].machine.is_logged_out());
}

#[test]
fn a_tab_opened_during_a_hold_is_held_at_once() {
    let mut sim = Sim::new(config());
    let a = sim.open_tab();
    sim.run_until(MIN);
    sim.hold(a, "call");
    sim.run_until(40 * MIN);
    let c = sim.open_tab();
    sim.run_until(40 * MIN + 2 * MAX_DELAY);
    assert!(
        sim.tabs[c].machine.is_held(),
        "the hello was answered with the hold"
    );
    sim.run_until(2 * HOUR);
    assert!(quiet(&sim.tabs[c]));
}

#[test]
fn a_long_hold_costs_about_one_message_and_one_timer_a_minute() {
    let mut sim = Sim::new(config());
    let (a, b) = (sim.open_tab(), sim.open_tab());
    let sent: Vec<usize> = sim.tabs.iter().map(|t| t.sent.len()).collect();
    let arms: Vec<u32> = sim.tabs.iter().map(|t| t.arms).collect();
    sim.hold(a, "call");
    sim.run_until(HOUR);
    let minutes = 60;
    let a_sent = sim.tabs[a].sent.len() - sent[a];
    // A renewal a minute, a keep-alive (told as activity) every half timeout.
    assert!(a_sent <= minutes + minutes / 2 + 2, "{a_sent} messages");
    assert_eq!(
        sim.tabs[b].sent.len(),
        sent[b],
        "the other tab says nothing"
    );
    assert!(sim.tabs[a].arms - arms[a] <= (minutes + minutes / 2 + 2) as u32);
    assert!(
        sim.tabs[b].arms - arms[b] <= minutes as u32,
        "{}",
        sim.tabs[b].arms
    );
}
