//! Sign-in: the authorization-code flow and the refresh-token rule.

mod common;

use common::*;
use serde_json::json;

#[test]
fn the_login_page_is_served_for_a_valid_request() {
    let server = TestServer::start();
    let redirect = server.redirect_uri();
    let r = server.get(
        &format!(
            "/oauth/authorize?response_type=code&client_id=agent-demo&redirect_uri={}&state=%2Fagent%2F%3Fq%3D1%23h",
            encode(&redirect)
        ),
        None,
    );
    assert_eq!(r.status, 200);
    assert!(r.header("content-type").unwrap().starts_with("text/html"));
    assert!(r.body.contains("Sign in"));
    // Without a client the page itself explains; with a foreign redirect it is refused.
    assert_eq!(server.get("/oauth/authorize", None).status, 200);
    for bad in [
        "http://evil.example/cb",
        "http://127.0.0.1:1/cb",
        "https://127.0.0.1/cb",
    ] {
        let r = server.get(
            &format!(
                "/oauth/authorize?response_type=code&client_id=x&redirect_uri={}",
                encode(bad)
            ),
            None,
        );
        let body = r.error(400, "bad.request");
        assert_eq!(body["error"], json!("invalid_request"));
    }
    let r = server.get(
        &format!(
            "/oauth/authorize?response_type=token&client_id=x&redirect_uri={}",
            encode(&redirect)
        ),
        None,
    );
    r.error(400, "bad.request");
}

#[test]
fn a_code_comes_back_with_the_state_unchanged_on_either_origin() {
    let server = TestServer::start();
    for host in ["127.0.0.1", "localhost"] {
        let redirect = format!("http://{host}:{}/agent/callback.html", server.port);
        let state = "/agent/?q=a b&x=1#section-2";
        let r = server.form(
            "/oauth/authorize",
            &[
                ("username", "agent"),
                ("password", "agent"),
                ("client_id", "agent-demo"),
                ("redirect_uri", &redirect),
                ("state", state),
            ],
        );
        assert_eq!(r.status, 303, "{}", r.body);
        let location = r.header("location").unwrap();
        assert!(
            location.starts_with(&format!("{redirect}?code=")),
            "{location}"
        );
        assert_eq!(query_param(location, "state").as_deref(), Some(state));
        let code = query_param(location, "code").unwrap();
        assert!(code.len() >= 32);
        let token = server.form(
            "/oauth/token",
            &[
                ("grant_type", "authorization_code"),
                ("code", &code),
                ("redirect_uri", &redirect),
                ("client_id", CLIENT_ID),
            ],
        );
        assert_eq!(token.status, 200, "{}", token.body);
        let body = token.json();
        assert_eq!(body["token_type"], json!("bearer"));
        assert!(body["expires_in"].as_u64().unwrap() > 0);
        let access = body["access_token"].as_str().unwrap();
        let me = server.get_ok("/api/v2/users/me", access);
        assert_eq!(me["username"], json!("agent"));
    }
}

#[test]
fn wrong_credentials_go_back_to_the_login_page_with_the_same_params() {
    let server = TestServer::start();
    let redirect = server.redirect_uri();
    let r = server.form(
        "/oauth/authorize",
        &[
            ("username", "agent"),
            ("password", "wrong"),
            ("client_id", "agent-demo"),
            ("redirect_uri", &redirect),
            ("state", "xyz"),
        ],
    );
    assert_eq!(r.status, 303);
    let location = r.header("location").unwrap();
    assert!(location.starts_with("/oauth/authorize?"), "{location}");
    assert_eq!(
        query_param(location, "error").as_deref(),
        Some("invalid_credentials")
    );
    assert_eq!(
        query_param(location, "client_id").as_deref(),
        Some("agent-demo")
    );
    assert_eq!(
        query_param(location, "redirect_uri").as_deref(),
        Some(redirect.as_str())
    );
    assert_eq!(query_param(location, "state").as_deref(), Some("xyz"));
    assert_eq!(
        query_param(location, "username"),
        None,
        "the page keeps the typed username itself, not in the URL"
    );
    assert_eq!(
        query_param(location, "password"),
        None,
        "never echo the password"
    );
    assert_eq!(query_param(location, "code"), None);
}

#[test]
fn never_an_open_redirect() {
    let server = TestServer::start();
    for bad in [
        "http://evil.example/cb".to_owned(),
        format!("http://127.0.0.1:{}@evil.example/", server.port),
        format!("http://127.0.0.1:{}/cb#frag", server.port),
        format!("//127.0.0.1:{}/cb", server.port),
        "/relative".to_owned(),
        "javascript:alert(1)".to_owned(),
        String::new(),
    ] {
        let r = server.form(
            "/oauth/authorize",
            &[
                ("username", "agent"),
                ("password", "agent"),
                ("client_id", "agent-demo"),
                ("redirect_uri", &bad),
                ("state", "s"),
            ],
        );
        assert_eq!(r.status, 400, "{bad}: {}", r.body);
        assert!(r.header("location").is_none(), "{bad}");
    }
}

