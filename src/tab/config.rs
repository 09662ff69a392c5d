//! What a tab is started with: the options the driver checked, and what the page has.
//!
//! The driver checks the app's options (`TypeError`/`RangeError` naming the option) and hands
//! them over as one JSON object together with the facts of the page (its base URL and origin,
//! whether it is framed, which of storage, `BroadcastChannel` and Web Locks it may use). The
//! tab reads it leniently — a missing or odd field takes its default, nothing panics — and
//! refuses only what the driver cannot check: the API bases, the policy ([`StartError`]).

#![deny(
    clippy::arithmetic_side_effects,
    clippy::indexing_slicing,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic
)]

use alloc::{string::String, vec::Vec};

use crate::idle::{DEFAULT_MAX_HOLD_MS, DEFAULT_WARNING_MS};
use crate::json::Value;
use crate::ledger::MAX_CAPACITY;

/// The options and page facts a tab starts with. See the module docs for the JSON.
#[derive(Debug, Clone)]
pub struct Config {
    /// Where an idle user is sent (`loginUrl`).
    pub login_url: String,
    /// The page's base URL (`document.baseURI`): request URLs resolve against it.
    pub base: String,
    /// The page's origin (`location.origin`): the return location must stay on it.
    pub origin: String,
    /// `apiBases` (empty: the same origin, paths under `/api/`).
    pub api_bases: Vec<String>,
    /// `warningSeconds` in ms (0: no warning).
    pub warning_ms: u64,
    /// `maxHoldSeconds` in ms.
    pub max_hold_ms: u64,
    /// `requestTimeoutMs`: the bound on each of the tracker's own calls.
    pub request_timeout_ms: u64,
    /// `beforeLogoutTimeoutMs`: the bound on each awaited hook.
    pub hook_timeout_ms: u64,
    /// `ledgerSize`.
    pub ledger_size: usize,
    /// `embed.parentOrigins`.
    pub parent_origins: Vec<String>,
    /// Whether the page is in a frame.
    pub framed: bool,
    /// The embedding page's origin when the browser tells it (`location.ancestorOrigins[0]`).
    pub ancestor_origin: Option<String>,
    /// Whether the app gave `onActivity` (ledger entries are built for it only then).
    pub on_activity: bool,
    /// Whether `localStorage` is usable here.
    pub storage: bool,
    /// Whether `BroadcastChannel` exists here.
    pub channel: bool,
    /// Whether Web Locks exist here.
    pub locks: bool,
    /// 64 random bits naming the tab (not a secret).
    pub random: u64,
    /// `policy` as given (`None`: fetched).
    pub policy: Option<Value>,
    /// `user` as given (`None`: fetched).
    pub user: Option<Value>,
}

/// Why a tab could not start: a sentence naming the option, and whether it is a `TypeError`
/// (wrong type, missing) rather than a `RangeError`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StartError {
    /// The sentence.
    pub message: String,
    /// `TypeError` (else `RangeError`).
    pub type_error: bool,
}

fn number(root: &Value, key: &str, default: u64) -> u64 {
    match root.get(key).and_then(Value::as_f64) {
        Some(n) if n.is_finite() && n >= 0.0 => n as u64,
        _ => default,
    }
}

fn text(root: &Value, key: &str) -> String {
    String::from(root.get(key).and_then(Value::as_str).unwrap_or_default())
}

fn flag(root: &Value, key: &str) -> bool {
    root.get(key).and_then(Value::as_bool).unwrap_or(false)
}

fn strings(root: &Value, key: &str) -> Vec<String> {
    root.get(key)
        .and_then(Value::as_array)
        .unwrap_or_default()
        .iter()
        .filter_map(Value::as_str)
        .map(String::from)
        .collect()
}

impl Config {
    /// Reads the driver's JSON object:
    /// `{ loginUrl, base, origin, apiBases, warningMs, maxHoldMs, requestTimeoutMs, hookTimeoutMs,
    /// ledgerSize, parentOrigins, framed, ancestorOrigin, onActivity, storage, channel, locks,
    /// random (16 hex digits), policy, user }`.
    pub fn read(root: &Value) -> Config {
        let random = root
            .get("random")
            .and_then(Value::as_str)
            .and_then(|hex| u64::from_str_radix(hex, 16).ok())
            .unwrap_or(0);
        Config {
            login_url: text(root, "loginUrl"),
            base: text(root, "base"),
            origin: text(root, "origin"),
            api_bases: strings(root, "apiBases"),
            warning_ms: number(root, "warningMs", DEFAULT_WARNING_MS),
            max_hold_ms: number(root, "maxHoldMs", DEFAULT_MAX_HOLD_MS),
            request_timeout_ms: number(root, "requestTimeoutMs", 5_000),
            hook_timeout_ms: number(root, "hookTimeoutMs", 3_000),
            ledger_size: number(root, "ledgerSize", 100).clamp(1, MAX_CAPACITY as u64) as usize,
            parent_origins: strings(root, "parentOrigins"),
            framed: flag(root, "framed"),
            ancestor_origin: root
                .get("ancestorOrigin")
                .and_then(Value::as_str)
                .map(String::from),
            on_activity: flag(root, "onActivity"),
            storage: flag(root, "storage"),
            channel: flag(root, "channel"),
            locks: flag(root, "locks"),
            random,
            policy: root.get_present("policy").cloned(),
            user: root.get_present("user").cloned(),
        }
    }
}
