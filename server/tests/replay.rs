//! The preview's history and replay, natively (no HTTP): what keeps sessions alive, what a
//! draft would change, and the history's bounds.

use std::sync::Arc;

use inactivity_server::preview::{
    replay, replay_in_parts, History, HistoryLimits, Preview, Resetter, SessionId, SessionUser,
    SignedOut, Templates, DAY_MS, MAX_EXTRA_PATHS_PER_USER, OUTSIDE_CATALOG,
};
use inactivity_server::settings::Settings;
use inactivity_server::tracker_core::Policy;
use serde_json::{json, Value};

const MIN: u64 = 60_000;
const T0: u64 = 1_800_000_000_000;

const CATALOG: &[&str] = &[
    "api/v2/routing/queues",
    "api/v2/conversations",
    "api/v2/users/me",
    "api/v2/users/{userId}",
    "api/v2/users/{userId}/routingstatus",
    "api/v2/featuretoggles",
];

fn history(limits: HistoryLimits) -> History {
    History::new(
        Templates::new(CATALOG.iter().map(|s| (*s).to_owned())).unwrap(),
        limits,
    )
}

fn user(id: &str, groups: &[&str]) -> Arc<SessionUser> {
    Arc::new(SessionUser {
        id: id.to_owned(),
        groups: groups.iter().map(|g| (*g).to_owned()).collect(),
    })
}

/// A policy from the platform's JSON: an org-wide timeout in minutes (None: off), these
/// exclusions, optional group bundles.
fn policy(minutes: Option<u32>, exclusions: &[&str], bundles: Value) -> Policy {
    let groups_on = bundles.as_array().is_some_and(|b| !b.is_empty());
    Settings {
        idle_token_timeout: json!({
            "enableIdleTokenTimeout": minutes.is_some(),
            "idleTokenTimeoutSeconds": minutes.unwrap_or(10) * 60,
            "inactivityTimeoutGroupsEnabled": groups_on,
            "inactivityTimeoutGroupBundles": bundles,
        }),
        auth_settings: json!({ "inactivityTimeoutExclusions": exclusions })
            .as_object()
            .unwrap()
            .clone(),
        hipaa: false,
    }
    .compile()
    .unwrap_or_else(|e| panic!("{e:?}"))
}

const DEFAULTS: &[&str] = &["api/v2/featuretoggles", "api/v2/users/me"];

fn with(extra: &str) -> Vec<&str> {
    let mut list = DEFAULTS.to_vec();
    list.push(extra);
    list
}

/// The replay of the window, checked to be the same whole and in parts of any size (the server
/// replays in parts of `PART_CALLS`).
fn run(h: &History, now: u64, hours: u64, current: &Policy, draft: &Policy) -> Preview {
    let start = now - hours * 60 * MIN;
    let whole = replay(&h.snapshot(start, now), current, draft);
    for part_calls in [1, 7, 50] {
        let copy_part = |after| h.snapshot_part(start, now, after, part_calls);
        let parted = replay_in_parts(copy_part, current, draft);
        assert_eq!(parted, whole, "in parts of {part_calls} calls");
    }
    whole
}

fn resetter(path: &str, calls: u64, sessions: u64, excluded_by_draft: bool) -> Resetter {
    Resetter {
        path: path.to_owned(),
        calls,
        sessions,
        excluded_by_draft,
    }
}

/// The agent: signs in at T0, goes On Queue a minute later (a counted PUT), then only a poller
/// of the queues every 4 minutes, 15 times; a look-up of itself (excluded) every minute.
fn agent_with_a_poller(h: &mut History) -> SessionId {
    let id = SessionId(1);
    h.start_session(id, user("agent", &["agents"]), false, T0, T0 + DAY_MS);
    h.record_call(id, "/api/v2/users/agent/routingstatus", T0 + MIN);
    h.routing_changed("agent", true, T0 + MIN);
    for i in 1..=15 {
        h.record_call(id, "/api/v2/routing/queues", T0 + MIN + i * 4 * MIN);
    }
    for i in 2..=60 {
        h.record_call(id, "/api/v2/users/me", T0 + i * MIN);
    }
    id
}

