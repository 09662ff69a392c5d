//! Holds across tabs, for any schedule: a session never logs out (nor warns) while a live hold
//! exists in one of its tabs, and always logs out once every hold has had its max duration and
//! the timeout has passed. Keep-alives during holds are never closer than half a timeout, and a
//! tab makes one more call only when its last hold ends.
//!
//! A hold is live from its begin (plus one second: the other tabs hear of it within the channel's
//! delay) until it is released, reaches its max duration, or its tab closes or crashes.

use inactivity_core::idle::{Action, HoldId};
use proptest::prelude::*;

use crate::sim::*;

#[derive(Clone, Debug)]
enum Step {
    /// A counted call in tab `n`.
    Act(usize),
    /// A hold begins in tab `n`.
    Hold(usize),
    /// Tab `n` releases its `k`-th active hold.
    Release(usize, usize),
    /// Tab `n` closes (goodbye) / crashes (no word).
    Close(usize),
    Crash(usize),
    /// A tab opens.
    Open,
}

fn step() -> impl Strategy<Value = Step> {
    prop_oneof![
        3 => (0usize..4).prop_map(Step::Act),
        4 => (0usize..4).prop_map(Step::Hold),
        3 => (0usize..4, 0usize..3).prop_map(|(n, k)| Step::Release(n, k)),
        1 => (0usize..4).prop_map(Step::Close),
        1 => (0usize..4).prop_map(Step::Crash),
        1 => Just(Step::Open),
    ]
}

fn gap() -> impl Strategy<Value = u64> {
    prop_oneof![0u64..2 * SEC, 0u64..3 * MIN, 0u64..40 * MIN]
}

/// A hold of the model: its tab, number, begin, and when it stopped being live.
struct Modeled {
    tab: usize,
    id: HoldId,
    begin: u64,
    end: u64,
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 96, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn never_a_logout_while_a_live_hold_exists_and_always_one_after_max_hold_plus_timeout(
        max_hold in prop_oneof![Just(MIN), Just(10 * MIN), Just(45 * MIN)],
        steps in prop::collection::vec((gap(), step()), 1..24),
    ) {
        let mut sim = Sim::new(config().with_max_hold_ms(max_hold));
        sim.open_tab();
        sim.open_tab();
        let mut holds: Vec<Modeled> = Vec::new();
        for (gap, step) in steps {
            let now = sim.now + gap;
            sim.run_until(now);
            let open: Vec<usize> = (0..sim.tabs.len()).filter(|&i| sim.runs(i)).collect();
            let pick = |n: usize| open.get(n % open.len().max(1)).copied();
            match step {
                Step::Act(n) => if let Some(i) = pick(n) { sim.activity(i) },
                Step::Hold(n) => if let Some(i) = pick(n) {
                    if let Some(id) = sim.try_hold(i, "call") {
                        holds.push(Modeled { tab: i, id, begin: now, end: now + max_hold });
                    }
                },
                Step::Release(n, k) => if let Some(i) = pick(n) {
                    let active: Vec<usize> = (0..holds.len())
                        .filter(|&h| holds[h].tab == i && holds[h].end > now)
                        .collect();
                    if let Some(&h) = active.get(k % active.len().max(1)) {
                        sim.release(i, holds[h].id);
                        holds[h].end = now;
                    }
                },
                Step::Close(n) | Step::Crash(n) => if let Some(i) = pick(n) {
                    if matches!(step, Step::Close(_)) { sim.close(i) } else { sim.crash(i) }
                    for h in holds.iter_mut().filter(|h| h.tab == i) {
                        h.end = h.end.min(now);
                    }
                },
                Step::Open => if sim.tabs.len() < 5 { sim.open_tab(); },
            }
        }
        let last = sim.now;
        sim.run_until(last + max_hold + T + 10 * SEC);

        let live_at = |t: u64| holds.iter().any(|h| h.begin + SEC <= t && t < h.end);
        for (i, tab) in sim.tabs.iter().enumerate() {
            for (t, action) in &tab.actions {
                if matches!(action, Action::Logout { .. } | Action::Warn { .. }) {
                    prop_assert!(!live_at(*t), "tab {}: {:?} at {} while a hold is live", i, action, t);
                }
            }
            for pair in tab.keep_alives.windows(2) {
                prop_assert!(pair[1] - pair[0] >= T / 2, "tab {}: keep-alives at {:?}", i, pair);
            }
            let own = holds.iter().filter(|h| h.tab == i).count();
            prop_assert!(tab.end_calls.len() <= own, "tab {}: {} calls at hold ends, {} holds", i, tab.end_calls.len(), own);
            if !tab.closed {
                let at = tab.logout_time();
                prop_assert!(at.is_some_and(|at| at <= last + max_hold + T + 2 * SEC),
                    "tab {}: logged out at {:?}, last step at {}", i, at, last);
            }
        }
    }
}
