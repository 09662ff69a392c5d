//! Static files: the pages (`<root>/www/`), the package (`<root>/pkg/`) and the API catalog.

use axum::extract::Request;
use axum::http::{header, HeaderValue};
use axum::middleware::Next;
use axum::response::Response;

use crate::error::ApiError;

/// No file, or not a `GET`/`HEAD`: 404.
pub async fn not_found(request: Request) -> ApiError {
    ApiError::not_found(format!(
        "No file or resource exists at {} {}.",
        request.method(),
        request.uri().path()
    ))
}

/// The MIME type the browser needs for a file extension, where it matters: ES modules must be
/// JavaScript and `WebAssembly.instantiateStreaming` needs `application/wasm`.
pub fn mime_for(path: &str) -> Option<&'static str> {
    let ext = path.rsplit_once('.')?.1.to_ascii_lowercase();
    Some(match ext.as_str() {
        "wasm" => "application/wasm",
        "js" | "mjs" => "text/javascript; charset=utf-8",
        "json" | "map" => "application/json",
        "html" | "htm" => "text/html; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "svg" => "image/svg+xml",
        "ts" => "text/plain; charset=utf-8",
        _ => return None,
    })
}

/// Middleware for static responses (everything outside `/api/`, `/oauth/` and `/__test/`):
/// the MIME types above, and `Cache-Control: no-cache` so an edited page or a rebuilt package
/// is never served stale (revalidation keeps it cheap).
pub async fn static_headers(request: Request, next: Next) -> Response {
    let path = request.uri().path().to_owned();
    let mut response = next.run(request).await;
    let dynamic = ["/api/", "/oauth/", "/__test/"]
        .iter()
        .any(|p| path.starts_with(p));
    if dynamic || !response.status().is_success() && response.status().as_u16() != 304 {
        return response;
    }
    let file = if path.ends_with('/') {
        "index.html"
    } else {
        path.as_str()
    };
    if let Some(mime) = mime_for(file) {
        response
            .headers_mut()
            .insert(header::CONTENT_TYPE, HeaderValue::from_static(mime));
    }
    response
        .headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    response
}
