//! Validation: one walk over the JSON that checks every rule of docs/rules.md §2 and builds the
//! [`Policy`] at the same time.
//!
//! JSON types are checked everywhere, even in a disabled part; range and shape rules only in the
//! enabled parts ("a disabled part's values are ignored", so real responses pass through).

use alloc::{string::String, vec::Vec};

use crate::map::Map as HashMap;

use crate::exclusions::{EntryError, Exclusions};
use crate::json::{is_whole, JsonType, Value};
use crate::sort::sort_by;
use crate::text::{concat, push_dec};

use super::error::{ErrorKind, PolicyError};
use super::types::{GroupBundle, Policy, TimeoutUnit};
use super::{
    HIPAA_MAX_SECONDS, MAX_BUNDLES, MAX_ENTRY_CHARS, MAX_ERRORS, MAX_EXCLUSIONS, MAX_GROUPS,
    MAX_TIMEOUT_SECONDS, MIN_TIMEOUT_SECONDS,
};

const IDLE: &str = "idleTokenTimeout";
const BUNDLES: &str = "idleTokenTimeout.inactivityTimeoutGroupBundles";
const AUTH: &str = "authSettings";
const EXCLUSIONS: &str = "authSettings.inactivityTimeoutExclusions";

/// `base[i]`, a JSON path to an array element.
fn indexed(base: &str, i: usize) -> String {
    let mut out = concat(&[base, "["]);
    push_dec(&mut out, i as u64);
    out.push(']');
    out
}

/// Checks everything, including the HIPAA cap (an enabled timeout above 900 s while `hipaa` is
/// true). An empty list means the policy is valid.
///
/// Never panics, whatever the input; lists at most [`MAX_ERRORS`] errors plus one
/// `too-many-errors` entry.
pub fn validate(value: &Value) -> Vec<PolicyError> {
    analyze(value, true).1
}

/// The policy as far as it could be read (defaults where it could not) and the errors found.
/// `hipaa_cap` says whether the HIPAA cap is an error.
pub(super) fn analyze(root: &Value, hipaa_cap: bool) -> (Policy, Vec<PolicyError>) {
    let mut errors = Errors::default();
    let mut policy = Policy {
        org_timeout_seconds: None,
        groups_enabled: false,
        bundles: Vec::new(),
        exclusions: Exclusions::default(),
        hipaa: false,
    };
    if !matches!(root, Value::Object(_)) {
        errors.wrong_type("", JsonType::Object, root);
        return (policy, errors.finish());
    }
    policy.hipaa = optional_bool(root.get_present("hipaa"), "hipaa", &mut errors);
    let hipaa_cap = hipaa_cap && policy.hipaa;
    match root.get_present(IDLE) {
        None => errors.push(
            IDLE,
            ErrorKind::Missing {
                expected: JsonType::Object,
            },
        ),
        Some(idle @ Value::Object(_)) => {
            idle_token_timeout(idle, hipaa_cap, &mut policy, &mut errors)
        }
        Some(other) => errors.wrong_type(IDLE, JsonType::Object, other),
    }
    policy.exclusions = exclusions(root.get_present(AUTH), &mut errors);
    (policy, errors.finish())
}

/// `idleTokenTimeout`: the org-wide timeout and the group bundles.
fn idle_token_timeout(idle: &Value, hipaa_cap: bool, policy: &mut Policy, errors: &mut Errors) {
    let org_enabled = optional_bool(
        idle.get_present("enableIdleTokenTimeout"),
        "idleTokenTimeout.enableIdleTokenTimeout",
        errors,
    );
    policy.org_timeout_seconds = timeout(
        idle.get_present("idleTokenTimeoutSeconds"),
        "idleTokenTimeout.idleTokenTimeoutSeconds",
        org_enabled,
        hipaa_cap,
        errors,
    );
    unit(
        idle.get_present("inactivityTimeoutUnit"),
        "idleTokenTimeout.inactivityTimeoutUnit",
        errors,
    );
    policy.groups_enabled = optional_bool(
        idle.get_present("inactivityTimeoutGroupsEnabled"),
        "idleTokenTimeout.inactivityTimeoutGroupsEnabled",
        errors,
    );
    let items: &[Value] = match idle.get_present("inactivityTimeoutGroupBundles") {
        None => &[],
        Some(Value::Array(items)) => items,
        Some(other) => {
            errors.wrong_type(BUNDLES, JsonType::Array, other);
            &[]
        }
    };
    let bundles = group_bundles(items, policy.groups_enabled, hipaa_cap, errors);
    if policy.groups_enabled {
        policy.bundles = bundles;
    }
}

