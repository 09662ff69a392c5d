//! Test harness: a server started in-process on a free port with a temporary root and data
//! directory, and a small blocking HTTP client (ureq, plain HTTP, redirects not followed).
#![allow(dead_code)]

use std::path::{Path, PathBuf};

use inactivity_server::{Config, RunningServer};
use serde_json::{json, Value};
use tempfile::TempDir;

/// The client the helpers sign in as (a demo app the server registers).
pub const CLIENT_ID: &str = "agent-demo";

#[allow(unused_imports)]
pub use inactivity_server::demo::{group_ids, user_ids};

/// A response, read whole.
#[derive(Debug)]
pub struct Resp {
    pub status: u16,
    pub headers: ureq::http::HeaderMap,
    pub body: String,
}

impl Resp {
    /// The body as JSON (panics with the body when it is not JSON).
    pub fn json(&self) -> Value {
        serde_json::from_str(&self.body)
            .unwrap_or_else(|e| panic!("not JSON ({e}): {:?}", self.body))
    }

    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }

    /// Asserts the status and the platform's error shape; returns the body.
    pub fn error(&self, status: u16, code: &str) -> Value {
        assert_eq!(self.status, status, "{}", self.body);
        assert_eq!(
            self.header("content-type"),
            Some("application/json"),
            "{}",
            self.body
        );
        let body = self.json();
        assert_eq!(body["status"], json!(status), "{body}");
        assert_eq!(body["code"], json!(code), "{body}");
        let message = body["message"].as_str().expect("a message");
        assert!(message.len() > 10, "a sentence: {message:?}");
        assert!(body["errors"].is_array(), "{body}");
        body
    }

    /// The paths of the failing fields of an error body.
    pub fn error_paths(&self) -> Vec<String> {
        self.json()["errors"]
            .as_array()
            .expect("errors")
            .iter()
            .map(|e| e["path"].as_str().expect("a path").to_owned())
            .collect()
    }
}

/// Reads the binary's one line, `listening on http://127.0.0.1:<port>/`, from its stdout; the port.
pub fn listening_port(child: &mut std::process::Child) -> u16 {
    use std::io::BufRead;
    let mut line = String::new();
    std::io::BufReader::new(child.stdout.take().expect("a piped stdout"))
        .read_line(&mut line)
        .unwrap();
    line.trim_end()
        .strip_prefix("listening on http://127.0.0.1:")
        .and_then(|rest| rest.strip_suffix('/'))
        .and_then(|p| p.parse().ok())
        .unwrap_or_else(|| panic!("unexpected first line {line:?}"))
}

/// Builds a repository root with the files the server serves.
pub fn make_root() -> TempDir {
    let root = tempfile::tempdir().expect("temp dir");
    let write = |rel: &str, content: &str| {
        let path = root.path().join(rel);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, content).unwrap();
    };
    write("www/index.html", "<!doctype html><title>home</title>");
    write(
        "www/login.html",
        "<!doctype html><title>Sign in</title><form></form>",
    );
    write(
        "www/agent/index.html",
        "<!doctype html><title>agent</title>",
    );
    write("www/style.css", "body{}");
    write("www/js/oauth.js", "export const x = 1;");
    write(
        "pkg/inactivity_timeout.js",
        "export default function init() {}",
    );
    write("pkg/inactivity_timeout.mjs", "export {};");
    write("pkg/inactivity_timeout_bg.wasm", "\0asm\x01\0\0\0");
    write("api-catalog.json", r#"{"paths":["api/v2/users/me"]}"#);
    root
}

/// A running test server and the directories it uses.
pub struct TestServer {
    pub server: RunningServer,
    pub port: u16,
    pub root: PathBuf,
    pub data_dir: PathBuf,
    agent: ureq::Agent,
    _root: Option<TempDir>,
    _data: Option<TempDir>,
}

/// A client that treats every status as a response, follows no redirect, and opens a new
/// connection per request: a server may close a kept-alive connection after answering without
/// reading the body (a 404, 405 or 413), and a pooled connection would then fail at random.
pub fn client() -> ureq::Agent {
    ureq::Agent::config_builder()
        .http_status_as_error(false)
        .max_redirects(0)
        .max_idle_connections(0)
        .max_idle_connections_per_host(0)
        .build()
        .into()
}

impl TestServer {
    /// A fresh server with `--test`, a temporary root and a temporary data directory.
    pub fn start() -> Self {
        let root = make_root();
        let data = tempfile::tempdir().expect("temp dir");
        let mut server = Self::start_in(root.path(), data.path(), true);
        server._root = Some(root);
        server._data = Some(data);
        server
    }

