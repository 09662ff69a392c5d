//! Browser tests of the cross-tab logout (wasm-bindgen-test in a real browser): a logout in one
//! tab logs the others out without echo or calls, and exactly one leader makes the calls — also
//! when the lock holder hangs, is closed mid-logout, or Web Locks are missing. The "other tab" is
//! played by the test itself (`tabs_support`). The login URL is a fragment, so a logout stays on
//! the page.
#![cfg(target_arch = "wasm32")]

mod tabs_support;

use js_sys::Function;
use tabs_support::*;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

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
