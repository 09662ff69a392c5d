//! The tracker's own HTTP calls: they bypass the interception (never counted as activity), carry
//! `keepalive` (they survive the navigation to the login page), and are bounded by a timeout.
//! A failure is a value, never a panic or an unhandled rejection.

use alloc::string::String;

use js_sys::{Function, Object, Promise, Reflect};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::AbortController;

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
    /// No response: network down, aborted by the timeout, or a CORS refusal.
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

    /// `method path` with an optional JSON body; never throws.
    pub async fn call(&self, method: &str, path: &str, body: Option<&str>) -> Reply {
        let controller = AbortController::new().ok();
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
        if let Some(c) = &controller {
            set(&init, "signal", c.signal().as_ref());
        }
        let abort = controller.clone();
        let _deadline = Timeout::new(self.timeout_ms, move || {
            if let Some(c) = abort {
                c.abort();
            }
        });
        let url = concat(&[&self.api_root, path]);
        let promise = match native_fetch(&url, &init.into()) {
            Ok(p) => p,
            Err(e) => return Reply::Failed(error_text(&e)),
        };
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
    }
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
