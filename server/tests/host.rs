//! The Host header: a request addressed to a name the server does not listen as (a
//! DNS-rebinding page's) is refused before anything else — pages, API, sign-in, test controls.

mod common;

use std::io::{Read, Write};
use std::net::TcpStream;

use common::*;
use inactivity_server::Config;
use serde_json::json;

/// Sends `head` (request line and headers, without the blank line) on a new connection to
/// `port`; the status and the body.
fn raw(port: u16, head: &str) -> (u16, String) {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).unwrap();
    write!(stream, "{head}\r\nConnection: close\r\n\r\n").unwrap();
    let mut response = String::new();
    stream.read_to_string(&mut response).unwrap();
    let status = response
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| panic!("no status in {response:?}"));
    let body = response
        .split_once("\r\n\r\n")
        .map_or("", |(_, b)| b)
        .to_owned();
    (status, body)
}

#[test]
fn the_servers_own_names_are_served() {
    let server = TestServer::start();
    let port = server.port;
    for host in [
        format!("127.0.0.1:{port}"),
        format!("localhost:{port}"),
        format!("[::1]:{port}"),
        format!("crm.localhost:{port}"),
    ] {
        let (status, body) = raw(port, &format!("GET / HTTP/1.1\r\nHost: {host}"));
        assert_eq!(status, 200, "{host}: {body}");
        assert!(body.contains("home"), "{host}: {body}");
    }
}

#[test]
fn a_foreign_host_reads_nothing_and_changes_nothing() {
    let server = TestServer::start();
    let port = server.port;
    let agent = server.token("agent");
    let idles_at = server.idles_at(&agent);
    server.advance(60_000);
    let before = server.log().len();
    let auth = format!("Authorization: Bearer {agent}");
    for host in [
        format!("rebound.example:{port}"),
        format!("127.0.0.1:{}", port.wrapping_add(1)),
        format!("127.0.0.2:{port}"),
        format!("localhost.:{port}"),
        format!("localhost.rebound.example:{port}"),
        "localhost".to_owned(),
    ] {
        for (request, what) in [
            ("GET / HTTP/1.1".to_owned(), "a page"),
            ("GET /api/v2/users/me HTTP/1.1".to_owned(), "the API"),
            ("GET /__test/log HTTP/1.1".to_owned(), "the request log"),
            ("GET /__test/clock HTTP/1.1".to_owned(), "the clock"),
            ("GET /oauth/authorize HTTP/1.1".to_owned(), "the login page"),
        ] {
            let (status, body) = raw(port, &format!("{request}\r\nHost: {host}\r\n{auth}"));
            assert_eq!(status, 421, "{what} as {host}: {body}");
            let error: serde_json::Value = serde_json::from_str(&body).unwrap();
            assert_eq!(error["code"], json!("misdirected.request"), "{body}");
            assert!(
                error["message"].as_str().unwrap().contains("127.0.0.1"),
                "{body}"
            );
        }
        let (status, _) = raw(
            port,
            &format!(
                "POST /__test/reset HTTP/1.1\r\nHost: {host}\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n{{}}"
            ),
        );
        assert_eq!(status, 421, "reset as {host}");
    }
    // An absolute-form target naming another server is refused too.
    let (status, _) = raw(
        port,
        &format!("GET http://rebound.example:{port}/api/v2/users/me HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n{auth}"),
    );
    assert_eq!(status, 421);
    // No Host at all.
    let (status, body) = raw(port, "GET / HTTP/1.0");
    assert_eq!(status, 400, "{body}");
    assert!(body.contains("Host"), "{body}");

    // None of it reached the API: no log entry, no activity, no reset.
    assert_eq!(server.log().len(), before);
    assert_eq!(server.idles_at(&agent), idles_at);
}

#[test]
fn listening_on_every_address_takes_any_ip_but_no_foreign_name() {
    let server = TestServer::start_configured(|c: &mut Config| {
        c.host = "0.0.0.0".parse().unwrap();
    });
    let port = server.port;
    let (status, _) = raw(port, &format!("GET / HTTP/1.1\r\nHost: 10.1.2.3:{port}"));
    assert_eq!(status, 200);
    let (status, _) = raw(
        port,
        &format!("GET / HTTP/1.1\r\nHost: rebound.example:{port}"),
    );
    assert_eq!(status, 421);
}
