//! Holds across tabs, checked against the server; a page that goes away while holding.

use inactivity_core::idle::HoldId;
use inactivity_core::tab::{Output, Tab};
use inactivity_core::tabs::{encode, TabMessage};

use super::world::*;

fn forged_hold(at: u64) -> String {
    encode(
        &TabMessage::Hold {
            hold: HoldId(1),
            since_ms: START,
            at_ms: at,
            label: "not a call".into(),
        },
        "forged",
    )
}

#[test]
fn a_forged_hold_keeps_no_one_signed_in_past_the_servers_deadline() {
    let mut w = World::new();
    let a = w.open();
    // A script posts a hold on the session's channel every minute, and makes no call.
    for minute in 0..12 {
        let text = forged_hold(w.now);
        let now = w.now;
        w.pages[a].tab.handle_message(&text, now);
        w.serve(a);
        if minute == 0 {
            assert!(w.pages[a].tab.machine().is_held(), "believed at first");
        }
        w.run(MIN);
        if w.pages[a].gone {
            break;
        }
    }
    assert_eq!(w.reasons(), [Some("server-revoked".into())]);
    assert!(!w.pages[a].warned(), "no warning while held");
    // Asked at its own expiry: the server's deadline (its last counted call + T) had passed.
    let checks = w.seen("preserveIdleTTL");
    assert!(checks >= 1);
    assert_eq!(
        w.server.logout_calls(),
        Vec::<&str>::new(),
        "nothing to call with a dead token"
    );
}

#[test]
fn a_real_hold_keeps_the_other_tab_alive_and_the_server_agrees() {
    let mut w = World::new();
    let a = w.open();
    let b = w.open();
    let id = w.hold(a, "Call 42");
    w.run(20 * MIN);
    assert_eq!(
        w.reasons(),
        [None, None],
        "a 20-minute call keeps both tabs"
    );
    assert!(!w.pages[b].warned());
    // A's keep-alives, told to B as activity, keep B's own expiry ahead: nothing to check.
    let checks = w.seen("preserveIdleTTL");
    assert_eq!(checks, 0, "{:?}", w.server.log);
    let now = w.now;
    assert!(w.pages[a].tab.release(id, now));
    w.serve(a);
    w.run(T - 2 * MIN);
    assert_eq!(w.reasons(), [None, None], "the timer runs from the release");
    w.run(3 * MIN);
    assert!(w.pages.iter().all(|p| p.gone));
    assert_eq!(w.server.logout_calls().len(), 3);
}

#[test]
fn a_page_that_goes_away_while_holding_says_goodbye_and_makes_one_call() {
    for stop in [false, true] {
        let mut w = World::new();
        let a = w.open();
        let b = w.open();
        w.hold(a, "call");
        w.run(MIN);
        assert!(w.pages[b].tab.machine().is_held());
        let before = w
            .server
            .log
            .iter()
            .filter(|c| *c == "GET /api/v2/tokens/me")
            .count();
        if stop {
            let now = w.now;
            w.pages[a].tab.stop(now);
            w.serve(a);
        } else {
            w.close(a);
        }
        w.run(SEC);
        assert!(
            !w.pages[b].tab.machine().is_held(),
            "the goodbye ended the hold in B"
        );
        let after = w
            .server
            .log
            .iter()
            .filter(|c| *c == "GET /api/v2/tokens/me")
            .count();
        assert_eq!(
            after,
            before + 1,
            "one counted call on the way out (stop: {stop})"
        );
    }
}

#[test]
fn a_hold_heard_after_this_tab_ended_revives_nothing() {
    let mut w = World::new();
    let a = w.open();
    w.run(T + SEC);
    assert_eq!(w.reasons(), [Some("idle".into())]);
    // A hold dated before the deadline, arriving after it.
    let late = forged_hold(START + T - MIN);
    let now = w.now;
    w.pages[a].tab.handle_message(&late, now);
    assert!(!w.pages[a].tab.machine().is_held());
    assert!(!w.pages[a].tab.running());
}

#[test]
fn holds_are_refused_once_logging_out_or_stopped() {
    let config =
        inactivity_core::json::parse(&default_config("").replace("RANDOM", "0000000000000001"))
            .unwrap();
    let mut tab = Tab::new(&config, START).unwrap();
    tab.stop(START);
    assert!(tab.hold("call", START).is_err());
    let mut tab = Tab::new(&config, START).unwrap();
    tab.sign_out(false, START);
    assert!(tab.hold("call", START).is_err());
    assert!(std::iter::from_fn(|| tab.poll()).any(|o| matches!(o, Output::RunHook { .. })));
}

#[test]
fn a_page_gone_into_the_back_forward_cache_asks_for_no_wake_up_until_it_shows_again() {
    let mut w = World::new();
    let a = w.open();
    w.hold(a, "call");
    let (last, record) = (None, None);
    let now = w.now;
    w.pages[a].tab.handle_page_hide(last, record, now);
    w.serve(a);
    assert_eq!(
        w.pages[a].tab.poll_timeout(),
        None,
        "nothing would happen at a wake-up"
    );
    w.burst(2 * T);
    w.pages[a].tab.handle_page_show(None, None, w.now);
    w.serve(a);
    assert!(w.pages[a].tab.poll_timeout().is_some());
}
