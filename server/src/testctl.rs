//! Test-only controls under `/__test/`, mounted only with `--test` (and guarded by
//! `crate::security::test_controls`: JSON only, this server's origins only).
//!
//! * `GET /__test/clock` → `{ "nowMs": … }`; `POST /__test/clock` `{ "advanceMs": N }` or
//!   `{ "setMs": N }` moves the server's clock and runs the idle sweep at once; a move past the
//!   clock's range (`crate::clock::MAX_MS`, the end of the year 9999) is a 400 and moves nothing.
//! * `GET /__test/log` → `[ { method, path, query?, user, userId, status, counted, excludedBy, atMs } ]`,
//!   the API requests received, oldest first (`user` is the username, `null` when the request
//!   was not authenticated); `DELETE /__test/log` empties it.
//! * `POST /__test/reset` → default settings, everyone signed out and Offline, empty log,
//!   clock back on system time.

use axum::extract::State;
use axum::routing::{get, post};
use axum::{Json, Router};
use serde_json::{json, Value};

use crate::body::{json_type, JsonBody};
use crate::error::ApiError;
use crate::state::AppState;

/// The `/__test/` routes.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/__test/clock", get(get_clock).post(move_clock))
        .route("/__test/log", get(log).delete(clear_log))
        .route("/__test/reset", post(reset))
}

async fn get_clock(State(app): State<AppState>) -> Json<Value> {
    Json(json!({ "nowMs": app.clock.now_ms() }))
}

async fn move_clock(State(app): State<AppState>, body: JsonBody) -> Result<Json<Value>, ApiError> {
    let fields = body.into_object()?;
    let number = |key: &str| -> Result<Option<u64>, ApiError> {
        match fields.get(key) {
            None => Ok(None),
            Some(v) => v.as_u64().map(Some).ok_or_else(|| {
                ApiError::invalid_field(
                    key,
                    "wrong-type",
                    format!(
                        "{key} must be a whole number of milliseconds, 0 or more; got {}.",
                        if v.is_number() {
                            v.to_string()
                        } else {
                            json_type(v).to_owned()
                        }
                    ),
                )
            }),
        }
    };
    let (key, ms, moved) = match (number("advanceMs")?, number("setMs")?) {
        (Some(ms), None) => ("advanceMs", ms, app.clock.advance(ms)),
        (None, Some(ms)) => ("setMs", ms, app.clock.set(ms)),
        _ => {
            return Err(ApiError::bad_request(
                "Send exactly one of {\"advanceMs\": N} or {\"setMs\": N}.",
            ))
        }
    };
    moved.map_err(|e| {
        ApiError::invalid_field(
            key,
            "out-of-range",
            format!("{key} must be {e}; got {ms}. The clock did not move."),
        )
    })?;
    let expired = app.sweep();
    Ok(Json(
        json!({ "nowMs": app.clock.now_ms(), "expiredTokens": expired }),
    ))
}

async fn log(State(app): State<AppState>) -> Json<Value> {
    let inner = app.lock();
    Json(json!(inner.log_entries().collect::<Vec<_>>()))
}

async fn clear_log(State(app): State<AppState>) -> Json<Value> {
    app.lock().clear_log();
    Json(json!([]))
}

async fn reset(State(app): State<AppState>) -> Result<Json<Value>, ApiError> {
    app.reset()?;
    Ok(Json(json!({ "reset": true, "nowMs": app.clock.now_ms() })))
}
