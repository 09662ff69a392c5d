//! `POST /api/v2/inactivity/preview` over HTTP: admin only, the draft checked like a save, the
//! replay of what the server saw, and nothing changed by it.

mod common;

use common::*;
use inactivity_server::clock::iso8601;
use inactivity_server::preview::{MAX_EXTRA_PATHS, MAX_EXTRA_PATH_BYTES};
use inactivity_server::{Config, RunningServer, StartError};
use serde_json::{json, Value};

const MINUTE: u64 = 60_000;
const PREVIEW: &str = "/api/v2/inactivity/preview";

/// A server whose root holds the repository's real API catalog.
fn server() -> TestServer {
    let root = make_root();
    let catalog = concat!(env!("CARGO_MANIFEST_DIR"), "/../api-catalog.json");
    std::fs::copy(catalog, root.path().join("api-catalog.json")).expect("the API catalog");
    let data = tempfile::tempdir().unwrap();
    let server = TestServer::start_in(root.path(), data.path(), true);
    // The directories live as long as the test process: keep them.
    std::mem::forget((root, data));
    server
}

fn default_exclusions() -> Value {
    json!([
        "api/v2/featuretoggles",
        "api/v2/diagnostics/newrelic/insights",
        "api/v2/diagnostics/trace",
        "api/v2/integrations/clientapps",
        "api/v2/users/me"
    ])
}

/// The draft of the default settings with some change.
fn draft(server: &TestServer, admin: &str, change: impl FnOnce(&mut Value)) -> Value {
    let mut body = json!({
        "idleTokenTimeout": server.get_ok("/api/v2/tokens/timeout", admin),
        "inactivityTimeoutExclusions": default_exclusions(),
    });
    change(&mut body);
    body
}

fn sorted(mut paths: Vec<String>) -> Vec<String> {
    paths.sort();
    paths
}

#[test]
fn only_an_administrator_may_preview() {
    let server = server();
    let admin = server.token("admin");
    let body = draft(&server, &admin, |_| {});
    let agent = server.token("agent");
    let r = server.send("POST", PREVIEW, Some(&agent), &body);
    let error = r.error(403, "not.authorized");
    assert!(error["message"].as_str().unwrap().contains("administrator"));
    // Even an invalid draft: who may ask is checked first.
    let r = server.send("POST", PREVIEW, Some(&agent), &json!({ "windowHours": 99 }));
    r.error(403, "not.authorized");
    server
        .send("POST", PREVIEW, None, &body)
        .error(401, "authentication.required");
    assert_eq!(
        server.send("POST", PREVIEW, Some(&admin), &body).status,
        200
    );
}

#[test]
fn an_invalid_draft_is_a_400_with_the_validators_paths_like_a_save() {
    let server = server();
    let admin = server.token("admin");
    let bad_timeout = json!({
        "enableIdleTokenTimeout": true,
        "idleTokenTimeoutSeconds": 60,
        "inactivityTimeoutGroupsEnabled": true,
        "inactivityTimeoutGroupBundles": [
            { "priority": 1, "timeoutSeconds": 600, "groups": [] },
            { "priority": 3, "timeoutSeconds": 99999, "groups": ["g"] }
        ]
    });
    let put = server.send("PUT", "/api/v2/tokens/timeout", Some(&admin), &bad_timeout);
    put.error(400, "invalid.value");
    let body = draft(&server, &admin, |d| {
        d["idleTokenTimeout"] = bad_timeout.clone()
    });
    let r = server.send("POST", PREVIEW, Some(&admin), &body);
    r.error(400, "invalid.value");
    assert!(put.error_paths().len() >= 3, "{}", put.body);
    assert_eq!(sorted(r.error_paths()), sorted(put.error_paths()));

    let bad_list = json!(["api/v2/x y", "api/v2/users/me", "api/v2/Users/me/"]);
    let patch = server.send(
        "PATCH",
        "/api/v2/organizations/authentication/settings",
        Some(&admin),
        &json!({ "inactivityTimeoutExclusions": bad_list }),
    );
    patch.error(400, "invalid.value");
    let body = draft(&server, &admin, |d| {
        d["inactivityTimeoutExclusions"] = bad_list.clone()
    });
    let r = server.send("POST", PREVIEW, Some(&admin), &body);
    r.error(400, "invalid.value");
    assert_eq!(
        r.error_paths(),
        vec![
            "authSettings.inactivityTimeoutExclusions[0]",
            "authSettings.inactivityTimeoutExclusions[2]"
        ]
    );
    assert_eq!(r.error_paths(), patch.error_paths());

    // A HIPAA draft caps the timeout at 15 minutes, like the validator does on a save.
    let body = draft(&server, &admin, |d| {
        d["hipaa"] = json!(true);
        d["idleTokenTimeout"]["idleTokenTimeoutSeconds"] = json!(1800);
    });
    let r = server.send("POST", PREVIEW, Some(&admin), &body);
    r.error(400, "invalid.value");
    assert_eq!(
        r.error_paths(),
        vec!["idleTokenTimeout.idleTokenTimeoutSeconds"]
    );
}

