//! The idle state machine, table-driven: each case is a config, a start, a list of inputs and
//! the actions expected (with the `now_ms` of the input that produced them).
//!
//! `check()` also asserts the invariants after every input: `poll_timeout()` is in the future,
//! `Logout` comes at most once and nothing follows it, `Warn` never claims more than the warning
//! lead, and an idle/slept logout only happens at or after the expiry.

use inactivity_core::idle::{
    Action, IdleConfig, IdleMachine, IdleState, MIN_SERVER_EXTENSION_MS, SERVER_CHECK_WAIT_MS,
};
use inactivity_core::reason::LogoutReason::{self, *};

const MIN: u64 = 60_000;
const T: u64 = 5 * MIN; // the timeout of most cases
const W: u64 = MIN; // the warning lead of most cases

/// One input to the machine.
#[derive(Clone, Copy, Debug)]
enum Ev {
    /// `handle_activity(now)`
    Act(u64),
    /// `handle_remote_activity(at, now)`
    Remote(u64, u64),
    /// `handle_timeout(now)`
    Tick(u64),
    /// `handle_server_deadline(deadline, now)`
    Server(Option<u64>, u64),
    /// `handle_logout(reason, now)`
    Out(LogoutReason, u64),
    /// `set_config(config, now)`
    Cfg(IdleConfig, u64),
}
use Ev::*;

const CHECK: Action = Action::CheckServerDeadline;
const CLEARED: Action = Action::WarningCleared;
fn warn(remaining_ms: u64) -> Action {
    Action::Warn { remaining_ms }
}
fn logout(reason: LogoutReason) -> Action {
    Action::Logout { reason }
}

fn cfg() -> IdleConfig {
    IdleConfig::new(Some(T)).with_warning_ms(W)
}

/// Feed `events` to a machine (last activity `start`, created at `created`), collect every
/// action as `(now, action)`, assert the invariants, compare with `expected`.
fn check_from(
    name: &str,
    config: IdleConfig,
    start: u64,
    created: u64,
    events: &[Ev],
    expected: &[(u64, Action)],
) -> IdleMachine {
    let mut m = IdleMachine::with_last_activity(config, start, created);
    let mut got = Vec::new();
    drain(name, &mut m, created, &mut got);
    for &ev in events {
        let now = match ev {
            Act(now) => {
                m.handle_activity(now);
                now
            }
            Remote(at, now) => {
                m.handle_remote_activity(at, now);
                now
            }
            Tick(now) => {
                m.handle_timeout(now);
                now
            }
            Server(deadline, now) => {
                m.handle_server_deadline(deadline, now);
                now
            }
            Out(reason, now) => {
                m.handle_logout(reason, now);
                now
            }
            Cfg(config, now) => {
                m.set_config(config, now);
                now
            }
        };
        drain(name, &mut m, now, &mut got);
    }
    assert_eq!(got, expected, "case {name:?}");
    m
}

fn check(name: &str, config: IdleConfig, events: &[Ev], expected: &[(u64, Action)]) -> IdleMachine {
    check_from(name, config, 0, 0, events, expected)
}

fn drain(name: &str, m: &mut IdleMachine, now: u64, got: &mut Vec<(u64, Action)>) {
    if let Some(t) = m.poll_timeout() {
        assert!(t > now, "{name}: poll_timeout {t} not after now {now}");
    }
    while let Some(action) = m.poll_action() {
        assert!(
            !got.iter().any(|(_, a)| matches!(a, Action::Logout { .. })),
            "{name}: {action:?} after Logout"
        );
        match action {
            Action::Warn { remaining_ms } => {
                assert!(
                    remaining_ms > 0 && remaining_ms <= m.config().warning_ms,
                    "{name}: {action:?}"
                );
                assert_eq!(
                    m.remaining_ms(now),
                    Some(remaining_ms),
                    "{name}: Warn tells the truth"
                );
            }
            Action::Logout {
                reason: Idle | Slept,
            } => {
                let expiry = m.expiry_ms().expect("idle logout without a timeout");
                assert!(
                    now >= expiry,
                    "{name}: idle logout at {now} before expiry {expiry}"
                );
            }
            _ => {}
        }
        got.push((now, action));
    }
    if m.is_logged_out() {
        assert_eq!(m.poll_timeout(), None, "{name}: a deadline after logout");
        assert_eq!(m.remaining_ms(now), Some(0));
    }
}

