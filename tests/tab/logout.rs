//! The logout across tabs: exactly one tab makes the calls, in order, whatever the tabs' timers
//! do — small steps, one burst, a stale record, a slow leader, a leader that closes.

use super::world::*;

const IN_ORDER: [&str; 3] = [
    "PUT /api/v2/users/u1/routingstatus",
    "PATCH /api/v2/users/u1/presences/purecloud",
    "DELETE /api/v2/tokens/me",
];

fn assert_once_in_order(w: &World) {
    assert_eq!(w.server.logout_calls(), IN_ORDER, "{:?}", w.server.log);
    assert_eq!(w.server.routing, "OFF_QUEUE");
    assert_eq!(w.server.presence, "Offline");
    assert!(w.server.revoked);
}

fn all_gone(w: &World) -> bool {
    w.pages.iter().all(|p| p.navigated.is_some())
}

#[test]
fn one_tab_idle_asks_the_server_then_off_queue_offline_revoke_then_the_login_page() {
    let mut w = World::new();
    let a = w.open();
    w.run(T + 10 * SEC);
    assert_eq!(w.reasons(), [Some("idle".into())]);
    assert!(w.pages[a].warned(), "warned a minute before");
    assert_once_in_order(&w);
    // The check came right before the calls; the Offline definition was learnt at start.
    let log = &w.server.log;
    let put = log.iter().position(|c| c.starts_with("PUT")).unwrap();
    assert_eq!(log[put - 1], "GET /api/v2/tokens/me?preserveIdleTTL=true");
    assert_eq!(
        log.iter()
            .filter(|c| c.contains("presencedefinitions"))
            .count(),
        1,
        "{log:?}"
    );
    assert_eq!(w.pages[a].navigated, Some(("/login".into(), true)));
}

#[test]
fn three_tabs_in_small_steps_one_leader() {
    let mut w = World::new();
    let tabs: Vec<usize> = (0..3).map(|_| w.open()).collect();
    w.run(T + 10 * SEC);
    assert!(all_gone(&w));
    for r in w.reasons() {
        assert!(matches!(r.as_deref(), Some("idle" | "other-tab")), "{r:?}");
    }
    assert_once_in_order(&w);
    assert_eq!(tabs.len(), 3);
}

#[test]
fn time_in_one_burst_past_the_deadline_one_leader_in_order_with_one_tab_and_three() {
    for n in [1, 3] {
        let mut w = World::new();
        for _ in 0..n {
            w.open();
        }
        // The server's clock stays behind: the token is alive when the calls arrive.
        w.server.hold_clock = true;
        w.burst(T + 70 * SEC);
        w.run(30 * SEC);
        assert!(all_gone(&w), "{n} tabs");
        assert_once_in_order(&w);
        for r in w.reasons() {
            assert!(
                matches!(r.as_deref(), Some("idle" | "slept" | "other-tab")),
                "{r:?}"
            );
        }
    }
}

#[test]
fn tabs_that_all_log_out_on_their_own_queue_and_only_the_first_calls() {
    // Every tab times out in the same burst before hearing the others: all queue on the lock;
    // the first makes the calls, each next one asks the server (401) and calls nothing.
    let mut w = World::new();
    w.channel_ok = false;
    w.storage_ok = false;
    for _ in 0..3 {
        w.open();
    }
    w.server.hold_clock = true;
    w.burst(T + 10 * SEC);
    w.run(30 * SEC);
    assert_eq!(
        w.reasons(),
        [
            Some("idle".into()),
            Some("idle".into()),
            Some("idle".into())
        ]
    );
    assert_once_in_order(&w);
    let checks = w.seen("preserveIdleTTL");
    assert!(
        checks >= 3,
        "each leader asked the server first: {:?}",
        w.server.log
    );
}

#[test]
fn a_stale_record_decides_nothing() {
    for calls in ["pending", "started", "done"] {
        let mut w = World::new();
        for _ in 0..3 {
            w.open();
        }
        // A record of an earlier logout of this session's token (before the tabs opened).
        let key = w.pages[0].link.as_ref().unwrap().logout_key.clone();
        w.storage
            .insert(key, format!("1 {} {calls}", START - 60 * MIN));
        w.run(T + 10 * SEC);
        assert!(all_gone(&w), "{calls}");
        assert_once_in_order(&w);
    }
}

#[test]
fn a_leader_slowed_by_its_hook_and_a_slow_network_is_not_doubled() {
    let mut w = World::new();
    w.latency = 800;
    for i in 0..3 {
        let t = w.open();
        w.pages[t].hook_ms = Some(2_500 + 100 * i as u64);
    }
    w.run(T + 30 * SEC);
    assert!(all_gone(&w));
    assert_once_in_order(&w);
}

#[test]
fn a_leader_closed_mid_calls_is_taken_over_by_a_tab_queued_for_the_lock() {
    let mut w = World::new();
    w.channel_ok = false; // each tab logs out on its own and queues
    w.storage_ok = false;
    let tabs: Vec<usize> = (0..3).map(|_| w.open()).collect();
    w.pages[tabs[0]].hang.push("/routingstatus");
    w.server.hold_clock = true;
    w.burst(T + 10 * SEC);
    w.run(2 * SEC);
    assert!(!w.pages[tabs[0]].gone, "the leader waits for its Off Queue");
    w.close(tabs[0]);
    w.run(30 * SEC);
    assert!(w.pages.iter().all(|p| p.gone));
    // The hung Off Queue never arrived: the next tab made every call, once, in order.
    assert_once_in_order(&w);
}

#[test]
fn a_tab_told_by_another_never_calls() {
    let mut w = World::new();
    let a = w.open();
    let b = w.open();
    // Tab B logs out for its own reason (the host page asked); A hears it: other-tab.
    w.pages[b].tab.sign_out(false, w.now);
    w.serve(b);
    w.run(10 * SEC);
    assert_eq!(w.reasons(), [Some("other-tab".into()), Some("user".into())]);
    assert_once_in_order(&w);
    assert_eq!(
        w.pages[b].navigated,
        Some(("/login".into(), false)),
        "no page saved unless asked"
    );
    assert_eq!(w.pages[a].navigated, Some(("/login".into(), true)));
}

#[test]
fn without_web_locks_a_logout_of_its_own_still_asks_and_calls() {
    let mut w = World::new();
    w.locks_ok = false;
    w.open();
    w.run(T + 10 * SEC);
    assert_once_in_order(&w);
}

#[test]
fn calls_that_fail_or_hang_never_keep_the_user_on_the_page() {
    for fault in ["hang", "revoked-at-the-server"] {
        let mut w = World::new();
        let a = w.open();
        match fault {
            "hang" => w.pages[a]
                .hang
                .extend(["/routingstatus", "/presences", "/tokens/me"]),
            _ => w.server.timeout = T - MIN, // the server revoked the token before the client
        }
        w.run(T + 40 * SEC);
        assert!(w.pages[a].navigated.is_some(), "{fault}");
    }
}

#[test]
fn the_offline_definition_is_read_at_logout_only_when_it_was_not_learnt() {
    let mut w = World::new();
    let a = w.open();
    w.pages[a].hang.push("/presencedefinitions"); // only for later calls: the first one is out
    w.run(T + 30 * SEC);
    assert_once_in_order(&w);
    let reads = w.seen("presencedefinitions");
    assert_eq!(
        reads, 1,
        "learnt at start, not read again: {:?}",
        w.server.log
    );
}
