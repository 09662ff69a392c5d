//! The embedded client: messages between the tracker in an iframe and the page that embeds it,
//! only to and from the allowed parent origins — never `"*"`.
//!
//! | direction | message |
//! | --- | --- |
//! | iframe → host | `{ type: "inactivity-timeout:warning", remainingMs }` |
//! | iframe → host | `{ type: "inactivity-timeout:logout", reason }` |
//! | iframe → host | `{ type: "inactivity-timeout:resumed" }`: signed in and active — the tracker started, or activity cleared a warning |
//! | iframe → host | `{ type: "inactivity-timeout:hold-began", label }` |
//! | iframe → host | `{ type: "inactivity-timeout:hold-ended", label, reason }` |
//! | host → iframe | `{ type: "inactivity-timeout:logout-request" }` → logout with reason `host-request` |
//!
//! A message goes to the parent's own origin when the browser tells it (and only if it is
//! allowed), else to each allowed origin: a parent at any other origin receives nothing. A host
//! message is accepted only from the parent window itself (not another window of an allowed
//! origin, such as a popup), from an allowed origin, and only in exactly that shape.

#![deny(
    clippy::arithmetic_side_effects,
    clippy::indexing_slicing,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic
)]

use alloc::{string::String, vec::Vec};

use crate::text::{concat, push_json_string};

use super::config::Config;
use super::output::Output;

/// The one message a host may send.
pub const LOGOUT_REQUEST: &str = "inactivity-timeout:logout-request";

/// Whether the tab talks with an embedding page at all: framed, with allowed origins.
pub fn embedded(config: &Config) -> bool {
    config.framed && !config.parent_origins.is_empty()
}

/// The instructions that post `{ type: "inactivity-timeout:<kind>", …fields }` to the parent;
/// `fields` are `(name, JSON value)` pairs.
pub fn post(config: &Config, kind: &str, fields: &[(&str, &str)]) -> Vec<Output> {
    if !embedded(config) {
        return Vec::new();
    }
    let mut message = String::from("{\"type\":");
    push_json_string(&mut message, &concat(&["inactivity-timeout:", kind]));
    for (name, json) in fields {
        message.push(',');
        push_json_string(&mut message, name);
        message.push(':');
        message.push_str(json);
    }
    message.push('}');
    let targets: Vec<&String> = match &config.ancestor_origin {
        Some(origin) => config
            .parent_origins
            .iter()
            .filter(|o| *o == origin)
            .collect(),
        None => config.parent_origins.iter().collect(),
    };
    targets
        .into_iter()
        .map(|origin| Output::PostToParent {
            origin: origin.clone(),
            message: message.clone(),
        })
        .collect()
}

/// Whether a `message` event is the host's logout request: from the parent window, at an
/// allowed origin, `{ type: "inactivity-timeout:logout-request" }`.
pub fn is_logout_request(config: &Config, origin: &str, from_parent: bool, kind: &str) -> bool {
    embedded(config)
        && from_parent
        && config.parent_origins.iter().any(|o| o == origin)
        && kind == LOGOUT_REQUEST
}

/// A JSON string, for [`post`]'s fields.
pub fn json_string(s: &str) -> String {
    let mut out = String::new();
    push_json_string(&mut out, s);
    out
}