#[test]
#[rustfmt::skip]
fn the_plain_countdown() {
    check("check, warn, logout", cfg(), &[Tick(4 * MIN), Server(None, 4 * MIN + 100), Tick(T)],
        &[(4 * MIN, CHECK), (4 * MIN + 100, warn(W - 100)), (T, logout(Idle))]);
    check("timer slightly late is still idle", cfg(), &[Tick(4 * MIN), Server(None, 4 * MIN), Tick(T + 5_000)],
        &[(4 * MIN, CHECK), (4 * MIN, warn(W)), (T + 5_000, logout(Idle))]);
    check("no warning: straight to logout", cfg().with_warning_ms(0), &[Tick(T - 1), Tick(T)],
        &[(T, logout(Idle))]);
    check("warning not below the timeout: none", cfg().with_warning_ms(T), &[Tick(T)], &[(T, logout(Idle))]);
    check("warning above the timeout: none", cfg().with_warning_ms(T + 1), &[Tick(T)], &[(T, logout(Idle))]);
    check("no timeout: never anything", IdleConfig::new(None),
        &[Tick(T), Tick(100 * T), Act(200 * T), Tick(u64::MAX)], &[]);
    check("no timeout still honours a logout", IdleConfig::new(None), &[Out(HostRequest, 7)],
        &[(7, logout(HostRequest))]);
    check("timeout 0 fails closed", IdleConfig::new(Some(0)), &[], &[(0, logout(Idle))]);
    check("spurious wake-ups are no-ops", cfg(), &[Tick(1), Tick(1), Tick(MIN), Tick(4 * MIN - 1)], &[]);
}

#[test]
fn poll_timeout_follows_the_phases() {
    let mut m = IdleMachine::new(cfg(), 1_000);
    assert_eq!(m.poll_timeout(), Some(1_000 + T - W));
    m.handle_timeout(1_000 + T - W);
    assert_eq!(m.state(), IdleState::AwaitingServer);
    assert_eq!(m.poll_timeout(), Some(1_000 + T - W + SERVER_CHECK_WAIT_MS));
    m.handle_timeout(1_000 + T - W + SERVER_CHECK_WAIT_MS);
    assert_eq!(m.state(), IdleState::Warning);
    assert!(m.warning_shown());
    assert_eq!(m.poll_timeout(), Some(1_000 + T));
    m.handle_timeout(1_000 + T);
    assert_eq!(m.state(), IdleState::LoggedOut(Idle));
    assert_eq!(m.logout_reason(), Some(Idle));
    assert_eq!(m.poll_timeout(), None);
    let actions: Vec<_> = std::iter::from_fn(|| m.poll_action()).collect();
    assert_eq!(
        actions,
        [logout(Idle)],
        "Logout supersedes what was not polled"
    );
}

#[test]
fn activity_moves_the_deadline_but_not_the_timer() {
    let mut m = IdleMachine::new(cfg(), 0);
    assert_eq!(m.poll_timeout(), Some(T - W));
    for now in (1..=1_000).map(|i| i * 100) {
        m.handle_activity(now);
        assert_eq!(
            m.poll_timeout(),
            Some(T - W),
            "activity must not re-arm the timer"
        );
    }
    assert_eq!(m.last_activity_ms(), 100_000);
    assert_eq!(m.expiry_ms(), Some(100_000 + T));
    m.handle_timeout(T - W); // fires at the old deadline: nothing due, re-arm once
    assert_eq!(m.poll_action(), None);
    assert_eq!(m.poll_timeout(), Some(100_000 + T - W));
    assert_eq!(m.remaining_ms(T - W), Some(100_000 + W));
}

#[test]
#[rustfmt::skip]
fn activity_and_warnings() {
    check("activity before the warning: a fresh period", cfg(), &[Act(MIN), Tick(4 * MIN), Tick(5 * MIN)],
        &[(5 * MIN, CHECK)]);
    check("activity during the warning clears it", cfg(),
        &[Tick(4 * MIN), Tick(4 * MIN + 3_000), Act(4 * MIN + 10_000), Tick(T), Tick(8 * MIN + 9_999)],
        &[(4 * MIN, CHECK), (4 * MIN + 3_000, warn(W - 3_000)), (4 * MIN + 10_000, CLEARED)]);
    check("after a cleared warning, the next one comes a full period later", cfg(),
        &[Tick(4 * MIN), Server(None, 4 * MIN), Act(4 * MIN + 10_000), Tick(T), Tick(8 * MIN + 10_000),
          Server(None, 8 * MIN + 10_000), Tick(9 * MIN + 10_000)],
        &[(4 * MIN, CHECK), (4 * MIN, warn(W)), (4 * MIN + 10_000, CLEARED), (8 * MIN + 10_000, CHECK),
          (8 * MIN + 10_000, warn(W)), (9 * MIN + 10_000, logout(Idle))]);
    check("activity while waiting for the server: no warning, the late answer is ignored", cfg(),
        &[Tick(4 * MIN), Act(4 * MIN + 1_000), Server(None, 4 * MIN + 2_000), Tick(4 * MIN + 3_000)],
        &[(4 * MIN, CHECK)]);
    check("activity after expiry does not revive: logout first", cfg(), &[Act(T), Act(T + 1)],
        &[(T, logout(Idle))]);
    check("activity after a late expiry: slept", cfg(), &[Act(T + 5_001)], &[(T + 5_001, logout(Slept))]);
}

