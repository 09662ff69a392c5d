//! Validation errors: a kind and a place (the JSON path of the offending field).

use alloc::{format, string::String, string::ToString};

use core::fmt;

use crate::exclusions::EntryError;
use crate::json::JsonType;

use super::format::{duration, number, quote};
use super::{
    HIPAA_MAX_SECONDS, MAX_BUNDLES, MAX_EXCLUSIONS, MAX_GROUPS, MAX_TIMEOUT_SECONDS,
    MIN_TIMEOUT_SECONDS,
};

/// One problem with a policy: where it is and what is wrong.
///
/// `Display` gives the message alone (a sentence that tells the admin what to change, e.g.
/// `must be between 5 minutes (300 s) and 8 hours (28800 s); got 299 s`);
/// [`PolicyError::with_path`] prefixes the path, for logs and exceptions.
#[derive(Debug, Clone, PartialEq)]
pub struct PolicyError {
    /// The JSON path of the offending value, e.g.
    /// `idleTokenTimeout.inactivityTimeoutGroupBundles[1].groups[0]`; `""` is the policy itself.
    pub path: String,
    /// What is wrong.
    pub kind: ErrorKind,
}

/// What is wrong with a policy value. Each variant says when it occurs.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum ErrorKind {
    /// The input could not be read as JSON at all (e.g. nested more than
    /// [`crate::json::MAX_DEPTH`] levels, a cyclic JS object, a JS getter that throws).
    /// Reported at path `""`.
    Unreadable {
        /// Why it could not be read.
        reason: String,
    },
    /// A value has the wrong JSON type, e.g. a string where a number belongs. Checked even in a
    /// disabled part of the policy.
    WrongType {
        /// The type the field must have.
        expected: JsonType,
        /// The type it has.
        found: JsonType,
    },
    /// A required field is missing (or `null`): `idleTokenTimeout` always; a timeout, a priority
    /// or a bundle's `groups` when its part is enabled.
    Missing {
        /// The type the field must have.
        expected: JsonType,
    },
    /// A number that must be a whole number is not (e.g. `1800.5`, or NaN/Infinity from JS).
    NotAnInteger {
        /// The number given.
        got: f64,
    },
    /// An enabled timeout (org-wide or a bundle's) is outside 300..=28800 seconds.
    TimeoutOutOfRange {
        /// The number of seconds given.
        got: f64,
    },
    /// A HIPAA organization has an enabled timeout above 900 seconds (15 minutes). Reported by
    /// [`crate::policy::validate`] only: [`crate::policy::Policy::parse`] accepts it
    /// and [`crate::policy::resolve`] caps the timeout to 900 seconds.
    HipaaCapExceeded {
        /// The number of seconds given.
        got: u32,
    },
    /// `inactivityTimeoutUnit` is present but is not `"Minutes"` or `"Hours"`.
    InvalidUnit {
        /// The string given.
        got: String,
    },
    /// Group timeouts are enabled and there are more than 5 group bundles.
    TooManyBundles {
        /// How many bundles there are.
        count: usize,
    },
    /// Group timeouts are enabled and the bundles hold more than 25 groups in all.
    TooManyGroups {
        /// How many groups the bundles hold in all.
        count: usize,
    },
    /// An enabled bundle's priority is below 1.
    PriorityOutOfRange {
        /// The priority given.
        got: f64,
        /// How many bundles there are (priorities must be 1..=bundles).
        bundles: usize,
    },
    /// An enabled bundle's priority is above the number of bundles, which leaves a gap in 1..N.
    PriorityGap {
        /// The priority given.
        got: f64,
        /// How many bundles there are (priorities must be 1..=bundles).
        bundles: usize,
    },
    /// Two enabled bundles have the same priority; reported at the later one.
    DuplicatePriority {
        /// The priority both have.
        priority: u32,
        /// The path of the first bundle with that priority.
        first: String,
    },
    /// An enabled bundle has no groups.
    EmptyBundle,
    /// A group id in an enabled bundle is empty or only whitespace.
    EmptyGroupId,
    /// A group id stands twice in the same enabled bundle; reported at the second.
    DuplicateGroup {
        /// The group id.
        group: String,
        /// The path of its first occurrence.
        first: String,
    },
    /// A group id stands in two enabled bundles; reported at the later occurrence.
    GroupInSeveralBundles {
        /// The group id.
        group: String,
        /// The path of its first occurrence.
        first: String,
    },
    /// The exclusion list has more than 200 entries.
    TooManyExclusions {
        /// How many entries there are.
        count: usize,
    },
    /// An exclusion entry is invalid (syntax, length, or a duplicate of an earlier entry).
    InvalidExclusion(EntryError),
    /// More errors were found than are reported; this is the last entry of a truncated list.
    TooManyErrors {
        /// How many further errors were left out.
        more: usize,
    },
}

