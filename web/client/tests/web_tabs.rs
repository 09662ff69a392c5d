//! Browser tests of the cross-tab layer (wasm-bindgen-test in headless Chromium). The "other
//! tab" is played by the test itself, on the same channel, storage and lock names: the tracker
//! starts from the session's shared last activity, takes activity and logouts from other tabs,
//! ignores garbage, tells the others (at most about once a second), and logs out with exactly one
//! leader — also when the lock holder hangs, is closed mid-logout, or Web Locks, storage or
//! `BroadcastChannel` are missing. The login URL is a fragment, so a logout stays on the page.
#![cfg(target_arch = "wasm32")]

use inactivity_client::InactivityTracker;
use js_sys::{Function, Promise, Reflect};
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

const MIN: f64 = 60_000.0;

#[wasm_bindgen(inline_js = r##"
export function options(user, extra) {
  globalThis.__logouts = [];
  history.replaceState(null, "", location.pathname + location.search);
  const policy = {
    idleTokenTimeout: { enableIdleTokenTimeout: true, idleTokenTimeoutSeconds: 600,
                        inactivityTimeoutUnit: "Minutes" },
    authSettings: { inactivityTimeoutExclusions: [] },
    hipaa: false,
  };
  return Object.assign({
    policy, user: { id: user, groups: [] }, loginUrl: "#signed-out", warningSeconds: 0,
    onLogout: (reason) => globalThis.__logouts.push(reason),
  }, extra);
}
export function logouts() { return globalThis.__logouts.slice(); }
export function wakeUp() { document.dispatchEvent(new Event("visibilitychange")); }
export function channelName(user) { return "inactivity-timeout:v1:" + user; }
export function listen(user) {
  const seen = [];
  const channel = new BroadcastChannel(channelName(user));
  channel.onmessage = (e) => seen.push(e.data);
  return { seen, close: () => channel.close() };
}
export function post(user, data) {
  const channel = new BroadcastChannel(channelName(user));
  channel.postMessage(data);
  channel.close();
}
/** The session part of a scope: "#" and the 64-bit FNV-1a of the access token, in hex. */
export function session(token) {
  let h = 0xcbf29ce484222325n;
  for (const b of new TextEncoder().encode(token)) h = ((h ^ BigInt(b)) * 0x100000001b3n) & 0xffffffffffffffffn;
  return "#" + h.toString(16).padStart(16, "0");
}
export function storageKeys() { return Object.keys(localStorage); }
export function sleep(ms) { return new Promise((ok) => setTimeout(ok, ms)); }
export function apiCall(path) { return fetch(path).then((r) => r.status, () => -1); }
export function serverCalls(fragment) {
  return performance.getEntriesByType("resource").filter((e) => e.name.includes(fragment)).length;
}
export function setItem(key, value) { localStorage.setItem(key, value); }
export function getItem(key) { return localStorage.getItem(key); }
/** Holds the lock `name` (as another tab would) until `release()`. */
export async function holdLock(name) {
  let release;
  const held = new Promise((ok) => (release = ok));
  await new Promise((granted) => {
    navigator.locks.request(name, () => { granted(); return held; });
  });
  return { release };
}
export function lockState(name) {
  return navigator.locks.query().then((s) => ({
    held: s.held.filter((l) => l.name === name).length,
    pending: s.pending.filter((l) => l.name === name).length,
  }));
}
const saved = {};
export function hide(what) {
  if (what === "locks") {
    saved.locks = Object.getOwnPropertyDescriptor(Navigator.prototype, "locks");
    Object.defineProperty(Navigator.prototype, "locks", { configurable: true, get: () => undefined });
  } else if (what === "BroadcastChannel") {
    saved.bc = globalThis.BroadcastChannel;
    delete globalThis.BroadcastChannel;
  } else if (what === "localStorage") {
    saved.ls = Object.getOwnPropertyDescriptor(window, "localStorage");
    Object.defineProperty(window, "localStorage", {
      configurable: true,
      get() { throw new DOMException("Access is denied for this document.", "SecurityError"); },
    });
  }
}
export function restore() {
  if (saved.locks) Object.defineProperty(Navigator.prototype, "locks", saved.locks);
  if (saved.bc) globalThis.BroadcastChannel = saved.bc;
  if (saved.ls) Object.defineProperty(window, "localStorage", saved.ls);
  for (const k of Object.keys(saved)) delete saved[k];
}
/** Writes `key` = `value` in localStorage from another document of this origin (a storage event here). */
export function setItemFromAnotherDocument(key, value) {
  return new Promise((ok) => {
    const frame = document.createElement("iframe");
    frame.src = "about:blank";
    document.body.append(frame);
    frame.contentWindow.localStorage.setItem(key, value);
    setTimeout(() => { frame.remove(); ok(); }, 50);
  });
}
"##)]
extern "C" {
    fn options(user: &str, extra: &JsValue) -> JsValue;
    fn logouts() -> js_sys::Array;
    #[wasm_bindgen(js_name = wakeUp)]
    fn wake_up();
    fn listen(user: &str) -> JsValue;
    fn post(user: &str, data: &JsValue);
    fn sleep(ms: u32) -> Promise;
    fn session(token: &str) -> String;
    #[wasm_bindgen(js_name = storageKeys)]
    fn storage_keys() -> js_sys::Array;
    #[wasm_bindgen(js_name = apiCall)]
    fn api_call(path: &str) -> Promise;
    #[wasm_bindgen(js_name = serverCalls)]
    fn server_calls(fragment: &str) -> u32;
    #[wasm_bindgen(js_name = setItem)]
    fn set_item(key: &str, value: &str);
    #[wasm_bindgen(js_name = getItem)]
    fn get_item(key: &str) -> Option<String>;
    #[wasm_bindgen(js_name = holdLock)]
    fn hold_lock(name: &str) -> Promise;
    #[wasm_bindgen(js_name = lockState)]
    fn lock_state(name: &str) -> Promise;
    fn hide(what: &str);
    fn restore();
    #[wasm_bindgen(js_name = setItemFromAnotherDocument)]
    fn set_item_from_another_document(key: &str, value: &str) -> Promise;
}

