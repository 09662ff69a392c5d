//! The cross-tab decisions (`core::tabs`): scope names, the storage records, the start value of
//! a new tab. (The `TabSync` driver alone: `tests/tabs_driver/`; several tabs
//! on a virtual clock, where the traffic bound is measured: `tests/tabs_simulation/`.)

use inactivity_core::tabs::FUTURE_TOLERANCE_MS;
use inactivity_core::tabs::{
    abandoned, parse_ms, replaces_stored, scope_of_key, start_last_activity, Calls, LogoutRecord,
    Scope, ABANDONED_AFTER_MS,
};

const SEC: u64 = 1_000;
const MIN: u64 = 60 * SEC;
const T: u64 = 5 * MIN;

fn record(ended_ms: u64, calls: Calls) -> Option<LogoutRecord> {
    Some(LogoutRecord { ended_ms, calls })
}

#[test]
fn scope_names_are_per_user_and_api_and_cannot_reach_into_each_other() {
    let check = |user: &str, api: &str, channel: &str| {
        assert_eq!(Scope::new(user, api).channel(), channel, "{user:?} {api:?}");
    };
    check("u1", "", "inactivity-timeout:v1:u1");
    check("u 1", "", "inactivity-timeout:v1:u%201");
    check("a@b", "", "inactivity-timeout:v1:a%40b");
    check("a", "b", "inactivity-timeout:v1:a@b");
    check("é", "", "inactivity-timeout:v1:%C3%A9");
    check("u1:logout", "", "inactivity-timeout:v1:u1%3Alogout");
    // A user id can never produce another scope's key.
    let a = Scope::new("u1", "");
    let b = Scope::new("u1:last-activity", "");
    assert_ne!(a.last_activity_key(), b.channel());
    assert_ne!(a.lock_name(), Scope::new("u1:logout", "").channel());
    let s = Scope::new("u1", "");
    assert_eq!(s.logout_key(), "inactivity-timeout:v1:u1:logout");
    assert_eq!(s.message_key(), "inactivity-timeout:v1:u1:message");
    assert_eq!(s.lock_name(), "inactivity-timeout:v1:u1:logout");
}

#[test]
fn a_session_is_one_access_token_whose_fingerprint_only_is_in_the_names() {
    let user = Scope::new("u1", "");
    let a = Scope::new("u1", "").with_session("token-a");
    let b = Scope::new("u1", "").with_session("token-b");
    assert_ne!(a.channel(), b.channel(), "two sign-ins, two sessions");
    assert_ne!(a.channel(), user.channel());
    assert_eq!(
        a,
        Scope::new("u1", "").with_session("token-a"),
        "the same token, the same session"
    );
    assert_eq!(
        Scope::new("u1", "").with_session(""),
        user,
        "no token: per user"
    );
    for scope in [&a, &b] {
        assert!(!scope.channel().contains("token"), "{}", scope.channel());
        assert!(scope.channel().starts_with(user.prefix()));
    }
}

#[test]
fn the_keys_of_abandoned_sessions_are_recognized() {
    let check =
        |key: &str, expected: Option<&str>| assert_eq!(scope_of_key(key), expected, "{key:?}");
    let s = Scope::new("u1", "").with_session("t");
    check(&s.last_activity_key(), Some(s.prefix()));
    check(&s.logout_key(), Some(s.prefix()));
    check(&s.message_key(), Some(s.prefix()));
    check("inactivity-timeout:v1::logout", None);
    check("inactivity-timeout:v2:u1:logout", None);
    check("inactivity-timeout:return-to", None);
    check("app.token", None);
    const DAY: u64 = ABANDONED_AFTER_MS;
    let now = 10 * DAY;
    assert!(abandoned(None, None, now), "nothing readable");
    assert!(abandoned(Some(now - DAY - 1), None, now));
    assert!(!abandoned(Some(now - DAY), None, now));
    assert!(
        !abandoned(Some(2 * DAY), record(now - 5, Calls::Done), now),
        "a recent logout"
    );
    assert!(abandoned(Some(2 * DAY), record(3 * DAY, Calls::Done), now));
}

