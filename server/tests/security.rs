//! What the server enforces for the browser: PKCE (S256), redirect URIs registered per client,
//! `client_id` at the token endpoint, who may frame which page, no protocol-relative redirect,
//! and test controls that no web page can drive.

mod common;

use common::*;
use inactivity_server::pkce::Challenge;
use serde_json::json;

const VERIFIER: &str = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";

/// Signs in through the login form with these extra parameters; returns the response.
fn authorize_with(
    server: &TestServer,
    client_id: &str,
    redirect: &str,
    extra: &[(&str, &str)],
) -> Resp {
    let mut pairs = vec![
        ("username", "agent"),
        ("password", "agent"),
        ("client_id", client_id),
        ("redirect_uri", redirect),
        ("state", "s"),
    ];
    pairs.extend_from_slice(extra);
    server.form("/oauth/authorize", &pairs)
}

fn code_of(r: &Resp) -> String {
    assert_eq!(r.status, 303, "{}", r.body);
    query_param(r.header("location").unwrap(), "code").expect("a code")
}

fn exchange(server: &TestServer, code: &str, extra: &[(&str, &str)]) -> Resp {
    let redirect = server.redirect_uri();
    let mut pairs = vec![
        ("grant_type", "authorization_code"),
        ("code", code),
        ("redirect_uri", redirect.as_str()),
    ];
    pairs.extend_from_slice(extra);
    server.form("/oauth/token", &pairs)
}

#[test]
fn pkce_s256_binds_the_code_to_the_verifier() {
    let server = TestServer::start();
    let redirect = server.redirect_uri();
    let challenge = Challenge::of(VERIFIER);
    let pkce = [
        ("code_challenge", challenge.as_str()),
        ("code_challenge_method", "S256"),
    ];
    let with_client = ("client_id", CLIENT_ID);

    let code = code_of(&authorize_with(&server, CLIENT_ID, &redirect, &pkce));
    let r = exchange(&server, &code, &[with_client, ("code_verifier", VERIFIER)]);
    assert_eq!(r.status, 200, "{}", r.body);

    // Without the verifier, or with another one: refused, and the code is used up.
    for verifier in ["", "another-verifier-that-is-long-enough-to-be-well-formed"] {
        let code = code_of(&authorize_with(&server, CLIENT_ID, &redirect, &pkce));
        let body = exchange(&server, &code, &[with_client, ("code_verifier", verifier)])
            .error(400, "bad.request");
        assert_eq!(body["error"], json!("invalid_grant"), "{body}");
        exchange(&server, &code, &[with_client, ("code_verifier", VERIFIER)])
            .error(400, "bad.request");
    }
    // A verifier for a code issued without a challenge is a mistake worth saying.
    let code = server.authorize("agent", "agent");
    let body = exchange(&server, &code, &[with_client, ("code_verifier", VERIFIER)])
        .error(400, "bad.request");
    assert!(
        body["message"]
            .as_str()
            .unwrap()
            .contains("no code_challenge"),
        "{body}"
    );

    // The challenge travels through the login page: a wrong password keeps it.
    let mut pairs = vec![
        ("username", "agent"),
        ("password", "wrong"),
        ("client_id", CLIENT_ID),
        ("redirect_uri", redirect.as_str()),
    ];
    pairs.extend_from_slice(&pkce);
    let r = server.form("/oauth/authorize", &pairs);
    let location = r.header("location").unwrap();
    assert_eq!(
        query_param(location, "code_challenge").as_deref(),
        Some(challenge.as_str())
    );
    assert_eq!(
        query_param(location, "code_challenge_method").as_deref(),
        Some("S256")
    );

    // Only S256, only well-formed challenges: refused before any login form is shown.
    for bad in [
        vec![("code_challenge", challenge.as_str())],
        vec![
            ("code_challenge", VERIFIER),
            ("code_challenge_method", "plain"),
        ],
        vec![
            ("code_challenge", "short"),
            ("code_challenge_method", "S256"),
        ],
        vec![("code_challenge_method", "S256")],
    ] {
        let query: Vec<String> = [
            ("response_type", "code"),
            ("client_id", CLIENT_ID),
            ("redirect_uri", redirect.as_str()),
        ]
        .iter()
        .chain(bad.iter())
        .map(|(k, v)| format!("{k}={}", encode(v)))
        .collect();
        let body = server
            .get(&format!("/oauth/authorize?{}", query.join("&")), None)
            .error(400, "bad.request");
        assert_eq!(body["error"], json!("invalid_request"), "{bad:?}: {body}");
        assert!(
            body["message"].as_str().unwrap().contains("code_challenge"),
            "{body}"
        );
    }
}

#[test]
fn redirect_uris_are_registered_per_client() {
    let server = TestServer::start_configured(|c| {
        c.clients = vec![("crm".to_owned(), vec!["/crm/callback.html".to_owned()])];
    });
    let at = |path: &str| server.url(path);
    // The demo clients' own callbacks, and a client registered on the command line.
    code_of(&authorize_with(
        &server,
        "agent-demo",
        &at("/agent/callback.html"),
        &[],
    ));
    code_of(&authorize_with(
        &server,
        "admin-demo",
        &at("/admin/callback.html"),
        &[],
    ));
    code_of(&authorize_with(
        &server,
        "crm",
        &at("/crm/callback.html"),
        &[],
    ));
    // Another client's callback, a path beside it, an unknown client: 400 and no redirect.
    for (client, path, says) in [
        (
            "admin-demo",
            "/agent/callback.html",
            "not registered for client_id \"admin-demo\"",
        ),
        (
            "agent-demo",
            "/agent/callback.html?next=/evil",
            "not registered",
        ),
        ("agent-demo", "/agent/", "not registered"),
        (
            "somebody",
            "/agent/callback.html",
            "\"somebody\" is not registered",
        ),
    ] {
        let r = authorize_with(&server, client, &at(path), &[]);
        let body = r.error(400, "bad.request");
        assert!(r.header("location").is_none());
        assert!(
            body["message"].as_str().unwrap().contains(says),
            "{client} {path}: {body}"
        );
    }
}

