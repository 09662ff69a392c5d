//! Browser tests of validatePolicy, resolveTimeout and classifyRequest (wasm-bindgen-test in
//! headless Chromium), with hostile JS inputs: null, numbers for strings, NaN, BigInt, huge and
//! sparse arrays, deep and cyclic objects, throwing getters, hostile and revoked Proxies.
#![cfg(target_arch = "wasm32")]

use inactivity_admin::{classify_request, resolve_timeout, validate_policy};
use js_sys::{Array, Reflect, JSON};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

#[wasm_bindgen(inline_js = r#"
export function js(source) { return (0, eval)("(" + source + ")"); }
export function deep(levels) {
  const root = {};
  let at = root;
  for (let i = 0; i < levels; i++) { at.x = {}; at = at.x; }
  return { idleTokenTimeout: root };
}
export function cyclic() {
  const p = { idleTokenTimeout: {} };
  p.idleTokenTimeout.self = p;
  return p;
}
export function throwingGetter() {
  const idle = {};
  Object.defineProperty(idle, "enableIdleTokenTimeout", { enumerable: true, get() { throw new Error("boom"); } });
  return { idleTokenTimeout: idle };
}
export function hostileProxy() {
  return new Proxy({}, { ownKeys() { throw new Error("no keys for you"); } });
}
export function revokedProxy() {
  const { proxy, revoke } = Proxy.revocable({}, {});
  revoke();
  return proxy;
}
export function manyGroups(n) {
  const groups = [];
  for (let i = 0; i < n; i++) groups.push("g" + i);
  return { idleTokenTimeout: { inactivityTimeoutGroupsEnabled: true,
    inactivityTimeoutGroupBundles: [{ priority: 1, timeoutSeconds: 600, groups }] } };
}
export function sparse(n) {
  return { idleTokenTimeout: {}, authSettings: { inactivityTimeoutExclusions: new Array(n) } };
}
export function isTypeError(e) { return e instanceof TypeError; }
export function isRangeError(e) { return e instanceof RangeError; }
export function message(e) { return String(e && e.message); }
"#)]
extern "C" {
    fn js(source: &str) -> JsValue;
    fn deep(levels: u32) -> JsValue;
    fn cyclic() -> JsValue;
    #[wasm_bindgen(js_name = throwingGetter)]
    fn throwing_getter() -> JsValue;
    #[wasm_bindgen(js_name = hostileProxy)]
    fn hostile_proxy() -> JsValue;
    #[wasm_bindgen(js_name = revokedProxy)]
    fn revoked_proxy() -> JsValue;
    #[wasm_bindgen(js_name = manyGroups)]
    fn many_groups(n: u32) -> JsValue;
    fn sparse(n: f64) -> JsValue;
    #[wasm_bindgen(js_name = isTypeError)]
    fn is_type_error(e: &JsValue) -> bool;
    #[wasm_bindgen(js_name = isRangeError)]
    fn is_range_error(e: &JsValue) -> bool;
    fn message(e: &JsValue) -> String;
}

fn get(v: &JsValue, key: &str) -> JsValue {
    Reflect::get(v, &JsValue::from_str(key)).unwrap()
}

const VALID: &str = r#"{
  idleTokenTimeout: { enableIdleTokenTimeout: true, idleTokenTimeoutSeconds: 1800,
    inactivityTimeoutGroupsEnabled: true,
    inactivityTimeoutGroupBundles: [ { priority: 1, timeoutSeconds: 600, groups: ["g1"] } ] },
  authSettings: { inactivityTimeoutExclusions: ["api/v2/users/me", "api/v2/users/{id}/presences/{source}"] },
  hipaa: false }"#;

