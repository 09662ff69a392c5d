//! Browser tests of holds (wasm-bindgen-test): `maxHoldSeconds` and label errors, a hold after
//! `stop()`, `release()` and `[Symbol.dispose]`, `explain().holds` and the activity log, what a
//! hold tells the other tabs, and a hold in another tab (played by the test on the channel)
//! keeping this tab from logging out.
#![cfg(target_arch = "wasm32")]

mod tabs_support;

use inactivity_client::InactivityTracker;
use js_sys::{Array, Function, Reflect};
use tabs_support::*;
use wasm_bindgen::prelude::*;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

fn with(user: &str, key: &str, value: JsValue) -> JsValue {
    let extra = js_sys::Object::new();
    Reflect::set(&extra, &key.into(), &value).unwrap();
    options(user, &extra)
}

fn error_text(error: &JsValue) -> String {
    get(error, "message").as_string().unwrap_or_default()
}

fn call(handle: &JsValue, method: &JsValue) {
    Reflect::get(handle, method)
        .unwrap()
        .unchecked_into::<Function>()
        .call0(handle)
        .unwrap();
}

fn release(handle: &JsValue) {
    call(handle, &"release".into());
}

fn holds(tracker: &InactivityTracker) -> Vec<JsValue> {
    Array::from(&get(&tracker.explain(), "holds")).to_vec()
}

fn labels(tracker: &InactivityTracker) -> Vec<String> {
    holds(tracker)
        .iter()
        .map(|h| get(h, "label").as_string().unwrap())
        .collect()
}

fn hold_log(tracker: &InactivityTracker) -> Vec<(String, String, JsValue)> {
    Array::from(&tracker.activity_log())
        .iter()
        .filter(|e| get(e, "outcome").as_string().unwrap().starts_with("hold-"))
        .map(|e| {
            (
                get(&e, "outcome").as_string().unwrap(),
                get(&e, "label").as_string().unwrap(),
                get(&e, "reason"),
            )
        })
        .collect()
}

#[wasm_bindgen_test]
fn max_hold_seconds_outside_60_to_28800_or_not_whole_is_a_range_error_naming_it() {
    for bad in [59.0, 28_801.0, 90.5, f64::NAN, f64::INFINITY, -60.0] {
        let error = InactivityTracker::start(
            with("u-max", "maxHoldSeconds", JsValue::from_f64(bad)).unchecked_into(),
        )
        .err()
        .unwrap_or_else(|| panic!("{bad} accepted"));
        assert!(error.is_instance_of::<js_sys::RangeError>(), "{bad}");
        assert!(
            error_text(&error).contains("maxHoldSeconds"),
            "{bad}: {}",
            error_text(&error)
        );
    }
    // Anything else, a number in a string included, is the same RangeError.
    for bad in [
        JsValue::from_str("600"),
        JsValue::TRUE,
        js_sys::Object::new().into(),
    ] {
        let error =
            InactivityTracker::start(with("u-max", "maxHoldSeconds", bad.clone()).unchecked_into())
                .err()
                .unwrap_or_else(|| panic!("{bad:?} accepted"));
        assert!(error.is_instance_of::<js_sys::RangeError>(), "{bad:?}");
        assert!(error_text(&error).contains("maxHoldSeconds"));
    }
    // Nothing started: a tracker with the bounds themselves starts.
    for ok in [60.0, 28_800.0] {
        let tracker = InactivityTracker::start(
            with("u-max", "maxHoldSeconds", JsValue::from_f64(ok)).unchecked_into(),
        )
        .unwrap();
        tracker.stop();
    }
}

#[wasm_bindgen_test]
fn a_label_that_is_not_a_non_empty_string_of_at_most_100_characters_is_refused() {
    let tracker = start("u-label");
    let cases = [
        (JsValue::from_f64(42.0), true),
        (JsValue::UNDEFINED, true),
        (JsValue::from_str(""), false),
        (JsValue::from_str("   "), false),
        (JsValue::from_str(&"x".repeat(101)), false),
        (JsValue::from_str("line\nbreak"), false),
    ];
    for (label, type_error) in cases {
        let error = tracker.hold(label.clone()).err().unwrap();
        if type_error {
            assert!(error.is_instance_of::<js_sys::TypeError>(), "{label:?}");
        } else {
            assert!(error.is_instance_of::<js_sys::RangeError>(), "{label:?}");
        }
        assert!(
            error_text(&error).contains("label"),
            "{}",
            error_text(&error)
        );
    }
    assert!(holds(&tracker).is_empty(), "a refused hold holds nothing");
    assert!(hold_log(&tracker).is_empty());
    let longest = tracker.hold(JsValue::from_str(&"é".repeat(100))).unwrap();
    assert_eq!(holds(&tracker).len(), 1);
    release(&longest);
    tracker.stop();
}

