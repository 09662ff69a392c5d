//! What the cross-tab browser tests share: the tracker's options for a user, the "other tab"
//! played by the test on the same channel, storage and lock names, the browser features a test
//! can hide, and polling. Each test file uses a part of it.
#![allow(dead_code)]

use inactivity_client::InactivityTracker;
use js_sys::{Function, Promise, Reflect};
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;

pub const MIN: f64 = 60_000.0;

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
    pub fn options(user: &str, extra: &JsValue) -> JsValue;
    pub fn logouts() -> js_sys::Array;
    #[wasm_bindgen(js_name = wakeUp)]
    pub fn wake_up();
    pub fn listen(user: &str) -> JsValue;
    pub fn post(user: &str, data: &JsValue);
    pub fn sleep(ms: u32) -> Promise;
    pub fn session(token: &str) -> String;
    #[wasm_bindgen(js_name = storageKeys)]
    pub fn storage_keys() -> js_sys::Array;
    #[wasm_bindgen(js_name = apiCall)]
    pub fn api_call(path: &str) -> Promise;
    #[wasm_bindgen(js_name = serverCalls)]
    pub fn server_calls(fragment: &str) -> u32;
    #[wasm_bindgen(js_name = setItem)]
    pub fn set_item(key: &str, value: &str);
    #[wasm_bindgen(js_name = getItem)]
    pub fn get_item(key: &str) -> Option<String>;
    #[wasm_bindgen(js_name = holdLock)]
    pub fn hold_lock(name: &str) -> Promise;
    #[wasm_bindgen(js_name = lockState)]
    pub fn lock_state(name: &str) -> Promise;
    pub fn hide(what: &str);
    pub fn restore();
    #[wasm_bindgen(js_name = setItemFromAnotherDocument)]
    pub fn set_item_from_another_document(key: &str, value: &str) -> Promise;
}

pub fn get(value: &JsValue, key: &str) -> JsValue {
    Reflect::get(value, &JsValue::from_str(key)).unwrap()
}

pub async fn wait(ms: u32) {
    JsFuture::from(sleep(ms)).await.unwrap();
}

pub fn now() -> f64 {
    js_sys::Date::now()
}

pub fn start(user: &str) -> InactivityTracker {
    InactivityTracker::start(options(user, &JsValue::UNDEFINED).unchecked_into()).unwrap()
}

pub fn remaining(tracker: &InactivityTracker) -> f64 {
    tracker.remaining_ms().as_f64().unwrap()
}

pub fn key(user: &str, what: &str) -> String {
    format!("inactivity-timeout:v1:{user}:{what}")
}

/// The messages an observer saw from the tracker (not the test's own), decoded, of one kind.
pub fn seen(observer: &JsValue, kind: &str) -> Vec<JsValue> {
    js_sys::Array::from(&get(observer, "seen"))
        .iter()
        .filter_map(|m| js_sys::JSON::parse(&m.as_string()?).ok())
        .filter(|m| get(m, "kind").as_string().as_deref() == Some(kind))
        .filter(|m| get(m, "from").as_string().as_deref() != Some("other-tab"))
        .collect()
}

pub fn close(observer: &JsValue) {
    get(observer, "close")
        .unchecked_into::<Function>()
        .call0(observer)
        .unwrap();
}

pub fn message(kind: &str, field: &str, value: &str) -> JsValue {
    JsValue::from_str(&format!(
        r#"{{"v":1,"from":"other-tab","kind":"{kind}","{field}":{value}}}"#
    ))
}

/// Polls `condition` every 20 ms for at most `ms`.
pub async fn eventually(ms: u32, what: &str, condition: impl Fn() -> bool) {
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
pub fn start_about_to_expire(user: &str, left_ms: f64) -> InactivityTracker {
    set_item(
        &key(user, "last-activity"),
        &format!("{}", (now() - 10.0 * MIN + left_ms) as u64),
    );
    start(user)
}
