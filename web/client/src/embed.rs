//! The embedded client (README, "Embedded in an iframe"): messages between the tracker in an iframe and
//! the host page, only to and from the allowed parent origins — never `"*"`.
//!
//! | direction | message |
//! | --- | --- |
//! | iframe → host | `{ type: "inactivity-timeout:warning", remainingMs }` |
//! | iframe → host | `{ type: "inactivity-timeout:logout", reason }` |
//! | iframe → host | `{ type: "inactivity-timeout:resumed" }`: signed in and active — the tracker started (e.g. after signing in again inside the iframe), or activity cleared a warning |
//! | iframe → host | `{ type: "inactivity-timeout:hold-began", label }`: a hold began (in any tab of the session): no logout while it lasts |
//! | iframe → host | `{ type: "inactivity-timeout:hold-ended", label, reason }`: it ended (`released`, `expired`, `tab-gone`) |
//! | host → iframe | `{ type: "inactivity-timeout:logout-request" }` → logout with reason `host-request` |
//!
//! A host message is accepted only from the parent window itself (not another window of an
//! allowed origin, such as a popup), from an allowed origin, and only in exactly this shape.

use alloc::{string::String, vec::Vec};

use js_sys::{Object, Reflect};
use wasm_bindgen::{JsCast, JsValue};
use web_sys::{MessageEvent, Window};

use super::listeners::Listener;
use inactivity_core::text::concat;

/// The prefix of every message type.
const PREFIX: &str = "inactivity-timeout:";
/// The one message a host may send.
const LOGOUT_REQUEST: &str = "inactivity-timeout:logout-request";

/// The parent window, when this document is in a frame.
fn parent(window: &Window) -> Option<Window> {
    let parent = window.parent().ok().flatten()?;
    (parent != *window).then_some(parent)
}

/// The origin of the embedding page, when the browser tells (`location.ancestorOrigins`;
/// Chromium and Safari). `None` elsewhere.
fn parent_origin(window: &Window) -> Option<String> {
    let list = Reflect::get(&window.location(), &JsValue::from_str("ancestorOrigins")).ok()?;
    Reflect::get(&list, &JsValue::from_f64(0.0))
        .ok()?
        .as_string()
}

/// Tells the embedding page about `kind` (`warning`, `logout`, `resumed`, `hold-began`,
/// `hold-ended`), with its fields. Sent only to an allowed origin: the parent's own when the browser tells it (and only
/// if allowed), else to each allowed origin — a parent at any other origin does not receive it.
pub fn post_to_parent(origins: &[String], kind: &str, extra: &[(&str, JsValue)]) {
    if origins.is_empty() {
        return;
    }
    let Some(window) = web_sys::window() else {
        return;
    };
    let Some(parent) = parent(&window) else {
        return;
    };
    let message = Object::new();
    let _ = Reflect::set(
        &message,
        &JsValue::from_str("type"),
        &JsValue::from_str(&concat(&[PREFIX, kind])),
    );
    for (key, value) in extra {
        let _ = Reflect::set(&message, &JsValue::from_str(key), value);
    }
    match parent_origin(&window) {
        Some(origin) => {
            if origins.contains(&origin) {
                let _ = parent.post_message(&message, &origin);
            }
        }
        None => {
            for origin in origins {
                let _ = parent.post_message(&message, origin);
            }
        }
    }
}

/// Whether `event` is a logout request from the parent window at an allowed origin.
fn is_logout_request(window: &Window, origins: &[String], event: &MessageEvent) -> bool {
    if !origins.iter().any(|o| *o == event.origin()) {
        return false;
    }
    let from_parent = match (event.source(), parent(window)) {
        (Some(source), Some(parent)) => JsValue::from(source) == JsValue::from(parent),
        _ => false,
    };
    if !from_parent {
        return false;
    }
    let data = event.data();
    if !data.is_object() {
        return false;
    }
    Reflect::get(&data, &JsValue::from_str("type"))
        .ok()
        .and_then(|t| t.as_string())
        .is_some_and(|t| t == LOGOUT_REQUEST)
}

/// Listens for the host's logout request; `None` when this document is not in a frame or no
/// origin is allowed. Dropping the listener stops listening.
pub fn listen_to_host(
    window: &Window,
    origins: Vec<String>,
    mut on_logout_request: impl FnMut() + 'static,
) -> Option<Listener> {
    if origins.is_empty() {
        return None;
    }
    parent(window)?;
    let own = window.clone();
    Some(Listener::new(window, "message", move |event| {
        if let Some(event) = event.dyn_ref::<MessageEvent>() {
            if is_logout_request(&own, &origins, event) {
                on_logout_request();
            }
        }
    }))
}
