//! The platform API, as the tracker itself calls it: loading the settings and the user, the
//! server's idle deadline, "stay signed in". Every platform path the tracker calls outside the
//! logout plan is written here, once. These calls bypass the interception (never activity).

use alloc::string::String;

use js_sys::{Array, Object, Reflect};
use wasm_bindgen::JsValue;

use super::http::{Http, Reply};
use super::js;
use super::options::{self, User};
use inactivity_bridge::error::JsError;
use inactivity_core::policy::Policy;
use inactivity_core::text::{concat, dec};

/// The server's idle deadline, read without resetting it.
const TOKEN_CHECK: &str = "/api/v2/tokens/me?preserveIdleTTL=true";

/// What the server says about the session's token.
pub enum TokenState {
    /// 401: the token is revoked (or expired).
    Revoked,
    /// Alive; the server's idle deadline (ms since the epoch) when it said one.
    Alive(Option<u64>),
    /// No answer (network, timeout): nothing learned.
    Unknown,
}

/// The platform API client of one tracker.
#[derive(Clone)]
pub struct Platform {
    http: Http,
}

impl Platform {
    /// A client making its calls through `http`.
    pub fn new(http: Http) -> Self {
        Platform { http }
    }

    /// The transport, for the logout plan's calls.
    pub fn http(&self) -> &Http {
        &self.http
    }

    /// The organization's settings as one policy (`GET tokens/timeout`,
    /// `organizations/authentication/settings`, `organizations/me`), checked by the core. `Err`
    /// says why not, in a short sentence.
    pub async fn settings(&self) -> Result<Policy, String> {
        let timeout = self.get_json("/api/v2/tokens/timeout").await?;
        let settings = self
            .get_json("/api/v2/organizations/authentication/settings")
            .await?;
        let org = self.get_json("/api/v2/organizations/me").await?;
        let hipaa = Reflect::get(&org, &JsValue::from_str("features"))
            .and_then(|f| Reflect::get(&f, &JsValue::from_str("hipaa")))
            .ok()
            .and_then(|h| h.as_bool())
            .unwrap_or(false);
        let policy = Object::new();
        let _ = Reflect::set(&policy, &JsValue::from_str("idleTokenTimeout"), &timeout);
        let _ = Reflect::set(&policy, &JsValue::from_str("authSettings"), &settings);
        let _ = Reflect::set(
            &policy,
            &JsValue::from_str("hipaa"),
            &JsValue::from_bool(hipaa),
        );
        options::parse_policy(&policy.into(), "the organization's settings").map_err(|e| match e {
            JsError::Type(m) | JsError::Range(m) => m,
        })
    }

    /// The signed-in user and their groups (`GET users/me?expand=groups`).
    pub async fn user(&self) -> Result<User, String> {
        let me = self.get_json("/api/v2/users/me?expand=groups").await?;
        let id = js::string_field(&me, "id").ok_or_else(|| String::from("users/me has no id"))?;
        let groups = Reflect::get(&me, &JsValue::from_str("groups"))
            .ok()
            .filter(Array::is_array)
            .map(|g| {
                Array::from(&g)
                    .iter()
                    .filter_map(|g| js::string_field(&g, "id"))
                    .collect()
            })
            .unwrap_or_default();
        Ok(User { id, groups })
    }

    /// The token's state and the server's idle deadline, read without resetting it; waited for
    /// at most `bound_ms` (`None`: the client's bound for its calls).
    pub async fn token_state(&self, bound_ms: Option<u32>) -> TokenState {
        let reply = match bound_ms {
            Some(ms) => self.http.call_within(ms, "GET", TOKEN_CHECK, None).await,
            None => self.http.call("GET", TOKEN_CHECK, None).await,
        };
        match reply {
            Reply::Response { status: 401, .. } => TokenState::Revoked,
            Reply::Response { body, .. } => TokenState::Alive(
                js::string_field(&body, "dateTokenIdles")
                    .map(|d| js_sys::Date::parse(&d))
                    .filter(|ms| ms.is_finite() && *ms > 0.0)
                    .map(|ms| ms as u64),
            ),
            Reply::Failed(_) => TokenState::Unknown,
        }
    }

    /// A counted call of the tracker's own ("Stay signed in"): it resets the server's idle
    /// deadline. Returns the reply's status (`None`: no answer).
    pub async fn touch(&self) -> Option<u16> {
        match self.http.call("GET", "/api/v2/tokens/me", None).await {
            Reply::Response { status, .. } => Some(status),
            Reply::Failed(_) => None,
        }
    }

    async fn get_json(&self, path: &str) -> Result<JsValue, String> {
        match self.http.call("GET", path, None).await {
            Reply::Response { status, body } if (200..300).contains(&status) => Ok(body),
            Reply::Response { status, .. } => Err(concat(&[
                "GET ",
                path,
                " answered ",
                &dec(u64::from(status)),
            ])),
            Reply::Failed(why) => Err(concat(&["GET ", path, " failed: ", &why])),
        }
    }
}
