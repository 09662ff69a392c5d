//! The activity throttle, table-driven: inputs at times, the broadcasts expected as
//! `(sent at, activity time carried)`.

use inactivity_core::tabs::{ActivityThrottle, ACTIVITY_BROADCAST_INTERVAL_MS};

#[derive(Clone, Copy, Debug)]
enum Ev {
    Act(u64),
    Tick(u64),
}
use Ev::*;

fn check(interval: u64, events: &[Ev], expected: &[(u64, u64)]) {
    let mut throttle = ActivityThrottle::new(interval);
    let mut sent = Vec::new();
    for &ev in events {
        let (now, out) = match ev {
            Act(now) => (now, throttle.on_activity(now)),
            Tick(now) => (now, throttle.handle_timeout(now)),
        };
        sent.extend(out.map(|at| (now, at)));
    }
    assert_eq!(sent, expected, "interval {interval}, {events:?}");
}

#[test]
#[rustfmt::skip]
fn leading_and_trailing_sends() {
    check(1_000, &[Act(0)], &[(0, 0)]);
    check(1_000, &[Act(0), Act(1_000)], &[(0, 0), (1_000, 1_000)]);
    check(1_000, &[Act(0), Act(999), Tick(1_000)], &[(0, 0), (1_000, 999)]);
    check(1_000, &[Act(0), Act(300), Act(700), Tick(999), Tick(1_000), Tick(1_001)], &[(0, 0), (1_000, 700)]);
    check(1_000, &[Act(0), Act(500), Tick(1_000), Act(1_200), Tick(2_000)], &[(0, 0), (1_000, 500), (2_000, 1_200)]);
    check(1_000, &[Act(0), Act(500), Tick(1_000), Act(2_500)], &[(0, 0), (1_000, 500), (2_500, 2_500)]);
    check(1_000, &[Act(0), Act(500), Tick(5_000)], &[(0, 0), (5_000, 500)]); // a late timer still sends
    check(1_000, &[Act(0), Act(500), Act(1_500)], &[(0, 0), (1_500, 1_500)]); // a newer send supersedes
    check(1_000, &[Tick(0), Tick(10_000)], &[]);
    check(1_000, &[Act(0), Tick(1_000)], &[(0, 0)]); // nothing pending: no trailing send
    check(0, &[Act(0), Act(0), Act(1)], &[(0, 0), (0, 0), (1, 1)]);
}

#[test]
#[rustfmt::skip]
fn odd_clocks() {
    check(1_000, &[Act(5_000), Act(100)], &[(5_000, 5_000), (100, 100)]); // stepped back: send at once
    check(1_000, &[Act(5_000), Act(5_500), Tick(100)], &[(5_000, 5_000), (100, 100)]);
    // The window end saturates at u64::MAX: the end of time closes the window.
    check(1_000, &[Act(u64::MAX - 10), Act(u64::MAX), Tick(u64::MAX)], &[(u64::MAX - 10, u64::MAX - 10), (u64::MAX, u64::MAX)]);
}

#[test]
fn poll_timeout_only_when_something_is_pending() {
    let mut t = ActivityThrottle::default();
    assert_eq!(t.poll_timeout(), None);
    assert_eq!(t.on_activity(10), Some(10));
    assert_eq!(t.poll_timeout(), None);
    assert_eq!(t.on_activity(20), None);
    assert_eq!(t.poll_timeout(), Some(10 + ACTIVITY_BROADCAST_INTERVAL_MS));
    assert_eq!(
        t.handle_timeout(10 + ACTIVITY_BROADCAST_INTERVAL_MS),
        Some(20)
    );
    assert_eq!(t.poll_timeout(), None);
}

#[test]
fn ten_thousand_requests_in_ten_minutes() {
    let mut t = ActivityThrottle::default();
    let mut sends = Vec::new();
    let mut last_activity = 0;
    for i in 0..10_000u64 {
        let now = i * 60; // one request every 60 ms
        if let Some(deadline) = t.poll_timeout() {
            if deadline <= now {
                sends.extend(t.handle_timeout(deadline).map(|at| (deadline, at)));
            }
        }
        sends.extend(t.on_activity(now).map(|at| (now, at)));
        last_activity = now;
    }
    if let Some(deadline) = t.poll_timeout() {
        sends.extend(t.handle_timeout(deadline).map(|at| (deadline, at)));
    }
    assert!(sends.len() <= 601, "{} broadcasts", sends.len());
    assert!(sends
        .windows(2)
        .all(|w| w[1].0 - w[0].0 >= ACTIVITY_BROADCAST_INTERVAL_MS));
    assert_eq!(
        sends.last().unwrap().1,
        last_activity,
        "the last activity is never lost"
    );
}
