//! The request log (`GET /__test/log`) is bounded: kept only with `--test`, capped in entries and
//! bytes, each entry's path and query capped, and no query kept for a request answered 401. The
//! measure: the server's resident memory after 10,000 requests with 60 KB query strings.

mod common;

use std::process::{Child, Command, Stdio};

use common::*;
use serde_json::Value;

/// The real binary (`INACTIVITY_SERVER_BIN` to measure another build, e.g. the release one),
/// started on a free port with a temporary root and data directory.
struct Process {
    child: Child,
    port: u16,
    agent: ureq::Agent,
    _root: tempfile::TempDir,
    _data: tempfile::TempDir,
}

impl Process {
    fn start(args: &[&str]) -> Self {
        let root = make_root();
        let data = tempfile::tempdir().unwrap();
        let bin = std::env::var("INACTIVITY_SERVER_BIN")
            .unwrap_or_else(|_| env!("CARGO_BIN_EXE_inactivity-server").to_owned());
        let mut child = Command::new(bin)
            .args(["--port", "0", "--root"])
            .arg(root.path())
            .arg("--data-dir")
            .arg(data.path())
            .args(args)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .unwrap();
        let port = listening_port(&mut child);
        // One kept-alive connection: 10,000 new connections would measure the kernel, not the log.
        let agent = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .max_redirects(0)
            .build()
            .into();
        Self {
            child,
            port,
            agent,
            _root: root,
            _data: data,
        }
    }

    fn url(&self, path: &str) -> String {
        format!("http://127.0.0.1:{}{path}", self.port)
    }

    /// GET `path` (with a bearer token); the status.
    fn get(&self, path: &str, token: Option<&str>) -> (u16, String) {
        let mut request = self.agent.get(self.url(path));
        if let Some(token) = token {
            request = request.header("Authorization", &format!("Bearer {token}"));
        }
        let mut response = request.call().unwrap_or_else(|e| panic!("GET: {e}"));
        let body = response.body_mut().read_to_string().unwrap_or_default();
        (response.status().as_u16(), body)
    }

    /// Signs `username` in through the authorization-code flow; the access token.
    fn token(&self, username: &str) -> String {
        let redirect = self.url("/agent/callback.html");
        let form = |pairs: &[(&str, &str)]| {
            pairs
                .iter()
                .map(|(k, v)| format!("{}={}", encode(k), encode(v)))
                .collect::<Vec<_>>()
                .join("&")
        };
        let response = self
            .agent
            .post(self.url("/oauth/authorize"))
            .content_type("application/x-www-form-urlencoded")
            .send(form(&[
                ("username", username),
                ("password", username),
                ("client_id", CLIENT_ID),
                ("redirect_uri", &redirect),
                ("state", "s"),
            ]))
            .unwrap();
        let location = response.headers()["location"].to_str().unwrap().to_owned();
        let code = query_param(&location, "code").expect("a code");
        let mut response = self
            .agent
            .post(self.url("/oauth/token"))
            .content_type("application/x-www-form-urlencoded")
            .send(form(&[
                ("grant_type", "authorization_code"),
                ("code", &code),
                ("redirect_uri", &redirect),
                ("client_id", CLIENT_ID),
            ]))
            .unwrap();
        let body: Value =
            serde_json::from_str(&response.body_mut().read_to_string().unwrap()).unwrap();
        body["access_token"].as_str().unwrap().to_owned()
    }

    /// The resident set size, in KiB (Linux).
    fn rss_kib(&self) -> u64 {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.child.id())).unwrap();
        status
            .lines()
            .find_map(|l| l.strip_prefix("VmRSS:"))
            .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
            .expect("VmRSS")
    }
}

impl Drop for Process {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// `n` requests to API paths with a `query_bytes` query each, over two connections: every
/// other one signed in (answered 200, logged), the others with an unknown token (answered 401).
fn flood(server: &Process, token: &str, n: usize, query_bytes: usize) {
    let filler = "x".repeat(query_bytes);
    std::thread::scope(|scope| {
        for half in 0..2 {
            let filler = &filler;
            scope.spawn(move || {
                for i in (half..n).step_by(2) {
                    let query = format!("q{i}={filler}");
                    let signed_in = i % 4 < 2;
                    let (status, _) = server.get(
                        &format!("/api/v2/routing/queues?{}", &query[..query_bytes]),
                        Some(if signed_in { token } else { "not-a-token" }),
                    );
                    assert_eq!(status, if signed_in { 200 } else { 401 });
                }
            });
        }
    });
}

#[test]
fn sixty_kilobyte_queries_leave_the_resident_memory_flat() {
    let server = Process::start(&["--test"]);
    let token = server.token("agent");
    // Warm up: the allocator's arenas, the connection, the route tables.
    flood(&server, &token, 200, 60 * 1024);
    let idle = server.rss_kib();
    flood(&server, &token, 10_000, 60 * 1024);
    let after = server.rss_kib();
    eprintln!(
        "resident memory: {idle} KiB after warm-up, {after} KiB after 10,000 requests with 60 KB queries (+{} KiB)",
        after.saturating_sub(idle)
    );
    assert!(
        after < idle + 8 * 1024,
        "the resident memory grew from {idle} KiB to {after} KiB"
    );
    // What the log kept: bounded, cut, and no query of the 401s.
    let (status, body) = server.get("/__test/log", None);
    assert_eq!(status, 200);
    let log: Vec<Value> = serde_json::from_str(&body).unwrap();
    assert!(log.len() < 10_000, "{} entries", log.len());
    assert!(log.len() > 1_000, "{} entries", log.len());
    for entry in &log {
        match entry["status"].as_u64() {
            Some(200) => {
                let query = entry["query"].as_str().expect("a query");
                assert_eq!(query.len(), 512, "{query}");
                assert!(query.ends_with('…'));
            }
            Some(401) => assert!(entry.get("query").is_none(), "{entry}"),
            other => panic!("status {other:?}"),
        }
    }
}
