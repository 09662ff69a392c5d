//! Directory data and the ordinary and default-excluded endpoints the demo calls.

use std::collections::HashMap;

use axum::extract::Query;
use axum::http::StatusCode;
use axum::Json;
use serde_json::{json, Value};

use crate::demo;
use crate::error::ApiError;
use crate::state::Caller;

/// A page of `entities`, from `pageSize` (default 25, at most 500) and `pageNumber` (from 1).
fn page(entities: Vec<Value>, query: &HashMap<String, String>) -> Result<Json<Value>, ApiError> {
    let number = |key: &str, default: usize, max: usize| -> Result<usize, ApiError> {
        match query.get(key) {
            None => Ok(default),
            Some(v) => match v.parse::<usize>() {
                Ok(n) if (1..=max).contains(&n) => Ok(n),
                _ => Err(ApiError::invalid_field(
                    key,
                    "out-of-range",
                    format!("{key} must be a whole number from 1 to {max}; got \"{v}\"."),
                )),
            },
        }
    };
    let page_size = number("pageSize", 25, 500)?;
    let page_number = number("pageNumber", 1, 100_000)?;
    let total = entities.len();
    let entities: Vec<Value> = entities
        .into_iter()
        .skip(page_size * (page_number - 1))
        .take(page_size)
        .collect();
    Ok(Json(json!({
        "entities": entities,
        "pageSize": page_size,
        "pageNumber": page_number,
        "total": total,
        "pageCount": total.div_ceil(page_size),
    })))
}

/// `GET /api/v2/groups`.
pub async fn groups(Query(query): Query<HashMap<String, String>>) -> Result<Json<Value>, ApiError> {
    page(
        demo::GROUPS
            .iter()
            .map(|g| json!({ "id": g.id, "name": g.name, "selfUri": format!("/api/v2/groups/{}", g.id) }))
            .collect(),
        &query,
    )
}

/// `GET /api/v2/presencedefinitions`.
pub async fn presence_definitions() -> Json<Value> {
    let entities: Vec<Value> = demo::PRESENCES
        .iter()
        .map(|p| {
            json!({
                "id": p.id,
                "systemPresence": p.system_presence,
                "languageLabels": { "en_US": p.label },
                "primary": true,
                "deactivated": false,
                "selfUri": format!("/api/v2/presencedefinitions/{}", p.id),
            })
        })
        .collect();
    Json(json!({
        "entities": entities,
        "pageSize": entities.len(),
        "pageNumber": 1,
        "total": entities.len(),
    }))
}

/// `GET /api/v2/routing/queues`.
pub async fn queues(Query(query): Query<HashMap<String, String>>) -> Result<Json<Value>, ApiError> {
    page(
        demo::QUEUES
            .iter()
            .map(|q| json!({ "id": q.id, "name": q.name, "memberCount": q.member_count }))
            .collect(),
        &query,
    )
}

/// `GET /api/v2/conversations`: the caller's active conversations.
pub async fn conversations(caller: Caller) -> Json<Value> {
    Json(json!({ "entities": demo::conversations(caller.user.id) }))
}

/// `GET /api/v2/featuretoggles` (excluded by default).
pub async fn feature_toggles() -> Json<Value> {
    Json(demo::feature_toggles())
}

/// `POST /api/v2/diagnostics/newrelic/insights`, `POST /api/v2/diagnostics/trace` (excluded by
/// default): the body is accepted and dropped.
pub async fn diagnostics() -> StatusCode {
    StatusCode::ACCEPTED
}

/// `GET /api/v2/integrations/clientapps` (excluded by default).
pub async fn client_apps() -> Json<Value> {
    Json(json!({ "entities": [], "pageSize": 25, "pageNumber": 1, "total": 0, "pageCount": 0 }))
}
