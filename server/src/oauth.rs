//! Sign-in: the OAuth 2.0 authorization-code flow (RFC 6749 §4.1), with the inactivity rule
//! that no refresh token is issued — and the refresh grant is refused — while a timeout applies.

use std::collections::HashMap;

use axum::extract::{Query, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;

use crate::body::FormOrJson;
use crate::demo;
use crate::error::ApiError;
use crate::state::{AppState, AuthCode, CODE_LIFETIME_MS};
use crate::token::new_secret;

/// The parameters that travel through the login page unchanged.
const FLOW_PARAMS: &[&str] = &["response_type", "client_id", "redirect_uri", "state"];

/// Checks that `uri` is `http://127.0.0.1:<port>/…` or `http://localhost:<port>/…` (this
/// server), so that a code is never sent to another site: no open redirect.
pub fn check_redirect_uri(uri: &str, port: u16) -> Result<(), String> {
    let rest = uri
        .strip_prefix("http://")
        .ok_or("redirect_uri must be an absolute http:// URL on this server")?;
    if uri.contains('#') {
        return Err("redirect_uri must not contain a fragment (#)".into());
    }
    let authority_end = rest.find(['/', '?']).unwrap_or(rest.len());
    let authority = &rest[..authority_end];
    if authority.contains('@') || authority.contains('\\') {
        return Err("redirect_uri must not contain user information".into());
    }
    let (host, uri_port) = match authority.rsplit_once(':') {
        Some((host, p)) if !host.ends_with(']') || host.starts_with('[') => {
            let p: u16 = p
                .parse()
                .map_err(|_| format!("redirect_uri has an invalid port \"{p}\""))?;
            (host, p)
        }
        _ => (authority, 80),
    };
    let host_ok = ["127.0.0.1", "localhost", "[::1]"]
        .iter()
        .any(|h| h.eq_ignore_ascii_case(host));
    if !host_ok || uri_port != port {
        return Err(format!(
            "redirect_uri must point to this server (http://127.0.0.1:{port}/ or http://localhost:{port}/); got {authority}"
        ));
    }
    Ok(())
}

fn redirect(location: &str) -> Response {
    let mut response = StatusCode::SEE_OTHER.into_response();
    if let Ok(value) = HeaderValue::from_str(location) {
        response.headers_mut().insert(header::LOCATION, value);
    }
    response
        .headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

fn query_string(pairs: &[(&str, &str)]) -> String {
    let mut out = form_urlencoded::Serializer::new(String::new());
    for (k, v) in pairs {
        out.append_pair(k, v);
    }
    out.finish()
}

fn check_flow(params: &HashMap<String, String>, port: u16) -> Result<(), ApiError> {
    let get = |k: &str| params.get(k).map(String::as_str).unwrap_or("");
    if get("response_type") != "code" {
        return Err(ApiError::bad_request(
            "response_type must be \"code\" (the authorization-code flow).",
        )
        .with_oauth("unsupported_response_type"));
    }
    if get("client_id").is_empty() {
        return Err(ApiError::bad_request("client_id is required.").with_oauth("invalid_request"));
    }
    check_redirect_uri(get("redirect_uri"), port)
        .map_err(|m| ApiError::bad_request(format!("{m}.")).with_oauth("invalid_request"))
}

/// `GET /oauth/authorize`: the login page (`www/login.html`), after checking the request.
pub async fn authorize_page(
    State(app): State<AppState>,
    Query(params): Query<HashMap<String, String>>,
) -> Result<Response, ApiError> {
    // Without a client the page explains that sign-in starts from an app; with one, the request
    // must be valid before a login form is shown (never a form that signs in to a foreign site).
    if params.contains_key("client_id") || params.contains_key("redirect_uri") {
        check_flow(&params, app.port)?;
    }
    let path = app.root.join("www").join("login.html");
    let html = tokio::fs::read(&path).await.map_err(|e| {
        ApiError::not_found(format!(
            "The login page {} could not be read: {e}.",
            path.display()
        ))
    })?;
    Ok((
        [
            (header::CONTENT_TYPE, "text/html; charset=utf-8"),
            (header::CACHE_CONTROL, "no-store"),
        ],
        html,
    )
        .into_response())
}

/// `POST /oauth/authorize` (the login form): a code back to the client, or the login page again
/// with `error=invalid_credentials`.
pub async fn authorize_submit(
    State(app): State<AppState>,
    FormOrJson(form): FormOrJson,
) -> Result<Response, ApiError> {
    let mut params = form.clone();
    params
        .entry("response_type".into())
        .or_insert_with(|| "code".into());
    check_flow(&params, app.port)?;
    let get = |k: &str| params.get(k).map(String::as_str).unwrap_or("");
    let Some(user) = demo::sign_in(get("username"), get("password")) else {
        let mut pairs: Vec<(&str, &str)> = FLOW_PARAMS
            .iter()
            .filter_map(|k| params.get(*k).map(|v| (*k, v.as_str())))
            .collect();
        if let Some(username) = params.get("username") {
            pairs.push(("username", username));
        }
        pairs.push(("error", "invalid_credentials"));
        return Ok(redirect(&format!(
            "/oauth/authorize?{}",
            query_string(&pairs)
        )));
    };
    let code = new_secret();
    let now = app.clock.now_ms();
    app.lock().insert_code(
        code.clone(),
        AuthCode {
            user,
            client_id: get("client_id").to_owned(),
            redirect_uri: get("redirect_uri").to_owned(),
            expires_ms: now + CODE_LIFETIME_MS,
        },
    );
    let redirect_uri = get("redirect_uri");
    let separator = if redirect_uri.contains('?') { '&' } else { '?' };
    let mut pairs = vec![("code", code.as_str())];
    if let Some(state) = params.get("state") {
        pairs.push(("state", state));
    }
    Ok(redirect(&format!(
        "{redirect_uri}{separator}{}",
        query_string(&pairs)
    )))
}

fn invalid_grant(message: &str) -> ApiError {
    ApiError::bad_request(message).with_oauth("invalid_grant")
}

/// `POST /oauth/token`: exchanges a code (or, while no timeout applies, a refresh token).
pub async fn token(
    State(app): State<AppState>,
    FormOrJson(form): FormOrJson,
) -> Result<Response, ApiError> {
    let get = |k: &str| form.get(k).map(String::as_str).unwrap_or("");
    let now = app.clock.now_ms();
    let mut inner = app.lock();
    let response = match get("grant_type") {
        "authorization_code" => {
            let code = get("code");
            if code.is_empty() {
                return Err(
                    ApiError::bad_request("code is required.").with_oauth("invalid_request")
                );
            }
            let Some(issued) = inner.take_code(code) else {
                return Err(invalid_grant(
                    "The authorization code is not valid or was already used; sign in again.",
                ));
            };
            if now >= issued.expires_ms {
                return Err(invalid_grant(
                    "The authorization code has expired; sign in again.",
                ));
            }
            if get("redirect_uri") != issued.redirect_uri {
                return Err(invalid_grant(
                    "redirect_uri must be the same as in the authorization request.",
                ));
            }
            if !get("client_id").is_empty() && get("client_id") != issued.client_id {
                return Err(invalid_grant(
                    "The authorization code was issued to another client_id.",
                ));
            }
            inner.issue_token(issued.user, &issued.client_id, now)
        }
        "refresh_token" => {
            if inner.effective.timeout_enabled() {
                return Err(ApiError::bad_request(
                    "Refresh tokens are not accepted while the organization's inactivity timeout is enabled; sign in again.",
                )
                .with_oauth("invalid_grant"));
            }
            let Some(user) = inner.take_refresh_token(get("refresh_token")) else {
                return Err(invalid_grant(
                    "The refresh token is not valid; sign in again.",
                ));
            };
            let client_id = get("client_id").to_owned();
            inner.issue_token(user, &client_id, now)
        }
        "" => {
            return Err(ApiError::bad_request(
                "grant_type is required: \"authorization_code\" or \"refresh_token\".",
            )
            .with_oauth("invalid_request"))
        }
        other => {
            return Err(ApiError::bad_request(format!(
                "grant_type \"{other}\" is not supported; use \"authorization_code\"."
            ))
            .with_oauth("unsupported_grant_type"))
        }
    };
    drop(inner);
    let mut response = Json(response).into_response();
    response
        .headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    Ok(response)
}

#[cfg(test)]
mod tests {
    use super::check_redirect_uri;

    #[test]
    fn redirect_uris() {
        let ok = [
            "http://127.0.0.1:8080/",
            "http://localhost:8080/agent.html?x=1",
            "http://LOCALHOST:8080",
            "http://[::1]:8080/a",
        ];
        for uri in ok {
            assert_eq!(check_redirect_uri(uri, 8080), Ok(()), "{uri}");
        }
        let bad = [
            "https://127.0.0.1:8080/",
            "http://127.0.0.1:8081/",
            "http://127.0.0.1/",
            "http://evil.example/",
            "http://127.0.0.1:8080@evil.example/",
            "http://evil.example#@127.0.0.1:8080/",
            "http://127.0.0.1:8080/#frag",
            "//127.0.0.1:8080/",
            "/relative",
            "",
            "http://127.0.0.1.evil.example:8080/",
            "http://localhost:8080\\@evil.example/",
        ];
        for uri in bad {
            assert!(check_redirect_uri(uri, 8080).is_err(), "{uri}");
        }
    }
}
