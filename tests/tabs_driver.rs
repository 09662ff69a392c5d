//! The `TabSync` driver of one tab, alone: what it broadcasts and stores for local activity,
//! holds and wake-ups, what it makes of other tabs' messages, the catch-up, and times from the
//! future (ignored and overwritten, never clamped to now).

use inactivity_core::idle::{
    Action, HoldEndReason, HoldId, IdleConfig, IdleMachine, FUTURE_TOLERANCE_MS, HOLD_LEASE_MS,
    HOLD_REFRESH_MS,
};
use inactivity_core::reason::LogoutReason::*;
use inactivity_core::tab_sync::{
    abandoned, logout_role, record_at_logout, replaces_stored, start_last_activity, Calls,
    LockOutcome, LogoutRecord, Role, Shared, TabOutput, TabSync, CATCH_UP_MS,
};
use inactivity_core::tabs::{decode, encode, TabMessage};

const SEC: u64 = 1_000;
const MIN: u64 = 60 * SEC;
const T: u64 = 5 * MIN;

fn config() -> IdleConfig {
    IdleConfig::new(Some(T)).with_warning_ms(MIN)
}

fn record(ended_ms: u64, calls: Calls) -> Option<LogoutRecord> {
    Some(LogoutRecord { ended_ms, calls })
}

/// Every output of `sync`, drained.
fn drain(sync: &mut TabSync) -> Vec<TabOutput> {
    std::iter::from_fn(|| sync.poll_output()).collect()
}

fn messages(outputs: &[TabOutput]) -> Vec<TabMessage> {
    outputs
        .iter()
        .filter_map(|o| match o {
            TabOutput::Broadcast(text) => Some(decode(text).expect("valid").1),
            TabOutput::StoreLastActivity(_) | TabOutput::ClearLogoutRecord => None,
        })
        .collect()
}

#[test]
fn local_activity_is_broadcast_once_a_second_stored_every_ten_and_the_last_is_not_lost() {
    let mut machine = IdleMachine::new(config(), 0);
    let mut sync = TabSync::new(1, 0);
    let mut outputs = Vec::new();
    // 100 requests a second for a minute.
    for i in 0..6_000u64 {
        sync.handle_local_activity(&mut machine, i * 10);
        outputs.extend(drain(&mut sync));
    }
    assert_eq!(
        sync.poll_timeout(),
        None,
        "no timer of its own for the trailing send"
    );
    let sent = messages(&outputs);
    assert!(
        (59..=60).contains(&sent.len()),
        "{} messages in 60 s",
        sent.len()
    );
    let stores = |outputs: &[TabOutput]| {
        outputs
            .iter()
            .filter(|o| matches!(o, TabOutput::StoreLastActivity(_)))
            .count()
    };
    assert!(
        (6..=7).contains(&stores(&outputs)),
        "{} storage writes in 60 s",
        stores(&outputs)
    );
    // The next wake-up (at the latest the machine's own deadline) tells and stores the rest.
    let deadline = machine.poll_timeout().unwrap();
    assert!(deadline > 59_990);
    sync.handle_wake(&mut machine, &Shared::default(), deadline);
    let rest = drain(&mut sync);
    assert_eq!(
        messages(&rest),
        [TabMessage::Activity { at_ms: 59_990 }],
        "the last is not lost"
    );
    assert!(rest.contains(&TabOutput::StoreLastActivity(59_990)));
    // Nothing left: a second wake-up says nothing.
    sync.handle_wake(&mut machine, &Shared::default(), deadline + 1);
    assert!(drain(&mut sync).is_empty());
}

