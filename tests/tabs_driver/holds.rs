//! Holds: announced, renewed every minute, ended with their time and reason; another tab's
//! holds applied, a hello answered with ours; a catch-up decides nothing before its end.

use inactivity_core::idle::{
    Action, HoldEndReason, HoldId, IdleMachine, FUTURE_TOLERANCE_MS, HOLD_LEASE_MS, HOLD_REFRESH_MS,
};
use inactivity_core::reason::LogoutReason::*;
use inactivity_core::tabs::{encode, TabMessage};
use inactivity_core::tabs::{Shared, TabOutput, TabSync, CATCH_UP_MS};

use crate::*;

fn hold_msg(hold: u32, since_ms: u64, at_ms: u64, label: &str) -> TabMessage {
    TabMessage::Hold {
        hold: HoldId(hold),
        since_ms,
        at_ms,
        label: label.to_owned(),
    }
}

fn actions(machine: &mut IdleMachine) -> Vec<Action> {
    std::iter::from_fn(|| machine.poll_action()).collect()
}

/// Shared storage and other tabs to reach.
fn storage_and_peers() -> Shared {
    Shared {
        storage: true,
        peers: true,
        ..Shared::default()
    }
}

/// A tab that heard, at `at_ms`, another tab announce its hold 7 (begun then), its actions read.
fn hearing_a_hold(at_ms: u64, label: &str) -> (IdleMachine, TabSync) {
    let mut machine = IdleMachine::new(config(), 0);
    let mut sync = TabSync::new(1, 0);
    sync.handle_message(
        &encode(&hold_msg(7, at_ms, at_ms, label), "other"),
        &mut machine,
        at_ms,
    );
    actions(&mut machine);
    (machine, sync)
}

#[test]
fn a_hold_is_announced_renewed_every_minute_and_its_end_told_with_the_time() {
    let mut machine = IdleMachine::new(config(), 0);
    let mut sync = TabSync::new(1, 0);
    let id = sync.begin_hold(&mut machine, "Call 42", 10 * SEC).unwrap();
    assert_eq!(
        messages(&drain(&mut sync)),
        [hold_msg(1, 10 * SEC, 10 * SEC, "Call 42")]
    );
    // Its own deadline, folded into the one timer: the renewal.
    assert_eq!(sync.poll_timeout(), Some(10 * SEC + HOLD_REFRESH_MS));
    assert!(machine.poll_timeout().unwrap() > 10 * SEC);
    let renewal = 10 * SEC + HOLD_REFRESH_MS;
    sync.handle_wake(&mut machine, &Shared::default(), renewal);
    assert_eq!(
        messages(&drain(&mut sync)),
        [hold_msg(1, 10 * SEC, renewal, "Call 42")]
    );
    assert_eq!(sync.poll_timeout(), Some(renewal + HOLD_REFRESH_MS));
    // An early wake-up renews nothing.
    sync.handle_wake(&mut machine, &Shared::default(), renewal + SEC);
    assert!(drain(&mut sync).is_empty());
    // The keep-alive (half a timeout after the last counted call) is told as activity.
    sync.handle_wake(&mut machine, &Shared::default(), T / 2);
    assert_eq!(actions(&mut machine).last(), Some(&Action::KeepAlive));
    let out = drain(&mut sync);
    assert_eq!(
        messages(&out),
        [
            TabMessage::Activity { at_ms: T / 2 },
            hold_msg(1, 10 * SEC, T / 2, "Call 42")
        ],
        "with the renewal due since 130 s"
    );
    assert!(out.contains(&TabOutput::StoreLastActivity(T / 2)));
    // The release: told, and the end is activity everybody counts from.
    assert!(sync.release_hold(&mut machine, id, 4 * MIN));
    assert_eq!(
        messages(&drain(&mut sync)),
        [
            TabMessage::Activity { at_ms: 4 * MIN },
            TabMessage::Release {
                hold: id,
                reason: HoldEndReason::Released
            },
        ]
    );
    assert_eq!(sync.poll_timeout(), None, "nothing left to renew");
    assert!(!sync.release_hold(&mut machine, id, 4 * MIN), "once");
}

