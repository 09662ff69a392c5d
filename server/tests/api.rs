//! The directory, user, presence and routing endpoints, static files, and the test controls.

mod common;

use common::*;
use serde_json::{json, Value};

#[test]
fn static_files_with_their_mime_types() {
    let server = TestServer::start();
    let cases = [
        ("/", "text/html", "home"),
        ("/agent/", "text/html", "agent"),
        ("/style.css", "text/css", "body"),
        ("/js/oauth.js", "text/javascript", "export"),
        ("/pkg/inactivity_timeout.js", "text/javascript", "init"),
        ("/pkg/inactivity_timeout.mjs", "text/javascript", "export"),
        ("/pkg/inactivity_timeout_bg.wasm", "application/wasm", "asm"),
        (
            "/catalog/api-catalog.json",
            "application/json",
            "api/v2/users/me",
        ),
    ];
    for (path, mime, contains) in cases {
        let r = server.get(path, None);
        assert_eq!(r.status, 200, "{path}");
        assert!(
            r.header("content-type").unwrap().starts_with(mime),
            "{path}: {:?}",
            r.header("content-type")
        );
        assert!(r.body.contains(contains), "{path}: {}", r.body);
    }
    // Loading static files is not API activity: nothing in the log.
    assert!(server.log().is_empty());
    server.get("/missing.html", None).error(404, "not.found");
    server
        .get("/pkg/missing.wasm", None)
        .error(404, "not.found");
    // A directory without the trailing slash redirects to it.
    assert_eq!(server.get("/agent", None).status / 100, 3);
}

#[test]
fn localhost_reaches_the_same_server() {
    let server = TestServer::start();
    let agent = client();
    let mut r = agent
        .get(format!("http://localhost:{}/", server.port))
        .call()
        .expect("localhost resolves to a bound address");
    assert_eq!(r.status().as_u16(), 200);
    assert!(r.body_mut().read_to_string().unwrap().contains("home"));
}

#[test]
fn users_me_and_expansions() {
    let server = TestServer::start();
    let token = server.token("supervisor");
    let me = server.get_ok("/api/v2/users/me", &token);
    assert_eq!(me["id"], json!(user_ids::SUPERVISOR));
    assert_eq!(me["username"], json!("supervisor"));
    assert!(me.get("groups").is_none());
    let me = server.get_ok(
        "/api/v2/users/me?expand=groups,presence,routingStatus,authorization",
        &token,
    );
    let groups: Vec<&str> = me["groups"]
        .as_array()
        .unwrap()
        .iter()
        .map(|g| {
            assert!(g["name"].is_string());
            g["id"].as_str().unwrap()
        })
        .collect();
    assert_eq!(
        groups,
        vec![group_ids::SUPERVISORS, group_ids::SALES, group_ids::AGENTS]
    );
    assert_eq!(
        me["presence"]["presenceDefinition"]["systemPresence"],
        json!("Available")
    );
    assert_eq!(me["routingStatus"]["status"], json!("OFF_QUEUE"));
    assert_eq!(me["authorization"]["roles"][0]["name"], json!("employee"));
    let admin = server.token("admin");
    let me = server.get_ok("/api/v2/users/me?expand=authorization", &admin);
    assert_eq!(me["authorization"]["roles"][0]["name"], json!("admin"));
    // Another user: only an admin.
    let other = server.get_ok(&format!("/api/v2/users/{}", user_ids::SUPERVISOR), &admin);
    assert_eq!(other["username"], json!("supervisor"));
    let agent = server.token("agent");
    server
        .get(
            &format!("/api/v2/users/{}", user_ids::SUPERVISOR),
            Some(&agent),
        )
        .error(403, "not.authorized");
}

#[test]
fn groups_are_paged() {
    let server = TestServer::start();
    let token = server.token("admin");
    // 30 groups: more than the 25 that bundles may hold, so the admin page can reach the limit.
    let first = server.get_ok("/api/v2/groups", &token);
    assert_eq!(first["total"], json!(30));
    assert_eq!(first["pageNumber"], json!(1));
    assert_eq!(first["pageSize"], json!(25));
    assert_eq!(first["pageCount"], json!(2));
    assert_eq!(first["entities"].as_array().unwrap().len(), 25);
    let all = server.get_ok("/api/v2/groups?pageSize=100", &token);
    assert_eq!(all["entities"].as_array().unwrap().len(), 30);
    let page = server.get_ok("/api/v2/groups?pageSize=4&pageNumber=8", &token);
    assert_eq!(page["entities"].as_array().unwrap().len(), 2);
    assert_eq!(page["pageSize"], json!(4));
    assert_eq!(page["total"], json!(30));
    let ids: Vec<&str> = all["entities"]
        .as_array()
        .unwrap()
        .iter()
        .map(|g| g["id"].as_str().unwrap())
        .collect();
    assert!(ids.contains(&group_ids::SUPERVISORS) && ids.contains(&group_ids::ADMINS));
    let error = server
        .get("/api/v2/groups?pageSize=0", Some(&token))
        .error(400, "invalid.value");
    assert_eq!(error["errors"][0]["path"], json!("pageSize"));
}

