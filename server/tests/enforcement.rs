//! Server-side enforcement of the idle timeout (ARCHITECTURE.md, invariant 5), driven by the test clock.

mod common;

use common::*;
use serde_json::json;

const MINUTE: u64 = 60_000;

/// The admin, with an 8-hour timeout (a third group bundle for Administrators), so that it can
/// watch the agent across long clock moves.
fn long_lived_admin(server: &TestServer) -> String {
    let admin = server.token("admin");
    let mut timeout = server.get_ok("/api/v2/tokens/timeout", &admin);
    timeout["inactivityTimeoutGroupsEnabled"] = json!(true);
    timeout["inactivityTimeoutGroupBundles"]
        .as_array_mut()
        .unwrap()
        .push(json!({
            "priority": 3, "timeoutSeconds": 28800, "inactivityTimeoutUnit": "Hours",
            "groups": [group_ids::ADMINS]
        }));
    server.send_ok("PUT", "/api/v2/tokens/timeout", &admin, &timeout);
    // The new settings apply from the next counted call on.
    let info = server.get_ok("/api/v2/tokens/me", &admin);
    assert_eq!(info["idleTimeout"]["timeoutSeconds"], json!(28800));
    admin
}

/// The agent, On Queue and Available, with the default 10-minute org-wide timeout.
fn on_queue_agent(server: &TestServer) -> String {
    let agent = server.token("agent");
    server.send_ok(
        "PUT",
        &format!("/api/v2/users/{}/routingstatus", user_ids::AGENT),
        &agent,
        &json!({ "status": "IDLE" }),
    );
    agent
}

#[test]
fn an_idle_token_is_revoked_with_offline_and_off_queue() {
    let server = TestServer::start();
    let admin = long_lived_admin(&server);
    let agent = on_queue_agent(&server);
    assert_eq!(presence_of(&server, &admin, user_ids::AGENT), "Available");
    assert_eq!(routing_of(&server, &admin, user_ids::AGENT), "IDLE");

    server.advance(10 * MINUTE - 1_000);
    assert_eq!(
        server.get("/api/v2/routing/queues", Some(&agent)).status,
        200
    );
    // That call counted: ten more minutes from now.
    server.advance(10 * MINUTE - 1_000);
    assert_eq!(presence_of(&server, &admin, user_ids::AGENT), "Available");

    let moved = server.advance(2_000);
    assert_eq!(moved["expiredTokens"], json!(1));
    assert_eq!(presence_of(&server, &admin, user_ids::AGENT), "Offline");
    assert_eq!(routing_of(&server, &admin, user_ids::AGENT), "OFF_QUEUE");
    let body = server
        .get("/api/v2/routing/queues", Some(&agent))
        .error(401, "bad.credentials");
    assert!(
        body["message"]
            .as_str()
            .unwrap()
            .contains("10 minutes of inactivity"),
        "{body}"
    );
    // Every later call too, excluded ones included.
    server
        .get("/api/v2/users/me", Some(&agent))
        .error(401, "bad.credentials");
    let log = server.log();
    let last = log.last().unwrap();
    assert_eq!(last["status"], json!(401));
    assert_eq!(
        last["user"],
        json!("agent"),
        "the log names whose token it was"
    );
}

#[test]
fn the_deadline_is_checked_on_the_request_itself() {
    // The lazy check: the clock moves past the deadline by `setMs` without the sweep mattering
    // (the sweep also runs, but the request after it must be refused either way).
    let server = TestServer::start();
    let agent = server.token("agent");
    let now = server.now_ms();
    let r = server.send(
        "POST",
        "/__test/clock",
        None,
        &json!({ "setMs": now + 10 * MINUTE + 5_000 }),
    );
    assert_eq!(r.status, 200);
    server
        .get("/api/v2/conversations", Some(&agent))
        .error(401, "bad.credentials");
}

#[test]
fn the_background_sweep_revokes_without_any_request() {
    let server = TestServer::start();
    let admin = long_lived_admin(&server);
    let _agent = on_queue_agent(&server);
    // Half a second before the deadline; the sweep runs every second in real time.
    server.advance(10 * MINUTE - 500);
    assert_eq!(routing_of(&server, &admin, user_ids::AGENT), "IDLE");
    let started = std::time::Instant::now();
    loop {
        std::thread::sleep(std::time::Duration::from_millis(200));
        if routing_of(&server, &admin, user_ids::AGENT) == "OFF_QUEUE" {
            break;
        }
        assert!(
            started.elapsed() < std::time::Duration::from_secs(5),
            "the sweep did not revoke the idle token"
        );
    }
    assert_eq!(presence_of(&server, &admin, user_ids::AGENT), "Offline");
}

