//! Browser tests of the cross-tab layer: what tabs share (wasm-bindgen-test in a real browser).
//! The "other tab" is played by the test itself, on the same channel, storage and lock names
//! (`tabs_support`): the tracker starts from the session's shared last activity, takes activity
//! from other tabs, ignores garbage and times from the future, tells the others (at most about
//! once a second), keeps sessions of other tokens apart, and still shares when
//! `BroadcastChannel` or storage are missing. The login URL is a fragment, so a logout stays on
//! the page.
#![cfg(target_arch = "wasm32")]

mod tabs_support;

use inactivity_client::InactivityTracker;
use js_sys::{Function, Reflect};
use tabs_support::*;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

/// A time from the future — a clock that jumped back, or a value a script wrote — keeps no
/// session alive: a future last activity in storage and a future activity message are ignored,
/// the session expires on time, and the stored value is overwritten.
#[wasm_bindgen_test]
async fn a_time_from_the_future_keeps_no_session_alive_and_is_overwritten() {
    let user = "future";
    let tracker = start_about_to_expire(user, 600.0);
    let future = format!("{}", (now() + 3_600_000.0) as u64);
    set_item(&key(user, "last-activity"), &future);
    post(user, &message("activity", "at", &future));
    eventually(3_000, "the idle logout", || logouts().length() == 1).await;
    assert_eq!(logouts().get(0).as_string().as_deref(), Some("idle"));
    let stored: f64 = get_item(&key(user, "last-activity"))
        .and_then(|v| v.parse().ok())
        .unwrap_or(f64::MAX);
    assert!(
        stored <= now(),
        "the value from the future was overwritten: {stored}"
    );
    tracker.stop();
}

/// A logout record from the future does not log every new tab out at start.
#[wasm_bindgen_test]
async fn a_logout_record_from_the_future_logs_nobody_out() {
    let user = "future-record";
    set_item(
        &key(user, "logout"),
        &format!("1 {} done", (now() + 3_600_000.0) as u64),
    );
    let tracker = start(user);
    wake_up(); // a wake-up reads the shared record
    wait(300).await;
    assert_eq!(
        logouts().length(),
        0,
        "not logged out by a record from the future"
    );
    assert_eq!(
        get_item(&key(user, "logout")),
        None,
        "the bogus record was removed"
    );
    assert!(remaining(&tracker) > 9.0 * MIN);
    tracker.stop();
}

#[wasm_bindgen_test]
async fn links_to_the_tabs_of_the_same_user_only_and_tells_them_about_activity() {
    let mine = listen("link-a");
    let other_user = listen("link-b");
    let tracker = start("link-a");
    let tabs = tracker.tabs();
    assert_eq!(
        get(&tabs, "transport").as_string().as_deref(),
        Some("broadcast-channel")
    );
    assert_eq!(get(&tabs, "sharedStorage"), JsValue::TRUE);
    eventually(1_000, "the hello", || seen(&mine, "hello").len() == 1).await;
    JsFuture::from(api_call("/api/v2/routing/queues"))
        .await
        .unwrap();
    eventually(1_000, "the activity", || seen(&mine, "activity").len() == 1).await;
    let sent = &seen(&mine, "activity")[0];
    assert_eq!(
        get(sent, "from").as_string(),
        get(&tabs, "tabId").as_string()
    );
    let stored: f64 = get_item(&key("link-a", "last-activity"))
        .unwrap()
        .parse()
        .unwrap();
    assert_eq!(get(sent, "at").as_f64(), Some(stored));
    assert!(js_sys::Array::from(&get(&other_user, "seen")).length() == 0);
    tracker.stop();
    close(&mine);
    close(&other_user);
}

#[wasm_bindgen_test]
async fn a_hundred_requests_a_second_make_about_one_message_a_second() {
    let observer = listen("rate");
    let tracker = start("rate");
    let began = now();
    while now() - began < 3_000.0 {
        let _ = api_call("/api/v2/routing/queues");
        wait(10).await;
    }
    wait(1_100).await; // the trailing send
    let activity = seen(&observer, "activity").len();
    assert!(
        (3..=5).contains(&activity),
        "{activity} messages for ~300 requests in 3 s"
    );
    let log = js_sys::Array::from(&tracker.activity_log()).length();
    assert!(log >= 100, "{log} requests seen");
    tracker.stop();
    close(&observer);
}