#[test]
#[rustfmt::skip]
fn the_server_deadline() {
    let w = 4 * MIN;
    check("no answer: warn after the bounded wait", cfg(), &[Tick(w), Tick(w + SERVER_CHECK_WAIT_MS)],
        &[(w, CHECK), (w + SERVER_CHECK_WAIT_MS, warn(W - SERVER_CHECK_WAIT_MS))]);
    check("failed request: warn now", cfg(), &[Tick(w), Server(None, w + 10)], &[(w, CHECK), (w + 10, warn(W - 10))]);
    check("same deadline: warn", cfg(), &[Tick(w), Server(Some(T), w)], &[(w, CHECK), (w, warn(W))]);
    check("earlier deadline: warn as planned", cfg(), &[Tick(w), Server(Some(T - 30_000), w)],
        &[(w, CHECK), (w, warn(W))]);
    check("later by clock skew only: warn", cfg(), &[Tick(w), Server(Some(T + MIN_SERVER_EXTENSION_MS), w)],
        &[(w, CHECK), (w, warn(W))]);
    let m = check("later: extend instead of warning", cfg(),
        &[Tick(w), Server(Some(T + 2 * MIN), w + 50), Tick(w + 3_000), Tick(w + 2 * MIN),
          Server(None, w + 2 * MIN)],
        &[(w, CHECK), (w + 2 * MIN, CHECK), (w + 2 * MIN, warn(W))]);
    assert_eq!(m.expiry_ms(), Some(T + 2 * MIN));
    check("later than any use up to now explains: not trusted, warn", cfg(),
        &[Tick(w), Server(Some(w + T + MIN_SERVER_EXTENSION_MS + 1), w)], &[(w, CHECK), (w, warn(W))]);
    check("a bogus far-future deadline: warn", cfg(), &[Tick(w), Server(Some(u64::MAX), w)], &[(w, CHECK), (w, warn(W))]);
    let m = check("used just now elsewhere: a full period from now", cfg(),
        &[Tick(w), Server(Some(w + T), w + 100)], &[(w, CHECK)]);
    assert_eq!(m.expiry_ms(), Some(w + T));
    let m = check("within the skew tolerance above now + timeout: capped at now + timeout", cfg(),
        &[Tick(w), Server(Some(w + T + MIN_SERVER_EXTENSION_MS), w)], &[(w, CHECK)]);
    assert_eq!(m.expiry_ms(), Some(w + T));
    check("later, out of the window: no warning, a check at the new warning point", cfg(),
        &[Tick(w), Server(Some(T + 20_000), w), Tick(w + 20_000)], &[(w, CHECK), (w + 20_000, CHECK)]);
    check("later, but still inside the window: warn with the true remaining time", cfg(),
        &[Tick(w), Tick(w + 2_000), Server(Some(T + 20_000), w + 30_000)],
        &[(w, CHECK), (w + 30_000, warn(50_000))]);
    check("a late answer during the warning clears it", cfg(),
        &[Tick(w), Tick(w + 3_000), Server(Some(T + 2 * MIN), w + 4_000)],
        &[(w, CHECK), (w + 3_000, warn(W - 3_000)), (w + 4_000, CLEARED)]);
    check("an unsolicited answer is ignored", cfg(), &[Server(Some(T + 3 * MIN), MIN), Tick(w)], &[(w, CHECK)]);
    check("the wait is capped at half a short warning", cfg().with_warning_ms(2_000),
        &[Tick(T - 2_000), Tick(T - 1_000), Tick(T)],
        &[(T - 2_000, CHECK), (T - 1_000, warn(1_000)), (T, logout(Idle))]);
    check("a 1 ms warning warns at once", cfg().with_warning_ms(1), &[Tick(T - 1)],
        &[(T - 1, CHECK), (T - 1, warn(1))]);
}

