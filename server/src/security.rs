//! What every response of the server promises a browser, whatever the handler:
//!
//! * **Framing.** The agent client (`/agent/…`) may be framed by this server's own two origins
//!   and by the origins of `--frame-ancestors` only; every other page (the login page above
//!   all: a framed login form is a clickjacking target) by none. Sent as
//!   `Content-Security-Policy: frame-ancestors …`, with `X-Frame-Options: DENY` beside the
//!   `'none'` for browsers without CSP.
//! * **No protocol-relative redirect.** A path starting with `//` (which a directory redirect
//!   would answer with `Location: //host/…`, another site) is a 404, and no response leaves
//!   with a `Location` starting with `//` or `/\`.
//! * **The test controls** (`/__test/…`, only with `--test`) take `Content-Type:
//!   application/json` on anything but `GET`, and refuse requests from other origins (an
//!   `Origin` other than this server's own, or a cross-site `Sec-Fetch-Site`), so that no web
//!   page can move the clock or wipe the state.

use axum::extract::{Request, State};
use axum::http::{header, HeaderMap, HeaderValue, Method};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use crate::error::ApiError;
use crate::state::AppState;

/// The pages that may be framed.
const FRAMABLE: &str = "/agent/";

/// This server's own origins on `port` (the IPv6 one last: CSP source expressions cannot
/// name it).
fn own_origins(port: u16) -> [String; 3] {
    [
        format!("http://127.0.0.1:{port}"),
        format!("http://localhost:{port}"),
        format!("http://[::1]:{port}"),
    ]
}

/// The `frame-ancestors` directive for `path`.
pub fn frame_ancestors(path: &str, app: &AppState) -> String {
    if !path.starts_with(FRAMABLE) {
        return "frame-ancestors 'none'".to_owned();
    }
    let mut directive = String::from("frame-ancestors 'self'");
    for origin in own_origins(app.port)[..2]
        .iter()
        .chain(&app.frame_ancestors)
    {
        directive.push(' ');
        directive.push_str(origin);
    }
    directive
}

fn not_found(request: &Request) -> Response {
    ApiError::not_found(format!(
        "No file or resource exists at {} {}.",
        request.method(),
        request.uri().path()
    ))
    .into_response()
}

/// The framing headers and the redirect guard, on every response.
pub async fn guard(State(app): State<AppState>, request: Request, next: Next) -> Response {
    let path = request.uri().path().to_owned();
    if path.starts_with("//") {
        return not_found(&request);
    }
    let mut response = next.run(request).await;
    let location = response.headers().get(header::LOCATION);
    if location.is_some_and(|l| l.as_bytes().starts_with(b"//") || l.as_bytes().starts_with(b"/\\"))
    {
        return ApiError::not_found(format!("No file or resource exists at {path}."))
            .into_response();
    }
    if path.starts_with("/api/") {
        return response;
    }
    let directive = frame_ancestors(&path, &app);
    let headers = response.headers_mut();
    if let Ok(value) = HeaderValue::from_str(&directive) {
        headers.insert(header::CONTENT_SECURITY_POLICY, value);
    }
    if !path.starts_with(FRAMABLE) {
        headers.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    }
    response
}

/// Whether a request comes from another origin: its `Origin` is not one of this server's, or
/// the browser says it is cross-site.
fn from_another_origin(headers: &HeaderMap, port: u16) -> bool {
    let cross_site = headers
        .get("sec-fetch-site")
        .is_some_and(|v| v.as_bytes().eq_ignore_ascii_case(b"cross-site"));
    let foreign_origin = headers.get(header::ORIGIN).is_some_and(|origin| {
        !own_origins(port)
            .iter()
            .any(|own| own.as_bytes().eq_ignore_ascii_case(origin.as_bytes()))
    });
    cross_site || foreign_origin
}

/// The guard of the test controls.
pub async fn test_controls(State(app): State<AppState>, request: Request, next: Next) -> Response {
    if from_another_origin(request.headers(), app.port) {
        return ApiError::forbidden(
            "The test controls accept requests from this server's own origins only.",
        )
        .into_response();
    }
    let json = request
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .is_some_and(|v| v.trim().eq_ignore_ascii_case("application/json"));
    if request.method() != Method::GET && request.method() != Method::HEAD && !json {
        return ApiError::new(
            axum::http::StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "unsupported.media.type",
            format!(
                "{} {} needs Content-Type: application/json.",
                request.method(),
                request.uri().path()
            ),
        )
        .into_response();
    }
    next.run(request).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn origins() {
        let headers = |pairs: &[(&'static str, &'static str)]| {
            let mut h = HeaderMap::new();
            for (k, v) in pairs {
                h.insert(*k, HeaderValue::from_static(v));
            }
            h
        };
        assert!(!from_another_origin(&headers(&[]), 8080));
        assert!(!from_another_origin(
            &headers(&[("origin", "http://localhost:8080")]),
            8080
        ));
        assert!(!from_another_origin(
            &headers(&[
                ("origin", "http://127.0.0.1:8080"),
                ("sec-fetch-site", "same-origin")
            ]),
            8080
        ));
        for h in [
            headers(&[("origin", "http://evil.example")]),
            headers(&[("origin", "null")]),
            headers(&[("origin", "http://127.0.0.1:8081")]),
            headers(&[("sec-fetch-site", "cross-site")]),
        ] {
            assert!(from_another_origin(&h, 8080), "{h:?}");
        }
    }
}