#[wasm_bindgen_test]
async fn a_new_tab_starts_from_the_shared_last_activity_and_takes_activity_from_others() {
    set_item(
        &key("shared", "last-activity"),
        &format!("{}", (now() - 4.0 * MIN) as u64),
    );
    let tracker = start("shared");
    let left = remaining(&tracker);
    assert!(
        left <= 6.0 * MIN && left > 5.9 * MIN,
        "not from zero: {left}"
    );
    // Garbage on the channel changes nothing and breaks nothing.
    for junk in [
        JsValue::from_f64(42.0),
        JsValue::NULL,
        js_sys::Object::new().into(),
        JsValue::from_str("not json"),
        JsValue::from_str(&"x".repeat(100_000)),
        message("activity", "at", "-1"),
        JsValue::from_str(&format!(
            r#"{{"v":2,"from":"other-tab","kind":"activity","at":{}}}"#,
            now() as u64
        )),
        JsValue::from_str(&format!(
            r#"{{"v":1,"from":"{}","kind":"activity","at":{}}}"#,
            get(&tracker.tabs(), "tabId").as_string().unwrap(),
            now() as u64
        )),
        message("hello", "at", &format!("{}", now() as u64)), // a hello is not activity
    ] {
        post("shared", &junk);
    }
    wait(200).await;
    let after_junk = remaining(&tracker);
    assert!(after_junk <= left, "{after_junk} > {left}");
    post(
        "shared",
        &message("activity", "at", &format!("{}", now() as u64)),
    );
    eventually(1_000, "the remote activity", || {
        remaining(&tracker) > 9.9 * MIN
    })
    .await;
    assert!(logouts().length() == 0);
    tracker.stop();
}

#[wasm_bindgen_test]
async fn a_dead_session_in_storage_is_not_inherited() {
    // Idle for longer than the timeout: a fresh sign-in must not log out at once.
    set_item(
        &key("dead", "last-activity"),
        &format!("{}", (now() - 20.0 * MIN) as u64),
    );
    let tracker = start("dead");
    assert!(remaining(&tracker) > 9.9 * MIN);
    tracker.stop();
    // A session that logged out after its last activity: over, too.
    set_item(
        &key("over", "last-activity"),
        &format!("{}", (now() - 3.0 * MIN) as u64),
    );
    set_item(
        &key("over", "logout"),
        &format!("1 {} done", (now() - MIN) as u64),
    );
    let tracker = start("over");
    assert!(remaining(&tracker) > 9.9 * MIN);
    wait(100).await;
    assert!(logouts().length() == 0, "a record of an earlier session");
    tracker.stop();
}

