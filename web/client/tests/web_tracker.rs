//! Browser tests of the tracker layer (wasm-bindgen-test in headless Chromium): the interception
//! is installed at import and passes calls through, counting and exclusion, option errors,
//! stop() restoring the originals, and resumeAfterLogin's and isLoginState's refusals.
#![cfg(target_arch = "wasm32")]

use inactivity_client::{is_login_state, resume_after_login, InactivityTracker};
use js_sys::{Function, Reflect};
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

#[wasm_bindgen(inline_js = r#"
export function doFetch(url, method) {
  return fetch(url, { method }).then((r) => r.status, () => -1);
}
export function doXhr(url) {
  return new Promise((ok) => {
    const xhr = new XMLHttpRequest();
    xhr.open("GET", url);
    xhr.addEventListener("loadend", () => ok(xhr.status));
    xhr.send();
  });
}
export function fetchIsWrapped() {
  const state = globalThis[Symbol.for("inactivity-timeout.interceptor")];
  return state !== undefined && state.fetch !== null && globalThis.fetch === state.fetch.wrapper;
}
export function stateFor(location) {
  const b64 = (text) => btoa(String.fromCharCode(...new TextEncoder().encode(text)))
    .replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
  return `rt1.${b64("nonce")}.${b64(location)}`;
}
const initialHash = location.hash;
export function setSearch(search) {
  // `search` may carry a fragment too (the implicit grant puts `state` there).
  const hasFragment = search.indexOf(String.fromCharCode(35)) >= 0;
  history.replaceState(null, "", location.pathname + search + (hasFragment ? "" : initialHash));
  return location.href;
}
export function here() {
  return location.href;
}
export function saveState(state) {
  sessionStorage.setItem("inactivity-timeout:return-to", state);
}
export function savedState() {
  return sessionStorage.getItem("inactivity-timeout:return-to") ?? undefined;
}
export function countTimers() {
  const counts = { set: 0, clear: 0 };
  const set = globalThis.setTimeout;
  const clear = globalThis.clearTimeout;
  globalThis.setTimeout = function (...args) { counts.set++; return Reflect.apply(set, this, args); };
  globalThis.clearTimeout = function (...args) { counts.clear++; return Reflect.apply(clear, this, args); };
  counts.restore = () => { globalThis.setTimeout = set; globalThis.clearTimeout = clear; };
  return counts;
}
export function resourcesNamed(part) {
  return performance.getEntriesByType("resource").map((e) => e.name).filter((n) => n.includes(part));
}
export function options(extra) {
  const policy = {
    idleTokenTimeout: { enableIdleTokenTimeout: true, idleTokenTimeoutSeconds: 600,
                        inactivityTimeoutUnit: "Minutes" },
    authSettings: { inactivityTimeoutExclusions: ["api/v2/diagnostics/trace", "api/v2/users/{userId}/presences/{sourceId}"] },
    hipaa: false,
  };
  return Object.assign({ policy, user: { id: "u1", groups: [] }, loginUrl: "/login", warningSeconds: 0 }, extra);
}
"#)]
extern "C" {
    #[wasm_bindgen(js_name = doFetch)]
    fn do_fetch(url: &str, method: &str) -> js_sys::Promise;
    #[wasm_bindgen(js_name = doXhr)]
    fn do_xhr(url: &str) -> js_sys::Promise;
    #[wasm_bindgen(js_name = fetchIsWrapped)]
    fn fetch_is_wrapped() -> bool;
    fn options(extra: &JsValue) -> JsValue;
    #[wasm_bindgen(js_name = stateFor)]
    fn state_for(location: &str) -> String;
    #[wasm_bindgen(js_name = setSearch)]
    fn set_search(search: &str) -> String;
    fn here() -> String;
    #[wasm_bindgen(js_name = saveState)]
    fn save_state(state: &str);
    #[wasm_bindgen(js_name = savedState)]
    fn saved_state() -> Option<String>;
    #[wasm_bindgen(js_name = countTimers)]
    fn count_timers() -> JsValue;
    #[wasm_bindgen(js_name = resourcesNamed)]
    fn resources_named(part: &str) -> js_sys::Array;
}

fn get(value: &JsValue, key: &str) -> JsValue {
    Reflect::get(value, &JsValue::from_str(key)).unwrap()
}

fn extra(source: &str) -> JsValue {
    Function::new_no_args(&format!("return ({source});"))
        .call0(&JsValue::UNDEFINED)
        .unwrap()
}

