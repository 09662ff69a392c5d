//! The organization's inactivity settings: idle token timeout, exclusions, HIPAA.

use axum::extract::State;
use axum::Json;
use serde_json::{json, Value};

use super::require_admin;
use crate::body::{JsonBody, JsonObject};
use crate::demo;
use crate::error::ApiError;
use crate::state::{AppState, Caller};

/// `GET /api/v2/tokens/timeout`: the `IdleTokenTimeout` as stored.
pub async fn get_timeout(State(app): State<AppState>) -> Json<Value> {
    Json(app.lock().effective.settings.idle_token_timeout.clone())
}

/// `PUT /api/v2/tokens/timeout`: replaces the `IdleTokenTimeout` (administrators only).
/// Invalid settings → 400 with the validator's failing fields; nothing is stored.
pub async fn put_timeout(
    State(app): State<AppState>,
    caller: Caller,
    JsonBody(body): JsonBody,
) -> Result<Json<Value>, ApiError> {
    require_admin(&caller, "change the idle token timeout")?;
    let settings = app.change_settings("idleTokenTimeout", |s| {
        s.idle_token_timeout = body;
        Ok(())
    })?;
    Ok(Json(settings.idle_token_timeout))
}

/// `GET /api/v2/organizations/authentication/settings`.
pub async fn get_auth_settings(State(app): State<AppState>) -> Json<Value> {
    Json(Value::Object(
        app.lock().effective.settings.auth_settings.clone(),
    ))
}

/// `PATCH /api/v2/organizations/authentication/settings`: the fields given replace the stored
/// ones (administrators only); e.g. `{ "inactivityTimeoutExclusions": [...] }`.
pub async fn patch_auth_settings(
    State(app): State<AppState>,
    caller: Caller,
    JsonObject(fields): JsonObject,
) -> Result<Json<Value>, ApiError> {
    require_admin(&caller, "change the authentication settings")?;
    let settings = app.change_settings("authSettings", |s| {
        for (key, value) in fields {
            s.auth_settings.insert(key, value);
        }
        Ok(())
    })?;
    Ok(Json(Value::Object(settings.auth_settings)))
}

/// `GET /api/v2/organizations/me`.
pub async fn get_organization(State(app): State<AppState>) -> Json<Value> {
    let hipaa = app.lock().effective.settings.hipaa;
    Json(json!({
        "id": demo::ORG_ID,
        "name": demo::ORG_NAME,
        "state": "active",
        "features": { "hipaa": hipaa },
        "selfUri": "/api/v2/organizations/me",
    }))
}

/// `PATCH /api/v2/organizations/features/hipaa` `{ "enabled": true }` (administrators only).
///
/// Turning HIPAA on over a timeout above 15 minutes is accepted: resolution caps every timeout
/// at 15 minutes at once, and the admin page shows the stored value as needing a change.
pub async fn patch_hipaa(
    State(app): State<AppState>,
    caller: Caller,
    body: JsonObject,
) -> Result<Json<Value>, ApiError> {
    require_admin(&caller, "change the organization's features")?;
    let enabled = body.fields().boolean("enabled")?;
    let settings = app.change_settings("hipaa", |s| {
        s.hipaa = enabled;
        Ok(())
    })?;
    Ok(Json(json!({ "hipaa": settings.hipaa })))
}