    /// A fresh server like [`TestServer::start`], with more of the command line set by `configure`.
    pub fn start_configured(configure: impl FnOnce(&mut Config)) -> Self {
        let root = make_root();
        let data = tempfile::tempdir().expect("temp dir");
        let mut config = Self::config(root.path(), data.path(), true);
        configure(&mut config);
        let mut server = Self::start_config(config);
        server._root = Some(root);
        server._data = Some(data);
        server
    }

    fn config(root: &Path, data_dir: &Path, test_mode: bool) -> Config {
        Config {
            port: 0,
            root: root.to_owned(),
            data_dir: Some(data_dir.to_owned()),
            test_mode,
            ..Config::default()
        }
    }

    /// A server on these directories (kept by the caller, e.g. to restart on the same data).
    pub fn start_in(root: &Path, data_dir: &Path, test_mode: bool) -> Self {
        Self::start_config(Self::config(root, data_dir, test_mode))
    }

    fn start_config(config: Config) -> Self {
        let root = config.root.clone();
        let data_dir = config.data_dir();
        let server = RunningServer::start(config).unwrap_or_else(|e| panic!("start: {e}"));
        Self {
            port: server.addr().port(),
            server,
            root,
            data_dir,
            agent: client(),
            _root: None,
            _data: None,
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("http://127.0.0.1:{}{path}", self.port)
    }

    /// Any request. `body` is sent as is with `content_type` (JSON when `None`).
    pub fn request(
        &self,
        method: &str,
        path: &str,
        token: Option<&str>,
        body: Option<&str>,
        content_type: Option<&str>,
    ) -> Resp {
        let mut headers = vec![];
        let bearer = token.map(|t| format!("Bearer {t}"));
        if let Some(bearer) = &bearer {
            headers.push(("Authorization", bearer.as_str()));
        }
        if body.is_some() {
            headers.push(("Content-Type", content_type.unwrap_or("application/json")));
        }
        self.request_with(method, path, &headers, body)
    }

    /// Any request with exactly these headers.
    pub fn request_with(
        &self,
        method: &str,
        path: &str,
        headers: &[(&str, &str)],
        body: Option<&str>,
    ) -> Resp {
        let mut builder = ureq::http::Request::builder()
            .method(method)
            .uri(self.url(path));
        for (name, value) in headers {
            builder = builder.header(*name, *value);
        }
        let result = match body {
            Some(body) => self
                .agent
                .run(builder.body(body.as_bytes().to_vec()).unwrap()),
            None => self.agent.run(builder.body(()).unwrap()),
        };
        let mut response = result.unwrap_or_else(|e| panic!("{method} {path}: {e}"));
        let status = response.status().as_u16();
        let headers = response.headers().clone();
        let body = response.body_mut().read_to_string().unwrap_or_default();
        Resp {
            status,
            headers,
            body,
        }
    }

    pub fn get(&self, path: &str, token: Option<&str>) -> Resp {
        self.request("GET", path, token, None, None)
    }

    pub fn send(&self, method: &str, path: &str, token: Option<&str>, body: &Value) -> Resp {
        self.request(method, path, token, Some(&body.to_string()), None)
    }

    /// `GET` that must answer 200 with JSON.
    pub fn get_ok(&self, path: &str, token: &str) -> Value {
        let r = self.get(path, Some(token));
        assert_eq!(r.status, 200, "GET {path}: {}", r.body);
        r.json()
    }

    /// A request that must answer 200 with JSON.
    pub fn send_ok(&self, method: &str, path: &str, token: &str, body: &Value) -> Value {
        let r = self.send(method, path, Some(token), body);
        assert_eq!(r.status, 200, "{method} {path}: {}", r.body);
        r.json()
    }

    pub fn form(&self, path: &str, pairs: &[(&str, &str)]) -> Resp {
        let mut body = String::new();
        for (i, (k, v)) in pairs.iter().enumerate() {
            if i > 0 {
                body.push('&');
            }
            body.push_str(&format!("{}={}", encode(k), encode(v)));
        }
        self.request(
            "POST",
            path,
            None,
            Some(&body),
            Some("application/x-www-form-urlencoded"),
        )
    }

    /// The demo agent client's callback, registered for [`CLIENT_ID`].
    pub fn redirect_uri(&self) -> String {
        self.url("/agent/callback.html")
    }

    /// Signs in through the login form; returns the authorization code.
    pub fn authorize(&self, username: &str, password: &str) -> String {
        let redirect_uri = self.redirect_uri();
        let r = self.form(
            "/oauth/authorize",
            &[
                ("username", username),
                ("password", password),
                ("client_id", CLIENT_ID),
                ("redirect_uri", &redirect_uri),
                ("state", "s"),
            ],
        );
        assert_eq!(r.status, 303, "{}", r.body);
        let location = r.header("location").expect("Location").to_owned();
        query_param(&location, "code").expect("a code in the redirect")
    }

    /// Signs in and exchanges the code; returns the token response.
    pub fn sign_in(&self, username: &str) -> Value {
        let code = self.authorize(username, username);
        let redirect_uri = self.redirect_uri();
        let r = self.form(
            "/oauth/token",
            &[
                ("grant_type", "authorization_code"),
                ("code", &code),
                ("redirect_uri", &redirect_uri),
                ("client_id", CLIENT_ID),
            ],
        );
        assert_eq!(r.status, 200, "{}", r.body);
        r.json()
    }

    /// Signs in; returns the access token.
    pub fn token(&self, username: &str) -> String {
        self.sign_in(username)["access_token"]
            .as_str()
            .unwrap()
            .to_owned()
    }

    /// The organization's HIPAA feature on or off (as the admin with `admin_token`).
    pub fn set_hipaa(&self, admin_token: &str, enabled: bool) {
        self.send_ok(
            "PATCH",
            "/api/v2/organizations/features/hipaa",
            admin_token,
            &json!({ "enabled": enabled }),
        );
    }

    /// `DELETE /api/v2/tokens/me`: revokes the token (must answer 204).
    pub fn revoke(&self, token: &str) {
        let r = self.request("DELETE", "/api/v2/tokens/me", Some(token), None, None);
        assert_eq!(r.status, 204, "{}", r.body);
    }

    /// Moves the server's clock forward (runs the sweep).
    pub fn advance(&self, ms: u64) -> Value {
        let r = self.send("POST", "/__test/clock", None, &json!({ "advanceMs": ms }));
        assert_eq!(r.status, 200, "{}", r.body);
        r.json()
    }

    pub fn now_ms(&self) -> u64 {
        self.get("/__test/clock", None).json()["nowMs"]
            .as_u64()
            .unwrap()
    }

    /// The request log.
    pub fn log(&self) -> Vec<Value> {
        self.get("/__test/log", None)
            .json()
            .as_array()
            .unwrap()
            .clone()
    }

    /// The idle deadline of a token, read without moving it.
    pub fn idles_at(&self, token: &str) -> Option<String> {
        let body = self.get_ok("/api/v2/tokens/me?preserveIdleTTL=true", token);
        body["dateTokenIdles"].as_str().map(str::to_owned)
    }
}

pub fn encode(s: &str) -> String {
    let mut out = String::new();
    for b in s.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                out.push(b as char)
            }
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

fn decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'%' if i + 2 < bytes.len() => {
                let hex = std::str::from_utf8(&bytes[i + 1..i + 3]).unwrap();
                out.push(u8::from_str_radix(hex, 16).unwrap());
                i += 3;
            }
            b'+' => {
                out.push(b' ');
                i += 1;
            }
            b => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8(out).unwrap()
}