#[test]
fn excluded_calls_do_not_reset_the_deadline_and_counted_ones_do() {
    let server = TestServer::start();
    let agent = server.token("agent");
    let first = server.idles_at(&agent).expect("a deadline");

    server.advance(3 * MINUTE);
    // The five default-excluded APIs.
    assert_eq!(
        server.get("/api/v2/featuretoggles", Some(&agent)).status,
        200
    );
    assert_eq!(
        server
            .send(
                "POST",
                "/api/v2/diagnostics/newrelic/insights",
                Some(&agent),
                &json!({"events": []})
            )
            .status,
        202
    );
    assert_eq!(
        server
            .send(
                "POST",
                "/api/v2/diagnostics/trace",
                Some(&agent),
                &json!({})
            )
            .status,
        202
    );
    assert_eq!(
        server
            .get("/api/v2/integrations/clientapps", Some(&agent))
            .status,
        200
    );
    assert_eq!(
        server
            .get("/api/v2/users/me?expand=groups", Some(&agent))
            .status,
        200
    );
    // Matching is on the normalized path (case, a doubled or trailing slash, the query): no
    // route serves this spelling, but the call is excluded all the same.
    assert_eq!(
        server
            .get("/API/v2//featuretoggles/?x=1", Some(&agent))
            .status,
        404
    );
    assert_eq!(server.idles_at(&agent).as_deref(), Some(first.as_str()));

    // An ordinary call moves it.
    assert_eq!(
        server.get("/api/v2/routing/queues", Some(&agent)).status,
        200
    );
    let moved = server.idles_at(&agent).unwrap();
    assert!(moved > first, "{moved} > {first}");

    let log = server.log();
    let counted = |path: &str| {
        log.iter()
            .filter(|e| e["path"] == path)
            .map(|e| e["counted"].as_bool().unwrap())
            .collect::<Vec<_>>()
    };
    assert_eq!(counted("/api/v2/featuretoggles"), vec![false]);
    assert_eq!(counted("/api/v2/users/me"), vec![false]);
    assert_eq!(counted("/api/v2/routing/queues"), vec![true]);
    let excluded = log
        .iter()
        .find(|e| e["path"] == "/api/v2/diagnostics/trace")
        .unwrap();
    assert_eq!(excluded["excludedBy"], json!("api/v2/diagnostics/trace"));
    assert_eq!(excluded["method"], json!("POST"));
    assert_eq!(excluded["user"], json!("agent"));

    // Only excluded calls for the whole timeout: revoked.
    server.advance(10 * MINUTE - 2_000);
    assert_eq!(
        server.get("/api/v2/featuretoggles", Some(&agent)).status,
        200
    );
    server.advance(2_000);
    server
        .get("/api/v2/featuretoggles", Some(&agent))
        .error(401, "bad.credentials");
}

#[test]
fn preserve_idle_ttl_reads_the_deadline_without_moving_it() {
    let server = TestServer::start();
    let agent = server.token("agent");
    let first = server.idles_at(&agent).unwrap();
    server.advance(MINUTE);
    assert_eq!(server.idles_at(&agent).as_deref(), Some(first.as_str()));
    // Without the flag the call counts.
    let body = server.get_ok("/api/v2/tokens/me", &agent);
    let moved = body["dateTokenIdles"].as_str().unwrap();
    assert!(moved > first.as_str());
    assert_eq!(body["idleTimeout"]["timeoutSeconds"], json!(600));
    assert_eq!(body["idleTimeout"]["source"], json!("organization"));
    // ISO-8601 UTC.
    assert!(first.ends_with('Z') && first.contains('T'), "{first}");
    let log = server.log();
    let flags: Vec<_> = log
        .iter()
        .filter(|e| e["path"] == "/api/v2/tokens/me")
        .map(|e| e["counted"].clone())
        .collect();
    assert_eq!(flags, vec![json!(false), json!(false), json!(true)]);
}