#[test]
fn codes_are_single_use_short_lived_and_bound_to_their_redirect() {
    let server = TestServer::start();
    let redirect = server.redirect_uri();
    let exchange = |code: &str, redirect: &str| {
        server.form(
            "/oauth/token",
            &[
                ("grant_type", "authorization_code"),
                ("code", code),
                ("redirect_uri", redirect),
                ("client_id", CLIENT_ID),
            ],
        )
    };
    let code = server.authorize("agent", "agent");
    assert_eq!(exchange(&code, &redirect).status, 200);
    let body = exchange(&code, &redirect).error(400, "bad.request");
    assert_eq!(body["error"], json!("invalid_grant"));

    let code = server.authorize("agent", "agent");
    let other = format!("http://localhost:{}/agent/popup.html", server.port);
    exchange(&code, &other).error(400, "bad.request");
    // ...and a failed exchange used the code up.
    exchange(&code, &redirect).error(400, "bad.request");

    let code = server.authorize("agent", "agent");
    server.advance(61_000);
    let body = exchange(&code, &redirect).error(400, "bad.request");
    assert!(
        body["message"].as_str().unwrap().contains("expired"),
        "{body}"
    );

    exchange("nope", &redirect).error(400, "bad.request");
    let body = server
        .form(
            "/oauth/token",
            &[("grant_type", "password"), ("client_id", CLIENT_ID)],
        )
        .error(400, "bad.request");
    assert_eq!(body["error"], json!("unsupported_grant_type"));
    let body = server
        .form("/oauth/token", &[("client_id", CLIENT_ID)])
        .error(400, "bad.request");
    assert_eq!(body["error"], json!("invalid_request"));
}

#[test]
fn the_token_endpoint_takes_json_too() {
    let server = TestServer::start();
    let code = server.authorize("supervisor", "supervisor");
    let r = server.send(
        "POST",
        "/oauth/token",
        None,
        &json!({ "grant_type": "authorization_code", "code": code, "redirect_uri": server.redirect_uri(), "client_id": CLIENT_ID }),
    );
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(r.header("cache-control"), Some("no-store"));
    server
        .request("POST", "/oauth/token", None, Some("{nope"), None)
        .error(400, "bad.request");
}

#[test]
fn no_refresh_token_while_a_timeout_is_enabled_and_the_refresh_grant_is_refused() {
    let server = TestServer::start();
    let issued = server.sign_in("admin");
    assert!(issued.get("refresh_token").is_none(), "{issued}");
    let body = server
        .form(
            "/oauth/token",
            &[
                ("grant_type", "refresh_token"),
                ("refresh_token", "anything"),
                ("client_id", CLIENT_ID),
            ],
        )
        .error(400, "bad.request");
    assert!(
        body["message"]
            .as_str()
            .unwrap()
            .contains("inactivity timeout is enabled"),
        "{body}"
    );
    assert_eq!(body["error"], json!("invalid_grant"));
}

#[test]
fn a_refresh_token_is_issued_and_honoured_when_no_timeout_applies() {
    let server = TestServer::start();
    let admin = server.token("admin");
    let mut timeout = server.get_ok("/api/v2/tokens/timeout", &admin);
    timeout["enableIdleTokenTimeout"] = json!(false);
    server.send_ok("PUT", "/api/v2/tokens/timeout", &admin, &timeout);

    let issued = server.sign_in("agent");
    let refresh = issued["refresh_token"]
        .as_str()
        .expect("a refresh token")
        .to_owned();
    let r = server.form(
        "/oauth/token",
        &[
            ("grant_type", "refresh_token"),
            ("refresh_token", &refresh),
            ("client_id", CLIENT_ID),
        ],
    );
    assert_eq!(r.status, 200, "{}", r.body);
    let renewed = r.json();
    let access = renewed["access_token"].as_str().unwrap();
    assert_eq!(
        server.get_ok("/api/v2/users/me", access)["username"],
        json!("agent")
    );
    // Refresh tokens rotate.
    server
        .form(
            "/oauth/token",
            &[
                ("grant_type", "refresh_token"),
                ("refresh_token", &refresh),
                ("client_id", CLIENT_ID),
            ],
        )
        .error(400, "bad.request");

    // Enabled again (group bundles count too): refused, even with a valid refresh token.
    let next = renewed["refresh_token"].as_str().unwrap().to_owned();
    timeout["inactivityTimeoutGroupsEnabled"] = json!(true);
    server.send_ok("PUT", "/api/v2/tokens/timeout", &admin, &timeout);
    server
        .form(
            "/oauth/token",
            &[
                ("grant_type", "refresh_token"),
                ("refresh_token", &next),
                ("client_id", CLIENT_ID),
            ],
        )
        .error(400, "bad.request");
    assert!(server.sign_in("agent").get("refresh_token").is_none());
}

