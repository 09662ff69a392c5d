//! Every error path answers in the platform's error shape and changes nothing.

mod common;

use common::*;
use serde_json::json;

#[test]
fn malformed_json_is_a_400_and_changes_nothing() {
    let server = TestServer::start();
    let admin = server.token("admin");
    let before = server.get_ok("/api/v2/tokens/timeout", &admin);
    let agent_routing = format!("/api/v2/users/{}/routingstatus", user_ids::AGENT);
    for (method, path) in [
        ("PUT", "/api/v2/tokens/timeout"),
        ("PATCH", "/api/v2/organizations/authentication/settings"),
        ("PATCH", "/api/v2/organizations/features/hipaa"),
        ("PUT", agent_routing.as_str()),
    ] {
        for body in ["{\"enableIdleTokenTimeout\": tru", "", "   ", "{\"a\":1}}"] {
            let r = server.request(method, path, Some(&admin), Some(body), None);
            let error = r.error(400, "bad.request");
            let message = error["message"].as_str().unwrap();
            assert!(
                message.contains("JSON"),
                "{method} {path} {body:?}: {message}"
            );
        }
    }
    assert_eq!(server.get_ok("/api/v2/tokens/timeout", &admin), before);
}

#[test]
fn wrong_body_types_name_the_field() {
    let server = TestServer::start();
    let admin = server.token("admin");
    let cases = [
        (
            "PATCH",
            "/api/v2/organizations/authentication/settings",
            json!([1]),
            "",
        ),
        (
            "PATCH",
            "/api/v2/organizations/features/hipaa",
            json!("on"),
            "",
        ),
        (
            "PATCH",
            "/api/v2/organizations/features/hipaa",
            json!({ "enabled": 1 }),
            "enabled",
        ),
        (
            "PUT",
            "/api/v2/tokens/timeout",
            json!(null),
            "idleTokenTimeout",
        ),
    ];
    for (method, path, body, field) in cases {
        let error = server
            .send(method, path, Some(&admin), &body)
            .error(400, "invalid.value");
        assert_eq!(
            error["errors"][0]["path"],
            json!(field),
            "{method} {path} {body}: {error}"
        );
    }
}

#[test]
fn bodies_over_the_limit_are_413() {
    let server = TestServer::start();
    let admin = server.token("admin");
    let before = server.get_ok("/api/v2/organizations/authentication/settings", &admin);
    let huge = format!(
        "{{\"inactivityTimeoutExclusions\": [\"{}\"]}}",
        "a".repeat(inactivity_server::BODY_LIMIT)
    );
    for (method, path) in [
        ("PATCH", "/api/v2/organizations/authentication/settings"),
        ("PUT", "/api/v2/tokens/timeout"),
    ] {
        let r = server.request(method, path, Some(&admin), Some(&huge), None);
        r.error(413, "request.entity.too.large");
    }
    let r = server.request(
        "POST",
        "/oauth/token",
        None,
        Some(&huge),
        Some("application/x-www-form-urlencoded"),
    );
    r.error(413, "request.entity.too.large");
    assert_eq!(
        server.get_ok("/api/v2/organizations/authentication/settings", &admin),
        before
    );
    // Just under the limit is read, then judged on its content (an entry over 512 characters).
    let near = format!(
        "{{\"inactivityTimeoutExclusions\": [\"{}\"]}}",
        "a".repeat(inactivity_server::BODY_LIMIT - 100)
    );
    let r = server.request(
        "PATCH",
        "/api/v2/organizations/authentication/settings",
        Some(&admin),
        Some(&near),
        None,
    );
    assert_eq!(r.status, 400);
    assert_eq!(r.json()["errors"][0]["code"], json!("exclusion-too-long"));
}

#[test]
fn unknown_routes_are_404_json() {
    let server = TestServer::start();
    let agent = server.token("agent");
    for path in [
        "/api/v2/nothing",
        "/api/v3/users/me",
        "/api/v2/users/me/extra/deep",
        "/api",
    ] {
        let error = server.get(path, Some(&agent)).error(404, "not.found");
        assert!(
            error["message"].as_str().unwrap().contains("No "),
            "{error}"
        );
    }
    server.get("/no/such/page", None).error(404, "not.found");
    server
        .send("POST", "/no/such/page", None, &json!({}))
        .error(404, "not.found");
}

#[test]
fn wrong_methods_are_405_json_with_allow() {
    let server = TestServer::start();
    let admin = server.token("admin");
    for (method, path) in [
        ("POST", "/api/v2/tokens/timeout"),
        ("DELETE", "/api/v2/organizations/authentication/settings"),
        ("PUT", "/api/v2/users/me"),
        ("POST", "/api/v2/featuretoggles"),
        ("GET", "/api/v2/diagnostics/trace"),
        ("GET", "/oauth/token"),
        ("PUT", "/oauth/authorize"),
    ] {
        let r = server.request(method, path, Some(&admin), Some("{}"), None);
        r.error(405, "method.not.allowed");
        assert!(r.header("allow").is_some(), "{method} {path}");
    }
}

#[test]
fn api_calls_without_a_valid_token_are_401() {
    let server = TestServer::start();
    let error = server
        .get("/api/v2/users/me", None)
        .error(401, "authentication.required");
    assert!(error["message"].as_str().unwrap().contains("Bearer"));
    let r = server.get("/api/v2/users/me", None);
    assert!(r.header("www-authenticate").unwrap().starts_with("Bearer"));
    for header in ["Basic YWdlbnQ6YWdlbnQ=", "Bearer", "Bearer "] {
        let mut req = ureq::http::Request::builder()
            .uri(server.url("/api/v2/users/me"))
            .header("Authorization", header)
            .body(())
            .unwrap();
        let _ = &mut req;
        let r = client().run(req).unwrap();
        assert_eq!(r.status().as_u16(), 401, "{header}");
    }
    server
        .get("/api/v2/users/me", Some("not-a-token"))
        .error(401, "bad.credentials");
    // Unknown routes and wrong methods under /api need a token first.
    server
        .get("/api/v2/nothing", None)
        .error(401, "authentication.required");
    // Settings are not readable without signing in either.
    server
        .get("/api/v2/tokens/timeout", None)
        .error(401, "authentication.required");
    server
        .send("PUT", "/api/v2/tokens/timeout", None, &json!({}))
        .error(401, "authentication.required");
}
