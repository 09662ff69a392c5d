//! The platform API under `/api/v2/`: authentication, activity counting, and the routes.

mod extract;
mod misc;
mod preview;
mod settings;
mod tokens;
mod users;

use axum::extract::{Request, State};
use axum::http::{header, Method};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;

use crate::error::ApiError;
use crate::state::{capped, AppState, Caller, LogEntry};

/// The API routes (without authentication: [`gate`] wraps the whole server).
pub fn routes() -> Router<AppState> {
    Router::new()
        .route(
            "/api/v2/tokens/timeout",
            get(settings::get_timeout).put(settings::put_timeout),
        )
        .route(
            "/api/v2/organizations/authentication/settings",
            get(settings::get_auth_settings).patch(settings::patch_auth_settings),
        )
        .route("/api/v2/organizations/me", get(settings::get_organization))
        .route(
            "/api/v2/organizations/features/hipaa",
            axum::routing::patch(settings::patch_hipaa),
        )
        .route(
            "/api/v2/tokens/me",
            get(tokens::get_me).delete(tokens::delete_me),
        )
        .route("/api/v2/users/me", get(users::get_me))
        .route("/api/v2/users/{user_id}", get(users::get_user))
        .route(
            "/api/v2/users/{user_id}/presences/purecloud",
            get(users::get_presence).patch(users::patch_presence),
        )
        .route(
            "/api/v2/users/{user_id}/routingstatus",
            get(users::get_routing_status).put(users::put_routing_status),
        )
        .route(
            "/api/v2/presencedefinitions",
            get(misc::presence_definitions),
        )
        .route("/api/v2/groups", get(misc::groups))
        .route("/api/v2/routing/queues", get(misc::queues))
        .route("/api/v2/conversations", get(misc::conversations))
        .route("/api/v2/featuretoggles", get(misc::feature_toggles))
        .route(
            "/api/v2/diagnostics/newrelic/insights",
            post(misc::diagnostics),
        )
        .route("/api/v2/diagnostics/trace", post(misc::diagnostics))
        .route("/api/v2/integrations/clientapps", get(misc::client_apps))
        .route("/api/v2/inactivity/preview", post(preview::preview))
}

/// Whether a request path is an API call (authenticated, counted, logged).
pub fn is_api_path(path: &str) -> bool {
    path == "/api" || path.starts_with("/api/")
}

/// Middleware for every request: API calls need a live bearer token; a call that is not
/// excluded resets the token's idle deadline; every API call is logged, and kept in the
/// preview's history (except the deadline reads that never count, `preserveIdleTTL=true`).
pub async fn gate(State(app): State<AppState>, mut request: Request, next: Next) -> Response {
    let path = request.uri().path().to_owned();
    if !is_api_path(&path) {
        return next.run(request).await;
    }
    let method = request.method().clone();
    let now = app.clock.now_ms();
    let authorization = request
        .headers()
        .get(header::AUTHORIZATION)
        .map(|v| v.to_str().unwrap_or(""))
        .map(str::to_owned);
    let preserve_ttl = method == Method::GET
        && path.trim_end_matches('/') == "/api/v2/tokens/me"
        && request.uri().query().is_some_and(|q| {
            form_urlencoded::parse(q.as_bytes())
                .any(|(k, v)| k == "preserveIdleTTL" && v.eq_ignore_ascii_case("true"))
        });

    // Copies cut to the log's bounds (`state/log.rs`), not the request's own strings.
    let mut entry = LogEntry {
        at_ms: now,
        method: capped(method.as_str()),
        path: capped(&path),
        query: request.uri().query().map(capped),
        user: None,
        user_id: None,
        status: 0,
        counted: false,
        excluded_by: None,
    };
    let authenticated = {
        let mut inner = app.lock();
        match inner.authenticate(authorization.as_deref(), now) {
            Ok(caller) => {
                entry.user = Some(caller.user.username);
                entry.user_id = Some(caller.user.id);
                entry.excluded_by = inner.effective.excluded_by(&path);
                entry.counted = entry.excluded_by.is_none() && !preserve_ttl;
                if entry.counted {
                    inner.touch(&caller.token, now);
                }
                if !preserve_ttl {
                    inner.record_call(caller.session, &path, now);
                }
                Ok(caller)
            }
            Err(e) => {
                // A known but revoked token: the log still says whose it was.
                let user = authorization
                    .as_deref()
                    .and_then(crate::state::bearer)
                    .and_then(|t| inner.token(t))
                    .map(|t| t.user);
                entry.user = user.map(|u| u.username);
                entry.user_id = user.map(|u| u.id);
                Err(e)
            }
        }
    };
    let response = match authenticated {
        Ok(caller) => {
            request.extensions_mut().insert::<Caller>(caller);
            next.run(request).await
        }
        Err(e) => e.into_response(),
    };
    entry.status = response.status().as_u16();
    app.lock().log(entry);
    response
}

/// 404 for an API path no route serves (after authentication, like the platform).
pub async fn not_found(request: Request) -> ApiError {
    ApiError::not_found(format!(
        "No API resource exists at {} {}.",
        request.method(),
        request.uri().path()
    ))
}

/// The signed-in caller, or 403 unless it is an administrator.
fn require_admin(caller: &Caller, what: &str) -> Result<(), ApiError> {
    if caller.user.admin {
        Ok(())
    } else {
        Err(ApiError::forbidden(format!(
            "Only an administrator may {what}; {} is not one.",
            caller.user.username
        )))
    }
}

/// The caller may act on this user: themselves, or anyone if an administrator.
fn require_self_or_admin(
    caller: &Caller,
    user_id: &str,
) -> Result<&'static crate::demo::User, ApiError> {
    let Some(user) = crate::demo::user(user_id) else {
        return Err(ApiError::not_found(format!(
            "No user has the id \"{user_id}\"."
        )));
    };
    if caller.user.id == user.id || caller.user.admin {
        Ok(user)
    } else {
        Err(ApiError::forbidden(format!(
            "{} may only see and change their own state, not {}'s.",
            caller.user.username, user.username
        )))
    }
}
