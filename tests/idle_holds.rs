//! Holds in the idle machine, table-driven: each case is a list of inputs and the actions
//! expected, with the `now_ms` of the input that produced them. `run()` also asserts after every
//! input: no warning while held, `poll_timeout()` in the future, nothing after the logout.

use inactivity_core::idle::{
    check_label, check_max_hold_seconds, Action, HoldEndReason, HoldError, HoldId, HoldInfo,
    IdleConfig, IdleMachine, IdleState, RemoteHold, DEFAULT_MAX_HOLD_MS, FUTURE_TOLERANCE_MS,
    HOLD_LEASE_MS, MAX_HOLDS, MAX_REMOTE_HOLDS,
};
use inactivity_core::reason::LogoutReason::{self, *};
use HoldEndReason::*;

const SEC: u64 = 1_000;
const MIN: u64 = 60 * SEC;
const HOUR: u64 = 60 * MIN;
const T: u64 = 5 * MIN;
const W: u64 = MIN;

fn cfg() -> IdleConfig {
    IdleConfig::new(Some(T)).with_warning_ms(W)
}

/// One input.
#[derive(Clone, Debug)]
enum Ev {
    /// `begin_hold(label, now)`; the hold gets the next number (1, 2, …).
    Hold(&'static str, u64),
    /// `release_hold(id, now)`
    Release(u32, u64),
    /// `handle_remote_hold({tab, id, label "call", since, sent}, now)`
    Remote(&'static str, u32, u64, u64, u64),
    /// `handle_remote_release(tab, id, reason, now)`
    RemoteEnd(&'static str, u32, HoldEndReason, u64),
    /// `handle_tab_gone(tab, now)`
    Gone(&'static str, u64),
    /// `handle_activity(now)`
    Act(u64),
    /// `handle_timeout(now)`
    Tick(u64),
    /// `handle_logout(reason, now)`
    Out(LogoutReason, u64),
}
use Ev::*;

fn local(id: u32, label: &str, since_ms: u64) -> HoldInfo {
    HoldInfo {
        id: HoldId(id),
        tab: None,
        label: label.to_owned(),
        since_ms,
    }
}

fn remote(tab: &str, id: u32, since_ms: u64) -> HoldInfo {
    HoldInfo {
        id: HoldId(id),
        tab: Some(tab.to_owned()),
        label: "call".to_owned(),
        since_ms,
    }
}

fn began(hold: HoldInfo) -> Action {
    Action::HoldBegan { hold }
}

fn ended(hold: HoldInfo, at_ms: u64, reason: HoldEndReason) -> Action {
    Action::HoldEnded {
        hold,
        at_ms,
        reason,
    }
}

fn warn(remaining_ms: u64) -> Action {
    Action::Warn { remaining_ms }
}

fn logout(reason: LogoutReason) -> Action {
    Action::Logout { reason }
}

const KEEP: Action = Action::KeepAlive;
const CHECK: Action = Action::CheckServerDeadline;
const CLEARED: Action = Action::WarningCleared;
const VERIFY: Action = Action::VerifyHold;

/// Feeds `events` to a machine created at 0 with `config`; answers every server check at once
/// with "nothing later"; returns the machine and every action as `(now, action)`.
fn run(config: IdleConfig, events: &[Ev]) -> (IdleMachine, Vec<(u64, Action)>) {
    let mut m = IdleMachine::new(config, 0);
    let mut got = Vec::new();
    for ev in events {
        apply(&mut m, ev);
        drain(&mut m, at(ev), &mut got);
    }
    (m, got)
}

fn at(ev: &Ev) -> u64 {
    match *ev {
        Hold(_, n) | Release(_, n) | Act(n) | Tick(n) | Out(_, n) | Gone(_, n) => n,
        Remote(_, _, _, _, n) | RemoteEnd(_, _, _, n) => n,
    }
}

fn drain(m: &mut IdleMachine, now: u64, got: &mut Vec<(u64, Action)>) {
    while let Some(action) = m.poll_action() {
        let check = action == CHECK;
        assert!(
            !got.iter().any(|(_, a)| matches!(a, Action::Logout { .. })),
            "{action:?} after the logout"
        );
        got.push((now, action));
        if check {
            m.handle_server_deadline(None, now);
        }
    }
    if m.is_held() {
        assert!(!m.warning_shown(), "a warning while held");
        assert_eq!(m.state(), IdleState::Held);
        assert_eq!(m.remaining_ms(now), m.config().timeout_ms);
    }
    if let Some(t) = m.poll_timeout() {
        assert!(t > now, "poll_timeout {t} not after now {now}");
    }
}

/// Runs the machine on its own timer (and the given inputs at their times) until `until`.
fn run_timer(config: IdleConfig, inputs: &[Ev], until: u64) -> (IdleMachine, Vec<(u64, Action)>) {
    let (mut m, mut got) = run(config, &[]);
    let mut inputs = inputs.iter().peekable();
    loop {
        let timer = m.poll_timeout().filter(|&t| t <= until);
        match (timer, inputs.peek()) {
            (Some(t), Some(ev)) if t < at(ev) => {
                m.handle_timeout(t);
                drain(&mut m, t, &mut got);
            }
            (_, Some(&ev)) => {
                inputs.next();
                apply(&mut m, ev);
                drain(&mut m, at(ev), &mut got);
            }
            (Some(t), None) => {
                m.handle_timeout(t);
                drain(&mut m, t, &mut got);
            }
            (None, None) => break,
        }
    }
    (m, got)
}

fn apply(m: &mut IdleMachine, ev: &Ev) {
    match ev.clone() {
        Hold(label, now) => {
            let _ = m.begin_hold(label, now);
        }
        Release(id, now) => {
            m.release_hold(HoldId(id), now);
        }
        Act(now) => m.handle_activity(now),
        Tick(now) => m.handle_timeout(now),
        Out(reason, now) => m.handle_logout(reason, now),
        Gone(tab, now) => m.handle_tab_gone(tab, now),
        RemoteEnd(tab, id, reason, now) => m.handle_remote_release(tab, HoldId(id), reason, now),
        Remote(tab, id, since_ms, sent_ms, now) => m.handle_remote_hold(
            RemoteHold {
                tab,
                id: HoldId(id),
                label: "call",
                since_ms,
                sent_ms,
            },
            now,
        ),
    }
}

#[test]
fn a_hold_clears_a_shown_warning_and_asks_for_a_keep_alive_when_the_server_needs_one() {
    let (m, got) = run(cfg(), &[Tick(4 * MIN), Hold("Call 42", 4 * MIN + 30 * SEC)]);
    let at = 4 * MIN + 30 * SEC;
    assert_eq!(
        got,
        [
            (4 * MIN, CHECK),
            (4 * MIN, warn(W)),
            (at, began(local(1, "Call 42", at))),
            (at, CLEARED),
            // The last counted call was 4.5 minutes ago: the server's deadline is near.
            (at, KEEP),
        ]
    );
    assert_eq!(m.last_activity_ms(), at, "the keep-alive is a counted call");
    assert_eq!(m.last_keep_alive_ms(), Some(at));
    assert_eq!(m.holds().collect::<Vec<_>>(), [&local(1, "Call 42", at)]);
}

#[test]
fn while_held_nothing_warns_or_logs_out_and_a_keep_alive_comes_every_half_timeout() {
    let (m, got) = run_timer(cfg(), &[Hold("call", 0)], 3 * HOUR);
    let keep: Vec<u64> = got
        .iter()
        .filter(|(_, a)| *a == KEEP)
        .map(|(t, _)| *t)
        .collect();
    let expected: Vec<u64> = (1..=72).map(|k| k * T / 2).collect();
    assert_eq!(keep, expected, "every 2.5 minutes, never more");
    assert_eq!(got.len(), 1 + 72, "nothing else: {:?}", &got[..3]);
    assert!(!m.is_logged_out());
    assert_eq!(m.poll_timeout(), Some(3 * HOUR + T / 2));
}

#[test]
fn a_laptop_waking_in_the_middle_of_a_hold_makes_one_keep_alive_only() {
    let (m, got) = run(cfg(), &[Hold("call", 0), Tick(3 * HOUR)]);
    assert_eq!(got, [(0, began(local(1, "call", 0))), (3 * HOUR, KEEP)]);
    assert_eq!(m.poll_timeout(), Some(3 * HOUR + T / 2));
    // And again much later: still one.
    let (_, got) = run(
        cfg(),
        &[Hold("call", 0), Tick(HOUR), Tick(HOUR + 1), Tick(3 * HOUR)],
    );
    let keep: Vec<u64> = got
        .iter()
        .filter(|(_, a)| *a == KEEP)
        .map(|(t, _)| *t)
        .collect();
    assert_eq!(keep, [HOUR, 3 * HOUR]);
}

#[test]
fn releasing_the_last_hold_starts_the_timer_from_that_moment() {
    let release = 2 * HOUR;
    let (m, got) = run_timer(cfg(), &[Hold("call", MIN), Release(1, release)], 3 * HOUR);
    let tail: Vec<(u64, Action)> = got.iter().filter(|(_, a)| *a != KEEP).cloned().collect();
    assert_eq!(
        tail,
        [
            (MIN, began(local(1, "call", MIN))),
            (release, ended(local(1, "call", MIN), release, Released)),
            (release + T - W, CHECK),
            (release + T - W, warn(W)),
            (release + T, logout(Idle)),
        ]
    );
    assert!(!m.is_held());
    // One call at the release (the server's deadline runs from there too), and none after it.
    assert_eq!(keeps_from(&got, release), [release]);
}

fn keeps_from(got: &[(u64, Action)], from: u64) -> Vec<u64> {
    got.iter()
        .filter(|(t, a)| *a == KEEP && *t >= from)
        .map(|(t, _)| *t)
        .collect()
}

#[test]
fn only_the_end_of_the_last_hold_of_this_tab_makes_a_call() {
    // Two holds: the first release makes no call (still held, the cadence holds); the second does.
    let (_, got) = run(
        cfg(),
        &[
            Hold("a", 0),
            Hold("b", 0),
            Release(1, MIN),
            Release(2, 2 * MIN),
        ],
    );
    assert_eq!(keeps_from(&got, 0), [2 * MIN]);
    // Another tab's hold ending, or this tab's hold while another tab still holds: only the
    // last hold of this tab calls.
    let (_, got) = run(
        cfg(),
        &[
            Remote("t2", 1, 0, 0, 0),
            Hold("a", 0),
            Release(1, MIN),
            RemoteEnd("t2", 1, Released, 90 * SEC),
        ],
    );
    assert_eq!(keeps_from(&got, 0), [MIN]);
}

#[test]
fn a_forgotten_hold_ends_by_itself_at_its_start_plus_the_max_and_the_timer_runs_from_there() {
    let config = cfg().with_max_hold_ms(10 * MIN);
    let (_, got) = run_timer(config, &[Hold("call", MIN)], HOUR);
    let tail: Vec<(u64, Action)> = got.into_iter().filter(|(_, a)| *a != KEEP).collect();
    let end = 11 * MIN;
    assert_eq!(
        tail,
        [
            (MIN, began(local(1, "call", MIN))),
            (end, ended(local(1, "call", MIN), end, Expired)),
            (end + T - W, CHECK),
            (end + T - W, warn(W)),
            (end + T, logout(Idle)),
        ]
    );
    let (_, got) = run_timer(config, &[Hold("call", MIN)], HOUR);
    assert_eq!(keeps_from(&got, end), [end], "one call when it ends");
    // Learnt late (a laptop that slept): the end is dated where it was, the logout is `slept`,
    // without a warning it could no longer honour.
    let (_, got) = run(config, &[Hold("call", MIN), Tick(HOUR)]);
    assert_eq!(
        got,
        [
            (MIN, began(local(1, "call", MIN))),
            (HOUR, ended(local(1, "call", MIN), end, Expired)),
            (HOUR, logout(Slept)),
        ]
    );
    // The default max: 4 hours.
    assert_eq!(IdleConfig::new(Some(T)).max_hold_ms, DEFAULT_MAX_HOLD_MS);
    assert_eq!(DEFAULT_MAX_HOLD_MS, 4 * HOUR);
}

#[test]
#[rustfmt::skip]
fn another_tabs_hold_lasts_its_lease_unless_renewed() {
    let lease = HOLD_LEASE_MS;
    // Announced at 1 min, never again: it ends (tab gone) at 1 min + the lease.
    let (_, got) = run_timer(cfg(), &[Remote("b", 7, MIN, MIN, MIN)], HOUR);
    let end = MIN + lease;
    assert_eq!(got, [
        (MIN, began(remote("b", 7, MIN))),
        (end, ended(remote("b", 7, MIN), end, TabGone)),
        (end + T - W, CHECK),
        (end + T - W, warn(W)),
        (end + T, logout(Idle)),
    ]);
    // Renewed every minute: held; no keep-alive here (the tab that holds makes them), but the
    // server is asked at this tab's own expiry and once per timeout after: another tab's hold
    // is believed only while the server agrees.
    let renewals: Vec<Ev> = (1..60).map(|k| Remote("b", 7, MIN, k * MIN, k * MIN)).collect();
    let (m, got) = run_timer(cfg(), &renewals, HOUR);
    let mut expected = vec![(MIN, began(remote("b", 7, MIN)))];
    expected.extend((1..=12).map(|k| (k * T, VERIFY)));
    assert_eq!(got, expected);
    assert!(m.is_held());
    assert_eq!(m.held_until_ms(), Some(59 * MIN + lease));
    // An announcement sent long ago (delivered late) renews only from when it was sent.
    let (_, got) = run(cfg(), &[Remote("b", 7, MIN, MIN, 2 * MIN), Remote("b", 7, MIN, MIN, 10 * MIN)]);
    assert_eq!(got, [
        (2 * MIN, began(remote("b", 7, MIN))),
        (10 * MIN, ended(remote("b", 7, MIN), end, TabGone)),
        (10 * MIN, logout(Slept)), // 4 min + the timeout: over
    ]);
}

#[test]
#[rustfmt::skip]
fn another_tabs_hold_ends_when_it_says_so_or_goes_away() {
    let (_, got) = run(cfg(), &[Remote("b", 1, MIN, MIN, MIN), RemoteEnd("b", 1, Expired, 2 * MIN)]);
    assert_eq!(got, [(MIN, began(remote("b", 1, MIN))), (2 * MIN, ended(remote("b", 1, MIN), 2 * MIN, Expired))]);
    let (m, got) = run(cfg(), &[
        Remote("b", 1, MIN, MIN, MIN),
        Remote("b", 2, MIN, MIN, MIN),
        Remote("c", 1, MIN, MIN, MIN),
        Gone("b", 2 * MIN),
        RemoteEnd("b", 1, Released, 2 * MIN), // unknown by now: ignored
    ]);
    assert_eq!(&got[3..], [
        (2 * MIN, ended(remote("b", 1, MIN), 2 * MIN, TabGone)),
        (2 * MIN, ended(remote("b", 2, MIN), 2 * MIN, TabGone)),
    ]);
    assert_eq!(m.holds().collect::<Vec<_>>(), [&remote("c", 1, MIN)], "the other tab's hold stays");
    // A tab's hold numbers are its own: "b" 1 and "c" 1 are two holds.
    assert_eq!(m.last_activity_ms(), 2 * MIN);
}

#[test]
#[rustfmt::skip]
fn times_from_the_future_are_invalid_and_a_hold_never_revives_an_expired_session() {
    let tol = FUTURE_TOLERANCE_MS;
    for (since, sent, held) in [
        (MIN + tol, MIN, true),          // within the tolerance: counts as now
        (MIN, MIN + tol, true),
        (MIN + tol + 1, MIN, false),     // beyond it: invalid, ignored
        (MIN, MIN + tol + 1, false),
        (u64::MAX, MIN, false),
        (MIN, u64::MAX, false),
    ] {
        let (m, _) = run(cfg(), &[Remote("b", 1, since, sent, MIN)]);
        assert_eq!(m.is_held(), held, "since {since} sent {sent}");
        if held {
            assert_eq!(m.holds().next().unwrap().since_ms, MIN, "never later than now");
        }
    }
    // Began before this machine's expiry, heard of late (this tab could not run): the other tab
    // held the session meanwhile — no logout.
    // (Its own expiry passed: it asks the server whether the hold is real.)
    let (m, got) = run(cfg(), &[Remote("b", 1, 4 * MIN, 9 * MIN, 9 * MIN)]);
    assert_eq!(got, [(9 * MIN, began(remote("b", 1, 4 * MIN))), (9 * MIN, VERIFY)]);
    assert!(!m.is_logged_out());
    // Began after it: the session was already over.
    let (_, got) = run(cfg(), &[Remote("b", 1, 6 * MIN, 9 * MIN, 9 * MIN)]);
    assert_eq!(got, [(9 * MIN, logout(Slept))]);
    // Already past its max duration: over.
    let (m, _) = run(cfg().with_max_hold_ms(2 * MIN), &[Remote("b", 1, MIN, 3 * MIN, 3 * MIN)]);
    assert!(!m.is_held());
    // A hold of this tab after the expiry passed unnoticed: refused, and the logout comes.
    let mut m = IdleMachine::new(cfg(), 0);
    assert_eq!(m.begin_hold("call", 20 * MIN), Err(HoldError::LoggedOut));
    assert_eq!(m.poll_action(), Some(logout(Slept)));
}

#[test]
fn a_logout_for_an_outside_reason_ends_the_holds_with_the_session() {
    let (mut m, got) = run(
        cfg(),
        &[
            Hold("call", MIN),
            Remote("b", 1, MIN, MIN, MIN),
            Out(HostRequest, 2 * MIN),
        ],
    );
    assert_eq!(got.last(), Some(&(2 * MIN, logout(HostRequest))));
    assert!(!m.is_held());
    assert_eq!(m.holds().count(), 0);
    assert_eq!(m.begin_hold("call", 3 * MIN), Err(HoldError::LoggedOut));
    assert!(!m.release_hold(HoldId(1), 3 * MIN));
    assert_eq!(m.poll_action(), None);
}

#[test]
fn keep_alives_count_any_counted_call_and_only_a_tab_with_its_own_hold_makes_them() {
    // Activity (here or elsewhere) is a counted call: the next keep-alive is half a timeout
    // after it.
    let (_, got) = run_timer(
        cfg(),
        &[Hold("call", 0), Act(2 * MIN), Tick(3 * MIN)],
        5 * MIN,
    );
    let keep: Vec<u64> = got
        .iter()
        .filter(|(_, a)| *a == KEEP)
        .map(|(t, _)| *t)
        .collect();
    assert_eq!(keep, [2 * MIN + T / 2]);
    // Held only through another tab: none.
    let (_, got) = run_timer(cfg(), &[Remote("b", 1, 0, 0, 0)], 2 * MIN);
    assert!(!got.contains(&(T / 2, KEEP)));
    // No timeout: no server deadline to keep.
    let (_, got) = run_timer(IdleConfig::new(None), &[Hold("call", 0)], HOUR);
    assert_eq!(got, [(0, began(local(1, "call", 0)))]);
}

#[test]
fn a_clock_stepping_back_while_held_keeps_the_spacing_of_keep_alives() {
    let mut m = IdleMachine::new(cfg(), HOUR);
    m.begin_hold("call", HOUR).unwrap();
    m.handle_timeout(HOUR + T / 2);
    m.handle_timeout(HOUR); // the wall clock steps back by half a timeout
    let actions: Vec<Action> = std::iter::from_fn(|| m.poll_action()).collect();
    assert_eq!(actions.iter().filter(|a| **a == KEEP).count(), 1);
    assert_eq!(
        m.holds().next().unwrap().since_ms,
        HOUR - T / 2,
        "shifted with the clock"
    );
    assert_eq!(m.last_keep_alive_ms(), Some(HOUR));
    assert_eq!(
        m.poll_timeout(),
        Some(HOUR + T / 2),
        "half a timeout after the keep-alive"
    );
}

#[test]
fn a_shorter_max_hold_ends_older_holds() {
    let mut m = IdleMachine::new(cfg(), 0);
    m.begin_hold("call", 0).unwrap();
    m.handle_timeout(T / 2);
    m.set_config(cfg().with_max_hold_ms(MIN), 2 * T);
    let actions: Vec<Action> = std::iter::from_fn(|| m.poll_action()).collect();
    assert!(
        actions.contains(&ended(local(1, "call", 0), MIN, Expired)),
        "{actions:?}"
    );
    assert!(!m.is_held());
}

#[test]
fn holds_are_bounded_in_number() {
    let mut m = IdleMachine::new(cfg(), 0);
    for k in 0..MAX_HOLDS {
        assert_eq!(m.begin_hold("call", 1), Ok(HoldId(k as u32 + 1)));
    }
    assert_eq!(m.begin_hold("call", 1), Err(HoldError::TooManyHolds));
    assert!(m.release_hold(HoldId(3), 2));
    assert!(!m.release_hold(HoldId(3), 2), "released once");
    assert!(m.begin_hold("call", 3).is_ok(), "room again");
    // Other tabs': at most MAX_HOLDS each, MAX_REMOTE_HOLDS together.
    let mut m = IdleMachine::new(cfg(), 0);
    for id in 0..(MAX_HOLDS as u32 + 5) {
        m.handle_remote_hold(
            RemoteHold {
                tab: "b",
                id: HoldId(id),
                label: "x",
                since_ms: 1,
                sent_ms: 1,
            },
            1,
        );
    }
    assert_eq!(m.holds().count(), MAX_HOLDS);
    let tabs: Vec<String> = (0..10).map(|t| format!("t{t}")).collect();
    for tab in &tabs {
        for id in 0..MAX_HOLDS as u32 {
            m.handle_remote_hold(
                RemoteHold {
                    tab,
                    id: HoldId(id),
                    label: "x",
                    since_ms: 1,
                    sent_ms: 1,
                },
                1,
            );
        }
    }
    assert_eq!(m.holds().count(), MAX_REMOTE_HOLDS);
    // Labels are checked on the way in, from any tab.
    m.handle_remote_hold(
        RemoteHold {
            tab: "z",
            id: HoldId(1),
            label: "",
            since_ms: 1,
            sent_ms: 1,
        },
        1,
    );
    assert!(!m.holds().any(|h| h.tab.as_deref() == Some("z")));
}

#[test]
#[rustfmt::skip]
fn labels_and_the_max_hold_option_are_checked() {
    for (label, expected) in [
        ("Call 42", Ok(())),
        ("x", Ok(())),
        ("Appel n° 42 — 😀", Ok(())),
        (" padded ", Ok(())),
        ("say \"hi\" \\ bye", Ok(())),
        ("", Err(HoldError::EmptyLabel)),
        ("   ", Err(HoldError::EmptyLabel)),
        ("\t\n", Err(HoldError::EmptyLabel)),
        ("a\u{0}b", Err(HoldError::LabelControlCharacter)),
        ("a\nb", Err(HoldError::LabelControlCharacter)),
        ("a\u{7f}", Err(HoldError::LabelControlCharacter)),
    ] {
        assert_eq!(check_label(label), expected, "{label:?}");
    }
    assert_eq!(check_label(&"é".repeat(100)), Ok(()), "100 characters, 200 bytes");
    assert_eq!(check_label(&"é".repeat(101)), Err(HoldError::LabelTooLong));
    let mut m = IdleMachine::new(cfg(), 0);
    assert_eq!(m.begin_hold("", 1), Err(HoldError::EmptyLabel));
    assert_eq!(m.poll_action(), None);
    for (seconds, expected) in [
        (60, Ok(60_000)),
        (14_400, Ok(14_400_000)),
        (28_800, Ok(28_800_000)),
        (59, Err(HoldError::MaxHoldOutOfRange)),
        (0, Err(HoldError::MaxHoldOutOfRange)),
        (28_801, Err(HoldError::MaxHoldOutOfRange)),
        (u64::MAX, Err(HoldError::MaxHoldOutOfRange)),
    ] {
        assert_eq!(check_max_hold_seconds(seconds), expected, "{seconds}");
    }
    for error in [HoldError::EmptyLabel, HoldError::LabelTooLong, HoldError::LabelControlCharacter,
                  HoldError::MaxHoldOutOfRange, HoldError::TooManyHolds, HoldError::LoggedOut] {
        assert!(!error.code().is_empty() && error.to_string() == error.message());
    }
    for reason in HoldEndReason::ALL {
        assert_eq!(HoldEndReason::parse(reason.as_str()), Some(reason));
    }
    assert_eq!(HoldEndReason::parse("Released"), None);
}