impl ErrorKind {
    /// A stable, kebab-case identifier for this kind of error, for programs and tests.
    pub fn code(&self) -> &'static str {
        match self {
            ErrorKind::Unreadable { .. } => "unreadable",
            ErrorKind::WrongType { .. } => "wrong-type",
            ErrorKind::Missing { .. } => "missing",
            ErrorKind::NotAnInteger { .. } => "not-an-integer",
            ErrorKind::TimeoutOutOfRange { .. } => "timeout-out-of-range",
            ErrorKind::HipaaCapExceeded { .. } => "hipaa-cap-exceeded",
            ErrorKind::InvalidUnit { .. } => "invalid-unit",
            ErrorKind::TooManyBundles { .. } => "too-many-bundles",
            ErrorKind::TooManyGroups { .. } => "too-many-groups",
            ErrorKind::PriorityOutOfRange { .. } => "priority-out-of-range",
            ErrorKind::PriorityGap { .. } => "priority-gap",
            ErrorKind::DuplicatePriority { .. } => "duplicate-priority",
            ErrorKind::EmptyBundle => "empty-bundle",
            ErrorKind::EmptyGroupId => "empty-group-id",
            ErrorKind::DuplicateGroup { .. } => "duplicate-group",
            ErrorKind::GroupInSeveralBundles { .. } => "group-in-several-bundles",
            ErrorKind::TooManyExclusions { .. } => "too-many-exclusions",
            ErrorKind::InvalidExclusion(e) => e.code(),
            ErrorKind::TooManyErrors { .. } => "too-many-errors",
        }
    }
}

impl fmt::Display for ErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ErrorKind::Unreadable { reason } => {
                write!(f, "could not be read as a JSON policy: {reason}")
            }
            ErrorKind::WrongType { expected, found } => {
                write!(f, "must be {expected}; got {found}")
            }
            ErrorKind::Missing { expected } => write!(f, "is required: add {expected}"),
            ErrorKind::NotAnInteger { got } => {
                write!(f, "must be a whole number; got {}", number(*got))
            }
            ErrorKind::TimeoutOutOfRange { got } => write!(
                f,
                "must be between {} ({MIN_TIMEOUT_SECONDS} s) and {} ({MAX_TIMEOUT_SECONDS} s); got {} s",
                duration(MIN_TIMEOUT_SECONDS),
                duration(MAX_TIMEOUT_SECONDS),
                number(*got)
            ),
            ErrorKind::HipaaCapExceeded { got } => write!(
                f,
                "must be at most {} ({HIPAA_MAX_SECONDS} s) because the organization is HIPAA-compliant; got {got} s ({})",
                duration(HIPAA_MAX_SECONDS),
                duration(*got)
            ),
            ErrorKind::InvalidUnit { got } => {
                write!(f, "must be \"Minutes\" or \"Hours\"; got {}", quote(got))
            }
            ErrorKind::TooManyBundles { count } => write!(
                f,
                "has {count} group bundles; at most {MAX_BUNDLES} are allowed: remove {}",
                count.saturating_sub(MAX_BUNDLES)
            ),
            ErrorKind::TooManyGroups { count } => write!(
                f,
                "hold {count} groups in all; at most {MAX_GROUPS} are allowed across all bundles: remove {}",
                count.saturating_sub(MAX_GROUPS)
            ),
            ErrorKind::PriorityOutOfRange { got, bundles } => write!(
                f,
                "must be between 1 (the highest) and {bundles} (the number of bundles); got {}",
                number(*got)
            ),
            ErrorKind::PriorityGap { got, bundles } => write!(
                f,
                "must be between 1 and {bundles}, the number of bundles: priorities are 1…N with no gaps; got {}",
                number(*got)
            ),
            ErrorKind::DuplicatePriority { priority, first } => write!(
                f,
                "priority {priority} is already used by {first}: give each bundle its own priority, 1…N"
            ),
            ErrorKind::EmptyBundle => {
                f.write_str("must contain at least one group: add a group or remove the bundle")
            }
            ErrorKind::EmptyGroupId => f.write_str("must be a group id; got an empty string"),
            ErrorKind::DuplicateGroup { group, first } => write!(
                f,
                "group {} is already listed at {first}: remove this copy",
                quote(group)
            ),
            ErrorKind::GroupInSeveralBundles { group, first } => write!(
                f,
                "group {} is already in another bundle ({first}); a group may stand in one bundle only: remove it from one of them",
                quote(group)
            ),
            ErrorKind::TooManyExclusions { count } => write!(
                f,
                "has {count} entries; at most {MAX_EXCLUSIONS} are allowed: remove {}",
                count.saturating_sub(MAX_EXCLUSIONS)
            ),
            ErrorKind::InvalidExclusion(e) => e.fmt(f),
            ErrorKind::TooManyErrors { more } => write!(
                f,
                "{more} more error{} not listed: fix the ones above and validate again",
                if *more == 1 { " is" } else { "s are" }
            ),
        }
    }
}

impl PolicyError {
    /// A new error at `path`.
    pub fn new(path: impl Into<String>, kind: ErrorKind) -> PolicyError {
        PolicyError {
            path: path.into(),
            kind,
        }
    }

    /// The stable kebab-case code of [`PolicyError::kind`], e.g. `"timeout-out-of-range"`.
    pub fn code(&self) -> &'static str {
        self.kind.code()
    }

    /// The message alone, without the path: a sentence that tells the admin what to change.
    pub fn message(&self) -> String {
        self.kind.to_string()
    }

    /// `"<path>: <message>"`, or `"the policy <message>"` for the policy itself (path `""`).
    pub fn with_path(&self) -> String {
        if self.path.is_empty() {
            format!("the policy {}", self.kind)
        } else {
            format!("{}: {}", self.path, self.kind)
        }
    }
}

impl fmt::Display for PolicyError {
    /// The message alone, as [`PolicyError::message`]: UIs show it next to the field at
    /// [`PolicyError::path`]; [`PolicyError::with_path`] puts the two together.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.kind.fmt(f)
    }
}

impl core::error::Error for PolicyError {}