#[test]
#[rustfmt::skip]
fn sleeping_and_waking() {
    check("woke just inside the tolerance: idle", cfg(), &[Tick(T + 5_000)], &[(T + 5_000, logout(Idle))]);
    check("woke after expiry: slept, never a warning", cfg(), &[Tick(T + 5_001)], &[(T + 5_001, logout(Slept))]);
    check("woke hours later: slept", cfg(), &[Tick(T + 3_600_000)], &[(T + 3_600_000, logout(Slept))]);
    check("woke during the server wait, after expiry: slept", cfg(), &[Tick(4 * MIN), Tick(T + 60_000)],
        &[(4 * MIN, CHECK), (T + 60_000, logout(Slept))]);
    check("woke inside the warning window: check, then the true remaining time", cfg(),
        &[Tick(4 * MIN + 45_000), Server(None, 4 * MIN + 45_200)],
        &[(4 * MIN + 45_000, CHECK), (4 * MIN + 45_200, warn(W - 45_200))]);
    check("custom tolerance", cfg().with_slept_tolerance_ms(0), &[Tick(T + 1)], &[(T + 1, logout(Slept))]);
    check("a frozen tab learns first that another kept the session alive", cfg(),
        &[Remote(T + MIN, T + 2 * MIN), Tick(T + 2 * MIN)], &[]);
    check("a frozen tab whose last news is too old: slept", cfg(),
        &[Remote(MIN, T + 2 * MIN)], &[(T + 2 * MIN, logout(Slept))]);
}

#[test]
#[rustfmt::skip]
fn other_tabs() {
    let m = check("older remote activity is ignored", cfg(), &[Act(MIN), Remote(MIN - 1, MIN + 1)], &[]);
    assert_eq!(m.last_activity_ms(), MIN);
    let m = check("newer remote activity counts", cfg(), &[Remote(MIN, MIN + 5)], &[]);
    assert_eq!(m.last_activity_ms(), MIN);
    // A time from the future is invalid: ignored, never clamped to now (which would keep the
    // session alive for ever); within the tolerance it counts as now.
    let m = check("far-future remote activity is ignored", cfg(), &[Remote(u64::MAX, MIN)], &[]);
    assert_eq!(m.last_activity_ms(), 0);
    let m = check("remote activity beyond the tolerance is ignored", cfg(), &[Remote(MIN + 5_001, MIN)], &[]);
    assert_eq!(m.last_activity_ms(), 0);
    let m = check("remote activity within the tolerance counts as now", cfg(), &[Remote(MIN + 5_000, MIN)], &[]);
    assert_eq!(m.last_activity_ms(), MIN);
    let no_warning = IdleConfig::new(Some(T)).with_warning_ms(0);
    check("a stream of future activity never keeps the session alive", no_warning,
        &[Remote(MIN * 100, MIN), Remote(MIN * 100, 2 * MIN), Remote(MIN * 100, 3 * MIN), Tick(T)],
        &[(T, logout(LogoutReason::Idle))]);
    check("remote activity during the warning clears it", cfg(),
        &[Tick(4 * MIN), Server(None, 4 * MIN), Remote(4 * MIN + 1_000, 4 * MIN + 1_500)],
        &[(4 * MIN, CHECK), (4 * MIN, warn(W)), (4 * MIN + 1_500, CLEARED)]);
    check("old remote activity inside the window updates the countdown", cfg(),
        &[Tick(4 * MIN + 10_000), Server(None, 4 * MIN + 10_000), Remote(5_000, 4 * MIN + 11_000)],
        &[(4 * MIN + 10_000, CHECK), (4 * MIN + 10_000, warn(W - 10_000)), (4 * MIN + 11_000, warn(W - 6_000))]);
    check("other tab logged out", cfg(), &[Out(OtherTab, MIN)], &[(MIN, logout(OtherTab))]);
    check("a 401", cfg(), &[Out(ServerRevoked, MIN)], &[(MIN, logout(ServerRevoked))]);
    check("logout exactly once", cfg(),
        &[Out(HostRequest, MIN), Out(OtherTab, MIN + 1), Tick(T), Act(T + 1), Remote(T + 2, T + 2),
          Server(Some(T * 9), T + 3), Cfg(cfg().with_warning_ms(0), T + 4), Tick(100 * T)],
        &[(MIN, logout(HostRequest))]);
    check("own expiry passed first: own reason wins", cfg(), &[Out(OtherTab, T + MIN)],
        &[(T + MIN, logout(Slept))]);
    check("logout supersedes an unpolled warning", cfg(), &[Tick(4 * MIN)], &[(4 * MIN, CHECK)]);
    let mut m = IdleMachine::new(cfg(), 0);
    m.handle_timeout(4 * MIN);
    m.handle_server_deadline(None, 4 * MIN);
    m.handle_logout(HostRequest, 4 * MIN + 1);
    assert_eq!(m.poll_action(), Some(logout(HostRequest)));
    assert_eq!(m.poll_action(), None);
}