#[wasm_bindgen_test]
fn a_hold_after_stop_throws_a_clear_error() {
    let tracker = start("u-stopped");
    tracker.stop();
    let error = tracker.hold(JsValue::from_str("Call 1")).err().unwrap();
    assert!(error.is_instance_of::<js_sys::Error>());
    assert!(
        error_text(&error).contains("stopped"),
        "{}",
        error_text(&error)
    );
}

#[wasm_bindgen_test]
fn release_is_idempotent_and_symbol_dispose_releases() {
    let tracker = start("u-release");
    let first = tracker.hold(JsValue::from_str("Call 1")).unwrap();
    let second = tracker.hold(JsValue::from_str("Call 2")).unwrap();
    assert_eq!(labels(&tracker), ["Call 1", "Call 2"]);
    release(&first);
    release(&first);
    assert_eq!(labels(&tracker), ["Call 2"]);
    let dispose = Reflect::get(&js_sys::global(), &"Symbol".into())
        .and_then(|s| Reflect::get(&s, &"dispose".into()))
        .unwrap();
    if dispose.is_symbol() {
        call(&second, &dispose);
    } else {
        release(&second);
    }
    release(&second);
    assert!(labels(&tracker).is_empty());
    let ended: Vec<_> = hold_log(&tracker)
        .into_iter()
        .filter(|(outcome, _, _)| outcome == "hold-ended")
        .collect();
    assert_eq!(ended.len(), 2, "one end per hold, however often released");
    tracker.stop();
}

#[wasm_bindgen_test]
fn explain_lists_the_holds_and_the_activity_log_records_their_begin_and_end() {
    let tracker = start("u-explain");
    let before = now();
    let handle = tracker.hold(JsValue::from_str("Call 42")).unwrap();
    let listed = holds(&tracker);
    assert_eq!(listed.len(), 1);
    assert_eq!(get(&listed[0], "label").as_string().unwrap(), "Call 42");
    let since = get(&listed[0], "sinceMs").as_f64().unwrap();
    assert!(since >= before.floor() && since <= now(), "{since}");
    // Held: the whole timeout is left, however long the hold lasts.
    assert_eq!(remaining(&tracker), 10.0 * MIN);
    release(&handle);
    assert!(holds(&tracker).is_empty());
    let log = hold_log(&tracker);
    assert_eq!(log.len(), 2, "{log:?}");
    assert_eq!(
        (log[0].0.as_str(), log[0].1.as_str()),
        ("hold-began", "Call 42")
    );
    assert!(log[0].2.is_null());
    assert_eq!(
        (log[1].0.as_str(), log[1].1.as_str()),
        ("hold-ended", "Call 42")
    );
    assert_eq!(log[1].2.as_string().as_deref(), Some("released"));
    tracker.stop();
}

#[wasm_bindgen_test]
async fn a_hold_is_announced_to_the_other_tabs_and_stop_ends_it_there() {
    let observer = listen("u-announce");
    let tracker = start("u-announce");
    let _handle = tracker.hold(JsValue::from_str("Call 7")).unwrap();
    eventually(2_000, "the hold announced", || {
        !seen(&observer, "hold").is_empty()
    })
    .await;
    let hold = &seen(&observer, "hold")[0];
    assert_eq!(get(hold, "label").as_string().as_deref(), Some("Call 7"));
    tracker.stop();
    eventually(2_000, "a goodbye on stop()", || {
        !seen(&observer, "goodbye").is_empty()
    })
    .await;
    close(&observer);
}

#[wasm_bindgen_test]
async fn a_hold_in_another_tab_keeps_this_tab_from_logging_out_until_that_tab_goes_away() {
    let user = "u-remote";
    // The session has 1.5 s left when this tab starts.
    let tracker = start_about_to_expire(user, 1_500.0);
    let at = now() as u64;
    post(
        user,
        &JsValue::from_str(&format!(
            r#"{{"v":1,"from":"other-tab","kind":"hold","hold":1,"since":{at},"at":{at},"label":"Call 9"}}"#
        )),
    );
    eventually(2_000, "the other tab's hold applied", || {
        labels(&tracker) == ["Call 9"]
    })
    .await;
    let log = hold_log(&tracker);
    assert_eq!(log[0].0, "hold-began");
    wait(3_000).await;
    assert_eq!(logouts().length(), 0, "no logout while the other tab holds");
    assert_eq!(remaining(&tracker), 10.0 * MIN);

    // That tab goes away: its hold ends here, and the timer runs from then.
    post(
        user,
        &JsValue::from_str(r#"{"v":1,"from":"other-tab","kind":"goodbye"}"#),
    );
    eventually(2_000, "the hold ended with its tab", || {
        labels(&tracker).is_empty()
    })
    .await;
    let ended = hold_log(&tracker);
    assert_eq!(
        ended.last().unwrap().2.as_string().as_deref(),
        Some("tab-gone")
    );
    let left = remaining(&tracker);
    assert!(left > 9.9 * MIN && left <= 10.0 * MIN, "{left}");
    assert_eq!(logouts().length(), 0);
    tracker.stop();
}