#[test]
fn messages_from_others_are_applied_and_anything_else_is_ignored() {
    let mut machine = IdleMachine::new(config(), 0);
    let mut sync = TabSync::new(1, 0);
    let own = encode(&TabMessage::Logout { reason: Idle }, sync.id());
    for text in [
        own.as_str(),
        "",
        "{}",
        "null",
        r#"{"v":2,"from":"x","kind":"logout","reason":"idle"}"#,
        r#"{"v":1,"from":"x","kind":"logout","reason":"bored"}"#,
        r#"{"v":1,"from":"x y","kind":"activity","at":5}"#,
        r#"{"v":1,"from":"x","kind":"activity","at":-5}"#,
        r#"{"v":1,"from":"x","kind":"activity","at":5,"extra":1}"#,
    ] {
        assert!(
            !sync.handle_message(text, &mut machine, 10 * SEC),
            "{text:?}"
        );
    }
    assert!(!machine.is_logged_out());
    assert_eq!(machine.last_activity_ms(), 0);
    let activity = encode(&TabMessage::Activity { at_ms: 5 * SEC }, "other");
    assert!(sync.handle_message(&activity, &mut machine, 10 * SEC));
    assert_eq!(machine.last_activity_ms(), 5 * SEC);
    assert!(drain(&mut sync).is_empty(), "never re-broadcast");
    let logout = encode(
        &TabMessage::Logout {
            reason: HostRequest,
        },
        "other",
    );
    assert!(sync.handle_message(&logout, &mut machine, 11 * SEC));
    assert_eq!(
        machine.poll_action(),
        Some(Action::Logout { reason: OtherTab })
    );
    assert!(!sync.handle_logout(OtherTab));
    assert!(
        drain(&mut sync).is_empty(),
        "no echo of another tab's logout"
    );
    // A frozen tab gets the message late, after its own expiry: still no echo.
    let mut machine = IdleMachine::new(config(), 0);
    let mut sync = TabSync::new(1, 0);
    sync.handle_message(&logout, &mut machine, 30 * MIN);
    assert_eq!(
        machine.poll_action(),
        Some(Action::Logout { reason: Slept })
    );
    assert!(!sync.handle_logout(Slept));
    assert!(drain(&mut sync).is_empty());
    // Its own logout is announced.
    let mut sync = TabSync::new(1, 0);
    assert!(sync.handle_logout(HostRequest));
    assert_eq!(
        messages(&drain(&mut sync)),
        [TabMessage::Logout {
            reason: HostRequest
        }]
    );
}

#[test]
fn a_hello_is_answered_with_later_activity_but_is_never_activity() {
    let mut machine = IdleMachine::new(config(), 0);
    let mut sync = TabSync::new(1, 0);
    sync.handle_local_activity(&mut machine, 30 * SEC);
    drain(&mut sync);
    // Right after a broadcast: the newcomer hears the next one anyway.
    let hello = |at| {
        encode(
            &TabMessage::Hello {
                last_activity_ms: at,
            },
            "newcomer",
        )
    };
    sync.handle_message(&hello(0), &mut machine, 30 * SEC + 500);
    assert!(drain(&mut sync).is_empty());
    sync.handle_message(&hello(0), &mut machine, 40 * SEC);
    assert_eq!(
        messages(&drain(&mut sync)),
        [TabMessage::Activity { at_ms: 30 * SEC }]
    );
    // A newcomer that knows as much gets no answer; a hello moves nothing.
    sync.handle_message(&hello(30 * SEC), &mut machine, 50 * SEC);
    assert!(drain(&mut sync).is_empty());
    let mut other = IdleMachine::new(config(), 0);
    let mut other_sync = TabSync::new(2, 0);
    other_sync.handle_message(&hello(4 * MIN), &mut other, 50 * SEC);
    assert_eq!(other.last_activity_ms(), 0, "a hello is not activity");
    // Logged out: silent.
    machine.handle_logout(HostRequest, 60 * SEC);
    sync.handle_message(&hello(0), &mut machine, 70 * SEC);
    assert!(drain(&mut sync).is_empty());
}

#[test]
fn a_woken_tab_applies_the_shared_activity_before_its_own_deadline() {
    let mut machine = IdleMachine::new(config(), 0);
    let mut sync = TabSync::new(1, 0);
    let shared = Shared {
        last_activity_ms: Some(19 * MIN),
        storage: true,
        peers: true,
        ..Shared::default()
    };
    sync.handle_wake(&mut machine, &shared, 20 * MIN);
    assert!(!machine.is_logged_out(), "the user worked in another tab");
    assert_eq!(machine.poll_action(), None);
    assert_eq!(machine.remaining_ms(20 * MIN), Some(T - MIN));
}

#[test]
fn a_woken_tab_whose_session_ended_elsewhere_logs_out_quietly() {
    let mut machine = IdleMachine::new(config(), 1_000);
    let mut sync = TabSync::new(1, 1_000);
    let ended = Shared {
        last_activity_ms: Some(19 * MIN), // a new session's activity: must not revive this tab
        record: record(6 * MIN, Calls::Done),
        storage: true,
        peers: true,
    };
    sync.handle_wake(&mut machine, &ended, 20 * MIN);
    // Its own expiry passed first (the first cause is reported), but the logout is not its own:
    // no message (it could reach a newer session's tabs), no record, no server calls.
    assert_eq!(
        machine.poll_action(),
        Some(Action::Logout { reason: Slept })
    );
    assert!(!sync.handle_logout(Slept));
    assert!(drain(&mut sync).is_empty());
    // Still inside its own period: other-tab.
    let mut machine = IdleMachine::new(config(), 1_000);
    let mut sync = TabSync::new(1, 1_000);
    let ended_recently = Shared {
        last_activity_ms: Some(MIN + 50_000),
        record: record(MIN + 40_000, Calls::Done),
        storage: true,
        peers: true,
    };
    sync.handle_wake(&mut machine, &ended_recently, 2 * MIN);
    assert_eq!(
        machine.poll_action(),
        Some(Action::Logout { reason: OtherTab })
    );
    assert!(!sync.handle_logout(OtherTab));
    // A record older than this tab is another session's: ignored.
    let mut machine = IdleMachine::new(config(), 10 * MIN);
    let mut sync = TabSync::new(1, 10 * MIN);
    let old = Shared {
        record: record(6 * MIN, Calls::Done),
        storage: true,
        ..Shared::default()
    };
    sync.handle_wake(&mut machine, &old, 11 * MIN);
    assert!(!machine.is_logged_out());
}

