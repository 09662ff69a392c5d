//! The client's lean reader of the settings: [`Policy::read`].
//!
//! The browser client needs the settings to decide, not to explain them: the validator with its
//! sentences (`validate`, [`Policy::parse`]) belongs to the admin page and the server. This
//! reader takes the same platform JSON, reads only the fields the client uses, and stops at the
//! first thing wrong — a JSON type, a range, a shape the resolution could not order — naming
//! it by its JSON path and the validator's code ([`ReadError`]). It fails closed: a policy it
//! refuses never applies (the tracker keeps the 15-minute fallback).
//!
//! Like the validator, it checks JSON types everywhere, ranges and shapes only in the enabled
//! parts. The HIPAA cap is the resolution's, not an error here.
//!
//! ```
//! use inactivity_core::json::parse;
//! use inactivity_core::policy::{resolve, Policy};
//! let policy = parse(r#"{"idleTokenTimeout":{"enableIdleTokenTimeout":true,"idleTokenTimeoutSeconds":1800}}"#).unwrap();
//! assert_eq!(resolve(&Policy::read(&policy).unwrap(), &[]).timeout_seconds, Some(1800));
//! let bad = parse(r#"{"idleTokenTimeout":{"enableIdleTokenTimeout":true,"idleTokenTimeoutSeconds":10}}"#).unwrap();
//! let error = Policy::read(&bad).unwrap_err();
//! assert_eq!((error.path.as_str(), error.code), ("idleTokenTimeout.idleTokenTimeoutSeconds", "timeout-out-of-range"));
//! ```

#![deny(
    clippy::arithmetic_side_effects,
    clippy::indexing_slicing,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic
)]

use alloc::{string::String, vec::Vec};

use crate::exclusions::Exclusions;
use crate::json::{is_whole, Value};
use crate::text::{char_prefix, concat, push_dec};

use super::types::{GroupBundle, Policy, TimeoutUnit};
use super::{
    MAX_BUNDLES, MAX_ENTRY_CHARS, MAX_EXCLUSIONS, MAX_GROUPS, MAX_TIMEOUT_SECONDS,
    MIN_TIMEOUT_SECONDS,
};

/// The first thing wrong with a policy, for [`Policy::read`]: where (`path`, as the validator
/// writes it, `""` for the policy itself) and what (`code`, one of the validator's codes:
/// `wrong-type`, `missing`, `not-an-integer`, `timeout-out-of-range`, `invalid-unit`,
/// `too-many-bundles`, `too-many-groups`, `priority-out-of-range`, `priority-gap`,
/// `duplicate-priority`, `empty-bundle`, `empty-group-id`, `group-in-several-bundles`,
/// `too-many-exclusions`, `invalid-exclusion`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReadError {
    /// The JSON path of the offending value.
    pub path: String,
    /// What is wrong with it.
    pub code: &'static str,
}

impl ReadError {
    /// Whether the value has the wrong JSON type or is missing (a JS `TypeError`), rather than
    /// out of range or of the wrong shape (a `RangeError`).
    pub fn is_type_error(&self) -> bool {
        matches!(self.code, "wrong-type" | "missing")
    }
}

type Read<T> = Result<T, ReadError>;

fn fail<T>(path: &str, code: &'static str) -> Read<T> {
    Err(ReadError {
        path: String::from(path),
        code,
    })
}

fn indexed(base: &str, i: usize) -> String {
    let mut out = concat(&[base, "["]);
    push_dec(&mut out, i as u64);
    out.push(']');
    out
}

impl Policy {
    /// Reads the policy object `{ idleTokenTimeout, authSettings?, hipaa? }` (the platform's
    /// JSON) as the browser client needs it: only the fields it uses, JSON types checked
    /// everywhere, ranges and shapes in the enabled parts, stopping at the first thing wrong
    /// ([`ReadError`]: its path and the validator's code). The HIPAA cap is the resolution's.
    pub fn read(root: &Value) -> Result<Policy, ReadError> {
        if !matches!(root, Value::Object(_)) {
            return fail("", "wrong-type");
        }
        let hipaa = flag(root.get_present("hipaa"), "hipaa")?;
        let idle = match root.get_present("idleTokenTimeout") {
            Some(idle @ Value::Object(_)) => idle,
            Some(_) => return fail("idleTokenTimeout", "wrong-type"),
            None => return fail("idleTokenTimeout", "missing"),
        };
        let at = |field: &str| concat(&["idleTokenTimeout.", field]);
        let org_enabled = flag(
            idle.get_present("enableIdleTokenTimeout"),
            &at("enableIdleTokenTimeout"),
        )?;
        let org = timeout(
            idle.get_present("idleTokenTimeoutSeconds"),
            &at("idleTokenTimeoutSeconds"),
            org_enabled,
        )?;
        unit(
            idle.get_present("inactivityTimeoutUnit"),
            &at("inactivityTimeoutUnit"),
        )?;
        let groups_enabled = flag(
            idle.get_present("inactivityTimeoutGroupsEnabled"),
            &at("inactivityTimeoutGroupsEnabled"),
        )?;
        let bundles = bundles(
            idle.get_present("inactivityTimeoutGroupBundles"),
            &at("inactivityTimeoutGroupBundles"),
            groups_enabled,
        )?;
        Ok(Policy {
            org_timeout_seconds: org,
            groups_enabled,
            bundles,
            exclusions: exclusions(root.get_present("authSettings"))?,
            hipaa,
        })
    }
}

/// An optional flag: absent or `null` is false.
fn flag(value: Option<&Value>, path: &str) -> Read<bool> {
    match value {
        None => Ok(false),
        Some(Value::Bool(b)) => Ok(*b),
        Some(_) => fail(path, "wrong-type"),
    }
}