#[test]
fn a_poller_keeps_a_session_alive_and_a_draft_that_excludes_it_signs_it_out_on_queue() {
    let mut h = history(HistoryLimits::default());
    agent_with_a_poller(&mut h);
    let now = T0 + 70 * MIN;
    let current = policy(Some(10), DEFAULTS, json!([]));

    // The same settings as a draft: nothing changes, and the poller is what keeps it alive.
    let same = run(&h, now, 24, &current, &current);
    assert_eq!(same.sessions, 1);
    assert_eq!(same.signed_out, vec![]);
    assert_eq!(
        same.resetters,
        vec![
            resetter("api/v2/routing/queues", 15, 1, false),
            resetter("api/v2/users/{userId}/routingstatus", 1, 1, false),
        ],
        "excluded calls (users/me) never reset a deadline"
    );

    // Excluding the poller: only the sign-in and the PUT count, so the session would have been
    // signed out 10 minutes after the PUT, while On Queue.
    let draft = policy(Some(10), &with("api/v2/routing/queues"), json!([]));
    let preview = run(&h, now, 24, &current, &draft);
    assert_eq!(
        preview.signed_out,
        vec![SignedOut {
            user_id: "agent".into(),
            at_ms: T0 + 11 * MIN,
            on_queue: true,
        }]
    );
    assert_eq!(
        preview.resetters[0],
        resetter("api/v2/routing/queues", 15, 1, true),
        "the resetters are those of the current settings, marked when the draft excludes them"
    );

    // A template entry in the draft (with its own parameter name) excludes the PUTs too.
    let draft = policy(
        Some(10),
        &with("api/v2/users/{id}/routingstatus"),
        json!([]),
    );
    let preview = run(&h, now, 24, &current, &draft);
    assert_eq!(preview.signed_out, vec![]);
    assert!(preview.resetters[1].excluded_by_draft);
}

#[test]
fn on_queue_is_the_status_at_the_moment_of_the_sign_out() {
    let mut h = history(HistoryLimits::default());
    // The supervisor goes On Queue, then Off Queue at +5 min (both counted PUTs), then polls.
    let id = SessionId(7);
    h.start_session(id, user("supervisor", &["sup"]), false, T0, T0 + DAY_MS);
    h.record_call(id, "/api/v2/users/supervisor/routingstatus", T0 + MIN);
    h.routing_changed("supervisor", true, T0 + MIN);
    h.record_call(id, "/api/v2/users/supervisor/routingstatus", T0 + 5 * MIN);
    h.routing_changed("supervisor", false, T0 + 5 * MIN);
    for i in 1..=10 {
        h.record_call(id, "/api/v2/routing/queues", T0 + 5 * MIN + i * 3 * MIN);
    }
    let now = T0 + 40 * MIN;
    let current = policy(Some(10), DEFAULTS, json!([]));
    let draft = policy(Some(10), &with("api/v2/routing/queues"), json!([]));
    let preview = run(&h, now, 24, &current, &draft);
    assert_eq!(
        preview.signed_out,
        vec![SignedOut {
            user_id: "supervisor".into(),
            at_ms: T0 + 15 * MIN,
            on_queue: false,
        }]
    );
    // The same user On Queue again before that moment: the answer follows the timeline.
    h.routing_changed("supervisor", true, T0 + 14 * MIN);
    h.routing_changed("supervisor", false, T0 + 16 * MIN);
    let preview = run(&h, now, 24, &current, &draft);
    assert!(preview.signed_out[0].on_queue);
}

#[test]
fn an_empty_history_changes_nothing() {
    let h = history(HistoryLimits::default());
    let current = policy(Some(10), DEFAULTS, json!([]));
    let draft = policy(Some(5), &[], json!([]));
    let preview = run(&h, T0, 24, &current, &draft);
    assert_eq!(
        preview,
        Preview {
            sessions: 0,
            signed_out: vec![],
            resetters: vec![],
        }
    );
}

#[test]
fn only_sessions_the_current_settings_did_not_sign_out_are_listed() {
    let mut h = history(HistoryLimits::default());
    // Idle for 20 minutes after the sign-in: the current 10 minutes sign it out (the server
    // revoked it then), a shorter draft would too — not news.
    h.start_session(SessionId(1), user("a", &[]), false, T0, T0 + DAY_MS);
    h.end_session(SessionId(1), T0 + 10 * MIN);
    // Signed out by the user after 7 idle minutes: a 5-minute draft would have been first.
    h.start_session(SessionId(2), user("b", &[]), true, T0, T0 + DAY_MS);
    h.end_session(SessionId(2), T0 + 7 * MIN);
    let now = T0 + 30 * MIN;
    let current = policy(Some(10), DEFAULTS, json!([]));
    let shorter = policy(Some(5), DEFAULTS, json!([]));
    let preview = run(&h, now, 24, &current, &shorter);
    assert_eq!(preview.sessions, 2);
    assert_eq!(
        preview.signed_out,
        vec![SignedOut {
            user_id: "b".into(),
            at_ms: T0 + 5 * MIN,
            on_queue: true,
        }]
    );
    // A longer draft signs out nobody that the current settings kept.
    let longer = policy(Some(30), DEFAULTS, json!([]));
    assert_eq!(run(&h, now, 24, &current, &longer).signed_out, vec![]);
}