/// `validatePolicy(input)`: `valid`, and the first errors' (path, code) and message fragments.
#[track_caller]
fn check_validate(input: JsValue, want: &[(&str, &str)], message_contains: &str) {
    let out = validate_policy(input);
    let errors: Array = get(&out, "errors").dyn_into().expect("errors is an array");
    let got: Vec<(String, String)> = errors
        .iter()
        .take(want.len().max(1))
        .map(|e| {
            (
                get(&e, "path").as_string().unwrap(),
                get(&e, "code").as_string().unwrap(),
            )
        })
        .collect();
    let want_pairs: Vec<(String, String)> = want
        .iter()
        .map(|(p, c)| (p.to_string(), c.to_string()))
        .collect();
    assert_eq!(got, want_pairs);
    assert_eq!(get(&out, "valid").as_bool(), Some(want.is_empty()));
    if let Some(first) = errors.iter().next() {
        let m = get(&first, "message").as_string().unwrap();
        assert!(
            m.contains(message_contains),
            "{m:?} should contain {message_contains:?}"
        );
    }
    // A plain JSON-compatible object.
    assert!(JSON::stringify(&out).is_ok());
}

#[wasm_bindgen_test]
fn validate_never_throws() {
    let not_object = [("", "wrong-type")];
    check_validate(JsValue::NULL, &not_object, "must be an object; got null");
    check_validate(JsValue::UNDEFINED, &not_object, "got null");
    check_validate(JsValue::from(5), &not_object, "got a number");
    check_validate(JsValue::from_str("{}"), &not_object, "got a string");
    check_validate(JsValue::TRUE, &not_object, "got a boolean");
    check_validate(js("[]"), &not_object, "got an array");
    check_validate(js("() => 1"), &not_object, "got null");
    check_validate(js("Symbol('x')"), &not_object, "got null");
    check_validate(js("10n"), &not_object, "got a number");
    check_validate(
        js("new Date()"),
        &[("idleTokenTimeout", "missing")],
        "is required",
    );
    check_validate(
        js("{}"),
        &[("idleTokenTimeout", "missing")],
        "is required: add an object",
    );
    check_validate(js(VALID), &[], "");
    check_validate(
        js("Object.create(null, { idleTokenTimeout: { value: {}, enumerable: true } })"),
        &[],
        "",
    );
}

#[wasm_bindgen_test]
fn validate_reports_wrong_types_with_paths() {
    check_validate(
        js("{ idleTokenTimeout: { enableIdleTokenTimeout: 'yes', inactivityTimeoutUnit: 5 }, hipaa: 'no' }"),
        &[
            ("hipaa", "wrong-type"),
            ("idleTokenTimeout.enableIdleTokenTimeout", "wrong-type"),
            ("idleTokenTimeout.inactivityTimeoutUnit", "wrong-type"),
        ],
        "must be a boolean",
    );
    check_validate(
        js("{ idleTokenTimeout: { enableIdleTokenTimeout: true, idleTokenTimeoutSeconds: NaN } }"),
        &[("idleTokenTimeout.idleTokenTimeoutSeconds", "not-an-integer")],
        "got NaN",
    );
    check_validate(
        js("{ idleTokenTimeout: { enableIdleTokenTimeout: true, idleTokenTimeoutSeconds: Infinity } }"),
        &[("idleTokenTimeout.idleTokenTimeoutSeconds", "not-an-integer")],
        "got Infinity",
    );
    check_validate(
        js("{ idleTokenTimeout: { enableIdleTokenTimeout: true, idleTokenTimeoutSeconds: 1800n } }"),
        &[],
        "",
    );
    check_validate(
        js("{ idleTokenTimeout: { enableIdleTokenTimeout: true, idleTokenTimeoutSeconds: '1800' } }"),
        &[("idleTokenTimeout.idleTokenTimeoutSeconds", "wrong-type")],
        "must be a number; got a string",
    );
    check_validate(
        js("{ idleTokenTimeout: { enableIdleTokenTimeout: true, idleTokenTimeoutSeconds: 1800 }, hipaa: true }"),
        &[("idleTokenTimeout.idleTokenTimeoutSeconds", "hipaa-cap-exceeded")],
        "HIPAA",
    );
    check_validate(
        js("{ idleTokenTimeout: {}, authSettings: { inactivityTimeoutExclusions: ['api/v2/{x', 5, 'a?b'] } }"),
        &[
            ("authSettings.inactivityTimeoutExclusions[0]", "exclusion-unclosed-brace"),
            ("authSettings.inactivityTimeoutExclusions[1]", "wrong-type"),
            ("authSettings.inactivityTimeoutExclusions[2]", "exclusion-query"),
        ],
        "close the parameter",
    );
}

