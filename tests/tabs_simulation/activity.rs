//! Activity and logouts across tabs: one idle timer per session, the traffic bound, sleep.

use inactivity_core::idle::Action;
use inactivity_core::reason::LogoutReason::*;
use inactivity_core::tabs::TabMessage;

use crate::sim::*;

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
    }
    // The others know the last activity before any of them could warn on an older one.
    sim.run_until(last + T - W);
    for &i in &tabs {
        assert_eq!(
            sim.tabs[i].machine.last_activity_ms(),
            last,
            "tab {i} caught up"
        );
    }
    sim.run_until(last + T + 10 * SEC);
    for &i in &tabs {
        let reason = sim.tabs[i].reason();
        assert!(
            matches!(reason, Some(Idle | OtherTab)),
            "tab {i}: {reason:?}"
        );
        let at = sim.tabs[i].logout_time().unwrap();
        assert!(
            at >= last + T && at < last + T + SEC,
            "tab {i} logged out at {at}"
        );
    }
    assert!(sim.reasons().contains(&Some(Idle)));
    // The tabs that logged out on their own timer first warned, with the server asked first.
    for &i in &tabs {
        if sim.tabs[i].reason() == Some(Idle) {
            let kinds: Vec<_> = sim.tabs[i].actions.iter().map(|(_, a)| a.clone()).collect();
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
    sim.logout(1, HostRequest);
    sim.run_until(2 * MIN + SEC);
    assert_eq!(
        sim.reasons(),
        [Some(OtherTab), Some(HostRequest), Some(OtherTab)]
    );
    for &i in &tabs {
        assert!(sim.tabs[i].logout_time().unwrap() <= 2 * MIN + MAX_DELAY);
        assert_eq!(sim.tabs[i].machine.poll_timeout(), None);
        assert_eq!(
            sim.tabs[i].count(|a| matches!(a, Action::Logout { .. })),
            1,
            "exactly once"
        );
    }
    // Only the tab that logged out first tells the others; nobody echoes.
    let logouts: Vec<usize> = sim
        .tabs
        .iter()
        .map(|t| {
            t.sent
                .iter()
                .filter(|(_, m)| matches!(m, TabMessage::Logout { .. }))
                .count()
        })
        .collect();
    assert_eq!(logouts, [0, 1, 0]);
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
        sim.tabs[late].logout_time().unwrap() <= MIN + T + MAX_DELAY,
        "the late tab did not get a fresh period"
    );
}

#[test]
fn without_storage_a_late_tab_catches_up_by_its_hello_and_ends_with_the_session() {
    let mut sim = Sim::new(config());
    sim.storage_usable = false; // e.g. a cross-site iframe with storage denied
    let first = sim.open_tab();
    sim.run_until(MIN);
    sim.activity(first);
    sim.run_until(3 * MIN);
    let late = sim.open_tab(); // knows nothing: starts from now, says hello with its own time
    sim.run_until(3 * MIN + SEC);
    assert_eq!(
        sim.tabs[first].machine.last_activity_ms(),
        MIN,
        "a hello is not activity"
    );
    sim.run_until(MIN + T + SEC);
    assert_eq!(sim.tabs[first].reason(), Some(Idle));
    assert_eq!(
        sim.tabs[late].reason(),
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
        assert_eq!(sim.tabs[i].reason(), Some(Slept), "tab {i}");
        assert_eq!(
            sim.tabs[i].count(is_warn),
            0,
            "tab {i} never warns after its deadline"
        );
        assert_eq!(sim.tabs[i].count(|a| *a == Action::CheckServerDeadline), 0);
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
    sim.run_until(T + 2 * MIN); // the running tab logged out at T; its message waits
    assert_eq!(sim.tabs[running].reason(), Some(Idle));
    sim.wake(frozen);
    sim.run_until(T + 2 * MIN + SEC);
    assert_eq!(sim.tabs[frozen].reason(), Some(Slept));
    assert_eq!(sim.tabs[frozen].count(is_warn), 0);
    assert!(
        !sim.tabs[frozen]
            .sent
            .iter()
            .any(|(_, m)| matches!(m, TabMessage::Logout { .. })),
        "the session ended elsewhere: no echo"
    );
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
        .cloned();
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
            sim.tabs[i].count(is_warn),
            0,
            "tab {i} extended instead of warning"
        );
        assert_eq!(sim.tabs[i].count(|a| *a == Action::CheckServerDeadline), 1);
    }
    sim.run_until(8 * MIN + SEC);
    for &i in &tabs {
        assert!(sim.tabs[i].machine.is_logged_out());
        let at = sim.tabs[i].logout_time().unwrap();
        assert!((8 * MIN..8 * MIN + SEC).contains(&at), "tab {i} at {at}");
    }
}

#[test]
fn three_tabs_at_100_requests_a_second_exchange_about_one_message_per_second() {
    let mut sim = Sim::new(config());
    let tabs = [sim.open_tab(), sim.open_tab(), sim.open_tab()];
    let hellos: Vec<usize> = sim.tabs.iter().map(|t| t.sent.len()).collect();
    // 100 requests a second in tab 0 and 10 a second in tab 1, for one minute.
    let mut t = 0;
    while t < MIN {
        sim.run_until(t);
        sim.activity(tabs[0]);
        if t % 100 == 0 {
            sim.activity(tabs[1]);
        }
        t += 10;
    }
    sim.run_until(MIN + 2 * SEC);
    for (i, tab) in sim.tabs.iter().enumerate() {
        let sent = tab.sent.len() - hellos[i];
        assert!(
            sent as f64 / 62.0 <= 1.0,
            "tab {i}: {sent} messages in 62 s"
        );
        assert!(tab.stores <= 8, "tab {i}: {} storage writes", tab.stores);
    }
    assert_eq!(
        sim.tabs[2].sent.len(),
        hellos[2],
        "a tab without activity sends nothing"
    );
    let last = sim.tabs[0].machine.last_activity_ms();
    for tab in &sim.tabs {
        assert!(last - tab.machine.last_activity_ms() < SEC);
    }
    // Then idle: one tab logs out on its timer, the others within the channel's delay.
    sim.run_until(last + T + SEC);
    for tab in &sim.tabs {
        let at = tab.logout_time().unwrap();
        assert!(at >= last + T && at <= last + T + MAX_DELAY, "{at}");
        assert_eq!(tab.count(|a| matches!(a, Action::Logout { .. })), 1);
    }
}

#[test]
fn ten_thousand_requests_in_ten_minutes_arm_each_timer_at_most_twice_per_period() {
    let mut sim = Sim::new(config());
    let tabs = [sim.open_tab(), sim.open_tab(), sim.open_tab()];
    let initial: Vec<u32> = sim.tabs.iter().map(|t| t.arms).collect();
    sim.activity_every(tabs[0], 60, 10 * MIN); // 10,000 counted requests
    sim.run_until(10 * MIN);
    let periods = (10 * MIN).div_ceil(T) as u32;
    for (i, tab) in sim.tabs.iter().enumerate() {
        let re_arms = tab.arms - initial[i];
        assert!(
            re_arms <= 2 * periods,
            "tab {i}: {re_arms} re-arms in {periods} periods"
        );
        assert!(tab.actions.is_empty(), "tab {i} never warned");
    }
    let sent = sim.tabs[tabs[0]].sent.len();
    assert!(
        sent <= 1 + 601,
        "{sent} messages for 10,000 requests in 600 s"
    );
}