/// A whole number, required when `enabled`; `None` when not enabled.
fn whole(value: Option<&Value>, path: &str, enabled: bool) -> Read<Option<f64>> {
    match value {
        None if enabled => fail(path, "missing"),
        None => Ok(None),
        Some(Value::Number(n)) if enabled && is_whole(*n) => Ok(Some(*n)),
        Some(Value::Number(_)) if enabled => fail(path, "not-an-integer"),
        Some(Value::Number(_)) => Ok(None),
        Some(_) => fail(path, "wrong-type"),
    }
}

/// A timeout: 300–28800 whole seconds when `enabled`.
fn timeout(value: Option<&Value>, path: &str, enabled: bool) -> Read<Option<u32>> {
    match whole(value, path, enabled)? {
        None => Ok(None),
        Some(n)
            if (f64::from(MIN_TIMEOUT_SECONDS)..=f64::from(MAX_TIMEOUT_SECONDS)).contains(&n) =>
        {
            Ok(Some(n as u32))
        }
        Some(_) => fail(path, "timeout-out-of-range"),
    }
}

fn unit(value: Option<&Value>, path: &str) -> Read<Option<TimeoutUnit>> {
    match value {
        None => Ok(None),
        Some(Value::String(s)) => match TimeoutUnit::from_json(s) {
            Some(unit) => Ok(Some(unit)),
            None => fail(path, "invalid-unit"),
        },
        Some(_) => fail(path, "wrong-type"),
    }
}

/// The group bundles, sorted by priority, when `enabled` (empty otherwise).
fn bundles(value: Option<&Value>, path: &str, enabled: bool) -> Read<Vec<GroupBundle>> {
    let items = match value {
        None => return Ok(Vec::new()),
        Some(Value::Array(items)) => items,
        Some(_) => return fail(path, "wrong-type"),
    };
    if enabled && items.len() > MAX_BUNDLES {
        return fail(path, "too-many-bundles");
    }
    let mut bundles: Vec<GroupBundle> = Vec::new();
    let mut group_count = 0usize;
    for (i, item) in items.iter().enumerate() {
        let bundle_path = indexed(path, i);
        if !matches!(item, Value::Object(_)) {
            return fail(&bundle_path, "wrong-type");
        }
        let at = |field: &str| concat(&[&bundle_path, ".", field]);
        let priority = whole(item.get_present("priority"), &at("priority"), enabled)?;
        let seconds = timeout(
            item.get_present("timeoutSeconds"),
            &at("timeoutSeconds"),
            enabled,
        )?;
        let unit = unit(
            item.get_present("inactivityTimeoutUnit"),
            &at("inactivityTimeoutUnit"),
        )?;
        let groups_path = at("groups");
        let ids: &[Value] = match item.get_present("groups") {
            None if enabled => return fail(&groups_path, "missing"),
            None => &[],
            Some(Value::Array(ids)) => ids,
            Some(_) => return fail(&groups_path, "wrong-type"),
        };
        let mut groups = Vec::new();
        for (j, id) in ids.iter().enumerate() {
            let Value::String(id) = id else {
                return fail(&indexed(&groups_path, j), "wrong-type");
            };
            if !enabled {
                continue;
            }
            if id.trim().is_empty() {
                return fail(&indexed(&groups_path, j), "empty-group-id");
            }
            let elsewhere = bundles.iter().any(|b| b.groups.contains(id));
            if elsewhere || groups.contains(id) {
                return fail(&indexed(&groups_path, j), "group-in-several-bundles");
            }
            groups.push(id.clone());
        }
        let (Some(priority), Some(timeout_seconds)) = (priority, seconds) else {
            continue;
        };
        if groups.is_empty() {
            return fail(&groups_path, "empty-bundle");
        }
        group_count = group_count.saturating_add(groups.len());
        if group_count > MAX_GROUPS {
            return fail(path, "too-many-groups");
        }
        if priority < 1.0 {
            return fail(&at("priority"), "priority-out-of-range");
        }
        if priority > items.len() as f64 {
            return fail(&at("priority"), "priority-gap");
        }
        let priority = priority as u32;
        if bundles.iter().any(|b| b.priority == priority) {
            return fail(&at("priority"), "duplicate-priority");
        }
        GroupBundle {
            priority,
            timeout_seconds,
            unit,
            groups,
        }
        .insert_into(&mut bundles);
    }
    Ok(bundles)
}

/// `authSettings.inactivityTimeoutExclusions`, compiled.
fn exclusions(auth: Option<&Value>) -> Read<Exclusions> {
    const PATH: &str = "authSettings.inactivityTimeoutExclusions";
    let list = match auth {
        None => return Ok(Exclusions::default()),
        Some(auth @ Value::Object(_)) => auth.get_present("inactivityTimeoutExclusions"),
        Some(_) => return fail("authSettings", "wrong-type"),
    };
    let items = match list {
        None => return Ok(Exclusions::default()),
        Some(Value::Array(items)) => items,
        Some(_) => return fail(PATH, "wrong-type"),
    };
    if items.len() > MAX_EXCLUSIONS {
        return fail(PATH, "too-many-exclusions");
    }
    let mut entries = Vec::with_capacity(items.len());
    for (i, item) in items.iter().enumerate() {
        match item {
            Value::String(s) if char_prefix(s, MAX_ENTRY_CHARS).len() == s.len() => {
                entries.push(s.clone())
            }
            Value::String(_) => return fail(&indexed(PATH, i), "invalid-exclusion"),
            _ => return fail(&indexed(PATH, i), "wrong-type"),
        }
    }
    Exclusions::compile(&entries).or_else(|errors| {
        let first = errors.first().map_or(0, |(i, _)| *i);
        fail(&indexed(PATH, first), "invalid-exclusion")
    })
}