#[test]
fn presence_definitions_and_presence_changes() {
    let server = TestServer::start();
    let agent = server.token("agent");
    let defs = server.get_ok("/api/v2/presencedefinitions", &agent);
    let mut systems: Vec<&str> = defs["entities"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            assert!(d["id"].is_string() && d["languageLabels"]["en_US"].is_string());
            d["systemPresence"].as_str().unwrap()
        })
        .collect();
    systems.sort();
    assert_eq!(
        systems,
        [
            "Available",
            "Away",
            "Break",
            "Busy",
            "Idle",
            "Meal",
            "Meeting",
            "Offline",
            "Training"
        ]
    );
    let path = format!("/api/v2/users/{}/presences/purecloud", user_ids::AGENT);
    let now = server.get_ok(&path, &agent);
    assert_eq!(
        now["presenceDefinition"]["systemPresence"],
        json!("Available")
    );
    assert_eq!(now["source"], json!("PURECLOUD"));
    let busy = presence_id(&server, &agent, "Busy");
    let changed = server.send_ok(
        "PATCH",
        &path,
        &agent,
        &json!({ "presenceDefinition": { "id": busy } }),
    );
    assert_eq!(
        changed["presenceDefinition"]["systemPresence"],
        json!("Busy")
    );
    assert_eq!(
        server.get_ok(&path, &agent)["presenceDefinition"]["id"],
        json!(busy)
    );
    // Validation.
    let error = server
        .send(
            "PATCH",
            &path,
            Some(&agent),
            &json!({ "presenceDefinition": { "id": "nope" } }),
        )
        .error(400, "invalid.value");
    assert_eq!(error["errors"][0]["path"], json!("presenceDefinition.id"));
    let error = server
        .send(
            "PATCH",
            &path,
            Some(&agent),
            &json!({ "presenceDefinition": "Busy" }),
        )
        .error(400, "invalid.value");
    assert_eq!(error["errors"][0]["path"], json!("presenceDefinition"));
    assert_eq!(error["errors"][0]["code"], json!("wrong-type"));
    // Someone else's presence: only an admin.
    let sup = format!("/api/v2/users/{}/presences/purecloud", user_ids::SUPERVISOR);
    server.get(&sup, Some(&agent)).error(403, "not.authorized");
    server
        .send(
            "PATCH",
            &sup,
            Some(&agent),
            &json!({ "presenceDefinition": { "id": busy } }),
        )
        .error(403, "not.authorized");
    let admin = server.token("admin");
    server.send_ok(
        "PATCH",
        &sup,
        &admin,
        &json!({ "presenceDefinition": { "id": busy } }),
    );
    server
        .get("/api/v2/users/nobody/presences/purecloud", Some(&admin))
        .error(404, "not.found");
}

#[test]
fn routing_status_on_and_off_queue() {
    let server = TestServer::start();
    let agent = server.token("agent");
    let path = format!("/api/v2/users/{}/routingstatus", user_ids::AGENT);
    assert_eq!(server.get_ok(&path, &agent)["status"], json!("OFF_QUEUE"));
    for status in [
        "IDLE",
        "INTERACTING",
        "COMMUNICATING",
        "NOT_RESPONDING",
        "OFF_QUEUE",
    ] {
        let r = server.send_ok("PUT", &path, &agent, &json!({ "status": status }));
        assert_eq!(r["status"], json!(status));
        assert_eq!(r["userId"], json!(user_ids::AGENT));
        assert!(r["startTime"].as_str().unwrap().ends_with('Z'));
        assert_eq!(server.get_ok(&path, &agent)["status"], json!(status));
    }
    let error = server
        .send("PUT", &path, Some(&agent), &json!({ "status": "ON_QUEUE" }))
        .error(400, "invalid.value");
    assert_eq!(error["errors"][0]["path"], json!("status"));
    let error = server
        .send("PUT", &path, Some(&agent), &json!({ "status": 1 }))
        .error(400, "invalid.value");
    assert_eq!(error["errors"][0]["code"], json!("wrong-type"));
    // The supervisor may not change the agent's status; the admin may.
    let supervisor = server.token("supervisor");
    server
        .send(
            "PUT",
            &path,
            Some(&supervisor),
            &json!({ "status": "IDLE" }),
        )
        .error(403, "not.authorized");
    let admin = server.token("admin");
    server.send_ok("PUT", &path, &admin, &json!({ "status": "IDLE" }));
    assert_eq!(server.get_ok(&path, &agent)["status"], json!("IDLE"));
}

