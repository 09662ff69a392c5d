//! The parsed policy.

use alloc::{string::String, vec::Vec};

use crate::exclusions::Exclusions;
use crate::json::Value;

use super::error::PolicyError;
use super::validate::analyze;

/// The unit the admin page shows a timeout in (`inactivityTimeoutUnit`). Display only: the
/// seconds are the truth.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TimeoutUnit {
    /// `"Minutes"`.
    Minutes,
    /// `"Hours"`.
    Hours,
}

impl TimeoutUnit {
    /// The unit from its JSON spelling (`"Minutes"` or `"Hours"`, exactly).
    pub fn from_json(s: &str) -> Option<TimeoutUnit> {
        match s {
            "Minutes" => Some(TimeoutUnit::Minutes),
            "Hours" => Some(TimeoutUnit::Hours),
            _ => None,
        }
    }
}

/// One enabled group bundle of a parsed [`Policy`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GroupBundle {
    /// 1 is the highest priority; a parsed policy's bundles have priorities 1..=N.
    pub priority: u32,
    /// The bundle's timeout, 300..=28800 seconds (it may exceed the HIPAA cap: [`super::resolve`]
    /// caps it).
    pub timeout_seconds: u32,
    /// The unit the admin page shows, when given.
    pub unit: Option<TimeoutUnit>,
    /// The group ids, non-empty, each in this bundle only.
    pub groups: Vec<String>,
}

impl GroupBundle {
    /// Adds `self` to `bundles`, kept in priority order as they come (at most a handful of
    /// bundles: no sort needed).
    pub(crate) fn insert_into(self, bundles: &mut Vec<GroupBundle>) {
        let at = bundles
            .iter()
            .position(|b| b.priority > self.priority)
            .unwrap_or(bundles.len());
        bundles.insert(at, self);
    }
}

/// A parsed, structurally valid policy: every rule of docs/rules.md §2 holds except, possibly, the HIPAA
/// cap (an enabled timeout above 900 s in a HIPAA organization), which [`super::resolve`] applies.
///
/// The only way to get one is [`Policy::parse`], so an invalid policy cannot exist past it.
#[derive(Debug, Clone)]
pub struct Policy {
    /// The org-wide timeout when it is enabled.
    pub(super) org_timeout_seconds: Option<u32>,
    /// Whether group timeouts are enabled.
    pub(super) groups_enabled: bool,
    /// The bundles when group timeouts are enabled (else empty), sorted by priority.
    pub(super) bundles: Vec<GroupBundle>,
    /// The compiled exclusion list.
    pub(super) exclusions: Exclusions,
    /// Whether the organization is a HIPAA organization.
    pub(super) hipaa: bool,
}

impl Policy {
    /// Parses the policy object (docs/rules.md §3): `{ idleTokenTimeout, authSettings?, hipaa? }`.
    ///
    /// Unknown fields are ignored. Every rule of docs/rules.md §2 is checked except the HIPAA cap; on failure,
    /// *all* errors are returned (at most [`super::MAX_ERRORS`] plus one `too-many-errors` entry).
    pub fn parse(value: &Value) -> Result<Policy, Vec<PolicyError>> {
        let (policy, errors) = analyze(value, false);
        if errors.is_empty() {
            Ok(policy)
        } else {
            Err(errors)
        }
    }

    /// The compiled exclusion list (`authSettings.inactivityTimeoutExclusions`).
    pub fn exclusions(&self) -> &Exclusions {
        &self.exclusions
    }

    /// Whether the organization is a HIPAA organization (`hipaa`).
    pub fn hipaa(&self) -> bool {
        self.hipaa
    }

    /// Whether the org-wide timeout or group timeouts are enabled. The HIPAA default does not
    /// count: it is a consequence of the organization, not a setting (see [`super::resolve`] for
    /// the timeout that actually applies to a user).
    pub fn timeout_enabled(&self) -> bool {
        self.org_timeout_seconds.is_some() || self.groups_enabled
    }

    /// The org-wide timeout in seconds when it is enabled (before the HIPAA cap).
    pub fn org_timeout_seconds(&self) -> Option<u32> {
        self.org_timeout_seconds
    }

    /// Whether group timeouts are enabled.
    pub fn groups_enabled(&self) -> bool {
        self.groups_enabled
    }

    /// The group bundles when group timeouts are enabled (empty otherwise), highest priority
    /// (1) first.
    pub fn bundles(&self) -> &[GroupBundle] {
        &self.bundles
    }
}
