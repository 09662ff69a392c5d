//! Activity, other tabs' messages, wake-ups and the catch-up, values from the future.

use inactivity_core::idle::{Action, IdleMachine};
use inactivity_core::reason::LogoutReason::*;
use inactivity_core::tabs::{
    abandoned, replaces_stored, start_last_activity, Calls, Shared, TabOutput, TabSync, CATCH_UP_MS,
};
use inactivity_core::tabs::{encode, TabMessage};

use crate::*;
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
    // Nor do they keep abandoned keys for ever.
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