#[test]
fn settings_changes_apply_to_existing_tokens_at_their_next_counted_call() {
    let server = TestServer::start();
    let admin = server.token("admin");
    let agent = server.token("agent");
    let supervisor = server.token("supervisor");
    // Org-wide 5 minutes; groups on (the supervisor is in both default bundles: priority 1 wins).
    let mut timeout = server.get_ok("/api/v2/tokens/timeout", &admin);
    timeout["idleTokenTimeoutSeconds"] = json!(300);
    timeout["inactivityTimeoutGroupsEnabled"] = json!(true);
    server.send_ok("PUT", "/api/v2/tokens/timeout", &admin, &timeout);

    // Until their next counted call, the old 10-minute deadlines stand.
    server.advance(6 * MINUTE);
    assert!(server.idles_at(&agent).is_some());
    assert_eq!(
        server.get("/api/v2/conversations", Some(&agent)).status,
        200
    );
    assert_eq!(
        server
            .get("/api/v2/conversations", Some(&supervisor))
            .status,
        200
    );
    let agent_info = server.get_ok("/api/v2/tokens/me?preserveIdleTTL=true", &agent);
    assert_eq!(agent_info["idleTimeout"]["timeoutSeconds"], json!(300));
    let sup_info = server.get_ok("/api/v2/tokens/me?preserveIdleTTL=true", &supervisor);
    assert_eq!(sup_info["idleTimeout"]["timeoutSeconds"], json!(900));
    assert_eq!(sup_info["idleTimeout"]["source"], json!("group-bundle"));
    assert_eq!(sup_info["idleTimeout"]["bundlePriority"], json!(1));
    assert_eq!(
        sup_info["idleTimeout"]["groupId"],
        json!(group_ids::SUPERVISORS)
    );

    // Five minutes on: the agent is out, the supervisor (15 minutes) is not.
    server.advance(5 * MINUTE);
    server
        .get("/api/v2/conversations", Some(&agent))
        .error(401, "bad.credentials");
    assert_eq!(
        server
            .get("/api/v2/conversations", Some(&supervisor))
            .status,
        200
    );
}

#[test]
fn no_timeout_means_no_deadline() {
    let server = TestServer::start();
    let admin = server.token("admin");
    let mut timeout = server.get_ok("/api/v2/tokens/timeout", &admin);
    timeout["enableIdleTokenTimeout"] = json!(false);
    server.send_ok("PUT", "/api/v2/tokens/timeout", &admin, &timeout);
    assert_eq!(server.idles_at(&admin).as_deref().map(|_| ()), Some(()));
    assert_eq!(server.get("/api/v2/groups", Some(&admin)).status, 200);
    assert_eq!(
        server.idles_at(&admin),
        None,
        "the counted call applied the change"
    );
    let agent = server.token("agent");
    assert_eq!(server.idles_at(&agent), None);
    let info = server.get_ok("/api/v2/tokens/me", &agent);
    assert_eq!(info["idleTimeout"]["timeoutSeconds"], json!(null));
    assert_eq!(info["idleTimeout"]["source"], json!("none"));
    server.advance(8 * 60 * MINUTE);
    assert_eq!(
        server.get("/api/v2/conversations", Some(&agent)).status,
        200
    );

    // HIPAA brings a 15-minute timeout even with the timeout off.
    server.set_hipaa(&admin, true);
    assert_eq!(
        server.get("/api/v2/conversations", Some(&agent)).status,
        200
    );
    let info = server.get_ok("/api/v2/tokens/me?preserveIdleTTL=true", &agent);
    assert_eq!(info["idleTimeout"]["timeoutSeconds"], json!(900));
    assert_eq!(info["idleTimeout"]["source"], json!("hipaa"));
    server.advance(15 * MINUTE);
    server
        .get("/api/v2/conversations", Some(&agent))
        .error(401, "bad.credentials");
}

#[test]
fn hipaa_caps_a_longer_timeout() {
    let server = TestServer::start();
    let admin = server.token("admin");
    let mut timeout = server.get_ok("/api/v2/tokens/timeout", &admin);
    timeout["idleTokenTimeoutSeconds"] = json!(3600);
    timeout["inactivityTimeoutUnit"] = json!("Hours");
    server.send_ok("PUT", "/api/v2/tokens/timeout", &admin, &timeout);
    server.set_hipaa(&admin, true);
    let agent = server.token("agent");
    let info = server.get_ok("/api/v2/tokens/me", &agent);
    assert_eq!(info["idleTimeout"]["timeoutSeconds"], json!(900));
    assert_eq!(info["idleTimeout"]["hipaaCapped"], json!(true));
}