#[test]
fn a_hold_that_reaches_its_max_is_told_as_expired() {
    let mut machine = IdleMachine::new(config().with_max_hold_ms(2 * MIN), 0);
    let mut sync = TabSync::new(1, 0);
    sync.begin_hold(&mut machine, "call", 0).unwrap();
    drain(&mut sync);
    sync.handle_wake(&mut machine, &Shared::default(), 2 * MIN);
    let sent = messages(&drain(&mut sync));
    assert!(
        sent.contains(&TabMessage::Release {
            hold: HoldId(1),
            reason: HoldEndReason::Expired
        }),
        "{sent:?}"
    );
}

#[test]
fn a_goodbye_on_pagehide_only_with_holds_and_a_page_that_shows_again_announces_them_anew() {
    let mut machine = IdleMachine::new(config(), 0);
    let mut sync = TabSync::new(1, 0);
    sync.handle_page_hide();
    assert!(drain(&mut sync).is_empty(), "no holds: nothing to say");
    let mut sync = TabSync::new(1, 0);
    sync.begin_hold(&mut machine, "a", 0).unwrap();
    sync.begin_hold(&mut machine, "b", 0).unwrap();
    drain(&mut sync);
    sync.handle_page_hide();
    assert_eq!(
        messages(&drain(&mut sync)),
        [TabMessage::Goodbye],
        "one for all"
    );
    assert_eq!(sync.poll_timeout(), None, "no renewal while hidden");
    // Back from the back/forward cache.
    sync.handle_wake(&mut machine, &Shared::default(), 30 * SEC);
    assert_eq!(
        messages(&drain(&mut sync)),
        [hold_msg(1, 0, 30 * SEC, "a"), hold_msg(2, 0, 30 * SEC, "b")]
    );
}

#[test]
fn another_tabs_holds_are_applied_and_a_hello_is_answered_with_ours() {
    let mut machine = IdleMachine::new(config(), 0);
    let mut sync = TabSync::new(1, 0);
    let text = encode(&hold_msg(7, MIN, MIN, "Call 42"), "other");
    assert!(sync.handle_message(&text, &mut machine, MIN));
    assert!(machine.is_held());
    assert_eq!(
        machine.holds().next().unwrap().tab.as_deref(),
        Some("other")
    );
    assert!(drain(&mut sync).is_empty(), "never re-broadcast");
    let end = encode(
        &TabMessage::Release {
            hold: HoldId(7),
            reason: HoldEndReason::Expired,
        },
        "other",
    );
    sync.handle_message(&end, &mut machine, 2 * MIN);
    assert!(!machine.is_held());
    assert_eq!(
        machine.last_activity_ms(),
        2 * MIN,
        "the timer runs from the end"
    );
    // Goodbye: every hold of that tab ends.
    sync.handle_message(&text, &mut machine, 3 * MIN);
    sync.handle_message(
        &encode(&TabMessage::Goodbye, "other"),
        &mut machine,
        3 * MIN,
    );
    assert!(!machine.is_held());
    // A newcomer's hello: our holds, at once.
    sync.begin_hold(&mut machine, "mine", 4 * MIN).unwrap();
    drain(&mut sync);
    let hello = encode(
        &TabMessage::Hello {
            last_activity_ms: 4 * MIN,
        },
        "newcomer",
    );
    sync.handle_message(&hello, &mut machine, 4 * MIN + 100);
    assert_eq!(
        messages(&drain(&mut sync)),
        [hold_msg(1, 4 * MIN, 4 * MIN + 100, "mine")]
    );
}