#[test]
#[rustfmt::skip]
fn tabs_opened_later() {
    let m = check_from("starts from the shared last activity", cfg(), MIN, 3 * MIN, &[Tick(5 * MIN)],
        &[(5 * MIN, CHECK)]);
    assert_eq!(m.expiry_ms(), Some(6 * MIN));
    check_from("opened inside the window: checks at once", cfg(), 0, 4 * MIN + 1, &[], &[(4 * MIN + 1, CHECK)]);
    check_from("opened after the shared expiry: idle at once, not slept", cfg(), 0, 10 * T, &[],
        &[(10 * T, logout(Idle))]);
    let m = check_from("a shared value in the future is clamped", cfg(), u64::MAX, MIN, &[], &[]);
    assert_eq!(m.last_activity_ms(), MIN);
}

#[test]
#[rustfmt::skip]
fn policy_changes() {
    check("shorter timeout, already idle too long: idle at once", cfg(),
        &[Cfg(IdleConfig::new(Some(2 * MIN)), 3 * MIN)], &[(3 * MIN, logout(Idle))]);
    check("shorter timeout re-arms earlier", cfg(),
        &[Cfg(IdleConfig::new(Some(2 * MIN)).with_warning_ms(0), MIN), Tick(2 * MIN)], &[(2 * MIN, logout(Idle))]);
    check("longer timeout during the warning clears it", cfg(),
        &[Tick(4 * MIN), Server(None, 4 * MIN), Cfg(IdleConfig::new(Some(3 * T)), 4 * MIN + 1)],
        &[(4 * MIN, CHECK), (4 * MIN, warn(W)), (4 * MIN + 1, CLEARED)]);
    check("no timeout any more clears the warning", cfg(),
        &[Tick(4 * MIN), Server(None, 4 * MIN), Cfg(IdleConfig::new(None), 4 * MIN + 1), Tick(100 * T)],
        &[(4 * MIN, CHECK), (4 * MIN, warn(W)), (4 * MIN + 1, CLEARED)]);
    check("warning switched off during the warning clears it", cfg(),
        &[Tick(4 * MIN), Server(None, 4 * MIN), Cfg(cfg().with_warning_ms(0), 4 * MIN + 1), Tick(T)],
        &[(4 * MIN, CHECK), (4 * MIN, warn(W)), (4 * MIN + 1, CLEARED), (T, logout(Idle))]);
    check("longer warning during the warning updates the countdown", cfg(),
        &[Tick(4 * MIN), Server(None, 4 * MIN), Cfg(cfg().with_warning_ms(2 * MIN), 4 * MIN + 1)],
        &[(4 * MIN, CHECK), (4 * MIN, warn(W)), (4 * MIN + 1, warn(W - 1))]);
    check("longer warning moves the warning point", cfg(),
        &[Cfg(cfg().with_warning_ms(2 * MIN), MIN), Tick(3 * MIN)], &[(3 * MIN, CHECK)]);
    check("the same config is a no-op", cfg(), &[Tick(4 * MIN), Server(None, 4 * MIN), Cfg(cfg(), 4 * MIN + 1)],
        &[(4 * MIN, CHECK), (4 * MIN, warn(W))]);
    check("a timeout appears", IdleConfig::new(None),
        &[Act(MIN), Cfg(cfg().with_warning_ms(0), 2 * MIN), Tick(6 * MIN)],
        &[(6 * MIN, logout(Idle))]);
}