/// The bundles of `inactivityTimeoutGroupBundles`; rules apply only when `enabled`. Returns the
/// bundles that are entirely valid, sorted by priority.
fn group_bundles(
    items: &[Value],
    enabled: bool,
    hipaa_cap: bool,
    errors: &mut Errors,
) -> Vec<GroupBundle> {
    if enabled {
        if items.len() > MAX_BUNDLES {
            errors.push(BUNDLES, ErrorKind::TooManyBundles { count: items.len() });
        }
        let count: usize = items
            .iter()
            .filter_map(|b| b.get_present("groups").and_then(Value::as_array))
            .map(<[Value]>::len)
            .sum();
        if count > MAX_GROUPS {
            errors.push(BUNDLES, ErrorKind::TooManyGroups { count });
        }
    }
    let mut bundles = Vec::new();
    // priority -> index of the first bundle with it; group id -> (bundle index, group index).
    let mut priorities: HashMap<u32, usize> = HashMap::default();
    let mut groups_seen: HashMap<&str, (usize, usize)> = HashMap::default();
    for (i, item) in items.iter().enumerate() {
        let path = indexed(BUNDLES, i);
        if !matches!(item, Value::Object(_)) {
            errors.wrong_type(&path, JsonType::Object, item);
            continue;
        }
        let before = errors.count();
        let priority = priority(
            item.get_present("priority"),
            &path,
            enabled,
            items.len(),
            errors,
        );
        if let Some(p) = priority {
            if let Some(first) = priorities.get(&p) {
                errors.push(
                    concat(&[&path, ".priority"]),
                    ErrorKind::DuplicatePriority {
                        priority: p,
                        first: indexed(BUNDLES, *first),
                    },
                );
            } else {
                priorities.insert(p, i);
            }
        }
        let timeout_seconds = timeout(
            item.get_present("timeoutSeconds"),
            &concat(&[&path, ".timeoutSeconds"]),
            enabled,
            hipaa_cap,
            errors,
        );
        let unit = unit(
            item.get_present("inactivityTimeoutUnit"),
            &concat(&[&path, ".inactivityTimeoutUnit"]),
            errors,
        );
        let groups_path = concat(&[&path, ".groups"]);
        let mut groups = Vec::new();
        match item.get_present("groups") {
            None if enabled => errors.push(
                groups_path,
                ErrorKind::Missing {
                    expected: JsonType::Array,
                },
            ),
            None => {}
            Some(Value::Array(ids)) => {
                if enabled && ids.is_empty() {
                    errors.push(&groups_path, ErrorKind::EmptyBundle);
                }
                for (j, id) in ids.iter().enumerate() {
                    let Value::String(id) = id else {
                        errors.wrong_type(indexed(&groups_path, j), JsonType::String, id);
                        continue;
                    };
                    if !enabled {
                        continue;
                    }
                    if id.trim().is_empty() {
                        errors.push(indexed(&groups_path, j), ErrorKind::EmptyGroupId);
                        continue;
                    }
                    match groups_seen.get(id.as_str()) {
                        Some(&(fi, fj)) => {
                            let first = indexed(&concat(&[&indexed(BUNDLES, fi), ".groups"]), fj);
                            let kind = if fi == i {
                                ErrorKind::DuplicateGroup {
                                    group: id.clone(),
                                    first,
                                }
                            } else {
                                ErrorKind::GroupInSeveralBundles {
                                    group: id.clone(),
                                    first,
                                }
                            };
                            errors.push(indexed(&groups_path, j), kind);
                        }
                        None => {
                            groups_seen.insert(id, (i, j));
                            groups.push(id.clone());
                        }
                    }
                }
            }
            Some(other) => errors.wrong_type(groups_path, JsonType::Array, other),
        }
        if let (true, Some(priority), Some(timeout_seconds), true) =
            (enabled, priority, timeout_seconds, errors.count() == before)
        {
            GroupBundle {
                priority,
                timeout_seconds,
                unit,
                groups,
            }
            .insert_into(&mut bundles);
        }
    }
    bundles
}