#[test]
fn holds_and_hellos_from_the_future_say_nothing() {
    let now = 10 * MIN;
    let far = now + FUTURE_TOLERANCE_MS + 1;
    let mut machine = IdleMachine::new(config(), 8 * MIN);
    let mut sync = TabSync::new(1, 8 * MIN);
    for msg in [
        hold_msg(1, far, now, "x"),
        hold_msg(2, now, far, "x"),
        hold_msg(3, now, u64::MAX, "x"),
    ] {
        assert!(sync.handle_message(&encode(&msg, "other"), &mut machine, now));
    }
    assert!(!machine.is_held(), "held by a time from the future");
    // A hello claiming a later activity than ours, from the future: answered as if it knew
    // nothing.
    sync.handle_local_activity(&mut machine, now);
    drain(&mut sync);
    let hello = encode(
        &TabMessage::Hello {
            last_activity_ms: u64::MAX,
        },
        "other",
    );
    sync.handle_message(&hello, &mut machine, now + 2 * SEC);
    assert_eq!(
        messages(&drain(&mut sync)),
        [TabMessage::Activity { at_ms: now }]
    );
    // A fresh tab that knows no activity says so (0), and answers nobody with its start.
    let mut fresh = IdleMachine::new(config(), now);
    let mut fresh_sync = TabSync::new(2, now);
    fresh_sync.link_opened(&fresh, None, now);
    assert_eq!(
        messages(&drain(&mut fresh_sync)),
        [TabMessage::Hello {
            last_activity_ms: 0
        }]
    );
    let hello = encode(
        &TabMessage::Hello {
            last_activity_ms: MIN,
        },
        "other",
    );
    fresh_sync.handle_message(&hello, &mut fresh, now + SEC);
    assert!(
        drain(&mut fresh_sync).is_empty(),
        "opening a tab is not activity"
    );
}

#[test]
fn a_catch_up_arms_no_timer_before_its_end() {
    let no_storage = Shared {
        peers: true,
        ..Shared::default()
    };
    let mut machine = IdleMachine::new(config(), 0);
    let mut sync = TabSync::new(1, 0);
    let woke = T; // the machine's own expiry: a timer that fired on time
    sync.handle_wake(&mut machine, &no_storage, woke);
    assert!(sync.catching_up());
    // The layer arms the one timer at the earlier of the two: never now (a busy loop).
    let next = [machine.poll_timeout(), sync.poll_timeout()]
        .into_iter()
        .flatten()
        .min();
    assert_eq!(next, Some(woke + CATCH_UP_MS));
    // A message meanwhile decides nothing either.
    let old = encode(&TabMessage::Activity { at_ms: 0 }, "other");
    sync.handle_message(&old, &mut machine, woke + 10);
    assert!(!machine.is_logged_out());
    sync.handle_wake(&mut machine, &no_storage, woke + CATCH_UP_MS);
    assert_eq!(machine.poll_action(), Some(Action::Logout { reason: Idle }));
}

#[test]
fn a_renewal_due_during_a_catch_up_waits_for_its_end() {
    // This tab holds, and finds another tab's hold past its lease just before its own renewal:
    // the catch-up's end is the only deadline (asked for at the renewal, the timer would fire
    // at the same instant for ever, since a wake-up during a catch-up does nothing).
    let shared = storage_and_peers();
    let (mut machine, mut sync) = hearing_a_hold(0, "theirs");
    sync.begin_hold(&mut machine, "mine", 0).unwrap();
    drain(&mut sync);
    // Frozen past the other hold's lease (and past this tab's own renewal, due at 1 minute).
    let woke = HOLD_LEASE_MS + SEC;
    sync.handle_wake(&mut machine, &shared, woke);
    assert!(sync.catching_up());
    assert_eq!(
        sync.poll_timeout(),
        Some(woke + CATCH_UP_MS),
        "not the overdue renewal"
    );
    // A wake-up inside the catch-up changes nothing and asks for nothing else.
    sync.handle_wake(&mut machine, &shared, woke + 10);
    assert_eq!(sync.poll_timeout(), Some(woke + CATCH_UP_MS));
    // At its end: the renewal goes out, and the next one is a minute later.
    drain(&mut sync);
    sync.handle_wake(&mut machine, &shared, woke + CATCH_UP_MS);
    assert!(!sync.catching_up());
    assert!(messages(&drain(&mut sync)).contains(&hold_msg(1, 0, woke + CATCH_UP_MS, "mine")));
    assert_eq!(
        sync.poll_timeout(),
        Some(woke + CATCH_UP_MS + HOLD_REFRESH_MS)
    );
}