#[wasm_bindgen_test]
fn validate_survives_hostile_values() {
    let deep_path = format!("idleTokenTimeout{}", ".x".repeat(63));
    check_validate(
        deep(100_000),
        &[(&deep_path, "unreadable")],
        "nested more than 64 levels deep",
    );
    // The cycle is followed until the depth limit: 64 keys.
    let cycle_path: Vec<&str> = (0..64)
        .map(|i| {
            if i % 2 == 0 {
                "idleTokenTimeout"
            } else {
                "self"
            }
        })
        .collect();
    check_validate(cyclic(), &[(&cycle_path.join("."), "unreadable")], "cyclic");
    check_validate(
        throwing_getter(),
        &[("idleTokenTimeout.enableIdleTokenTimeout", "unreadable")],
        "boom",
    );
    check_validate(hostile_proxy(), &[("", "unreadable")], "no keys for you");
    check_validate(revoked_proxy(), &[("", "unreadable")], "threw");
    check_validate(
        sparse(4e9),
        &[("authSettings.inactivityTimeoutExclusions", "unreadable")],
        "too large",
    );
    check_validate(
        sparse(300.0),
        &[(
            "authSettings.inactivityTimeoutExclusions",
            "too-many-exclusions",
        )],
        "has 300 entries",
    );
    check_validate(
        many_groups(200_000),
        &[(
            "idleTokenTimeout.inactivityTimeoutGroupBundles",
            "too-many-groups",
        )],
        "200000 groups",
    );
    // A huge number of errors is capped at 100 plus one.
    let out = validate_policy(sparse(150.0));
    let errors: Array = get(&out, "errors").dyn_into().unwrap();
    assert_eq!(errors.length(), 101);
    assert_eq!(
        get(&errors.get(100), "code").as_string().unwrap(),
        "too-many-errors"
    );
}

/// `resolveTimeout(policy, groups)` succeeds with (timeoutSeconds, source, bundlePriority,
/// groupId, hipaaCapped).
#[track_caller]
fn check_resolve(
    policy: &str,
    groups: &str,
    want: (Option<f64>, &str, Option<f64>, Option<&str>, bool),
) {
    let out =
        resolve_timeout(js(policy), js(groups)).unwrap_or_else(|e| panic!("threw {}", message(&e)));
    let got = (
        get(&out, "timeoutSeconds").as_f64(),
        get(&out, "source").as_string().unwrap(),
        get(&out, "bundlePriority").as_f64(),
        get(&out, "groupId").as_string(),
        get(&out, "hipaaCapped").as_bool().unwrap(),
    );
    assert_eq!(
        got,
        (
            want.0,
            want.1.to_owned(),
            want.2,
            want.3.map(str::to_owned),
            want.4
        )
    );
    for key in ["timeoutSeconds", "bundlePriority", "groupId"] {
        let v = get(&out, key);
        assert!(!v.is_undefined(), "{key} is null, never undefined");
    }
    assert!(get(&out, "explanation").as_string().unwrap().ends_with('.'));
}

#[wasm_bindgen_test]
fn resolve_timeout_paths() {
    check_resolve(
        VALID,
        "['g1']",
        (Some(600.0), "group-bundle", Some(1.0), Some("g1"), false),
    );
    check_resolve(
        VALID,
        "['other']",
        (Some(1800.0), "organization", None, None, false),
    );
    check_resolve(
        VALID,
        "[]",
        (Some(1800.0), "organization", None, None, false),
    );
    check_resolve(
        "{ idleTokenTimeout: {} }",
        "[]",
        (None, "none", None, None, false),
    );
    check_resolve(
        "{ idleTokenTimeout: {}, hipaa: true }",
        "[]",
        (Some(900.0), "hipaa", None, None, false),
    );
    check_resolve(
        "{ idleTokenTimeout: { enableIdleTokenTimeout: true, idleTokenTimeoutSeconds: 28800 }, hipaa: true }",
        "[]",
        (Some(900.0), "organization", None, None, true),
    );
}

