//! What a tab tells about itself: `explain()` and `tabs()`, as JSON.

#![deny(
    clippy::arithmetic_side_effects,
    clippy::indexing_slicing,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic
)]

use alloc::string::String;

use crate::idle::IdleMachine;
use crate::text::{concat, push_dec, push_json_string};

use super::link::Link;
use super::settings::{Settings, FALLBACK_TIMEOUT_MS};

fn push_num_or_null(out: &mut String, n: Option<u64>) {
    match n {
        Some(n) => push_dec(out, n),
        None => out.push_str("null"),
    }
}

/// `explain()`: `{ timeoutSeconds, source, bundlePriority, groupId, hipaaCapped, message, holds }`
/// — which rule set the timeout (`source: "fallback"` until the settings are known, with why),
/// and the session's active holds (`[{ label, sinceMs }]`).
pub fn explanation(settings: &Settings, machine: &IdleMachine) -> String {
    let mut out = String::from("{\"timeoutSeconds\":");
    match settings {
        Settings::Loaded { resolution: r, .. } => {
            push_num_or_null(&mut out, r.timeout_seconds.map(u64::from));
            out.push_str(",\"source\":");
            push_json_string(&mut out, r.source.as_str());
            out.push_str(",\"bundlePriority\":");
            push_num_or_null(&mut out, r.bundle_priority.map(u64::from));
            out.push_str(",\"groupId\":");
            match &r.group_id {
                Some(id) => push_json_string(&mut out, id),
                None => out.push_str("null"),
            }
            out.push_str(",\"hipaaCapped\":");
            out.push_str(if r.hipaa_capped { "true" } else { "false" });
            out.push_str(",\"message\":");
            push_json_string(&mut out, &r.explain());
        }
        Settings::Pending(_) | Settings::Failed(_) => {
            push_dec(&mut out, FALLBACK_TIMEOUT_MS / 1000);
            out.push_str(
                ",\"source\":\"fallback\",\"bundlePriority\":null,\"groupId\":null,\"hipaaCapped\":false,\"message\":",
            );
            let message = match settings {
                Settings::Failed(why) => concat(&[
                    "The settings could not be used (",
                    why,
                    "); a 15-minute fallback timeout applies.",
                ]),
                _ => String::from(
                    "The settings are not loaded yet; a 15-minute fallback timeout applies.",
                ),
            };
            push_json_string(&mut out, &message);
        }
    }
    out.push_str(",\"holds\":[");
    for (i, hold) in machine.holds().enumerate() {
        if i > 0 {
            out.push(',');
        }
        out.push_str("{\"label\":");
        push_json_string(&mut out, &hold.label);
        out.push_str(",\"sinceMs\":");
        push_dec(&mut out, hold.since_ms);
        out.push('}');
    }
    out.push_str("]}");
    out
}

/// `tabs()`: `{ tabId, transport, sharedStorage }` — `transport` `null` while the link is not
/// open (the user is not known yet).
pub fn tabs(id: &str, link: Option<&Link>) -> String {
    let mut out = String::from("{\"tabId\":");
    push_json_string(&mut out, id);
    out.push_str(",\"transport\":");
    match link {
        Some(link) => push_json_string(&mut out, link.transport().as_str()),
        None => out.push_str("null"),
    }
    out.push_str(",\"sharedStorage\":");
    let shared = link.is_some_and(Link::storage);
    out.push_str(if shared { "true" } else { "false" });
    out.push('}');
    out
}