/// A query parameter of a URL (decoded).
pub fn query_param(url: &str, name: &str) -> Option<String> {
    let query = url.split_once('?')?.1;
    let query = query.split('#').next().unwrap();
    query.split('&').find_map(|pair| {
        let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
        (decode(k) == name).then(|| decode(v))
    })
}

/// The id of the presence definition with this system presence.
pub fn presence_id(server: &TestServer, token: &str, system: &str) -> String {
    let defs = server.get_ok("/api/v2/presencedefinitions", token);
    defs["entities"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["systemPresence"] == system)
        .unwrap()["id"]
        .as_str()
        .unwrap()
        .to_owned()
}

/// The system presence of a user (read by the admin).
pub fn presence_of(server: &TestServer, admin: &str, user_id: &str) -> String {
    let p = server.get_ok(
        &format!("/api/v2/users/{user_id}/presences/purecloud"),
        admin,
    );
    p["presenceDefinition"]["systemPresence"]
        .as_str()
        .unwrap()
        .to_owned()
}

/// The routing status of a user (read by the admin).
pub fn routing_of(server: &TestServer, admin: &str, user_id: &str) -> String {
    let r = server.get_ok(&format!("/api/v2/users/{user_id}/routingstatus"), admin);
    r["status"].as_str().unwrap().to_owned()
}