/// A call that must throw: a TypeError (`type_error`) or a RangeError, whose message contains
/// `contains`.
#[track_caller]
fn check_throws(result: Result<JsValue, JsValue>, type_error: bool, contains: &str) {
    let e = match result {
        Ok(v) => panic!("expected an exception, got {:?}", JSON::stringify(&v)),
        Err(e) => e,
    };
    if type_error {
        assert!(is_type_error(&e), "a TypeError: {}", message(&e));
    } else {
        assert!(is_range_error(&e), "a RangeError: {}", message(&e));
    }
    let m = message(&e);
    assert!(m.contains(contains), "{m:?} should contain {contains:?}");
}

#[wasm_bindgen_test]
fn resolve_timeout_throws_clear_errors() {
    let groups = || js("[]");
    check_throws(
        resolve_timeout(JsValue::NULL, groups()),
        true,
        "resolveTimeout: invalid policy: the policy must be an object; got null",
    );
    check_throws(
        resolve_timeout(JsValue::from(5), groups()),
        true,
        "got a number",
    );
    check_throws(
        resolve_timeout(js("{}"), groups()),
        true,
        "idleTokenTimeout: is required",
    );
    check_throws(
        resolve_timeout(js("{ idleTokenTimeout: { enableIdleTokenTimeout: true, idleTokenTimeoutSeconds: 299 } }"), groups()),
        false,
        "idleTokenTimeout.idleTokenTimeoutSeconds: must be between 5 minutes (300 s) and 8 hours (28800 s); got 299 s",
    );
    check_throws(
        resolve_timeout(js("{ idleTokenTimeout: {}, authSettings: { inactivityTimeoutExclusions: ['', '', '', '', ''] } }"), groups()),
        false,
        "(and 2 more: validatePolicy lists them all)",
    );
    check_throws(resolve_timeout(throwing_getter(), groups()), true, "boom");
    check_throws(
        resolve_timeout(deep(100_000), groups()),
        true,
        "nested more than 64 levels deep",
    );
    check_throws(
        resolve_timeout(js(VALID), JsValue::from_str("g1")),
        true,
        "groupIds must be an array of strings; got a string",
    );
    check_throws(
        resolve_timeout(js(VALID), JsValue::UNDEFINED),
        true,
        "got undefined",
    );
    check_throws(
        resolve_timeout(js(VALID), js("['g1', 7]")),
        true,
        "groupIds[1] must be a string; got a number",
    );
    check_throws(
        resolve_timeout(js(VALID), js("new Array(4e9)")),
        false,
        "at most 100000 are allowed",
    );
    check_throws(
        resolve_timeout(js(VALID), revoked_proxy()),
        true,
        "groupIds could not be read",
    );
}

/// `classifyRequest(policy, url, options)` succeeds with (activity, excludedBy, path).
#[track_caller]
fn check_classify(url: JsValue, options: &str, want: (bool, Option<&str>, Option<&str>)) {
    let out = classify_request(js(VALID), url, Some(js(options).unchecked_into()))
        .unwrap_or_else(|e| panic!("threw {}", message(&e)));
    let got = (
        get(&out, "activity").as_bool().unwrap(),
        get(&out, "excludedBy").as_string(),
        get(&out, "path").as_string(),
    );
    assert_eq!(
        got,
        (want.0, want.1.map(str::to_owned), want.2.map(str::to_owned))
    );
    assert!(get(&out, "excludedBy").is_null() == want.1.is_none());
}

