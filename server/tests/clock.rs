//! The clock and the test control that moves it: no time the server computes can overflow, and
//! an absurd move is a 400 that moves nothing.

mod common;

use common::*;
use inactivity_server::clock::MAX_MS;
use serde_json::json;

#[test]
fn an_absurd_move_of_the_clock_is_refused_and_moves_nothing() {
    let server = TestServer::start();
    let before = server.now_ms();
    for (body, field) in [
        (json!({ "advanceMs": u64::MAX }), "advanceMs"),
        (json!({ "advanceMs": i64::MAX }), "advanceMs"),
        (json!({ "advanceMs": MAX_MS }), "advanceMs"),
        (json!({ "setMs": u64::MAX }), "setMs"),
        (json!({ "setMs": MAX_MS + 1 }), "setMs"),
    ] {
        let r = server.send("POST", "/__test/clock", None, &body);
        let error = r.error(400, "invalid.value");
        assert_eq!(r.error_paths(), vec![field], "{error}");
        let message = error["message"].as_str().unwrap();
        assert!(message.contains("9999-12-31T23:59:59.999Z"), "{message}");
        assert!(message.contains("did not move"), "{message}");
    }
    let after = server.now_ms();
    assert!(
        after - before < 60_000,
        "the clock moved from {before} to {after}"
    );
    // A token still works: nothing panicked, the sweep included.
    let agent = server.token("agent");
    assert_eq!(server.get("/api/v2/users/me", Some(&agent)).status, 200);
}

#[test]
fn at_both_ends_of_the_clock_everything_works() {
    let server = TestServer::start();
    for start in [0, MAX_MS - 5 * 60_000] {
        let r = server.send("POST", "/__test/clock", None, &json!({ "setMs": start }));
        assert_eq!(r.status, 200, "{}", r.body);
        let admin = server.token("admin");
        let agent = server.token("agent");
        let me = server.get_ok("/api/v2/tokens/me", &agent);
        assert!(me["dateTokenExpires"].is_string(), "{me}");
        assert!(me["dateTokenIdles"].is_string(), "{me}");
        server.send_ok(
            "PUT",
            &format!("/api/v2/users/{}/routingstatus", user_ids::AGENT),
            &agent,
            &json!({ "status": "IDLE" }),
        );
        let preview = server.send_ok(
            "POST",
            "/api/v2/inactivity/preview",
            &admin,
            &json!({
                "idleTokenTimeout": server.get_ok("/api/v2/tokens/timeout", &admin),
                "inactivityTimeoutExclusions": [],
            }),
        );
        assert_eq!(preview["sessions"], json!(2), "{preview}");
        // To the last millisecond: the sweep runs there too. From 0 the tokens idled out; five
        // minutes before the end, their deadline is past the end and they are still live.
        let moved = server.send("POST", "/__test/clock", None, &json!({ "setMs": MAX_MS }));
        assert_eq!(moved.status, 200, "{}", moved.body);
        assert_eq!(moved.json()["nowMs"], json!(MAX_MS));
        let expired = moved.json()["expiredTokens"].as_u64().unwrap();
        let status = server.get("/api/v2/users/me", Some(&agent)).status;
        assert_eq!(
            (expired, status),
            if start == 0 { (2, 401) } else { (0, 200) }
        );
        assert_eq!(server.advance(0)["nowMs"], json!(MAX_MS));
        let r = server.send("POST", "/__test/reset", None, &json!({}));
        assert_eq!(r.status, 200, "{}", r.body);
    }
}