#[test]
fn a_wrong_window_is_a_400_naming_it() {
    let server = server();
    let admin = server.token("admin");
    for (value, shown) in [
        (json!(0), "got 0"),
        (json!(25), "got 25"),
        (json!(1.5), "got 1.5"),
        (json!(-3), "got -3"),
        (json!("24"), "got a string"),
    ] {
        let body = draft(&server, &admin, |d| d["windowHours"] = value.clone());
        let r = server.send("POST", PREVIEW, Some(&admin), &body);
        let error = r.error(400, "invalid.value");
        assert_eq!(r.error_paths(), vec!["windowHours"], "{value}");
        let message = error["message"].as_str().unwrap();
        assert!(
            message.contains("windowHours must be a whole number of hours from 1 to 24"),
            "{message}"
        );
        assert!(message.contains(shown), "{message}");
    }
    for hours in [1, 24] {
        let body = draft(&server, &admin, |d| d["windowHours"] = json!(hours));
        let answer = server.send_ok("POST", PREVIEW, &admin, &body);
        assert_eq!(answer["windowHours"], json!(hours));
    }
    let body = draft(&server, &admin, |_| {});
    assert_eq!(
        server.send_ok("POST", PREVIEW, &admin, &body)["windowHours"],
        json!(24)
    );
}

#[test]
fn a_wrong_request_shape_names_every_field_at_once() {
    let server = server();
    let admin = server.token("admin");
    let r = server.send(
        "POST",
        PREVIEW,
        Some(&admin),
        &json!({ "windowhours": 2, "hipaa": "yes", "inactivityTimeoutExclusions": [] }),
    );
    let error = r.error(400, "invalid.value");
    assert_eq!(
        sorted(r.error_paths()),
        vec!["hipaa", "idleTokenTimeout", "windowhours"]
    );
    let message = error["message"].as_str().unwrap();
    assert!(
        message.contains("windowhours is not a field of a preview request"),
        "{message}"
    );
    assert!(
        message.contains("idleTokenTimeout is required"),
        "{message}"
    );
    assert!(
        message.contains("hipaa must be true or false; got a string"),
        "{message}"
    );

    let r = server.send("POST", PREVIEW, Some(&admin), &json!([1, 2]));
    assert!(r.error(400, "invalid.value")["message"]
        .as_str()
        .unwrap()
        .contains("must be a JSON object; got an array"));
    server
        .request("POST", PREVIEW, Some(&admin), Some("{"), None)
        .error(400, "bad.request");
    server
        .request("POST", PREVIEW, Some(&admin), Some(""), None)
        .error(400, "bad.request");
}

/// What a preview must not change, as readable from outside.
fn observable(server: &TestServer, admin: &str, agent: &str) -> Vec<Value> {
    let file = std::fs::read_to_string(server.data_dir.join("settings.json")).unwrap();
    vec![
        server.get_ok("/api/v2/tokens/timeout", admin),
        server.get_ok("/api/v2/organizations/authentication/settings", admin),
        server.get_ok("/api/v2/organizations/me", admin)["features"].clone(),
        json!(file),
        json!(server.idles_at(agent)),
        json!(routing_of(server, admin, user_ids::AGENT)),
        json!(presence_of(server, admin, user_ids::AGENT)),
    ]
}