#[wasm_bindgen_test]
fn classify_request_cases() {
    let b = "{ base: 'https://apps.example.com/desk/' }";
    let s = JsValue::from_str;
    check_classify(
        s("/api/v2/routing/queues"),
        b,
        (true, None, Some("api/v2/routing/queues")),
    );
    check_classify(
        s("/API/v2/users/me/?x#y"),
        b,
        (false, Some("api/v2/users/me"), Some("api/v2/users/me")),
    );
    check_classify(
        s("../api/v2/users/42/presences/purecloud"),
        b,
        (
            false,
            Some("api/v2/users/{id}/presences/{source}"),
            Some("api/v2/users/42/presences/purecloud"),
        ),
    );
    check_classify(
        s("https://cdn.example.net/api/v2/x"),
        b,
        (false, None, None),
    );
    check_classify(s("blob:https://apps.example.com/1"), b, (false, None, None));
    check_classify(s("data:,x"), b, (false, None, None));
    check_classify(s("/static/app.js"), b, (false, None, None));
    check_classify(
        s("https://api.example.com/v2/x"),
        "{ base: 'https://apps.example.com/', apiBases: ['https://api.example.com'] }",
        (true, None, Some("v2/x")),
    );
    // URL and Request objects.
    check_classify(
        js("new URL('https://apps.example.com/api/v2/users/me')"),
        b,
        (false, Some("api/v2/users/me"), Some("api/v2/users/me")),
    );
    check_classify(
        js("new Request('https://apps.example.com/api/v2/x')"),
        b,
        (true, None, Some("api/v2/x")),
    );
    // The default base is document.baseURI: the test page's own origin.
    check_classify(s("/api/v2/x"), "undefined", (true, None, Some("api/v2/x")));
    check_classify(
        s("/api/v2/users/me"),
        "{}",
        (false, Some("api/v2/users/me"), Some("api/v2/users/me")),
    );
    check_classify(s("/api/v2/x"), "null", (true, None, Some("api/v2/x")));
}

#[wasm_bindgen_test]
fn classify_request_throws_clear_errors() {
    let url = || JsValue::from_str("/api/v2/x");
    check_throws(
        classify_request(JsValue::NULL, url(), None),
        true,
        "classifyRequest: invalid policy",
    );
    check_throws(
        classify_request(js(VALID), JsValue::from(5), None),
        true,
        "url must be a string (or a URL or Request); got a number",
    );
    check_throws(
        classify_request(js(VALID), JsValue::NULL, None),
        true,
        "got null",
    );
    check_throws(
        classify_request(
            js(VALID),
            url(),
            Some(JsValue::from_str("x").unchecked_into()),
        ),
        true,
        "options must be an object",
    );
    check_throws(
        classify_request(js(VALID), url(), Some(js("{ base: 5 }").unchecked_into())),
        true,
        "options.base must be a URL string",
    );
    check_throws(
        classify_request(
            js(VALID),
            url(),
            Some(js("{ base: 'ftp://x/' }").unchecked_into()),
        ),
        false,
        "the base URL \"ftp://x/\" is not an http: or https: URL",
    );
    check_throws(
        classify_request(
            js(VALID),
            url(),
            Some(js("{ base: '/relative' }").unchecked_into()),
        ),
        false,
        "is not an absolute URL",
    );
    check_throws(
        classify_request(
            js(VALID),
            url(),
            Some(js("{ apiBases: 'https://a' }").unchecked_into()),
        ),
        true,
        "options.apiBases must be an array of strings",
    );
    check_throws(
        classify_request(
            js(VALID),
            url(),
            Some(js("{ apiBases: [5] }").unchecked_into()),
        ),
        true,
        "options.apiBases[0] must be a string",
    );
    check_throws(
        classify_request(
            js(VALID),
            url(),
            Some(js("{ apiBases: ['wss://a'] }").unchecked_into()),
        ),
        false,
        "API base [0] \"wss://a\" is not an http: or https: URL",
    );
    check_throws(
        classify_request(js(VALID), url(), Some(revoked_proxy().unchecked_into())),
        true,
        "classifyRequest: options could not be read",
    );
    // A proxy that refuses to list its keys still answers `get`: no options given.
    assert!(classify_request(js(VALID), url(), Some(hostile_proxy().unchecked_into())).is_ok());
}