fn start_error(extra_options: &str) -> String {
    match InactivityTracker::start(options(&extra(extra_options)).unchecked_into()) {
        Ok(t) => {
            t.stop();
            panic!("start accepted {extra_options}")
        }
        Err(e) => {
            let name = get(&e, "name").as_string().unwrap();
            let message = get(&e, "message").as_string().unwrap();
            format!("{name}: {message}")
        }
    }
}

#[wasm_bindgen_test]
async fn counts_api_calls_and_ignores_excluded_and_foreign_ones() {
    let tracker = InactivityTracker::start(options(&JsValue::UNDEFINED).unchecked_into()).unwrap();
    assert!(fetch_is_wrapped(), "interception is installed");
    JsFuture::from(do_fetch("/api/v2/routing/queues?x=1", "GET"))
        .await
        .unwrap();
    JsFuture::from(do_fetch("/api/v2/diagnostics/trace", "POST"))
        .await
        .unwrap();
    JsFuture::from(do_fetch("/API/v2//users/u7/presences/purecloud/", "PATCH"))
        .await
        .unwrap();
    JsFuture::from(do_fetch("data:text/plain,hi", "GET"))
        .await
        .unwrap();
    JsFuture::from(do_xhr("/api/v2/conversations"))
        .await
        .unwrap();
    let log: js_sys::Array = tracker.activity_log().unchecked_into();
    // Requests made before start() (the test page loading its wasm) are recorded too: look at ours.
    let skip = log.length().saturating_sub(5) as usize;
    let outcomes: Vec<(String, String, JsValue)> = log
        .iter()
        .skip(skip)
        .map(|e| {
            (
                get(&e, "method").as_string().unwrap(),
                get(&e, "outcome").as_string().unwrap(),
                get(&e, "excludedBy"),
            )
        })
        .collect();
    assert_eq!(outcomes.len(), 5, "{outcomes:?}");
    assert_eq!(outcomes[0].1, "counted");
    assert_eq!(outcomes[1].1, "excluded");
    assert_eq!(
        outcomes[1].2.as_string().as_deref(),
        Some("api/v2/diagnostics/trace")
    );
    assert_eq!(outcomes[2].0, "PATCH");
    assert_eq!(
        outcomes[2].2.as_string().as_deref(),
        Some("api/v2/users/{userId}/presences/{sourceId}")
    );
    assert_eq!(outcomes[3].1, "not-api");
    assert!(outcomes[3].2.is_null());
    assert_eq!(outcomes[4].1, "counted", "XHR counts");
    let remaining = tracker.remaining_ms().as_f64().unwrap();
    assert!(
        remaining > 590_000.0 && remaining <= 600_000.0,
        "{remaining}"
    );
    let explain: JsValue = tracker.explain().into();
    assert_eq!(
        get(&explain, "source").as_string().as_deref(),
        Some("organization")
    );
    assert_eq!(get(&explain, "timeoutSeconds").as_f64(), Some(600.0));
    tracker.stop();
    assert!(!fetch_is_wrapped(), "stop() restores the original fetch");
    // Requests after stop() still work and are not recorded.
    let status = JsFuture::from(do_fetch("/api/v2/routing/queues", "GET"))
        .await
        .unwrap();
    assert!(status.as_f64().unwrap() >= 0.0);
    assert_eq!(
        js_sys::Array::from(&tracker.activity_log()).length(),
        log.length()
    );
}

#[wasm_bindgen_test]
fn a_second_tracker_is_refused_until_the_first_stops() {
    let first = InactivityTracker::start(options(&JsValue::UNDEFINED).unchecked_into()).unwrap();
    let err = InactivityTracker::start(options(&JsValue::UNDEFINED).unchecked_into())
        .err()
        .expect("second start refused");
    let message = get(&err, "message").as_string().unwrap();
    assert!(message.contains("already running"), "{message}");
    first.stop();
    let second = InactivityTracker::start(options(&JsValue::UNDEFINED).unchecked_into()).unwrap();
    second.stop();
}