#[test]
fn a_preview_changes_nothing() {
    let server = server();
    let agent = server.token("agent");
    server.send_ok(
        "PUT",
        &format!("/api/v2/users/{}/routingstatus", user_ids::AGENT),
        &agent,
        &json!({ "status": "IDLE" }),
    );
    server.advance(3 * MINUTE);
    let admin = server.token("admin");
    let before = observable(&server, &admin, &agent);
    // A draft that would change everything: a 5-minute HIPAA timeout, nothing excluded.
    let body = draft(&server, &admin, |d| {
        d["hipaa"] = json!(true);
        d["idleTokenTimeout"]["idleTokenTimeoutSeconds"] = json!(300);
        d["inactivityTimeoutExclusions"] = json!([]);
    });
    for _ in 0..3 {
        server.send_ok("POST", PREVIEW, &admin, &body);
    }
    assert_eq!(observable(&server, &admin, &agent), before);
    // The agent's token still works (the draft's 5 minutes were never applied).
    server.advance(6 * MINUTE);
    assert_eq!(
        server.get("/api/v2/routing/queues", Some(&agent)).status,
        200
    );
}

#[test]
fn the_preview_replays_what_the_server_saw() {
    let server = server();
    let agent = server.token("agent");
    server.send_ok(
        "PUT",
        &format!("/api/v2/users/{}/routingstatus", user_ids::AGENT),
        &agent,
        &json!({ "status": "IDLE" }),
    );
    let put_at = server.log().last().unwrap()["atMs"].as_u64().unwrap();
    // The supervisor stays Off Queue; its deadline after the sign-in alone:
    let supervisor = server.token("supervisor");
    let supervisor_idles = server.idles_at(&supervisor).unwrap();
    // A poller keeps both signed in: 10 calls each, 4 minutes apart; the deadline reads and
    // the excluded look-ups of the agent itself in between do not count.
    for _ in 0..10 {
        server.advance(4 * MINUTE);
        for token in [&agent, &supervisor] {
            assert_eq!(
                server.get("/api/v2/routing/queues", Some(token)).status,
                200
            );
        }
        server.idles_at(&agent);
        assert_eq!(server.get("/api/v2/users/me", Some(&agent)).status, 200);
    }
    let admin = server.token("admin");

    let same = server.send_ok("POST", PREVIEW, &admin, &draft(&server, &admin, |_| {}));
    assert_eq!(same["sessions"], json!(3), "{same}");
    assert_eq!(same["signedOut"], json!([]));
    assert_eq!(
        same["resetters"],
        json!([
            { "path": "api/v2/routing/queues", "calls": 20, "sessions": 2, "excludedByDraft": false },
            // The admin's own calls: this preview (kept before it is answered), and the GET of
            // the settings the draft was made from.
            { "path": "api/v2/inactivity/preview", "calls": 1, "sessions": 1, "excludedByDraft": false },
            { "path": "api/v2/tokens/timeout", "calls": 1, "sessions": 1, "excludedByDraft": false },
            { "path": "api/v2/users/{userId}/routingstatus", "calls": 1, "sessions": 1, "excludedByDraft": false },
        ]),
        "{same}"
    );

    let exclude_poller = draft(&server, &admin, |d| {
        d["inactivityTimeoutExclusions"]
            .as_array_mut()
            .unwrap()
            .push(json!("api/v2/routing/queues"))
    });
    let preview = server.send_ok("POST", PREVIEW, &admin, &exclude_poller);
    assert_eq!(
        preview["signedOut"],
        json!([
            { "userId": user_ids::AGENT, "at": iso8601(put_at + 10 * MINUTE), "onQueue": true },
            { "userId": user_ids::SUPERVISOR, "at": supervisor_idles, "onQueue": false },
        ]),
        "{preview}"
    );
    assert_eq!(
        preview["resetters"][0],
        json!({ "path": "api/v2/routing/queues", "calls": 20, "sessions": 2, "excludedByDraft": true })
    );
    // Every preview is itself a counted call of the admin's session.
    let again = server.send_ok("POST", PREVIEW, &admin, &draft(&server, &admin, |_| {}));
    let previews = again["resetters"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["path"] == "api/v2/inactivity/preview")
        .cloned();
    assert_eq!(
        previews,
        Some(
            json!({ "path": "api/v2/inactivity/preview", "calls": 3, "sessions": 1, "excludedByDraft": false })
        )
    );
}

