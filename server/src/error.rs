//! The platform's error shape, used by every error response of the server.
//!
//! ```json
//! { "status": 400, "code": "invalid.value", "message": "…",
//!   "errors": [ { "path": "idleTokenTimeout.idleTokenTimeoutSeconds", "code": "…", "message": "…" } ] }
//! ```

use axum::body::Body;
use axum::extract::Request;
use axum::http::{header, HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use serde::Serialize;

/// One failing field: where it is, what rule it broke, and how to fix it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FieldError {
    /// JSON path of the field, e.g. `idleTokenTimeout.inactivityTimeoutGroupBundles[1].timeoutSeconds`.
    pub path: String,
    /// Machine-readable rule, e.g. `out_of_range`.
    pub code: String,
    /// A sentence for a person.
    pub message: String,
}

impl FieldError {
    /// A field error.
    pub fn new(
        path: impl Into<String>,
        code: impl Into<String>,
        message: impl Into<String>,
    ) -> Self {
        Self {
            path: path.into(),
            code: code.into(),
            message: message.into(),
        }
    }
}

/// An error response in the platform's shape.
#[derive(Debug, Clone, Serialize)]
pub struct ApiError {
    /// The HTTP status, repeated in the body.
    #[serde(serialize_with = "serialize_status")]
    pub status: StatusCode,
    /// Machine-readable kind, e.g. `bad.request`, `invalid.value`, `not.authorized`.
    pub code: &'static str,
    /// A sentence for a person.
    pub message: String,
    /// The failing fields (empty when the error is not about fields).
    pub errors: Vec<FieldError>,
    /// The OAuth 2.0 error code, on `/oauth/token` errors (RFC 6749 §5.2).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<&'static str>,
    /// The OAuth 2.0 error description (the same sentence as `message`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error_description: Option<String>,
}

fn serialize_status<S: serde::Serializer>(status: &StatusCode, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_u16(status.as_u16())
}

impl ApiError {
    /// An error with a status, a code and a message.
    pub fn new(status: StatusCode, code: &'static str, message: impl Into<String>) -> Self {
        Self {
            status,
            code,
            message: message.into(),
            errors: Vec::new(),
            error: None,
            error_description: None,
        }
    }

    /// 400 `bad.request`.
    pub fn bad_request(message: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, "bad.request", message)
    }

    /// 400 `invalid.value` with the failing fields.
    pub fn invalid(message: impl Into<String>, errors: Vec<FieldError>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, "invalid.value", message).with_errors(errors)
    }

    /// 400 `invalid.value` for one field.
    pub fn invalid_field(path: &str, code: &str, message: impl Into<String>) -> Self {
        let message = message.into();
        Self::invalid(message.clone(), vec![FieldError::new(path, code, message)])
    }

    /// 400 `invalid.value` for settings that break the validator's rules: `"<lead>: N fields
    /// broke the rules. <path>: <message>. …"`, with the failing fields.
    pub fn rules_broken(lead: &str, errors: Vec<FieldError>) -> Self {
        let message = format!(
            "{lead}: {} field{} broke the rules. {}",
            errors.len(),
            if errors.len() == 1 { "" } else { "s" },
            errors
                .iter()
                .map(|e| format!("{}: {}.", e.path, e.message))
                .collect::<Vec<_>>()
                .join(" ")
        );
        Self::invalid(message, errors)
    }

    /// 403 `not.authorized`.
    pub fn forbidden(message: impl Into<String>) -> Self {
        Self::new(StatusCode::FORBIDDEN, "not.authorized", message)
    }

    /// 404 `not.found`.
    pub fn not_found(message: impl Into<String>) -> Self {
        Self::new(StatusCode::NOT_FOUND, "not.found", message)
    }

    /// 500 `internal.server.error`.
    pub fn internal(message: impl Into<String>) -> Self {
        Self::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "internal.server.error",
            message,
        )
    }

    /// The same error with these failing fields.
    pub fn with_errors(mut self, errors: Vec<FieldError>) -> Self {
        self.errors = errors;
        self
    }

    /// The same error with an OAuth 2.0 error code (the description is the message).
    pub fn with_oauth(mut self, error: &'static str) -> Self {
        self.error = Some(error);
        self.error_description = Some(self.message.clone());
        self
    }

    /// A generic error for a bare status (used to give bodies to errors raised by layers).
    pub fn for_status(status: StatusCode) -> Self {
        match status {
            StatusCode::NOT_FOUND => Self::not_found("No resource exists at this path."),
            StatusCode::METHOD_NOT_ALLOWED => Self::new(
                status,
                "method.not.allowed",
                "This path does not support the request's method; see the Allow header.",
            ),
            StatusCode::PAYLOAD_TOO_LARGE => Self::too_large(),
            StatusCode::UNSUPPORTED_MEDIA_TYPE => Self::new(
                status,
                "unsupported.media.type",
                "The request's Content-Type is not supported here.",
            ),
            s if s.is_server_error() => Self::internal("The server failed to handle the request."),
            s => Self::new(
                s,
                "bad.request",
                s.canonical_reason().unwrap_or("The request failed."),
            ),
        }
    }

    /// 413 `request.entity.too.large`.
    pub fn too_large() -> Self {
        Self::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "request.entity.too.large",
            format!(
                "The request body is larger than the limit of {} bytes.",
                crate::BODY_LIMIT
            ),
        )
    }
}

impl std::fmt::Display for ApiError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} {}: {}",
            self.status.as_u16(),
            self.code,
            self.message
        )
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let body = serde_json::to_vec(&self).unwrap_or_default();
        let mut response = (self.status, body).into_response();
        response.headers_mut().insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/json"),
        );
        if self.status == StatusCode::UNAUTHORIZED {
            response.headers_mut().insert(
                header::WWW_AUTHENTICATE,
                HeaderValue::from_static("Bearer realm=\"api\""),
            );
        }
        response
    }
}

/// Middleware: an error response without a JSON body (from a layer, the router's own 404/405,
/// the static file service) gets one in the platform's shape. Headers such as `Allow` stay.
pub async fn json_errors(request: Request, next: Next) -> Response {
    let response = next.run(request).await;
    let status = response.status();
    if !(status.is_client_error() || status.is_server_error()) {
        return response;
    }
    let is_json = response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/json"));
    if is_json {
        return response;
    }
    let (mut parts, _) = response.into_parts();
    let body = serde_json::to_vec(&ApiError::for_status(status)).unwrap_or_default();
    parts.headers.remove(header::CONTENT_LENGTH);
    parts.headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    Response::from_parts(parts, Body::from(body))
}
