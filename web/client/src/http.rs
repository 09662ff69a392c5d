//! The tracker's own HTTP calls: they bypass the interception (never counted as activity), carry
//! `keepalive` (they survive the navigation to the login page), and the tracker waits for them a
//! bounded time. A failure is a value, never a panic or an unhandled rejection.
//!
//! The bound ends the wait, never the request: a request cancelled by its own deadline does not
//! reach the server when the page's timers run together (a burst of time, timers held back and
//! released) — Firefox drops a fetch aborted before it went out, and Chromium, which has already
//! sent a keepalive request by then, drops its answer. A slow revoke or Off Queue still lands.

use alloc::string::String;
use core::future::{poll_fn, Future};
use core::pin::pin;
use core::task::Poll;

use js_sys::{Function, Object, Promise, Reflect};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;

use super::bindings::native_fetch;
use super::timer::Timeout;
use inactivity_core::text::concat;

/// What came back from a call.
#[derive(Debug)]
pub enum Reply {
    /// An HTTP response: its status and its JSON body (`null` when there is none or it is not JSON).
    Response {
        /// The HTTP status.
        status: u16,
        /// The parsed body.
        body: JsValue,
    },
    /// No response: network down, no answer within the bound, or a CORS refusal.
    Failed(String),
}

/// Makes calls to the platform API.
#[derive(Clone)]
pub struct Http {
    /// The API origin, e.g. "" (same origin) or "https://api.example.com".
    api_root: String,
    access_token: Option<Function>,
    timeout_ms: u32,
}

fn set(object: &Object, key: &str, value: &JsValue) {
    let _ = Reflect::set(object, &JsValue::from_str(key), value);
}

impl Http {
    /// A client for the API at `api_root` ("" for same origin).
    pub fn new(api_root: String, access_token: Option<Function>, timeout_ms: u32) -> Self {
        Http {
            api_root,
            access_token,
            timeout_ms,
        }
    }

    fn token(&self) -> Option<String> {
        let f = self.access_token.as_ref()?;
        f.call0(&JsValue::UNDEFINED).ok()?.as_string()
    }

    /// `method path` with an optional JSON body, waited for at most the client's bound; never
    /// throws.
    pub async fn call(&self, method: &str, path: &str, body: Option<&str>) -> Reply {
        self.call_within(self.timeout_ms, method, path, body).await
    }

    /// [`Http::call`], waited for at most `bound_ms`.
    pub async fn call_within(
        &self,
        bound_ms: u32,
        method: &str,
        path: &str,
        body: Option<&str>,
    ) -> Reply {
        let init = Object::new();
        set(&init, "method", &JsValue::from_str(method));
        set(&init, "keepalive", &JsValue::TRUE);
        set(&init, "credentials", &JsValue::from_str("same-origin"));
        let headers = Object::new();
        set(&headers, "Accept", &JsValue::from_str("application/json"));
        if let Some(token) = self.token() {
            set(
                &headers,
                "Authorization",
                &JsValue::from_str(&concat(&["Bearer ", &token])),
            );
        }
        if let Some(body) = body {
            set(
                &headers,
                "Content-Type",
                &JsValue::from_str("application/json"),
            );
            set(&init, "body", &JsValue::from_str(body));
        }
        set(&init, "headers", &headers);
        let url = concat(&[&self.api_root, path]);
        let promise = match native_fetch(&url, &init.into()) {
            Ok(p) => p,
            Err(e) => return Reply::Failed(error_text(&e)),
        };
        let exchange = async move {
            let response = match JsFuture::from(promise).await {
                Ok(r) => r,
                Err(e) => return Reply::Failed(error_text(&e)),
            };
            let status = Reflect::get(&response, &JsValue::from_str("status"))
                .ok()
                .and_then(|s| s.as_f64())
                .unwrap_or(0.0) as u16;
            let body = read_json(&response).await.unwrap_or(JsValue::NULL);
            Reply::Response { status, body }
        };
        within(bound_ms, exchange)
            .await
            .unwrap_or_else(|| Reply::Failed(String::from("no answer in time")))
    }
}

/// Waits for `work` at most `ms`: `None` when the time ran out first. Only the wait ends: a
/// request the work made goes on (its late settling is harmless, see `JsFuture`).
async fn within<T>(ms: u32, work: impl Future<Output = T>) -> Option<T> {
    let mut timeout = None;
    let elapsed = Promise::new(&mut |resolve, _| {
        timeout = Some(Timeout::new(ms, move || {
            let _ = resolve.call0(&JsValue::UNDEFINED);
        }));
    });
    let mut elapsed = JsFuture::from(elapsed);
    let mut work = pin!(work);
    let result = poll_fn(|cx| {
        if let Poll::Ready(value) = work.as_mut().poll(cx) {
            return Poll::Ready(Some(value));
        }
        match core::pin::Pin::new(&mut elapsed).poll(cx) {
            Poll::Ready(_) => Poll::Ready(None),
            Poll::Pending => Poll::Pending,
        }
    })
    .await;
    // Dropping the handle clears a timer that has not fired.
    drop(timeout);
    result
}

async fn read_json(response: &JsValue) -> Option<JsValue> {
    let json = Reflect::get(response, &JsValue::from_str("json")).ok()?;
    let json: Function = json.dyn_into().ok()?;
    let promise: Promise = json.call0(response).ok()?.dyn_into().ok()?;
    JsFuture::from(promise).await.ok()
}

/// The message of a JS error, for diagnostics.
pub fn error_text(error: &JsValue) -> String {
    Reflect::get(error, &JsValue::from_str("message"))
        .ok()
        .and_then(|m| m.as_string())
        .unwrap_or_else(|| String::from("request failed"))
}
