//! Users: the caller, presence and routing status.

use std::collections::HashMap;

use axum::extract::{Query, State};
use axum::Json;
use serde_json::{json, Value};

use super::extract::Subject;
use crate::body::JsonObject;
use crate::clock::iso8601;
use crate::demo::{self, User};
use crate::error::ApiError;
use crate::state::{AppState, Caller, UserState};

fn user_json(user: &User, expand: &[&str], state: Option<&UserState>) -> Value {
    let mut body = json!({
        "id": user.id,
        "name": user.name,
        "username": user.username,
        "email": user.email,
        "state": "active",
        "selfUri": format!("/api/v2/users/{}", user.id),
    });
    if expand.contains(&"groups") {
        body["groups"] = user
            .groups
            .iter()
            .filter_map(|id| demo::group(id))
            .map(|g| json!({ "id": g.id, "name": g.name }))
            .collect();
    }
    if let Some(state) = state {
        if expand.contains(&"presence") {
            body["presence"] = presence_json(user, state);
        }
        if expand.contains(&"routingStatus") {
            body["routingStatus"] = routing_json(user, state);
        }
    }
    if expand.contains(&"authorization") {
        let role = if user.admin { "admin" } else { "employee" };
        body["authorization"] = json!({ "roles": [ { "id": role, "name": role } ] });
    }
    body
}

fn expansions(query: &HashMap<String, String>) -> Vec<&str> {
    query
        .get("expand")
        .map(|e| e.split(',').map(str::trim).collect())
        .unwrap_or_default()
}

fn presence_json(user: &User, state: &UserState) -> Value {
    let definition = demo::presence(state.presence_id).expect("stored presences are defined");
    json!({
        "source": "PURECLOUD",
        "primary": true,
        "presenceDefinition": {
            "id": definition.id,
            "systemPresence": definition.system_presence,
            "selfUri": format!("/api/v2/presencedefinitions/{}", definition.id),
        },
        "modifiedDate": iso8601(state.presence_modified_ms),
        "selfUri": format!("/api/v2/users/{}/presences/purecloud", user.id),
    })
}

fn routing_json(user: &User, state: &UserState) -> Value {
    json!({
        "userId": user.id,
        "status": state.routing_status,
        "startTime": iso8601(state.routing_start_ms),
    })
}

/// `GET /api/v2/users/me` (`?expand=groups,presence,routingStatus,authorization`).
pub async fn get_me(
    State(app): State<AppState>,
    caller: Caller,
    Query(query): Query<HashMap<String, String>>,
) -> Json<Value> {
    let inner = app.lock();
    Json(user_json(
        caller.user,
        &expansions(&query),
        inner.user_state(caller.user.id),
    ))
}

/// `GET /api/v2/users/{userId}` (yourself, or anyone for an administrator).
pub async fn get_user(
    State(app): State<AppState>,
    Subject(user): Subject,
    Query(query): Query<HashMap<String, String>>,
) -> Result<Json<Value>, ApiError> {
    let inner = app.lock();
    Ok(Json(user_json(
        user,
        &expansions(&query),
        inner.user_state(user.id),
    )))
}

/// `GET /api/v2/users/{userId}/presences/purecloud`.
pub async fn get_presence(
    State(app): State<AppState>,
    Subject(user): Subject,
) -> Result<Json<Value>, ApiError> {
    let inner = app.lock();
    let state = inner
        .user_state(user.id)
        .expect("every demo user has a state");
    Ok(Json(presence_json(user, state)))
}

/// `PATCH /api/v2/users/{userId}/presences/purecloud` `{ "presenceDefinition": { "id": "…" } }`.
pub async fn patch_presence(
    State(app): State<AppState>,
    Subject(user): Subject,
    body: JsonObject,
) -> Result<Json<Value>, ApiError> {
    let id = body.fields().object("presenceDefinition")?.string("id")?;
    let Some(presence) = demo::presence(id) else {
        return Err(ApiError::invalid_field(
            "presenceDefinition.id",
            "unknown-presence",
            format!(
                "presenceDefinition.id \"{id}\" is not a presence definition; see GET /api/v2/presencedefinitions."
            ),
        ));
    };
    let now = app.clock.now_ms();
    let mut inner = app.lock();
    let state = inner
        .user_state_mut(user.id)
        .expect("every demo user has a state");
    if state.presence_id != presence.id {
        state.presence_id = presence.id;
        state.presence_modified_ms = now;
    }
    Ok(Json(presence_json(user, state)))
}

/// `GET /api/v2/users/{userId}/routingstatus`.
pub async fn get_routing_status(
    State(app): State<AppState>,
    Subject(user): Subject,
) -> Result<Json<Value>, ApiError> {
    let inner = app.lock();
    let state = inner
        .user_state(user.id)
        .expect("every demo user has a state");
    Ok(Json(routing_json(user, state)))
}

/// `PUT /api/v2/users/{userId}/routingstatus` `{ "status": "OFF_QUEUE" }`; any other status
/// (`IDLE`, `INTERACTING`, `COMMUNICATING`, `NOT_RESPONDING`) is On Queue.
pub async fn put_routing_status(
    State(app): State<AppState>,
    Subject(user): Subject,
    body: JsonObject,
) -> Result<Json<Value>, ApiError> {
    let status = body.fields().string("status")?;
    let Some(status) = demo::ROUTING_STATUSES.iter().find(|s| **s == status) else {
        return Err(ApiError::invalid_field(
            "status",
            "invalid-status",
            format!(
                "status must be one of {}; got \"{status}\".",
                demo::ROUTING_STATUSES.join(", ")
            ),
        ));
    };
    let now = app.clock.now_ms();
    let mut inner = app.lock();
    inner.set_routing_status(user.id, status, now);
    let state = inner
        .user_state(user.id)
        .expect("every demo user has a state");
    Ok(Json(routing_json(user, state)))
}
