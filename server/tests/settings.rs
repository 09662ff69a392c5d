//! The settings APIs: shapes, validation with the core's paths, permissions, persistence.

mod common;

use std::process::{Command, Stdio};

use common::*;
use serde_json::{json, Value};

fn codes(body: &Value) -> Vec<(String, String)> {
    body["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            assert!(e["message"].as_str().is_some_and(|m| !m.is_empty()), "{e}");
            (
                e["path"].as_str().unwrap().to_owned(),
                e["code"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

fn pair(path: &str, code: &str) -> (String, String) {
    (path.to_owned(), code.to_owned())
}

#[test]
fn defaults_on_first_start() {
    let server = TestServer::start();
    let agent = server.token("agent");
    let timeout = server.get_ok("/api/v2/tokens/timeout", &agent);
    assert_eq!(timeout["enableIdleTokenTimeout"], json!(true));
    assert_eq!(timeout["idleTokenTimeoutSeconds"], json!(600));
    assert_eq!(timeout["inactivityTimeoutUnit"], json!("Minutes"));
    assert_eq!(timeout["inactivityTimeoutGroupsEnabled"], json!(false));
    let bundles = timeout["inactivityTimeoutGroupBundles"].as_array().unwrap();
    assert_eq!(bundles.len(), 2);
    assert_eq!(bundles[0]["groups"], json!([group_ids::SUPERVISORS]));
    assert_eq!(bundles[1]["groups"], json!([group_ids::SALES]));

    let auth = server.get_ok("/api/v2/organizations/authentication/settings", &agent);
    assert_eq!(
        auth,
        json!({ "inactivityTimeoutExclusions": [
            "api/v2/featuretoggles",
            "api/v2/diagnostics/newrelic/insights",
            "api/v2/diagnostics/trace",
            "api/v2/integrations/clientapps",
            "api/v2/users/me"
        ]})
    );
    let org = server.get_ok("/api/v2/organizations/me", &agent);
    assert_eq!(org["features"], json!({ "hipaa": false }));
    assert!(org["id"].is_string() && org["name"].is_string());
    // The file was written on first start.
    assert!(server.data_dir.join("settings.json").is_file());
}

#[test]
fn put_timeout_stores_the_platform_json_as_given() {
    let server = TestServer::start();
    let admin = server.token("admin");
    let body = json!({
        "enableIdleTokenTimeout": true,
        "idleTokenTimeoutSeconds": 7200,
        "inactivityTimeoutUnit": "Hours",
        "inactivityTimeoutGroupsEnabled": true,
        "inactivityTimeoutGroupBundles": [
            { "priority": 1, "timeoutSeconds": 600, "inactivityTimeoutUnit": "Minutes",
              "groups": [group_ids::SALES, group_ids::BILLING] },
            { "priority": 2, "timeoutSeconds": 1800, "inactivityTimeoutUnit": "Minutes",
              "groups": [group_ids::SUPPORT] }
        ],
        "someFutureField": { "kept": true }
    });
    let saved = server.send_ok("PUT", "/api/v2/tokens/timeout", &admin, &body);
    assert_eq!(saved, body);
    assert_eq!(server.get_ok("/api/v2/tokens/timeout", &admin), body);
}

#[test]
fn invalid_timeouts_are_refused_with_the_validator_paths_and_nothing_changes() {
    let server = TestServer::start();
    let admin = server.token("admin");
    let before = server.get_ok("/api/v2/tokens/timeout", &admin);
    let file_before = std::fs::read(server.data_dir.join("settings.json")).unwrap();

    let cases: Vec<(Value, Vec<(String, String)>)> = vec![
        (
            json!({ "enableIdleTokenTimeout": true, "idleTokenTimeoutSeconds": 120 }),
            vec![pair(
                "idleTokenTimeout.idleTokenTimeoutSeconds",
                "timeout-out-of-range",
            )],
        ),
        (
            json!({ "enableIdleTokenTimeout": true, "idleTokenTimeoutSeconds": 28801 }),
            vec![pair(
                "idleTokenTimeout.idleTokenTimeoutSeconds",
                "timeout-out-of-range",
            )],
        ),
        (
            json!({ "enableIdleTokenTimeout": "yes", "idleTokenTimeoutSeconds": 600 }),
            vec![pair(
                "idleTokenTimeout.enableIdleTokenTimeout",
                "wrong-type",
            )],
        ),
        (
            json!({ "enableIdleTokenTimeout": true, "idleTokenTimeoutSeconds": "600" }),
            vec![pair(
                "idleTokenTimeout.idleTokenTimeoutSeconds",
                "wrong-type",
            )],
        ),
        (
            json!({
                "enableIdleTokenTimeout": true, "idleTokenTimeoutSeconds": 600,
                "inactivityTimeoutGroupsEnabled": true,
                "inactivityTimeoutGroupBundles": [
                    { "priority": 1, "timeoutSeconds": 600, "groups": [group_ids::SALES] },
                    { "priority": 1, "timeoutSeconds": 100, "groups": [group_ids::SALES] }
                ]
            }),
            vec![
                pair(
                    "idleTokenTimeout.inactivityTimeoutGroupBundles[1].priority",
                    "duplicate-priority",
                ),
                pair(
                    "idleTokenTimeout.inactivityTimeoutGroupBundles[1].timeoutSeconds",
                    "timeout-out-of-range",
                ),
                pair(
                    "idleTokenTimeout.inactivityTimeoutGroupBundles[1].groups[0]",
                    "group-in-several-bundles",
                ),
            ],
        ),
        (json!([1, 2]), vec![pair("idleTokenTimeout", "wrong-type")]),
    ];
    for (body, expected) in cases {
        let r = server.send("PUT", "/api/v2/tokens/timeout", Some(&admin), &body);
        let error = r.error(400, "invalid.value");
        let mut got = codes(&error);
        let mut expected = expected;
        got.sort();
        expected.sort();
        assert_eq!(got, expected, "for {body}: {error}");
    }
    assert_eq!(server.get_ok("/api/v2/tokens/timeout", &admin), before);
    assert_eq!(
        std::fs::read(server.data_dir.join("settings.json")).unwrap(),
        file_before,
        "the file is untouched"
    );
}

#[test]
fn disabled_parts_pass_through() {
    let server = TestServer::start();
    let admin = server.token("admin");
    // Values of a disabled part are ignored (a real response with the timeout off).
    let body = json!({
        "enableIdleTokenTimeout": false, "idleTokenTimeoutSeconds": 5,
        "inactivityTimeoutGroupsEnabled": false,
        "inactivityTimeoutGroupBundles": [ { "priority": 9, "timeoutSeconds": 1, "groups": [] } ]
    });
    server.send_ok("PUT", "/api/v2/tokens/timeout", &admin, &body);
}

#[test]
fn patch_exclusions_validates_and_stores() {
    let server = TestServer::start();
    let admin = server.token("admin");
    let path = "/api/v2/organizations/authentication/settings";
    let saved = server.send_ok(
        "PATCH",
        path,
        &admin,
        &json!({ "inactivityTimeoutExclusions": ["api/v2/users/{userId}/presences/{sourceId}", "/api/v2/analytics/events"] }),
    );
    assert_eq!(
        saved["inactivityTimeoutExclusions"],
        json!([
            "api/v2/users/{userId}/presences/{sourceId}",
            "/api/v2/analytics/events"
        ])
    );
    assert_eq!(server.get_ok(path, &admin), saved);

    let bad = server.send(
        "PATCH",
        path,
        Some(&admin),
        &json!({ "inactivityTimeoutExclusions": ["api/v2/ok", "api/v2/users/{", "api/v2/ok", "has space"] }),
    );
    let error = bad.error(400, "invalid.value");
    let got: Vec<String> = codes(&error).into_iter().map(|(p, _)| p).collect();
    assert!(
        got.contains(&"authSettings.inactivityTimeoutExclusions[1]".to_owned())
            && got.contains(&"authSettings.inactivityTimeoutExclusions[2]".to_owned())
            && got.contains(&"authSettings.inactivityTimeoutExclusions[3]".to_owned()),
        "{error}"
    );
    let wrong = server.send(
        "PATCH",
        path,
        Some(&admin),
        &json!({ "inactivityTimeoutExclusions": "api/v2/users/me" }),
    );
    let error = wrong.error(400, "invalid.value");
    assert_eq!(
        codes(&error),
        vec![pair(
            "authSettings.inactivityTimeoutExclusions",
            "wrong-type"
        )]
    );
    let too_many: Vec<String> = (0..201).map(|i| format!("api/v2/x{i}")).collect();
    let error = server
        .send(
            "PATCH",
            path,
            Some(&admin),
            &json!({ "inactivityTimeoutExclusions": too_many }),
        )
        .error(400, "invalid.value");
    assert_eq!(
        codes(&error),
        vec![pair(
            "authSettings.inactivityTimeoutExclusions",
            "too-many-exclusions"
        )]
    );
    assert_eq!(
        server.get_ok(path, &admin),
        saved,
        "unchanged after the failures"
    );

    // The new list is what the server enforces: the custom entry is excluded, users/me counts.
    let agent = server.token("agent");
    let before = server.idles_at(&agent).unwrap();
    server.advance(60_000);
    let presence = format!("/api/v2/users/{}/presences/purecloud", user_ids::AGENT);
    assert_eq!(server.get(&presence, Some(&agent)).status, 200);
    assert_eq!(server.idles_at(&agent).unwrap(), before);
    assert_eq!(server.get("/api/v2/users/me", Some(&agent)).status, 200);
    assert!(server.idles_at(&agent).unwrap() > before);
}

#[test]
fn hipaa_feature_and_its_cap() {
    let server = TestServer::start();
    let admin = server.token("admin");
    let r = server.send_ok(
        "PATCH",
        "/api/v2/organizations/features/hipaa",
        &admin,
        &json!({ "enabled": true }),
    );
    assert_eq!(r, json!({ "hipaa": true }));
    let org = server.get_ok("/api/v2/organizations/me", &admin);
    assert_eq!(org["features"]["hipaa"], json!(true));
    // A timeout above 15 minutes is refused now.
    let error = server
        .send(
            "PUT",
            "/api/v2/tokens/timeout",
            Some(&admin),
            &json!({ "enableIdleTokenTimeout": true, "idleTokenTimeoutSeconds": 1800 }),
        )
        .error(400, "invalid.value");
    assert_eq!(
        codes(&error),
        vec![pair(
            "idleTokenTimeout.idleTokenTimeoutSeconds",
            "hipaa-cap-exceeded"
        )]
    );
    server.send_ok(
        "PUT",
        "/api/v2/tokens/timeout",
        &admin,
        &json!({ "enableIdleTokenTimeout": true, "idleTokenTimeoutSeconds": 900 }),
    );
    // Wrong shapes.
    server
        .send(
            "PATCH",
            "/api/v2/organizations/features/hipaa",
            Some(&admin),
            &json!({ "enabled": "yes" }),
        )
        .error(400, "invalid.value");
    let error = server
        .send(
            "PATCH",
            "/api/v2/organizations/features/hipaa",
            Some(&admin),
            &json!({}),
        )
        .error(400, "invalid.value");
    assert_eq!(codes(&error), vec![pair("enabled", "missing")]);
}

#[test]
fn only_the_admin_changes_settings() {
    let server = TestServer::start();
    for user in ["agent", "supervisor"] {
        let token = server.token(user);
        let timeout = server.get_ok("/api/v2/tokens/timeout", &token);
        server
            .send("PUT", "/api/v2/tokens/timeout", Some(&token), &timeout)
            .error(403, "not.authorized");
        server
            .send(
                "PATCH",
                "/api/v2/organizations/authentication/settings",
                Some(&token),
                &json!({ "inactivityTimeoutExclusions": [] }),
            )
            .error(403, "not.authorized");
        server
            .send(
                "PATCH",
                "/api/v2/organizations/features/hipaa",
                Some(&token),
                &json!({ "enabled": true }),
            )
            .error(403, "not.authorized");
    }
    let admin = server.token("admin");
    let auth = server.get_ok("/api/v2/organizations/authentication/settings", &admin);
    assert_eq!(
        auth["inactivityTimeoutExclusions"]
            .as_array()
            .unwrap()
            .len(),
        5
    );
}

#[test]
fn settings_survive_a_restart() {
    let root = make_root();
    let data = tempfile::tempdir().unwrap();
    let timeout = json!({ "enableIdleTokenTimeout": true, "idleTokenTimeoutSeconds": 900,
                          "inactivityTimeoutUnit": "Minutes", "inactivityTimeoutGroupsEnabled": false,
                          "inactivityTimeoutGroupBundles": [] });
    let exclusions = json!({ "inactivityTimeoutExclusions": ["api/v2/featuretoggles"] });
    {
        let server = TestServer::start_in(root.path(), data.path(), false);
        let admin = server.token("admin");
        server.send_ok("PUT", "/api/v2/tokens/timeout", &admin, &timeout);
        server.send_ok(
            "PATCH",
            "/api/v2/organizations/authentication/settings",
            &admin,
            &exclusions,
        );
        server.send_ok(
            "PATCH",
            "/api/v2/organizations/features/hipaa",
            &admin,
            &json!({ "enabled": true }),
        );
    }
    let server = TestServer::start_in(root.path(), data.path(), false);
    let agent = server.token("agent");
    assert_eq!(server.get_ok("/api/v2/tokens/timeout", &agent), timeout);
    assert_eq!(
        server.get_ok("/api/v2/organizations/authentication/settings", &agent),
        exclusions
    );
    assert_eq!(
        server.get_ok("/api/v2/organizations/me", &agent)["features"]["hipaa"],
        json!(true)
    );
    // No temporary files are left behind.
    let names: Vec<_> = std::fs::read_dir(data.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    assert_eq!(names, vec!["settings.json".to_owned()]);
}

/// Runs the built binary on a data directory; returns (exit success, stdout, stderr).
fn run_binary(data_dir: &std::path::Path) -> (bool, String, String) {
    let root = make_root();
    let output = Command::new(env!("CARGO_BIN_EXE_inactivity-server"))
        .args(["--port", "0", "--root"])
        .arg(root.path())
        .arg("--data-dir")
        .arg(data_dir)
        .stdin(Stdio::null())
        .output()
        .expect("run the server binary");
    (
        output.status.success(),
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

#[test]
fn a_corrupt_settings_file_stops_the_start_and_is_kept() {
    let data = tempfile::tempdir().unwrap();
    let file = data.path().join("settings.json");
    for (content, says) in [
        ("{ \"version\": 1, \"idleTokenTimeout\": ", "not valid JSON"),
        ("[]", "top level must be a JSON object"),
        (
            "{\"version\": 1, \"authSettings\": {}, \"hipaa\": false}",
            "idleTokenTimeout",
        ),
    ] {
        std::fs::write(&file, content).unwrap();
        let (ok, stdout, stderr) = run_binary(data.path());
        assert!(!ok, "the start must fail; stdout: {stdout}");
        assert!(!stdout.contains("listening"), "{stdout}");
        assert!(
            stderr.contains(&file.display().to_string()),
            "names the file: {stderr}"
        );
        assert!(stderr.contains(says), "{stderr}");
        assert_eq!(
            std::fs::read_to_string(&file).unwrap(),
            content,
            "never reset"
        );
    }
}

#[test]
fn a_settings_file_that_breaks_the_rules_stops_the_start() {
    let data = tempfile::tempdir().unwrap();
    let file = data.path().join("settings.json");
    let content = json!({
        "version": 1,
        "idleTokenTimeout": { "enableIdleTokenTimeout": true, "idleTokenTimeoutSeconds": 10 },
        "authSettings": { "inactivityTimeoutExclusions": [] },
        "hipaa": false
    })
    .to_string();
    std::fs::write(&file, &content).unwrap();
    let (ok, _, stderr) = run_binary(data.path());
    assert!(!ok);
    assert!(stderr.contains(&file.display().to_string()), "{stderr}");
    assert!(
        stderr.contains("idleTokenTimeout.idleTokenTimeoutSeconds"),
        "names the field: {stderr}"
    );
    assert_eq!(std::fs::read_to_string(&file).unwrap(), content);

    // The library reports the same without a process.
    let root = make_root();
    let config = inactivity_server::Config {
        port: 0,
        root: root.path().to_owned(),
        data_dir: Some(data.path().to_owned()),
        ..Default::default()
    };
    match inactivity_server::RunningServer::start(config) {
        Err(inactivity_server::StartError::Settings(e)) => {
            assert!(e.to_string().contains("settings.json"))
        }
        Err(other) => panic!("{other}"),
        Ok(_) => panic!("started on an invalid settings file"),
    }
}
