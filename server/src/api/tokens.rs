//! The caller's own token: its idle deadline, and sign-out.

use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use serde_json::{json, Value};

use crate::clock::iso8601;
use crate::demo;
use crate::error::ApiError;
use crate::state::{AppState, Caller};

/// `GET /api/v2/tokens/me`: about the caller's token, with `dateTokenIdles`, the server's idle
/// deadline (absent when no timeout applies). With `?preserveIdleTTL=true` the call does not
/// count as activity (see the gate), so the deadline can be read without moving it.
pub async fn get_me(State(app): State<AppState>, caller: Caller) -> Result<Json<Value>, ApiError> {
    let inner = app.lock();
    let info = inner
        .token(&caller.token)
        .ok_or_else(|| ApiError::internal("The token vanished during the request."))?;
    let mut body = json!({
        "organization": { "id": demo::ORG_ID, "name": demo::ORG_NAME },
        "homeOrganization": { "id": demo::ORG_ID, "name": demo::ORG_NAME },
        "OAuthClient": { "id": info.client_id },
        "authorizedScope": [],
        "dateCreated": iso8601(info.created_ms),
        "dateTokenExpires": iso8601(info.expires_ms),
        "idleTimeout": info.resolution,
        "user": { "id": caller.user.id, "name": caller.user.name },
    });
    if let Some(deadline) = info.idle_deadline_ms() {
        body["dateTokenIdles"] = Value::String(iso8601(deadline));
    }
    Ok(Json(body))
}

/// `DELETE /api/v2/tokens/me`: revokes the caller's token (204).
pub async fn delete_me(State(app): State<AppState>, caller: Caller) -> StatusCode {
    let now = app.clock.now_ms();
    app.lock().revoke(&caller.token, now);
    StatusCode::NO_CONTENT
}