#[test]
fn without_storage_a_woken_tab_asks_the_others_before_logging_out() {
    let no_storage = Shared {
        peers: true,
        ..Shared::default()
    };
    // Another tab kept the session alive: its answer arrives within the catch-up.
    let mut machine = IdleMachine::new(config(), 0);
    let mut sync = TabSync::new(1, 0);
    let woke = 20 * MIN;
    sync.handle_wake(&mut machine, &no_storage, woke);
    assert!(sync.catching_up());
    assert_eq!(
        messages(&drain(&mut sync)),
        [TabMessage::Hello {
            last_activity_ms: 0
        }]
    );
    assert_eq!(sync.poll_timeout(), Some(woke + CATCH_UP_MS));
    sync.handle_local_activity(&mut machine, woke + 10); // the app refreshes on wake-up: held back
    sync.handle_wake(&mut machine, &no_storage, woke + 20); // another wake event: still waiting
    assert!(!machine.is_logged_out());
    let answer = encode(
        &TabMessage::Activity {
            at_ms: woke - 30 * SEC,
        },
        "other",
    );
    sync.handle_message(&answer, &mut machine, woke + 40);
    sync.handle_wake(&mut machine, &no_storage, woke + CATCH_UP_MS);
    assert!(!sync.catching_up());
    assert!(!machine.is_logged_out());
    assert_eq!(
        machine.last_activity_ms(),
        woke + CATCH_UP_MS,
        "the held-back activity counted"
    );
    assert_eq!(
        messages(&drain(&mut sync)),
        [TabMessage::Activity {
            at_ms: woke + CATCH_UP_MS
        }]
    );

    // Nobody answers: the session really expired; the held-back activity does not revive it.
    let mut machine = IdleMachine::new(config(), 0);
    let mut sync = TabSync::new(1, 0);
    sync.handle_wake(&mut machine, &no_storage, woke);
    sync.handle_local_activity(&mut machine, woke + 10);
    sync.handle_wake(&mut machine, &no_storage, woke + CATCH_UP_MS);
    assert_eq!(
        machine.poll_action(),
        Some(Action::Logout { reason: Slept })
    );
    assert_eq!(
        machine.poll_action(),
        None,
        "no warning it could no longer honour"
    );

    // Alone (no channel) or with storage: no catch-up, no delay.
    for shared in [
        Shared::default(),
        Shared {
            storage: true,
            peers: true,
            ..Shared::default()
        },
    ] {
        let mut machine = IdleMachine::new(config(), 0);
        let mut sync = TabSync::new(1, 0);
        sync.handle_wake(&mut machine, &shared, woke);
        assert!(!sync.catching_up());
        assert_eq!(
            machine.poll_action(),
            Some(Action::Logout { reason: Slept })
        );
    }
}

#[test]
fn a_catch_up_cannot_be_stretched_by_a_clock_that_steps_back() {
    const BASE: u64 = 120 * MIN;
    let mut machine = IdleMachine::new(config(), BASE);
    let mut sync = TabSync::new(1, BASE);
    let no_storage = Shared {
        peers: true,
        ..Shared::default()
    };
    sync.handle_wake(&mut machine, &no_storage, BASE + 20 * MIN);
    assert!(sync.catching_up());
    // The wall clock jumps back an hour: the catch-up ends at the next wake-up, not in an hour.
    sync.handle_wake(&mut machine, &no_storage, BASE - 40 * MIN);
    assert!(!sync.catching_up());
}