/// Turns every timeout off (org-wide and groups; HIPAA is off by default).
fn no_timeout(server: &TestServer, admin: &str) -> serde_json::Value {
    let mut timeout = server.get_ok("/api/v2/tokens/timeout", admin);
    timeout["enableIdleTokenTimeout"] = json!(false);
    timeout["inactivityTimeoutGroupsEnabled"] = json!(false);
    server.send_ok("PUT", "/api/v2/tokens/timeout", admin, &timeout);
    timeout
}

fn refresh(server: &TestServer, refresh_token: &str, client_id: &str) -> Resp {
    server.form(
        "/oauth/token",
        &[
            ("grant_type", "refresh_token"),
            ("refresh_token", refresh_token),
            ("client_id", client_id),
        ],
    )
}

fn refresh_token_of(issued: &serde_json::Value) -> String {
    issued["refresh_token"]
        .as_str()
        .unwrap_or_else(|| panic!("a refresh token: {issued}"))
        .to_owned()
}

#[test]
fn a_refresh_token_works_only_for_the_client_it_was_issued_to() {
    let server = TestServer::start();
    let admin = server.token("admin");
    no_timeout(&server, &admin);
    let stolen = refresh_token_of(&server.sign_in("agent"));
    let body = refresh(&server, &stolen, "minimal").error(400, "bad.request");
    assert_eq!(body["error"], json!("invalid_grant"));
    assert!(
        body["message"]
            .as_str()
            .unwrap()
            .contains("another client_id"),
        "{body}"
    );
    // Presented by the wrong client, it is spent: the right one cannot use it either.
    refresh(&server, &stolen, CLIENT_ID).error(400, "bad.request");

    let kept = refresh_token_of(&server.sign_in("agent"));
    let r = refresh(&server, &kept, CLIENT_ID);
    assert_eq!(r.status, 200, "{}", r.body);
    let access = r.json()["access_token"].as_str().unwrap().to_owned();
    let me = server.get_ok("/api/v2/tokens/me", &access);
    assert_eq!(me["OAuthClient"]["id"], json!(CLIENT_ID));
}

#[test]
fn a_refresh_token_expires_after_a_week() {
    let server = TestServer::start();
    let admin = server.token("admin");
    no_timeout(&server, &admin);
    let fresh = refresh_token_of(&server.sign_in("agent"));
    let old = refresh_token_of(&server.sign_in("agent"));
    // No timeout applies: the clock can move a week without any token idling out.
    server.advance(7 * 24 * 60 * 60 * 1000 - 1_000);
    let r = refresh(&server, &fresh, CLIENT_ID);
    assert_eq!(r.status, 200, "{}", r.body);
    server.advance(1_000);
    let body = refresh(&server, &old, CLIENT_ID).error(400, "bad.request");
    assert!(
        body["message"].as_str().unwrap().contains("expired"),
        "{body}"
    );
    // Forgotten a day later.
    let old = refresh_token_of(&server.sign_in("agent"));
    server.advance(8 * 24 * 60 * 60 * 1000);
    let body = refresh(&server, &old, CLIENT_ID).error(400, "bad.request");
    assert!(
        body["message"].as_str().unwrap().contains("not valid"),
        "{body}"
    );
}

#[test]
fn turning_a_timeout_on_revokes_every_refresh_token() {
    for turn_on in ["org-wide", "groups", "hipaa"] {
        let server = TestServer::start();
        let admin = server.token("admin");
        let mut timeout = no_timeout(&server, &admin);
        let issued = refresh_token_of(&server.sign_in("agent"));
        match turn_on {
            "org-wide" => timeout["enableIdleTokenTimeout"] = json!(true),
            "groups" => timeout["inactivityTimeoutGroupsEnabled"] = json!(true),
            _ => {
                server.set_hipaa(&admin, true);
                server.set_hipaa(&admin, false);
            }
        }
        server.send_ok("PUT", "/api/v2/tokens/timeout", &admin, &timeout);
        // Off again: the refresh token issued before stays revoked.
        let admin = server.token("admin");
        no_timeout(&server, &admin);
        let body = refresh(&server, &issued, CLIENT_ID).error(400, "bad.request");
        assert_eq!(body["error"], json!("invalid_grant"), "{turn_on}: {body}");
        assert!(
            body["message"].as_str().unwrap().contains("not valid"),
            "{turn_on}: {body}"
        );
        // A new one, issued while no timeout applies, works.
        let again = refresh_token_of(&server.sign_in("agent"));
        assert_eq!(refresh(&server, &again, CLIENT_ID).status, 200, "{turn_on}");
    }
}