#[test]
#[rustfmt::skip]
fn clock_going_backwards() {
    const B: u64 = 100 * MIN;
    let m = check_from("activity at an earlier reading counts from that reading", cfg(), B, B,
        &[Act(B + 3 * MIN), Act(B + MIN)], &[]);
    assert_eq!(m.last_activity_ms(), B + MIN);
    assert_eq!(m.remaining_ms(B + MIN), Some(T));
    let m = check_from("a step back keeps the idle time already elapsed", cfg(), B, B,
        &[Tick(B + 3 * MIN), Tick(B + 2 * MIN)], &[]);
    assert_eq!(m.expiry_ms(), Some(B + 4 * MIN));
    assert_eq!(m.remaining_ms(B + 2 * MIN), Some(2 * MIN));
    check_from("an hour back: logged out after the same real idle time", cfg(), B, B,
        &[Tick(B + 2 * MIN), Tick(B - 58 * MIN), Tick(B - 56 * MIN), Server(None, B - 56 * MIN), Tick(B - 55 * MIN)],
        &[(B - 56 * MIN, CHECK), (B - 56 * MIN, warn(W)), (B - 55 * MIN, logout(Idle))]);
    check_from("back during the warning: the countdown goes on", cfg(), B, B,
        &[Tick(B + 4 * MIN), Server(None, B + 4 * MIN), Tick(B + MIN), Tick(B + 2 * MIN)],
        &[(B + 4 * MIN, CHECK), (B + 4 * MIN, warn(W)), (B + 2 * MIN, logout(Idle))]);
    check_from("back during the server wait", cfg(), B, B,
        &[Tick(B + 4 * MIN), Tick(B + MIN), Tick(B + MIN + SERVER_CHECK_WAIT_MS)],
        &[(B + 4 * MIN, CHECK), (B + MIN + SERVER_CHECK_WAIT_MS, warn(W - SERVER_CHECK_WAIT_MS))]);
    check("back past the epoch saturates without a panic", cfg(), &[Tick(4 * MIN - 1), Tick(MIN), Tick(T - 1)],
        &[(T - 1, CHECK)]);
    let mut m = IdleMachine::new(cfg(), B);
    m.handle_activity(B + 3 * MIN);
    m.handle_timeout(B + T - W);
    assert_eq!(m.poll_timeout(), Some(B + 3 * MIN + T - W));
    m.handle_activity(B + MIN); // 4 minutes back, then activity
    assert_eq!(m.poll_timeout(), Some(B + MIN + T - W), "re-armed earlier");
    let m = IdleMachine::new(cfg(), 10 * MIN);
    assert_eq!(m.remaining_ms(0), Some(T), "remaining is capped at the timeout");
    let m = IdleMachine::with_last_activity(cfg(), B + 60 * MIN, B);
    assert_eq!(m.remaining_ms(B), Some(T), "a shared value from before a step back");
}

#[test]
#[rustfmt::skip]
fn extreme_values_never_panic() {
    check("timeout u64::MAX", IdleConfig::new(Some(u64::MAX)),
        &[Act(T), Tick(u64::MAX / 2), Remote(u64::MAX, u64::MAX / 2), Server(Some(u64::MAX), u64::MAX / 2)], &[]);
    check("the end of time saturates", IdleConfig::new(Some(u64::MAX)),
        &[Act(u64::MAX - 1), Tick(u64::MAX), Act(u64::MAX)],
        &[(u64::MAX - 1, CHECK), (u64::MAX, logout(Idle))]);
    check_from("start near u64::MAX", cfg(), u64::MAX - 10, u64::MAX - 10, &[Tick(u64::MAX), Act(u64::MAX)],
        &[(u64::MAX - 10, CHECK), (u64::MAX, logout(Idle))]);
    check("everything at zero", cfg(), &[Act(0), Remote(0, 0), Tick(0), Server(Some(0), 0)], &[]);
    check_from("start at the very end", cfg().with_slept_tolerance_ms(u64::MAX), u64::MAX, u64::MAX,
        &[Tick(u64::MAX), Act(0)], &[(u64::MAX, logout(Idle))]);
    let huge = IdleConfig { timeout_ms: Some(T), warning_ms: u64::MAX, slept_tolerance_ms: u64::MAX, max_hold_ms: u64::MAX };
    check("huge warning and tolerance", huge,
        &[Tick(u64::MAX)], &[(u64::MAX, logout(Idle))]);
}

#[test]
fn config_helpers() {
    assert_eq!(IdleConfig::default(), IdleConfig::new(None));
    assert_eq!(IdleConfig::default().effective_warning_ms(), None);
    assert_eq!(cfg().effective_warning_ms(), Some(W));
    assert_eq!(cfg().with_warning_ms(0).effective_warning_ms(), None);
    assert_eq!(cfg().with_warning_ms(T).effective_warning_ms(), None);
    assert_eq!(
        IdleMachine::new(IdleConfig::new(None), 5).remaining_ms(6),
        None
    );
}