#[test]
fn stored_times_are_parsed_strictly() {
    let check =
        |text: &str, expected: Option<u64>| assert_eq!(parse_ms(text), expected, "{text:?}");
    check("0", Some(0));
    check("1700000000000", Some(1_700_000_000_000));
    check("9999999999999999", Some(9_999_999_999_999_999));
    check("10000000000000000", None);
    check("", None);
    check("01", None);
    check("-1", None);
    check("+1", None);
    check("1.5", None);
    check("1e3", None);
    check(" 1", None);
    check("1 ", None);
    check("١٢", None);
}

#[test]
fn a_stored_last_activity_is_replaced_by_a_later_one_and_always_when_from_the_future() {
    const NOW: u64 = 10 * MIN;
    // (stored, at) → replace?
    let check = |stored: Option<u64>, at: u64, expected: bool| {
        assert_eq!(
            replaces_stored(stored, at, NOW),
            expected,
            "{stored:?} {at}"
        );
    };
    check(None, NOW, true);
    check(Some(NOW - MIN), NOW, true);
    check(Some(NOW), NOW - MIN, false);
    check(Some(NOW), NOW, false);
    check(Some(NOW + FUTURE_TOLERANCE_MS), NOW - MIN, false); // within the tolerance: valid
    check(Some(NOW + FUTURE_TOLERANCE_MS + 1), NOW - MIN, true); // from the future: invalid
    check(Some(u64::MAX), 0, true);
}

#[test]
fn logout_records_are_parsed_strictly() {
    let check = |text: &str, expected: Option<LogoutRecord>| {
        assert_eq!(LogoutRecord::parse(text), expected, "{text:?}")
    };
    check("1 5 pending", record(5, Calls::Pending));
    check("1 5 started", record(5, Calls::Started));
    check("1 5 done", record(5, Calls::Done));
    check("2 5 done", None);
    check("1 5 Done", None);
    check("1 5 done ", None);
    check("1  5 done", None);
    check("1 05 done", None);
    check("1 5", None);
    check("1 5 done x", None);
    check("", None);
    for r in [Calls::Pending, Calls::Started, Calls::Done] {
        let rec = LogoutRecord {
            ended_ms: 1_700_000_000_000,
            calls: r,
        };
        assert_eq!(LogoutRecord::parse(&rec.encode()), Some(rec));
    }
}

#[test]
fn the_last_activity_a_new_tab_starts_from() {
    const NOW: u64 = 10 * MIN;
    // (shared, record, timeout, fresh, local) → start
    let check = |shared: Option<u64>,
                 rec: Option<LogoutRecord>,
                 timeout: Option<u64>,
                 local: Option<u64>,
                 expected: u64| {
        assert_eq!(
            start_last_activity(shared, rec, timeout, NOW, local, NOW),
            expected,
            "{shared:?} {rec:?} {timeout:?} {local:?}"
        );
    };
    check(None, None, Some(T), None, NOW);
    check(Some(8 * MIN), None, Some(T), None, 8 * MIN); // not from zero
    check(Some(NOW - T), None, Some(T), None, NOW); // expired: a new session
    check(Some(NOW - T + 1), None, Some(T), None, NOW - T + 1);
    check(Some(MIN), None, None, None, MIN); // no timeout: nothing expires
    check(Some(NOW + MIN), None, Some(T), None, NOW); // the future counts from now
                                                      // A logout recorded at or after the shared activity: that session is over (fresh sign-in).
    check(
        Some(8 * MIN),
        record(9 * MIN, Calls::Done),
        Some(T),
        None,
        NOW,
    );
    check(
        Some(8 * MIN),
        record(8 * MIN, Calls::Pending),
        Some(T),
        None,
        NOW,
    );
    check(
        Some(8 * MIN),
        record(7 * MIN, Calls::Done),
        Some(T),
        None,
        8 * MIN,
    );
    // This tab's own counted calls are activity too.
    check(Some(8 * MIN), None, Some(T), Some(9 * MIN), 9 * MIN);
    check(None, None, Some(T), Some(NOW - SEC), NOW);
}