#[wasm_bindgen_test]
fn invalid_options_name_the_option_and_the_fix() {
    let cases = [
        ("{ loginUrl: 42 }", "TypeError", "loginUrl"),
        ("{ loginUrl: 'javascript:alert(1)' }", "RangeError", "loginUrl"),
        ("{ loginUrl: '' }", "RangeError", "loginUrl"),
        ("{ warningSeconds: -1 }", "RangeError", "warningSeconds"),
        ("{ warningSeconds: 'soon' }", "TypeError", "warningSeconds"),
        ("{ onWarning: 'alert' }", "TypeError", "onWarning"),
        ("{ user: { id: '' } }", "TypeError", "user.id"),
        ("{ user: { id: 'u', groups: [1] } }", "TypeError", "user.groups[0]"),
        ("{ warningSecond: 10 }", "TypeError", "unknown option \"warningSecond\""),
        ("{ embed: { parentOrigins: ['*'] } }", "RangeError", "parentOrigins[0]"),
        // Only serialized http(s) origins: no sandboxed "null", no bare host, no path.
        ("{ embed: { parentOrigins: ['null'] } }", "RangeError", "parentOrigins[0]"),
        ("{ embed: { parentOrigins: ['https://a.example', 'crm.example'] } }", "RangeError", "parentOrigins[1]\" must be an origin"),
        ("{ embed: { parentOrigins: ['https://crm.example/app'] } }", "RangeError", "did you mean \"https://crm.example\""),
        ("{ embed: { parentOrigins: ['https://crm.example:443'] } }", "RangeError", "did you mean \"https://crm.example\""),
        ("{ embed: { parentOrigins: ['ftp://crm.example'] } }", "RangeError", "parentOrigins[0]"),
        (
            "{ policy: { idleTokenTimeout: { enableIdleTokenTimeout: true, idleTokenTimeoutSeconds: 10 } } }",
            "RangeError",
            "idleTokenTimeoutSeconds",
        ),
    ];
    for (extra_options, kind, needle) in cases {
        let error = start_error(extra_options);
        assert!(
            error.starts_with(kind) && error.contains(needle),
            "{extra_options} -> {error}"
        );
    }
    let not_object = InactivityTracker::start(JsValue::from_f64(3.0).unchecked_into())
        .err()
        .unwrap();
    assert_eq!(
        get(&not_object, "name").as_string().as_deref(),
        Some("TypeError")
    );
}

/// Polls `condition` every 20 ms for at most `ms`.
async fn eventually(ms: u32, condition: impl Fn() -> bool) -> bool {
    for _ in 0..ms / 20 {
        if condition() {
            return true;
        }
        let wait = js_sys::Promise::new(&mut |ok, _| {
            let global = js_sys::global();
            let set = Reflect::get(&global, &JsValue::from_str("setTimeout")).unwrap();
            let set: Function = set.unchecked_into();
            set.call2(&JsValue::UNDEFINED, &ok, &JsValue::from_f64(20.0))
                .unwrap();
        });
        JsFuture::from(wait).await.unwrap();
    }
    condition()
}

/// The tracker's own calls keep the API base's path prefix: with `https://host/gateway/api/`,
/// the settings come from `https://host/gateway/api/v2/…`, not `https://host/api/v2/…`.
#[wasm_bindgen_test]
async fn own_calls_keep_the_api_base_path_prefix() {
    let tracker = InactivityTracker::start(
        options(&extra(
            "{ policy: undefined, user: undefined, apiBases: [location.origin + '/gateway/api/'] }",
        ))
        .unchecked_into(),
    )
    .unwrap();
    let seen = eventually(5_000, || {
        resources_named("/gateway/api/v2/tokens/timeout").length() > 0
    })
    .await;
    tracker.stop();
    assert!(seen, "the settings were fetched under the prefix");
    // None of them went to the origin's root instead.
    let at_root = resources_named("/api/v2/tokens/timeout")
        .iter()
        .filter(|n| {
            !n.as_string()
                .unwrap_or_default()
                .contains("/gateway/api/v2/tokens/timeout")
        })
        .count();
    assert_eq!(at_root, 0);
}

#[wasm_bindgen_test]
fn serialized_origins_are_accepted_as_parent_origins() {
    let tracker = InactivityTracker::start(
        options(&extra(
            "{ embed: { parentOrigins: ['https://crm.example.com', 'http://localhost:8080', 'https://[::1]:8443'] } }",
        ))
        .unchecked_into(),
    )
    .expect("serialized origins are valid");
    tracker.stop();
}

#[wasm_bindgen_test]
fn resume_after_login_has_nothing_to_resume_on_a_plain_page() {
    assert!(!resume_after_login());
}