#[test]
fn the_draft_is_resolved_per_user_like_enforcement() {
    let mut h = history(HistoryLimits::default());
    // Two users, each with a call every 8 minutes for an hour.
    for (n, (name, groups)) in [("agent", ["agents"]), ("supervisor", ["sup"])]
        .into_iter()
        .enumerate()
    {
        let id = SessionId(n as u64 + 1);
        h.start_session(id, user(name, &groups), false, T0, T0 + DAY_MS);
        for i in 1..=7 {
            h.record_call(id, "/api/v2/conversations", T0 + i * 8 * MIN);
        }
    }
    let now = T0 + 60 * MIN;
    let current = policy(Some(10), DEFAULTS, json!([]));
    // A draft with a 5-minute bundle for the supervisors only.
    let bundles = json!([{ "priority": 1, "timeoutSeconds": 300, "groups": ["sup"] }]);
    let draft = policy(Some(10), DEFAULTS, bundles);
    let preview = run(&h, now, 24, &current, &draft);
    assert_eq!(
        preview.signed_out,
        vec![SignedOut {
            user_id: "supervisor".into(),
            at_ms: T0 + 5 * MIN,
            on_queue: false,
        }]
    );
    // The org-wide timeout off and no bundle: nobody has a timeout, nobody is signed out.
    let none = policy(None, DEFAULTS, json!([]));
    assert_eq!(run(&h, now, 24, &none, &none).signed_out, vec![]);
}

#[test]
fn the_window_selects_sessions_and_the_calls_counted_as_resetters() {
    let mut h = history(HistoryLimits::default());
    // An old session that ended 3 hours ago, and one alive now; both poll every 5 minutes.
    h.start_session(SessionId(1), user("a", &[]), false, T0, T0 + DAY_MS);
    h.start_session(SessionId(2), user("b", &[]), false, T0, T0 + DAY_MS);
    for i in 1..=60 {
        if i <= 24 {
            h.record_call(SessionId(1), "/api/v2/conversations", T0 + i * 5 * MIN);
        }
        h.record_call(SessionId(2), "/api/v2/conversations", T0 + i * 5 * MIN);
    }
    h.end_session(SessionId(1), T0 + 121 * MIN);
    let now = T0 + 5 * 60 * MIN;
    let current = policy(Some(10), DEFAULTS, json!([]));
    let day = run(&h, now, 24, &current, &current);
    assert_eq!(day.sessions, 2);
    assert_eq!(
        day.resetters,
        vec![resetter("api/v2/conversations", 84, 2, false)]
    );
    let hour = run(&h, now, 1, &current, &current);
    assert_eq!(hour.sessions, 1);
    assert_eq!(
        hour.resetters,
        vec![resetter("api/v2/conversations", 13, 1, false)]
    );
}

#[test]
fn the_history_is_bounded_per_session_in_sessions_and_in_routing_changes() {
    let limits = HistoryLimits {
        sessions: 3,
        calls_per_session: 5,
        routing_changes_per_user: 2,
        keep_ms: DAY_MS,
    };
    let mut h = history(limits);
    for n in 1..=5 {
        h.start_session(
            SessionId(n),
            user(&format!("u{n}"), &[]),
            false,
            T0 + n,
            T0 + DAY_MS,
        );
    }
    assert_eq!(h.session_count(), 3, "the cap on sessions");
    assert_eq!(
        h.call_count(SessionId(1)),
        None,
        "the oldest sign-in goes first"
    );
    assert_eq!(h.call_count(SessionId(2)), None);
    assert_eq!(h.call_count(SessionId(3)), Some(0));
    assert_eq!(
        h.routing_user_count(),
        3,
        "users of dropped sessions are forgotten too"
    );

    let paths = [
        "/api/v2/users/me",
        "/api/v2/conversations",
        "/api/v2/routing/queues",
        "/api/v2/users/x",
        "/api/v2/featuretoggles",
        "/api/v2/users/x/routingstatus",
        "/api/v2/conversations",
        "/api/v2/routing/queues",
    ];
    for (i, path) in paths.iter().enumerate() {
        h.record_call(SessionId(5), path, T0 + (i as u64 + 1) * MIN);
    }
    assert_eq!(h.call_count(SessionId(5)), Some(5), "the cap per session");
    assert_eq!(
        h.first_call(SessionId(5)),
        Some((T0 + 4 * MIN, "api/v2/users/{userId}", T0 + 3 * MIN)),
        "the oldest calls go first; the replay starts at the newest dropped one"
    );

    // Routing changes: only the last two are kept; before them, the last dropped status.
    for (i, on) in [true, false, true, false].into_iter().enumerate() {
        h.routing_changed("u5", on, T0 + (i as u64 + 1) * 10 * MIN);
    }
    let snapshot = h.snapshot(T0, T0 + 60 * MIN);
    let timeline = &snapshot.routing["u5"];
    assert!(timeline.on_queue_at(T0 + 35 * MIN), "kept: On Queue at +30");
    assert!(
        !timeline.on_queue_at(T0 + 45 * MIN),
        "kept: Off Queue at +40"
    );
    assert!(
        !timeline.on_queue_at(T0 + 25 * MIN),
        "before the kept ones: the dropped +20 status"
    );
}