fn get(value: &JsValue, key: &str) -> JsValue {
    Reflect::get(value, &JsValue::from_str(key)).unwrap()
}

async fn wait(ms: u32) {
    JsFuture::from(sleep(ms)).await.unwrap();
}

fn now() -> f64 {
    js_sys::Date::now()
}

fn start(user: &str) -> InactivityTracker {
    InactivityTracker::start(options(user, &JsValue::UNDEFINED).unchecked_into()).unwrap()
}

fn remaining(tracker: &InactivityTracker) -> f64 {
    tracker.remaining_ms().as_f64().unwrap()
}

fn key(user: &str, what: &str) -> String {
    format!("inactivity-timeout:v1:{user}:{what}")
}

/// The messages an observer saw from the tracker (not the test's own), decoded, of one kind.
fn seen(observer: &JsValue, kind: &str) -> Vec<JsValue> {
    js_sys::Array::from(&get(observer, "seen"))
        .iter()
        .filter_map(|m| js_sys::JSON::parse(&m.as_string()?).ok())
        .filter(|m| get(m, "kind").as_string().as_deref() == Some(kind))
        .filter(|m| get(m, "from").as_string().as_deref() != Some("other-tab"))
        .collect()
}

fn close(observer: &JsValue) {
    get(observer, "close")
        .unchecked_into::<Function>()
        .call0(observer)
        .unwrap();
}

fn message(kind: &str, field: &str, value: &str) -> JsValue {
    JsValue::from_str(&format!(
        r#"{{"v":1,"from":"other-tab","kind":"{kind}","{field}":{value}}}"#
    ))
}

/// Polls `condition` every 20 ms for at most `ms`.
async fn eventually(ms: u32, what: &str, condition: impl Fn() -> bool) {
    for _ in 0..ms / 20 {
        if condition() {
            return;
        }
        wait(20).await;
    }
    assert!(condition(), "timed out waiting for: {what}");
}

/// A tracker whose session (shared in storage) has been idle for all but `left_ms` of its
/// 10 minutes: it logs out with reason idle after `left_ms`, on its own timer.
fn start_about_to_expire(user: &str, left_ms: f64) -> InactivityTracker {
    set_item(
        &key(user, "last-activity"),
        &format!("{}", (now() - 10.0 * MIN + left_ms) as u64),
    );
    start(user)
}

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
async fn a_logout_in_another_tab_logs_out_here_as_other_tab_without_echo_or_calls() {
    let observer = listen("follow");
    let tracker = start("follow");
    let calls = server_calls("/users/follow/");
    post("follow", &message("logout", "reason", "\"host-request\""));
    eventually(1_000, "the logout", || logouts().length() == 1).await;
    assert_eq!(logouts().get(0).as_string().as_deref(), Some("other-tab"));
    eventually(2_000, "the navigation", || {
        web_sys::window()
            .unwrap()
            .location()
            .hash()
            .unwrap()
            .starts_with("#signed-out")
    })
    .await;
    assert!(seen(&observer, "logout").is_empty(), "no echo");
    assert_eq!(server_calls("/users/follow/"), calls, "no server calls");
    tracker.stop();
    close(&observer);
}