#[test]
fn the_token_endpoint_requires_the_client_the_code_was_issued_to() {
    let server = TestServer::start();
    let code = server.authorize("agent", "agent");
    let body = exchange(&server, &code, &[]).error(400, "bad.request");
    assert_eq!(body["error"], json!("invalid_request"));
    assert!(
        body["message"]
            .as_str()
            .unwrap()
            .contains("client_id is required"),
        "{body}"
    );
    // The code was not used up by a request that named no client…
    let body = exchange(&server, &code, &[("client_id", "admin-demo")]).error(400, "bad.request");
    assert_eq!(
        body["error"],
        json!("invalid_grant"),
        "…but another client uses it up"
    );
    exchange(&server, &code, &[("client_id", CLIENT_ID)]).error(400, "bad.request");
    let body = exchange(&server, "whatever", &[("client_id", "nobody")]).error(400, "bad.request");
    assert_eq!(body["error"], json!("invalid_client"));
    // The refresh grant too.
    let body = server
        .form(
            "/oauth/token",
            &[("grant_type", "refresh_token"), ("refresh_token", "x")],
        )
        .error(400, "bad.request");
    assert!(
        body["message"]
            .as_str()
            .unwrap()
            .contains("client_id is required"),
        "{body}"
    );
}

#[test]
fn only_the_agent_client_may_be_framed_and_only_by_the_allowed_origins() {
    let server = TestServer::start_configured(|c| {
        c.frame_ancestors = vec!["https://crm.example.com".to_owned()];
    });
    let port = server.port;
    let csp = |path: &str| {
        let r = server.get(path, None);
        (
            r.header("content-security-policy").map(str::to_owned),
            r.header("x-frame-options").map(str::to_owned),
        )
    };
    let (agent, xfo) = csp("/agent/");
    assert_eq!(
        agent.as_deref(),
        Some(format!(
            "frame-ancestors 'self' http://127.0.0.1:{port} http://localhost:{port} https://crm.example.com"
        ).as_str())
    );
    assert_eq!(xfo, None);
    for path in [
        "/",
        "/oauth/authorize",
        "/admin/",
        "/login.html",
        "/no-such-page",
    ] {
        let (policy, xfo) = csp(path);
        assert_eq!(policy.as_deref(), Some("frame-ancestors 'none'"), "{path}");
        assert_eq!(xfo.as_deref(), Some("DENY"), "{path}");
    }
}

#[test]
fn never_a_protocol_relative_redirect() {
    let server = TestServer::start();
    // A directory without its slash is redirected, on this site.
    let r = server.get("/agent", None);
    assert_eq!(r.status, 307);
    assert_eq!(r.header("location"), Some("/agent/"));
    for path in [
        "//agent",
        "//evil.example",
        "//evil.example/agent",
        "///agent",
    ] {
        let r = server.get(path, None);
        assert_eq!(r.status, 404, "{path}: {:?}", r.header("location"));
        assert!(r.header("location").is_none(), "{path}");
    }
}

#[test]
fn the_test_controls_take_json_from_this_server_only() {
    let server = TestServer::start();
    let json_type = ("Content-Type", "application/json");
    let body = Some(r#"{"advanceMs": 1}"#);
    // Form-encoded or plain text (what a cross-site form or a no-cors fetch can send): refused.
    for content_type in [
        "application/x-www-form-urlencoded",
        "text/plain",
        "multipart/form-data",
    ] {
        let r = server.request_with(
            "POST",
            "/__test/clock",
            &[("Content-Type", content_type)],
            body,
        );
        r.error(415, "unsupported.media.type");
    }
    server
        .request_with("DELETE", "/__test/log", &[], None)
        .error(415, "unsupported.media.type");
    // From another origin, or cross-site by the browser's word: refused, JSON or not.
    let evil = format!("http://evil.example:{}", server.port);
    for headers in [
        vec![json_type, ("Origin", evil.as_str())],
        vec![json_type, ("Origin", "null")],
        vec![json_type, ("Sec-Fetch-Site", "cross-site")],
    ] {
        server
            .request_with("POST", "/__test/reset", &headers, Some("{}"))
            .error(403, "not.authorized");
        server
            .request_with("GET", "/__test/log", &headers, None)
            .error(403, "not.authorized");
    }
    // This server's own pages, on either origin, and tools without an Origin: accepted.
    let own = format!("http://localhost:{}", server.port);
    let r = server.request_with(
        "POST",
        "/__test/clock",
        &[json_type, ("Origin", own.as_str())],
        body,
    );
    assert_eq!(r.status, 200, "{}", r.body);
    let r = server.request_with("DELETE", "/__test/log", &[json_type], None);
    assert_eq!(r.status, 200, "{}", r.body);
}