#[test]
fn nothing_older_than_a_day_is_kept() {
    let mut h = history(HistoryLimits::default());
    h.start_session(SessionId(1), user("a", &[]), false, T0, T0 + DAY_MS);
    h.start_session(SessionId(2), user("b", &[]), false, T0, T0 + DAY_MS);
    h.end_session(SessionId(1), T0 + MIN);
    for i in 0..10 {
        h.record_call(SessionId(2), "/api/v2/conversations", T0 + i * 60 * MIN);
    }
    h.forget_old(T0 + DAY_MS + 5 * 60 * MIN);
    assert_eq!(
        h.call_count(SessionId(1)),
        None,
        "ended more than a day ago"
    );
    assert_eq!(
        h.call_count(SessionId(2)),
        Some(5),
        "calls of the last day only"
    );
    assert_eq!(
        h.first_call(SessionId(2)).map(|(at, _, from)| (at, from)),
        Some((T0 + 5 * 60 * MIN, T0 + 4 * 60 * MIN))
    );
}

#[test]
fn calls_keep_their_order_when_the_clock_steps_back() {
    let mut h = history(HistoryLimits::default());
    h.start_session(SessionId(1), user("a", &[]), false, T0, T0 + DAY_MS);
    h.record_call(SessionId(1), "/api/v2/conversations", T0 + 9 * MIN);
    h.record_call(SessionId(1), "/api/v2/routing/queues", T0 + 2 * MIN);
    let snapshot = h.snapshot(T0, T0 + 30 * MIN);
    assert_eq!(snapshot.sessions[0].times, vec![(9 * MIN) as u32; 2]);
}

#[test]
fn calls_of_a_path_that_lost_its_place_count_as_outside_the_catalog() {
    let mut h = history(HistoryLimits::default());
    let (laptop, phone) = (SessionId(1), SessionId(2));
    h.start_session(laptop, user("agent", &[]), false, T0, T0 + DAY_MS);
    h.start_session(phone, user("agent", &[]), false, T0, T0 + DAY_MS);
    // The laptop polls a custom API outside the catalog.
    h.record_call(laptop, "/api/v2/custom/poller", T0 + 4 * MIN);
    h.record_call(laptop, "/api/v2/custom/poller", T0 + 8 * MIN);
    // The phone brings in as many new paths as one user may keep: the poller, called least
    // recently, gives its place (and its number) to the last one.
    for i in 1..MAX_EXTRA_PATHS_PER_USER as u64 {
        h.record_call(phone, &format!("/api/v2/custom/junk/{i}"), T0 + 9 * MIN + i);
    }
    h.record_call(phone, "/api/v2/custom/other", T0 + 10 * MIN);
    let now = T0 + 11 * MIN;
    let current = policy(Some(30), DEFAULTS, json!([]));
    let draft = policy(Some(30), &with("api/v2/custom/other"), json!([]));
    let preview = run(&h, now, 24, &current, &draft);
    // The poller's calls are no longer known as the poller's: counted under every policy, under
    // the shared template — never taken as calls of the path that has their number now.
    assert!(
        preview
            .resetters
            .contains(&resetter(OUTSIDE_CATALOG, 2, 1, false)),
        "{:?}",
        preview.resetters
    );
    assert!(
        preview
            .resetters
            .contains(&resetter("api/v2/custom/other", 1, 1, true)),
        "{:?}",
        preview.resetters
    );
    // Called again, the poller is kept again (in the phone's least recent place) and judged.
    h.record_call(laptop, "/api/v2/custom/poller", T0 + 12 * MIN);
    let draft = policy(Some(30), &with("api/v2/custom/poller"), json!([]));
    let preview = run(&h, T0 + 13 * MIN, 24, &current, &draft);
    assert!(
        preview
            .resetters
            .contains(&resetter("api/v2/custom/poller", 1, 1, true)),
        "{:?}",
        preview.resetters
    );
}