/// `n` calls of the user with `token` to distinct paths outside the catalog (404s, still API
/// calls the history keeps), and one far too long.
fn flood(server: &TestServer, token: &str, n: usize, tag: &str) {
    for i in 0..n {
        let r = server.get(&format!("/api/v2/flood/{tag}/{i}"), Some(token));
        assert_eq!(r.status, 404, "{}", r.body);
    }
    let long = format!("/api/v2/flood/{}", "x".repeat(4 * MAX_EXTRA_PATH_BYTES));
    assert_eq!(server.get(&long, Some(token)).status, 404);
}

#[test]
fn no_user_can_blind_the_preview_to_a_custom_exclusion() {
    let server = server();
    // The agent fills the table of paths outside the catalog, and more.
    flood(
        &server,
        &server.token("agent"),
        MAX_EXTRA_PATHS + 100,
        "before",
    );
    // The supervisor polls a custom API outside the catalog; nothing else keeps it signed in.
    let supervisor = server.token("supervisor");
    let supervisor_idles = server.idles_at(&supervisor).unwrap();
    for _ in 0..10 {
        server.advance(4 * MINUTE);
        let r = server.get("/api/v2/custom/poller", Some(&supervisor));
        assert_eq!(r.status, 404, "{}", r.body);
    }
    // And again after the poller's last call (a new sign-in: the first one idled out).
    flood(
        &server,
        &server.token("agent"),
        MAX_EXTRA_PATHS + 100,
        "after",
    );

    let admin = server.token("admin");
    let exclude_poller = draft(&server, &admin, |d| {
        d["inactivityTimeoutExclusions"]
            .as_array_mut()
            .unwrap()
            .push(json!("api/v2/custom/poller"))
    });
    let preview = server.send_ok("POST", PREVIEW, &admin, &exclude_poller);
    assert_eq!(
        preview["signedOut"],
        json!([{ "userId": user_ids::SUPERVISOR, "at": supervisor_idles, "onQueue": false }]),
        "resetters: {}",
        preview["resetters"][0]
    );
    let poller = preview["resetters"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["path"] == "api/v2/custom/poller")
        .cloned();
    assert_eq!(
        poller,
        Some(
            json!({ "path": "api/v2/custom/poller", "calls": 10, "sessions": 1, "excludedByDraft": true })
        )
    );
}

#[test]
fn a_missing_or_broken_catalog_stops_the_start_naming_the_file() {
    let root = make_root();
    let data = tempfile::tempdir().unwrap();
    let config = |root: &std::path::Path| Config {
        port: 0,
        root: root.to_owned(),
        data_dir: Some(data.path().to_owned()),
        test_mode: true,
        ..Config::default()
    };
    let catalog = root.path().join("api-catalog.json");
    for (content, expected) in [
        (None, "cannot be read"),
        (Some("[1, 2"), "is not JSON"),
        (Some(r#"{"entries": []}"#), "must hold an array \"paths\""),
        (Some(r#"["api/v2/ok", 3]"#), "entry [1] is not a string"),
        (Some(r#"["api/v2/{broken"]"#), "api/v2/{broken"),
    ] {
        match content {
            Some(text) => std::fs::write(&catalog, text).unwrap(),
            None => {
                let _ = std::fs::remove_file(&catalog);
            }
        }
        let Err(error) = RunningServer::start(config(root.path())) else {
            panic!("started with the catalog {content:?}");
        };
        assert!(matches!(error, StartError::Catalog(_)), "{error}");
        let message = error.to_string();
        assert!(
            message.contains(&catalog.display().to_string()),
            "{message}"
        );
        assert!(message.contains(expected), "{message}");
    }
}
