//! The `Host` of every request must be a name this server listens as, checked before anything
//! else — so that a DNS-rebinding page reads nothing.
//!
//! A page on `http://attacker.example:PORT/` whose name the attacker re-points at 127.0.0.1 is,
//! to the browser, same-origin with whatever answers there: without this check it could read
//! every page and API of the server and drive the test controls. Its requests carry
//! `Host: attacker.example:PORT`, which names no address of this server; they are refused with
//! 421 (a request with no `Host` at all with 400), before routing, authentication or the log.
//!
//! The names a request may use, each with the server's port (the port may be left out only when
//! it is 80): `127.0.0.1`, `localhost`, `[::1]`, the `--host` address, any IP literal when
//! `--host` is the unspecified address (`0.0.0.0`, `::`: the server then listens as every address
//! of the machine), and names under `.localhost` — which browsers resolve to the loopback
//! themselves, never through DNS (RFC 6761), so no attacker can point one anywhere.

use std::net::IpAddr;

use axum::extract::{Request, State};
use axum::http::{header, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use crate::error::ApiError;
use crate::state::AppState;

/// Whether `authority` (`name[:port]`) names this server: bound to `bound`, on `port`.
pub fn allowed(authority: &str, bound: IpAddr, port: u16) -> bool {
    let (name, given_port) = match authority.rsplit_once(':') {
        // An IPv6 literal without a port ends with `]`.
        Some((name, p)) if !p.contains(']') => (name, p.parse::<u16>().ok()),
        _ => (authority, Some(80)),
    };
    if given_port != Some(port) {
        return false;
    }
    let name = name.to_ascii_lowercase();
    if name == "localhost" || name.ends_with(".localhost") {
        return valid_dns_name(&name);
    }
    let literal = name
        .strip_prefix('[')
        .and_then(|n| n.strip_suffix(']'))
        .map_or_else(
            || name.parse::<std::net::Ipv4Addr>().map(IpAddr::V4).ok(),
            |n| n.parse::<std::net::Ipv6Addr>().map(IpAddr::V6).ok(),
        );
    match literal {
        Some(ip) => loopback_name(ip) || ip == bound || bound.is_unspecified(),
        None => false,
    }
}

/// The loopback addresses the server listens on by default: 127.0.0.1 and ::1 (not the rest of
/// 127.0.0.0/8).
fn loopback_name(ip: IpAddr) -> bool {
    ip == IpAddr::from([127, 0, 0, 1]) || ip == IpAddr::from(std::net::Ipv6Addr::LOCALHOST)
}

/// Letters, digits, hyphens and dots, no empty label.
fn valid_dns_name(name: &str) -> bool {
    name.split('.').all(|label| {
        !label.is_empty()
            && label
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-')
    })
}

/// How a refused host is named in the answer: as sent, if it is short.
fn shown(host: &str) -> String {
    if host.len() <= 100 && host.bytes().all(|b| b.is_ascii_graphic()) {
        format!("\"{host}\"")
    } else {
        format!("a host of {} bytes", host.len())
    }
}

/// The middleware: refuses a request addressed to another name before anything else runs.
pub async fn check(State(app): State<AppState>, request: Request, next: Next) -> Response {
    let host = request
        .headers()
        .get(header::HOST)
        .map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned());
    let Some(host) = host else {
        return ApiError::bad_request(
            "The request has no Host header; send the name the server was reached at, e.g. Host: 127.0.0.1:PORT.",
        )
        .into_response();
    };
    // An absolute-form request target (`GET http://name/ HTTP/1.1`) must name this server too.
    let target = request.uri().authority().map(|a| a.as_str().to_owned());
    for authority in std::iter::once(&host).chain(target.as_ref()) {
        if !allowed(authority, app.host, app.port) {
            return ApiError::new(
                StatusCode::MISDIRECTED_REQUEST,
                "misdirected.request",
                format!(
                    "This server answers only as http://127.0.0.1:{port}/, http://localhost:{port}/ or http://[::1]:{port}/ (or its --host address); the request was addressed to {}.",
                    shown(authority),
                    port = app.port
                ),
            )
            .into_response();
        }
    }
    next.run(request).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_names_the_server_listens_as() {
        let default: IpAddr = [127, 0, 0, 1].into();
        let ok = |a: &str| allowed(a, default, 8080);
        for a in [
            "127.0.0.1:8080",
            "localhost:8080",
            "LocalHost:8080",
            "[::1]:8080",
            "evil.localhost:8080",
            "a-b.c.localhost:8080",
        ] {
            assert!(ok(a), "{a}");
        }
        for a in [
            "attacker.example:8080",
            "127.0.0.1:8081",
            "127.0.0.1",
            "localhost",
            "127.0.0.2:8080",
            "[::2]:8080",
            "0.0.0.0:8080",
            "[::]:8080",
            "localhost.:8080",
            ".localhost:8080",
            "a..localhost:8080",
            "localhost.attacker.example:8080",
            "127.0.0.1.attacker.example:8080",
            "[::1]",
            "[::1:8080",
            "::1:8080",
            "127.0.0.1:8080:8080",
            "127.0.0.1:",
            "user@127.0.0.1:8080",
            "",
        ] {
            assert!(!ok(a), "{a}");
        }
        // Port 80 may be left out.
        assert!(allowed("localhost", default, 80));
        assert!(allowed("[::1]", default, 80));
        // --host: that address too; unspecified: any IP literal, still no foreign name.
        let lan: IpAddr = [192, 168, 1, 5].into();
        assert!(allowed("192.168.1.5:8080", lan, 8080));
        assert!(!allowed("192.168.1.6:8080", lan, 8080));
        let any: IpAddr = [0, 0, 0, 0].into();
        assert!(allowed("10.1.2.3:8080", any, 8080));
        assert!(allowed("[fe80::1]:8080", "::".parse().unwrap(), 8080));
        assert!(!allowed("attacker.example:8080", any, 8080));
    }
}