/// A bundle's `priority`: required when enabled, a whole number in 1..=bundles.
fn priority(
    value: Option<&Value>,
    bundle_path: &str,
    enabled: bool,
    bundles: usize,
    errors: &mut Errors,
) -> Option<u32> {
    let path = concat(&[bundle_path, ".priority"]);
    let n = number(value, &path, enabled, errors)?;
    if n < 1.0 {
        errors.push(path, ErrorKind::PriorityOutOfRange { got: n, bundles });
        None
    } else if n > bundles as f64 {
        errors.push(path, ErrorKind::PriorityGap { got: n, bundles });
        None
    } else {
        // In 1..=bundles, and bundles <= the length of an in-memory array, so it fits.
        u32::try_from(n as u64).ok()
    }
}

/// A timeout in seconds: required when enabled, a whole number in 300..=28800, and at most 900
/// when `hipaa_cap`. Returns it when enabled and in range (the HIPAA cap does not remove it).
fn timeout(
    value: Option<&Value>,
    path: &str,
    enabled: bool,
    hipaa_cap: bool,
    errors: &mut Errors,
) -> Option<u32> {
    let n = number(value, path, enabled, errors)?;
    if !(f64::from(MIN_TIMEOUT_SECONDS)..=f64::from(MAX_TIMEOUT_SECONDS)).contains(&n) {
        errors.push(path, ErrorKind::TimeoutOutOfRange { got: n });
        return None;
    }
    let seconds = n as u32; // in 300..=28800 and whole
    if hipaa_cap && seconds > HIPAA_MAX_SECONDS {
        errors.push(path, ErrorKind::HipaaCapExceeded { got: seconds });
    }
    Some(seconds)
}

/// A whole number: type-checked always; required, finite and whole only when `enabled`. Returns
/// it only when enabled and whole.
fn number(value: Option<&Value>, path: &str, enabled: bool, errors: &mut Errors) -> Option<f64> {
    match value {
        None if enabled => {
            errors.push(
                path,
                ErrorKind::Missing {
                    expected: JsonType::Number,
                },
            );
            None
        }
        None => None,
        Some(Value::Number(n)) if enabled => {
            if is_whole(*n) {
                Some(*n)
            } else {
                errors.push(path, ErrorKind::NotAnInteger { got: *n });
                None
            }
        }
        Some(Value::Number(_)) => None,
        Some(other) => {
            errors.wrong_type(path, JsonType::Number, other);
            None
        }
    }
}

/// `inactivityTimeoutUnit`: optional; when present, `"Minutes"` or `"Hours"` (an enum is part of
/// the field's type, so it is checked in disabled parts too).
fn unit(value: Option<&Value>, path: &str, errors: &mut Errors) -> Option<TimeoutUnit> {
    match value? {
        Value::String(s) => {
            let unit = TimeoutUnit::from_json(s);
            if unit.is_none() {
                errors.push(path, ErrorKind::InvalidUnit { got: s.clone() });
            }
            unit
        }
        other => {
            errors.wrong_type(path, JsonType::String, other);
            None
        }
    }
}