#[wasm_bindgen_test]
async fn without_broadcast_channel_messages_travel_by_storage_events() {
    set_item(
        &key("nobc", "last-activity"),
        &format!("{}", (now() - 5.0 * MIN) as u64),
    );
    hide("BroadcastChannel");
    let tracker = start("nobc");
    restore();
    assert_eq!(
        get(&tracker.tabs(), "transport").as_string().as_deref(),
        Some("storage-events")
    );
    assert!(remaining(&tracker) <= 5.0 * MIN);
    // Another tab (document) writes its message into the message key: a storage event here.
    JsFuture::from(set_item_from_another_document(
        &key("nobc", "message"),
        &message("activity", "at", &format!("{}", now() as u64))
            .as_string()
            .unwrap(),
    ))
    .await
    .unwrap();
    eventually(1_000, "the remote activity", || {
        remaining(&tracker) > 9.9 * MIN
    })
    .await;
    // Its own activity goes out by the message key.
    JsFuture::from(api_call("/api/v2/routing/queues"))
        .await
        .unwrap();
    eventually(2_000, "the message in storage", || {
        get_item(&key("nobc", "message"))
            .is_some_and(|m| m.contains(r#""kind":"activity""#) && !m.contains("other-tab"))
    })
    .await;
    post("nobc", &message("logout", "reason", "\"idle\"")); // no channel: not heard
    wait(200).await;
    assert!(logouts().length() == 0);
    tracker.stop();
}

#[wasm_bindgen_test]
async fn without_storage_the_tab_shares_by_messages_only() {
    hide("localStorage");
    let observer = listen("nols");
    let tracker = start("nols");
    let tabs = tracker.tabs();
    assert_eq!(get(&tabs, "sharedStorage"), JsValue::FALSE);
    assert_eq!(
        get(&tabs, "transport").as_string().as_deref(),
        Some("broadcast-channel")
    );
    JsFuture::from(api_call("/api/v2/routing/queues"))
        .await
        .unwrap();
    eventually(1_000, "the activity", || {
        seen(&observer, "activity").len() == 1
    })
    .await;
    post("nols", &message("logout", "reason", "\"slept\""));
    eventually(1_000, "the logout", || logouts().length() == 1).await;
    assert_eq!(logouts().get(0).as_string().as_deref(), Some("other-tab"));
    restore();
    tracker.stop();
    close(&observer);
    // Neither storage nor channel: alone, still tracking.
    hide("localStorage");
    hide("BroadcastChannel");
    let tracker = start("alone");
    restore();
    assert_eq!(
        get(&tracker.tabs(), "transport").as_string().as_deref(),
        Some("none")
    );
    JsFuture::from(api_call("/api/v2/routing/queues"))
        .await
        .unwrap();
    assert!(remaining(&tracker) > 9.9 * MIN);
    tracker.stop();
}

#[wasm_bindgen_test]
async fn tabs_with_another_access_token_are_another_session() {
    let user = "token-user";
    let mine = format!("{user}{}", session("token-1"));
    let same_session = listen(&mine);
    let other_session = listen(&format!("{user}{}", session("token-2")));
    let no_session = listen(user);
    let extra = js_sys::Object::new();
    let token: Function = Closure::<dyn Fn() -> JsValue>::new(|| JsValue::from_str("token-1"))
        .into_js_value()
        .unchecked_into();
    Reflect::set(&extra, &"accessToken".into(), &token).unwrap();
    let tracker = InactivityTracker::start(options(user, &extra).unchecked_into()).unwrap();
    eventually(1_000, "the hello", || {
        seen(&same_session, "hello").len() == 1
    })
    .await;
    wait(100).await;
    for other in [&other_session, &no_session] {
        assert_eq!(js_sys::Array::from(&get(other, "seen")).length(), 0);
    }
    // The session's keys hold the token's fingerprint, never the token.
    JsFuture::from(api_call("/api/v2/routing/queues"))
        .await
        .unwrap();
    eventually(2_000, "the shared last activity", || {
        get_item(&key(&mine, "last-activity")).is_some()
    })
    .await;
    assert!(storage_keys()
        .iter()
        .all(|k| !k.as_string().unwrap().contains("token-1")));
    tracker.stop();
    for observer in [&same_session, &other_session, &no_session] {
        close(observer);
    }
}

#[wasm_bindgen_test]
async fn the_shared_state_of_sessions_abandoned_for_a_day_is_removed() {
    let day = 24.0 * 60.0 * MIN;
    let old = "janitor#00000000000000aa";
    let recent = "janitor#00000000000000bb";
    set_item(
        &key(old, "last-activity"),
        &format!("{}", (now() - 2.0 * day) as u64),
    );
    set_item(
        &key(old, "logout"),
        &format!("1 {} done", (now() - 2.0 * day) as u64),
    );
    set_item(&key(old, "message"), "{}");
    set_item(&key("janitor#00000000000000cc", "message"), "garbage");
    set_item(
        &key(recent, "last-activity"),
        &format!("{}", (now() - 2.0 * MIN) as u64),
    );
    set_item("someone-else:key", "kept");
    let tracker = start("janitor");
    for what in ["last-activity", "logout", "message"] {
        assert_eq!(get_item(&key(old, what)), None, "{what}");
    }
    assert_eq!(get_item(&key("janitor#00000000000000cc", "message")), None);
    assert!(
        get_item(&key(recent, "last-activity")).is_some(),
        "a live session is kept"
    );
    assert_eq!(get_item("someone-else:key").as_deref(), Some("kept"));
    tracker.stop();
}