/// Hostile locations in a well-formed `state` (and in raw form): never followed, no navigation.
#[wasm_bindgen_test]
fn resume_after_login_refuses_hostile_locations() {
    let hostile = [
        "//evil.example/",
        "/\\evil.example/",
        "\\\\evil.example",
        "javascript:alert(1)",
        "JaVaScRiPt:alert(1)",
        " javascript:alert(1)",
        "data:text/html,<script>alert(1)</script>",
        "https://evil.example/",
        "http://evil.example:80/path",
        "/%2f%2fevil.example",
        "/%5cevil.example",
        "/\tjavascript:alert(1)",
        "/a\nb",
        "/a\rb",
        "\u{0}/",
        "",
        "evil.example",
        "http:evil.example",
        "http://127.0.0.1@evil.example/",
        "//%09evil.example",
        "/%2F%2Fevil.example",
        "vbscript:msgbox",
        "file:///etc/passwd",
        "blob:https://evil.example/x",
    ];
    let before = here();
    for location in hostile {
        // Saved as this browser's own state, so that only the location's validation refuses it.
        let state = state_for(location);
        save_state(&state);
        set_search(&format!(
            "?state={}",
            String::from(js_sys::encode_uri_component(&state))
        ));
        assert!(!resume_after_login(), "followed {location:?}");
        assert_eq!(saved_state(), None, "a state is used once");
        set_search(&format!(
            "?state={}",
            String::from(js_sys::encode_uri_component(location))
        ));
        assert!(!resume_after_login(), "followed raw {location:?}");
    }
    set_search("");
    assert_eq!(here(), before, "no navigation happened");
}

/// Only the `state` this browser saved is followed: another one (e.g. an attacker's own
/// `redirectToLogin`), in the query or in the fragment, is refused — before any navigation.
#[wasm_bindgen_test]
fn resume_after_login_follows_only_the_state_this_browser_issued() {
    let before = here();
    let mine = state_for("/mine");
    let theirs = state_for("/theirs");
    let encoded = |s: &str| String::from(js_sys::encode_uri_component(s));
    // Saved mine, came back theirs (query, then fragment of the implicit grant).
    save_state(&mine);
    set_search(&format!("?state={}", encoded(&theirs)));
    assert!(
        !resume_after_login(),
        "followed a foreign state in the query"
    );
    save_state(&mine);
    set_search(&format!("#access_token=t&state={}", encoded(&theirs)));
    assert!(
        !resume_after_login(),
        "followed a foreign state in the fragment"
    );
    // Nothing saved while storage works: an unsaved state is refused.
    set_search(&format!("?state={}", encoded(&theirs)));
    assert!(!resume_after_login(), "followed an unsaved state");
    set_search("");
    assert_eq!(here(), before, "no navigation happened");
}

/// `isLoginState` answers by the same rule, for a callback to check before it exchanges a code,
/// and changes nothing: the saved state is still there for `resumeAfterLogin()`.
#[wasm_bindgen_test]
fn is_login_state_answers_by_the_same_rule_and_keeps_the_state() {
    let mine = state_for("/mine");
    let theirs = state_for("/theirs");
    save_state(&mine);
    assert!(is_login_state(&mine));
    assert!(!is_login_state(&theirs), "a state issued to someone else");
    assert!(!is_login_state(""));
    assert!(!is_login_state("/mine"), "a raw location is no state");
    assert_eq!(saved_state(), Some(mine.clone()), "nothing consumed");
    let hostile = state_for("//evil.example/");
    save_state(&hostile);
    assert!(
        !is_login_state(&hostile),
        "saved, but not a location on this origin"
    );
    let _ = web_sys::window()
        .unwrap()
        .session_storage()
        .unwrap()
        .unwrap()
        .remove_item("inactivity-timeout:return-to");
    assert!(!is_login_state(&mine), "nothing saved while storage works");
}

/// One timer: a burst of counted requests arms no timer per request.
#[wasm_bindgen_test]
async fn a_burst_of_requests_arms_no_timer_per_request() {
    let tracker = InactivityTracker::start(options(&JsValue::UNDEFINED).unchecked_into()).unwrap();
    let counts = count_timers();
    for _ in 0..50 {
        JsFuture::from(do_fetch("/api/v2/routing/queues", "GET"))
            .await
            .unwrap();
    }
    let set = get(&counts, "set").as_f64().unwrap();
    let restore: Function = get(&counts, "restore").unchecked_into();
    restore.call0(&JsValue::UNDEFINED).unwrap();
    tracker.stop();
    assert!(set <= 2.0, "50 requests armed {set} timers");
}