/// An optional boolean flag; absent or `null` is false.
fn optional_bool(value: Option<&Value>, path: &str, errors: &mut Errors) -> bool {
    match value {
        None => false,
        Some(Value::Bool(b)) => *b,
        Some(other) => {
            errors.wrong_type(path, JsonType::Boolean, other);
            false
        }
    }
}

/// `authSettings.inactivityTimeoutExclusions`: at most 200 strings of at most 512 characters,
/// each a valid entry, no duplicates. Returns the compiled list (empty when it has errors).
fn exclusions(auth: Option<&Value>, errors: &mut Errors) -> Exclusions {
    let list = match auth {
        None => return Exclusions::default(),
        Some(auth @ Value::Object(_)) => auth.get_present("inactivityTimeoutExclusions"),
        Some(other) => {
            errors.wrong_type(AUTH, JsonType::Object, other);
            return Exclusions::default();
        }
    };
    let items = match list {
        None => return Exclusions::default(),
        Some(Value::Array(items)) => items,
        Some(other) => {
            errors.wrong_type(EXCLUSIONS, JsonType::Array, other);
            return Exclusions::default();
        }
    };
    let before = errors.count();
    if items.len() > MAX_EXCLUSIONS {
        errors.push(
            EXCLUSIONS,
            ErrorKind::TooManyExclusions { count: items.len() },
        );
    }
    // Entries that are strings of an acceptable length go to the compiler; `index[k]` is the
    // position in `items` of the k-th of them.
    let mut entries = Vec::new();
    let mut index = Vec::new();
    let mut problems: Vec<(usize, Result<EntryError, JsonType>)> = Vec::new();
    for (i, item) in items.iter().enumerate() {
        match item {
            Value::String(s) => {
                let chars = s.chars().count();
                if chars > MAX_ENTRY_CHARS {
                    problems.push((i, Ok(EntryError::TooLong { chars })));
                } else {
                    entries.push(s.clone());
                    index.push(i);
                }
            }
            other => problems.push((i, Err(other.json_type()))),
        }
    }
    let compiled = match Exclusions::compile(&entries) {
        Ok(compiled) => Some(compiled),
        Err(entry_errors) => {
            let at = |k: usize| index.get(k).copied().unwrap_or(k);
            for (k, e) in entry_errors {
                let e = match e {
                    EntryError::Duplicate { first } => EntryError::Duplicate { first: at(first) },
                    e => e,
                };
                problems.push((at(k), Ok(e)));
            }
            None
        }
    };
    // By entry, each entry's errors in the order found (a stable sort).
    sort_by(&mut problems, |a, b| a.0 < b.0);
    for (i, problem) in problems {
        let path = indexed(EXCLUSIONS, i);
        match problem {
            Ok(e) => errors.push(path, ErrorKind::InvalidExclusion(e)),
            Err(found) => errors.push(
                path,
                ErrorKind::WrongType {
                    expected: JsonType::String,
                    found,
                },
            ),
        }
    }
    match compiled {
        Some(compiled) if errors.count() == before => compiled,
        _ => Exclusions::default(),
    }
}

/// Collects errors, keeping at most [`MAX_ERRORS`] and counting the rest.
#[derive(Default)]
struct Errors {
    list: Vec<PolicyError>,
    more: usize,
}

impl Errors {
    fn push(&mut self, path: impl Into<String>, kind: ErrorKind) {
        if self.list.len() < MAX_ERRORS {
            self.list.push(PolicyError::new(path, kind));
        } else {
            self.more += 1;
        }
    }

    fn wrong_type(&mut self, path: impl Into<String>, expected: JsonType, found: &Value) {
        self.push(
            path,
            ErrorKind::WrongType {
                expected,
                found: found.json_type(),
            },
        );
    }

    /// How many errors were found so far, listed or not.
    fn count(&self) -> usize {
        self.list.len() + self.more
    }

    fn finish(mut self) -> Vec<PolicyError> {
        if self.more > 0 {
            self.list.push(PolicyError::new(
                "",
                ErrorKind::TooManyErrors { more: self.more },
            ));
        }
        self.list
    }
}