#[test]
fn ordinary_and_default_excluded_endpoints() {
    let server = TestServer::start();
    let agent = server.token("agent");
    let queues = server.get_ok("/api/v2/routing/queues", &agent);
    assert!(queues["entities"].as_array().unwrap().len() >= 2);
    assert!(queues["entities"][0]["name"].is_string());
    let conversations = server.get_ok("/api/v2/conversations", &agent);
    assert!(conversations["entities"].is_array());
    let toggles = server.get_ok("/api/v2/featuretoggles", &agent);
    assert!(toggles.is_object());
    let apps = server.get_ok("/api/v2/integrations/clientapps", &agent);
    assert_eq!(apps["entities"], json!([]));
    for path in [
        "/api/v2/diagnostics/newrelic/insights",
        "/api/v2/diagnostics/trace",
    ] {
        let r = server.send("POST", path, Some(&agent), &json!({ "events": [1, 2, 3] }));
        assert_eq!(r.status, 202, "{path}");
    }
}

#[test]
fn tokens_me_describes_the_token() {
    let server = TestServer::start();
    let agent = server.token("agent");
    let info = server.get_ok("/api/v2/tokens/me", &agent);
    assert!(info["organization"]["id"].is_string());
    assert_eq!(info["OAuthClient"]["id"], json!(CLIENT_ID));
    assert_eq!(info["user"]["id"], json!(user_ids::AGENT));
    let created = info["dateCreated"].as_str().unwrap();
    let idles = info["dateTokenIdles"].as_str().unwrap();
    assert!(idles > created, "{idles} > {created}");
    assert_eq!(info["idleTimeout"]["timeoutSeconds"], json!(600));
}

#[test]
fn test_controls() {
    let server = TestServer::start();
    let t0 = server.now_ms();
    let moved = server.advance(3_600_000);
    assert!(moved["nowMs"].as_u64().unwrap() >= t0 + 3_600_000);
    let r = server.send(
        "POST",
        "/__test/clock",
        None,
        &json!({ "setMs": 1_800_000_000_000u64 }),
    );
    assert_eq!(r.status, 200);
    let now = server.now_ms();
    assert!(
        (1_800_000_000_000..1_800_000_010_000).contains(&now),
        "{now}"
    );
    for bad in [
        json!({}),
        json!({ "advanceMs": -1 }),
        json!({ "advanceMs": 1, "setMs": 1 }),
        json!({ "advanceMs": "1" }),
    ] {
        let r = server.send("POST", "/__test/clock", None, &bad);
        assert_eq!(r.status, 400, "{bad}: {}", r.body);
    }

    // The log: method, path, user, status, counted.
    let agent = server.token("agent");
    server.get("/api/v2/conversations?x=1", Some(&agent));
    server.get("/api/v2/conversations", None);
    let log = server.log();
    let entry = &log[log.len() - 2];
    assert_eq!(entry["method"], json!("GET"));
    assert_eq!(entry["path"], json!("/api/v2/conversations"));
    assert_eq!(entry["query"], json!("x=1"));
    assert_eq!(entry["user"], json!("agent"));
    assert_eq!(entry["userId"], json!(user_ids::AGENT));
    assert_eq!(entry["status"], json!(200));
    assert_eq!(entry["counted"], json!(true));
    let last = &log[log.len() - 1];
    assert_eq!(
        (last["status"].clone(), last["user"].clone()),
        (json!(401), Value::Null)
    );
    assert_eq!(
        server
            .request("DELETE", "/__test/log", None, Some(""), None)
            .status,
        200
    );
    assert!(server.log().is_empty());

    // Reset: default settings, tokens revoked, presence and routing back, empty log, clock back.
    let admin = server.token("admin");
    server.set_hipaa(&admin, true);
    server.send_ok(
        "PUT",
        &format!("/api/v2/users/{}/routingstatus", user_ids::AGENT),
        &agent,
        &json!({ "status": "IDLE" }),
    );
    let r = server.request("POST", "/__test/reset", None, Some("{}"), None);
    assert_eq!(r.status, 200, "{}", r.body);
    assert!(server.log().is_empty());
    assert!(server.now_ms() < 1_800_000_000_000);
    server
        .get("/api/v2/users/me", Some(&agent))
        .error(401, "bad.credentials");
    let admin = server.token("admin");
    assert_eq!(
        server.get_ok("/api/v2/organizations/me", &admin)["features"]["hipaa"],
        json!(false)
    );
    assert_eq!(routing_of(&server, &admin, user_ids::AGENT), "OFF_QUEUE");
    assert_eq!(presence_of(&server, &admin, user_ids::AGENT), "Offline");
}

#[test]
fn test_controls_do_not_exist_without_the_flag() {
    let root = make_root();
    let data = tempfile::tempdir().unwrap();
    let server = TestServer::start_in(root.path(), data.path(), false);
    server.get("/__test/clock", None).error(404, "not.found");
    server
        .send("POST", "/__test/clock", None, &json!({ "advanceMs": 1 }))
        .error(404, "not.found");
    server.get("/__test/log", None).error(404, "not.found");
    server
        .request("POST", "/__test/reset", None, None, None)
        .error(404, "not.found");
}