#[wasm_bindgen_test]
async fn the_tab_that_logs_out_leads_tells_the_others_and_records_it() {
    let observer = listen("lead");
    let tracker = start_about_to_expire("lead", 300.0);
    eventually(3_000, "the idle logout", || logouts().length() == 1).await;
    assert_eq!(logouts().get(0).as_string().as_deref(), Some("idle"));
    eventually(1_000, "the message", || {
        seen(&observer, "logout").len() == 1
    })
    .await;
    eventually(5_000, "the record", || {
        get_item(&key("lead", "logout")).is_some_and(|r| r.ends_with(" done"))
    })
    .await;
    // GET (answered 404 here) then PUT: a failed read still takes the user Off Queue.
    assert_eq!(
        server_calls("/users/lead/routingstatus"),
        2,
        "the leader made the calls"
    );
    tracker.stop();
    close(&observer);
}

#[wasm_bindgen_test]
async fn a_lock_holder_that_never_lets_go_does_not_block_the_logout() {
    let name = key("frozen", "logout");
    let holder = JsFuture::from(hold_lock(&name)).await.unwrap();
    let tracker = start_about_to_expire("frozen", 200.0);
    eventually(3_000, "the idle logout", || logouts().length() == 1).await;
    let state = JsFuture::from(lock_state(&name)).await.unwrap();
    assert_eq!(
        get(&state, "pending").as_f64(),
        Some(1.0),
        "queued behind the frozen holder"
    );
    // After the bounded wait the tab goes on and makes the calls itself (idempotent: twice
    // beats never), then to the login page.
    eventually(12_000, "the navigation", || {
        web_sys::window()
            .unwrap()
            .location()
            .hash()
            .unwrap()
            .starts_with("#signed-out")
    })
    .await;
    assert!(
        server_calls("/users/frozen/") > 0,
        "the calls are made although the lock never came"
    );
    let state = JsFuture::from(lock_state(&name)).await.unwrap();
    assert_eq!(
        get(&state, "pending").as_f64(),
        Some(0.0),
        "request withdrawn"
    );
    get(&holder, "release")
        .unchecked_into::<Function>()
        .call0(&JsValue::UNDEFINED)
        .unwrap();
    tracker.stop();
}

#[wasm_bindgen_test]
async fn a_leader_closed_mid_logout_is_taken_over() {
    let name = key("takeover", "logout");
    let tracker = start("takeover");
    // Another tab logged out, started the calls and holds the lock…
    let holder = JsFuture::from(hold_lock(&name)).await.unwrap();
    set_item(
        &key("takeover", "logout"),
        &format!("1 {} started", now() as u64),
    );
    post("takeover", &message("logout", "reason", "\"idle\""));
    eventually(1_000, "the logout", || logouts().length() == 1).await;
    wait(200).await;
    assert_eq!(
        server_calls("/users/takeover/"),
        0,
        "waiting for the leader"
    );
    // …and is closed before it is done: the browser releases its lock.
    get(&holder, "release")
        .unchecked_into::<Function>()
        .call0(&JsValue::UNDEFINED)
        .unwrap();
    eventually(5_000, "the takeover", || {
        get_item(&key("takeover", "logout")).is_some_and(|r| r.ends_with(" done"))
    })
    .await;
    assert_eq!(server_calls("/users/takeover/routingstatus"), 2);
    tracker.stop();
}

#[wasm_bindgen_test]
async fn a_leader_that_finished_is_not_followed_by_a_second_one() {
    let name = key("finished", "logout");
    let tracker = start("finished");
    let holder = JsFuture::from(hold_lock(&name)).await.unwrap();
    post("finished", &message("logout", "reason", "\"idle\""));
    eventually(1_000, "the logout", || logouts().length() == 1).await;
    set_item(
        &key("finished", "logout"),
        &format!("1 {} done", now() as u64),
    );
    get(&holder, "release")
        .unchecked_into::<Function>()
        .call0(&JsValue::UNDEFINED)
        .unwrap();
    eventually(2_000, "the navigation", || {
        web_sys::window()
            .unwrap()
            .location()
            .hash()
            .unwrap()
            .starts_with("#signed-out")
    })
    .await;
    assert_eq!(server_calls("/users/finished/"), 0);
    tracker.stop();
}

#[wasm_bindgen_test]
async fn without_web_locks_a_logout_of_its_own_still_makes_the_calls() {
    hide("locks");
    let tracker = start_about_to_expire("nolocks", 200.0);
    eventually(3_000, "the idle logout", || logouts().length() == 1).await;
    eventually(5_000, "the calls", || {
        server_calls("/users/nolocks/routingstatus") == 2
    })
    .await;
    restore();
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
