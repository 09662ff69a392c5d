//! What the preview's history and its replays allocate, measured by a counting allocator: a
//! session's calls and a user's routing changes never take more room than their bounds; a
//! preview copies one part of the history at a time, never the whole day, and previews side by
//! side take turns.

use std::sync::{Arc, Mutex};

use inactivity_server::preview::{
    replay_in_parts, History, HistoryLimits, ReplayGate, SessionId, SessionUser, Templates, DAY_MS,
    PART_CALLS,
};
use inactivity_server::settings::Settings;
use inactivity_server::tracker_core::Policy;

mod counting;

use counting::{in_use, mine, peak, reset_peak};

/// The tests measure the whole process: one at a time.
static SERIAL: Mutex<()> = Mutex::new(());

const T0: u64 = 1_800_000_000_000;

fn history(limits: HistoryLimits) -> History {
    let catalog = [
        "api/v2/routing/queues",
        "api/v2/conversations",
        "api/v2/users/me",
    ];
    History::new(
        Templates::new(catalog.iter().map(|s| (*s).to_owned())).unwrap(),
        limits,
    )
}

fn user(id: &str) -> Arc<SessionUser> {
    Arc::new(SessionUser {
        id: id.to_owned(),
        groups: Vec::new(),
    })
}

#[test]
fn a_full_session_takes_the_room_of_its_bound_and_no_more() {
    let _serial = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    let limits = HistoryLimits::default();
    let mut h = history(limits);
    let agent = user("agent");
    h.start_session(SessionId(1), agent, false, T0, T0 + DAY_MS);

    let before = mine();
    for i in 0..3 * limits.calls_per_session as u64 {
        h.record_call(SessionId(1), "/api/v2/routing/queues", T0 + i);
    }
    let calls = mine() - before;
    assert_eq!(h.call_count(SessionId(1)), Some(limits.calls_per_session));
    // 4,096 calls of 6 bytes: a 32-bit time and a 16-bit template.
    let bound = (limits.calls_per_session * 6) as isize;
    assert!(
        calls <= bound,
        "{} calls take {calls} bytes, more than {bound}",
        limits.calls_per_session
    );

    let before = mine();
    for i in 0..3 * limits.routing_changes_per_user as u64 {
        h.routing_changed("agent", i % 2 == 0, T0 + i);
    }
    let changes = mine() - before;
    let bound = (limits.routing_changes_per_user * std::mem::size_of::<(u64, bool)>()) as isize;
    assert!(
        changes <= bound,
        "{} routing changes take {changes} bytes, more than {bound}",
        limits.routing_changes_per_user
    );
}

#[test]
fn a_preview_holds_one_part_of_the_history_and_previews_take_turns() {
    let _serial = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    const SESSIONS: u64 = 100;
    const CALLS: u64 = 4_096;
    let mut h = history(HistoryLimits::default());
    for s in 0..SESSIONS {
        h.start_session(
            SessionId(s + 1),
            user(&format!("u{s}")),
            false,
            T0,
            T0 + DAY_MS,
        );
        for c in 0..CALLS {
            let path = ["/api/v2/routing/queues", "/api/v2/conversations"][(c % 2) as usize];
            h.record_call(SessionId(s + 1), path, T0 + c * 1_000);
        }
    }
    let now = T0 + CALLS * 1_000;
    let copy_bytes = |max_calls| {
        let before = in_use();
        let snapshot = h.snapshot_part(now - DAY_MS, now, None, max_calls);
        let bytes = in_use() - before;
        assert!(!snapshot.sessions.is_empty());
        bytes
    };
    let (day, part) = (copy_bytes(usize::MAX), copy_bytes(PART_CALLS));
    assert!(day > (SESSIONS * CALLS * 6) as usize, "{day}");
    assert!(
        part * 4 < day,
        "a part ({part} B) is a small piece of the day ({day} B)"
    );

    let history = Arc::new(Mutex::new(h));
    let policy: Policy = Settings::default().compile().unwrap();
    let gate = ReplayGate::new();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let baseline = reset_peak();
    let previews: Vec<usize> = runtime.block_on(async {
        let tasks: Vec<_> = (0..4)
            .map(|_| {
                let (gate, history, policy) = (gate.clone(), history.clone(), policy.clone());
                tokio::spawn(async move {
                    gate.run(move || {
                        let copy_part = |after| {
                            history.lock().unwrap().snapshot_part(
                                now - DAY_MS,
                                now,
                                after,
                                PART_CALLS,
                            )
                        };
                        replay_in_parts(copy_part, &policy, &policy).sessions
                    })
                    .await
                    .unwrap()
                })
            })
            .collect();
        let mut done = Vec::new();
        for task in tasks {
            done.push(task.await.unwrap());
        }
        done
    });
    assert_eq!(previews, vec![SESSIONS as usize; 4]);
    let peak = peak() - baseline;
    eprintln!(
        "the day's copy: {day} B; a part: {part} B; four previews at once peaked at +{peak} B"
    );
    assert!(
        peak < part * 3 / 2,
        "four previews at once peaked at {peak} bytes above the baseline; a part is {part}, the day {day}"
    );
}
