//! `POST /api/v2/inactivity/preview`: what a draft of the settings would have done over the
//! last hours, replayed from the history with the same core as enforcement. Changes nothing.

use axum::extract::State;
use axum::Json;
use serde_json::{json, Value};

use super::require_admin;
use crate::body::JsonBody;
use crate::clock::iso8601;
use crate::error::ApiError;
use crate::preview::{parse_draft, replay_in_parts, PART_CALLS};
use crate::state::{AppState, Caller};

const HOUR_MS: u64 = 60 * 60 * 1000;

/// `POST /api/v2/inactivity/preview` (administrators only) with a draft
/// `{ idleTokenTimeout, inactivityTimeoutExclusions, hipaa?, windowHours? }` →
/// `{ windowHours, sessions, signedOut: [{ userId, at, onQueue }], resetters: [{ path, calls,
/// sessions, excludedByDraft }] }`. An invalid draft is a 400 with the validator's paths.
pub async fn preview(
    State(app): State<AppState>,
    caller: Caller,
    JsonBody(body): JsonBody,
) -> Result<Json<Value>, ApiError> {
    require_admin(&caller, "preview changes to the inactivity settings")?;
    let org_hipaa = app.lock().effective.settings.hipaa;
    let draft = parse_draft(body, org_hipaa)?;
    let now = app.clock.now_ms();
    let window_start = now.saturating_sub(draft.window_hours * HOUR_MS);
    // Copied part by part under the lock, replayed outside it: API calls are not held up by a
    // long replay, and no copy of the whole day is made. One preview at a time (`preview/gate.rs`).
    let replaying = app.clone();
    let result = app
        .replays
        .run(move || {
            let current = replaying.lock().effective.policy.clone();
            let copy_part = |after| {
                replaying
                    .lock()
                    .history()
                    .snapshot_part(window_start, now, after, PART_CALLS)
            };
            replay_in_parts(copy_part, &current, &draft.policy)
        })
        .await
        .map_err(|e| ApiError::internal(format!("The preview failed: {e}.")))?;
    Ok(Json(json!({
        "windowHours": draft.window_hours,
        "sessions": result.sessions,
        "signedOut": result.signed_out.iter().map(|s| json!({
            "userId": s.user_id,
            "at": iso8601(s.at_ms),
            "onQueue": s.on_queue,
        })).collect::<Vec<_>>(),
        "resetters": result.resetters.iter().map(|r| json!({
            "path": r.path,
            "calls": r.calls,
            "sessions": r.sessions,
            "excludedByDraft": r.excluded_by_draft,
        })).collect::<Vec<_>>(),
    })))
}