/// A time from the future (a clock that jumped back, or a value a script wrote) is invalid:
/// ignored and overwritten, never clamped to now.
#[test]
fn values_from_the_future_are_ignored_and_overwritten() {
    // A shared last activity from the future: not applied, and this tab's own is stored over it.
    let mut machine = IdleMachine::new(config(), 0);
    let mut sync = TabSync::new(1, 0);
    let future = Shared {
        last_activity_ms: Some(60 * MIN),
        storage: true,
        peers: true,
        ..Shared::default()
    };
    sync.handle_wake(&mut machine, &future, MIN);
    assert_eq!(machine.last_activity_ms(), 0);
    assert_eq!(drain(&mut sync), [TabOutput::StoreLastActivity(0)]);
    // Waking again and again with it never keeps the session alive.
    for t in 2..5 {
        sync.handle_wake(&mut machine, &future, t * MIN);
    }
    sync.handle_wake(&mut machine, &future, T);
    assert!(
        machine.is_logged_out(),
        "expired despite the value from the future"
    );

    // A logout record from the future: not a logout, and cleared.
    let mut machine = IdleMachine::new(config(), 0);
    let mut sync = TabSync::new(1, 0);
    let bogus = Shared {
        record: record(60 * MIN, Calls::Done),
        storage: true,
        ..Shared::default()
    };
    sync.handle_wake(&mut machine, &bogus, MIN);
    assert!(!machine.is_logged_out());
    assert_eq!(drain(&mut sync), [TabOutput::ClearLogoutRecord]);

    // A new tab does not start from either.
    assert_eq!(
        start_last_activity(Some(60 * MIN), None, Some(T), MIN, None, MIN),
        MIN
    );
    assert_eq!(
        start_last_activity(
            Some(MIN / 2),
            record(60 * MIN, Calls::Done),
            Some(T),
            MIN,
            None,
            MIN
        ),
        MIN / 2,
        "a future record does not end the session"
    );
    // Nor do they decide the logout, or keep abandoned keys for ever.
    assert_eq!(
        logout_role(
            Idle,
            LockOutcome::Granted,
            record(60 * MIN, Calls::Done),
            0,
            MIN
        ),
        Role::Leader
    );
    assert_eq!(
        record_at_logout(record(60 * MIN, Calls::Done), Idle, 0, MIN),
        record(MIN, Calls::Pending)
    );
    assert!(abandoned(
        Some(u64::MAX / 2),
        record(u64::MAX / 2, Calls::Done),
        MIN
    ));
    // Storing: a stored value from the future is always replaced.
    assert!(replaces_stored(Some(60 * MIN), MIN, MIN));
    assert!(!replaces_stored(Some(MIN), MIN - 1, MIN));
    assert!(replaces_stored(None, MIN, MIN));
    // A message about activity in the future changes nothing.
    let mut machine = IdleMachine::new(config(), 0);
    let mut sync = TabSync::new(1, 0);
    let text = encode(&TabMessage::Activity { at_ms: 60 * MIN }, "other");
    sync.handle_message(&text, &mut machine, MIN);
    assert_eq!(machine.last_activity_ms(), 0);
}

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
    let shared = Shared {
        storage: true,
        peers: true,
        ..Shared::default()
    };
    let mut machine = IdleMachine::new(config(), 0);
    let mut sync = TabSync::new(1, 0);
    sync.handle_message(
        &encode(&hold_msg(7, MIN, MIN, "call"), "other"),
        &mut machine,
        MIN,
    );
    actions(&mut machine);
    let late = MIN + HOLD_LEASE_MS + 10 * MIN; // this tab was frozen
    sync.handle_wake(&mut machine, &shared, late);
    assert!(sync.catching_up());
    assert_eq!(
        messages(&drain(&mut sync)),
        [TabMessage::Hello {
            last_activity_ms: 0
        }]
    );
    // The holder is alive: its answer renews the hold; nothing ended, nothing began.
    sync.handle_message(
        &encode(&hold_msg(7, MIN, late + 5, "call"), "other"),
        &mut machine,
        late + 10,
    );
    sync.handle_wake(&mut machine, &shared, late + CATCH_UP_MS);
    assert!(machine.is_held());
    assert!(actions(&mut machine).is_empty());
    // Nobody answers: the hold ended where its lease did.
    let mut machine = IdleMachine::new(config(), 0);
    let mut sync = TabSync::new(1, 0);
    sync.handle_message(
        &encode(&hold_msg(7, MIN, MIN, "call"), "other"),
        &mut machine,
        MIN,
    );
    actions(&mut machine);
    sync.handle_wake(&mut machine, &shared, 4 * MIN + SEC);
    sync.handle_wake(&mut machine, &shared, 4 * MIN + SEC + CATCH_UP_MS);
    let got = actions(&mut machine);
    assert!(
        matches!(got.as_slice(), [Action::HoldEnded { at_ms, reason: HoldEndReason::TabGone, .. }] if *at_ms == MIN + HOLD_LEASE_MS),
        "{got:?}"
    );
    assert_eq!(machine.expiry_ms(), Some(MIN + HOLD_LEASE_MS + T));
}
