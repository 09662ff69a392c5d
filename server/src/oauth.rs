//! Sign-in: the OAuth 2.0 authorization-code flow (RFC 6749 §4.1) with PKCE (RFC 7636, S256),
//! for registered clients and their registered redirect URIs only (`crate::clients`), with the
//! inactivity rule that no refresh token is issued — and the refresh grant is refused — while a
//! timeout applies.

use std::collections::HashMap;

use axum::extract::{Query, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;

use crate::body::FormOrJson;
use crate::demo;
use crate::error::ApiError;
use crate::pkce::Challenge;
use crate::state::{AppState, AuthCode, CODE_LIFETIME_MS};
use crate::token::new_secret;

/// The parameters that travel through the login page unchanged.
const FLOW_PARAMS: &[&str] = &[
    "response_type",
    "client_id",
    "redirect_uri",
    "state",
    "code_challenge",
    "code_challenge_method",
];

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

/// Checks an authorization request; returns its PKCE challenge, if it has one.
fn check_flow(
    params: &HashMap<String, String>,
    app: &AppState,
) -> Result<Option<Challenge>, ApiError> {
    let get = |k: &str| params.get(k).map(String::as_str).unwrap_or("");
    let invalid = |m: String| ApiError::bad_request(format!("{m}.")).with_oauth("invalid_request");
    if get("response_type") != "code" {
        return Err(ApiError::bad_request(
            "response_type must be \"code\" (the authorization-code flow).",
        )
        .with_oauth("unsupported_response_type"));
    }
    if get("client_id").is_empty() {
        return Err(invalid("client_id is required".into()));
    }
    app.clients
        .check(get("client_id"), get("redirect_uri"), app.port)
        .map_err(invalid)?;
    Challenge::from_request(
        params.get("code_challenge").map(String::as_str),
        params.get("code_challenge_method").map(String::as_str),
    )
    .map_err(invalid)
}

/// `GET /oauth/authorize`: the login page (`www/login.html`), after checking the request.
pub async fn authorize_page(
    State(app): State<AppState>,
    Query(params): Query<HashMap<String, String>>,
) -> Result<Response, ApiError> {
    // Without a client the page explains that sign-in starts from an app; with one, the request
    // must be valid before a login form is shown (never a form that signs in to a foreign site).
    if params.contains_key("client_id") || params.contains_key("redirect_uri") {
        check_flow(&params, &app)?;
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
    let challenge = check_flow(&params, &app)?;
    let get = |k: &str| params.get(k).map(String::as_str).unwrap_or("");
    let Some(user) = demo::sign_in(get("username"), get("password")) else {
        // The flow's parameters and the error code; not the username (the page keeps what was
        // typed itself: it shows nothing taken from its URL, and a URL ends up in logs).
        let mut pairs: Vec<(&str, &str)> = FLOW_PARAMS
            .iter()
            .filter_map(|k| params.get(*k).map(|v| (*k, v.as_str())))
            .collect();
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
            challenge,
            expires_ms: now.saturating_add(CODE_LIFETIME_MS),
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
    let client_id = get("client_id");
    if client_id.is_empty() {
        return Err(ApiError::bad_request(
            "client_id is required: the client the code or refresh token was issued to.",
        )
        .with_oauth("invalid_request"));
    }
    if !app.clients.is_registered(client_id) {
        return Err(ApiError::bad_request(format!(
            "client_id \"{client_id}\" is not registered on this server."
        ))
        .with_oauth("invalid_client"));
    }
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
            if client_id != issued.client_id {
                return Err(invalid_grant(
                    "The authorization code was issued to another client_id.",
                ));
            }
            if let Some(challenge) = &issued.challenge {
                challenge
                    .verify(get("code_verifier"))
                    .map_err(|m| invalid_grant(&format!("{m}; sign in again.")))?;
            } else if !get("code_verifier").is_empty() {
                return Err(invalid_grant(
                    "code_verifier was sent but the authorization request had no code_challenge; sign in again.",
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
            let user = inner
                .take_refresh_token(get("refresh_token"), client_id, now)
                .map_err(|refused| invalid_grant(refused.message()))?;
            inner.issue_token(user, client_id, now)
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