#[test]
fn signing_out_revokes_the_token() {
    let server = TestServer::start();
    let agent = server.token("agent");
    let other = server.token("agent");
    server.revoke(&agent);
    let body = server
        .get("/api/v2/conversations", Some(&agent))
        .error(401, "bad.credentials");
    assert!(body["message"].as_str().unwrap().contains("revoked"));
    // Another session of the same user is untouched.
    assert_eq!(
        server.get("/api/v2/conversations", Some(&other)).status,
        200
    );
}

#[test]
fn signing_in_again_after_a_timeout_works_and_makes_the_user_available() {
    let server = TestServer::start();
    let admin = server.token("admin");
    let agent = on_queue_agent(&server);
    server.advance(11 * MINUTE);
    server
        .get("/api/v2/conversations", Some(&agent))
        .error(401, "bad.credentials");
    // The admin's token timed out too; sign in again.
    let admin = {
        server
            .get("/api/v2/conversations", Some(&admin))
            .error(401, "bad.credentials");
        server.token("admin")
    };
    assert_eq!(presence_of(&server, &admin, user_ids::AGENT), "Offline");
    let agent = server.token("agent");
    assert_eq!(
        server.get("/api/v2/conversations", Some(&agent)).status,
        200
    );
    assert_eq!(presence_of(&server, &admin, user_ids::AGENT), "Available");
    assert_eq!(routing_of(&server, &admin, user_ids::AGENT), "OFF_QUEUE");
}

/// The agent's presence and routing status, as the admin sees them.
fn agent_status(server: &TestServer, admin: &str) -> (String, String) {
    (
        presence_of(server, admin, user_ids::AGENT),
        routing_of(server, admin, user_ids::AGENT),
    )
}

fn signed_out() -> (String, String) {
    ("Offline".to_owned(), "OFF_QUEUE".to_owned())
}

fn working() -> (String, String) {
    ("Available".to_owned(), "IDLE".to_owned())
}

#[test]
fn a_token_that_idles_out_signs_the_user_out_only_if_no_other_token_of_theirs_is_live() {
    let server = TestServer::start();
    let admin = long_lived_admin(&server);
    let laptop = on_queue_agent(&server);
    let phone = server.token("agent");
    assert_eq!(agent_status(&server, &admin), working());

    // The phone is used; the laptop is not.
    server.advance(6 * MINUTE);
    assert_eq!(
        server.get("/api/v2/conversations", Some(&phone)).status,
        200
    );
    let moved = server.advance(5 * MINUTE);
    assert_eq!(moved["expiredTokens"], json!(1), "the laptop's token");
    server
        .get("/api/v2/conversations", Some(&laptop))
        .error(401, "bad.credentials");
    assert_eq!(
        agent_status(&server, &admin),
        working(),
        "the phone's token is live: the agent still works there"
    );

    // The phone idles out too: the last live token.
    let moved = server.advance(6 * MINUTE);
    assert_eq!(moved["expiredTokens"], json!(1), "the phone's token");
    assert_eq!(agent_status(&server, &admin), signed_out());
}

#[test]
fn tokens_that_idle_out_together_sign_the_user_out() {
    let server = TestServer::start();
    let admin = long_lived_admin(&server);
    let _laptop = on_queue_agent(&server);
    let _phone = server.token("agent");
    let moved = server.advance(11 * MINUTE);
    assert_eq!(moved["expiredTokens"], json!(2));
    assert_eq!(agent_status(&server, &admin), signed_out());
}

#[test]
fn revoking_the_last_live_token_signs_the_user_out_at_the_server() {
    let server = TestServer::start();
    let admin = long_lived_admin(&server);
    let agent = on_queue_agent(&server);
    assert_eq!(agent_status(&server, &admin), working());
    // A client that could make none of its Off Queue and Offline calls, only the revoke.
    server.revoke(&agent);
    assert_eq!(agent_status(&server, &admin), signed_out());
}

#[test]
fn revoking_one_of_two_live_tokens_follows_the_same_rule() {
    let server = TestServer::start();
    let admin = long_lived_admin(&server);
    let laptop = on_queue_agent(&server);
    let phone = server.token("agent");
    server.revoke(&laptop);
    assert_eq!(
        agent_status(&server, &admin),
        working(),
        "the phone is live"
    );
    server.revoke(&phone);
    assert_eq!(agent_status(&server, &admin), signed_out(), "the last one");
}