#[test]
fn a_hold_begun_during_a_catch_up_begins_when_it_ends() {
    let no_storage = Shared {
        peers: true,
        ..Shared::default()
    };
    let woke = 20 * MIN;
    // The session was alive after all (another tab answers): the hold begins then.
    let mut machine = IdleMachine::new(config(), 0);
    let mut sync = TabSync::new(1, 0);
    sync.handle_wake(&mut machine, &no_storage, woke);
    let id = sync.begin_hold(&mut machine, "call", woke + 10).unwrap();
    assert!(!machine.is_held(), "not yet");
    let answer = encode(&TabMessage::Activity { at_ms: woke - MIN }, "other");
    sync.handle_message(&answer, &mut machine, woke + 20);
    sync.handle_wake(&mut machine, &no_storage, woke + CATCH_UP_MS);
    assert_eq!(machine.holds().map(|h| h.id).collect::<Vec<_>>(), [id]);
    assert!(messages(&drain(&mut sync)).contains(&hold_msg(
        1,
        woke + CATCH_UP_MS,
        woke + CATCH_UP_MS,
        "call"
    )));
    // Released before the catch-up ended: never begins.
    let mut machine = IdleMachine::new(config(), 0);
    let mut sync = TabSync::new(1, 0);
    sync.handle_wake(&mut machine, &no_storage, woke);
    let id = sync.begin_hold(&mut machine, "call", woke + 10).unwrap();
    assert!(sync.release_hold(&mut machine, id, woke + 20));
    sync.handle_message(&answer, &mut machine, woke + 30);
    sync.handle_wake(&mut machine, &no_storage, woke + CATCH_UP_MS);
    assert!(!machine.is_held());
    // Nobody answers: the session was over; the hold does not revive it.
    let mut machine = IdleMachine::new(config(), 0);
    let mut sync = TabSync::new(1, 0);
    sync.handle_wake(&mut machine, &no_storage, woke);
    sync.begin_hold(&mut machine, "call", woke + 10).unwrap();
    sync.handle_wake(&mut machine, &no_storage, woke + CATCH_UP_MS);
    assert_eq!(
        machine.poll_action(),
        Some(Action::Logout { reason: Slept })
    );
    assert!(!machine.is_held());
}

#[test]
fn a_tab_that_finds_another_tabs_hold_past_its_lease_asks_before_ending_it() {
    let shared = storage_and_peers();
    let (mut machine, mut sync) = hearing_a_hold(MIN, "call");
    let late = MIN + HOLD_LEASE_MS + 10 * MIN; // this tab was frozen
    sync.handle_wake(&mut machine, &shared, late);
    assert!(sync.catching_up());
    assert_eq!(
        messages(&drain(&mut sync)),
        [TabMessage::Hello {
            last_activity_ms: 0
        }]
    );
    // The holder is alive: its answer renews the hold; nothing ended, nothing began — and
    // since this tab's own expiry has passed, it asks the server whether the hold is real.
    sync.handle_message(
        &encode(&hold_msg(7, MIN, late + 5, "call"), "other"),
        &mut machine,
        late + 10,
    );
    sync.handle_wake(&mut machine, &shared, late + CATCH_UP_MS);
    assert!(machine.is_held());
    assert_eq!(actions(&mut machine), [Action::VerifyHold]);
    // Nobody answers: the hold ended where its lease did.
    let (mut machine, mut sync) = hearing_a_hold(MIN, "call");
    sync.handle_wake(&mut machine, &shared, 4 * MIN + SEC);
    sync.handle_wake(&mut machine, &shared, 4 * MIN + SEC + CATCH_UP_MS);
    let got = actions(&mut machine);
    assert!(
        matches!(got.as_slice(), [Action::HoldEnded { at_ms, reason: HoldEndReason::TabGone, .. }] if *at_ms == MIN + HOLD_LEASE_MS),
        "{got:?}"
    );
    assert_eq!(machine.expiry_ms(), Some(MIN + HOLD_LEASE_MS + T));
}
