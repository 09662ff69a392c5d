//! Timeout resolution: which timeout applies to a user, and why.

use alloc::{borrow::ToOwned, string::String};

use crate::text::{concat, push_dec};

use super::format::duration;
use super::types::Policy;
use super::HIPAA_MAX_SECONDS;

/// Which rule set a user's timeout.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "kebab-case"))]
pub enum Source {
    /// A group bundle (`"group-bundle"`): the highest-priority enabled bundle that holds one of
    /// the user's groups.
    GroupBundle,
    /// The org-wide timeout (`"organization"`).
    Organization,
    /// The HIPAA default of 15 minutes (`"hipaa"`): no other timeout applies, but the
    /// organization is a HIPAA organization.
    Hipaa,
    /// No timeout applies (`"none"`).
    None,
}

impl Source {
    /// The wire form: `"group-bundle"`, `"organization"`, `"hipaa"` or `"none"`.
    pub fn as_str(self) -> &'static str {
        match self {
            Source::GroupBundle => "group-bundle",
            Source::Organization => "organization",
            Source::Hipaa => "hipaa",
            Source::None => "none",
        }
    }
}

/// The timeout that applies to a user, and why. Serializes to the shape of `resolveTimeout` (README, API).
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "camelCase"))]
pub struct Resolution {
    /// The timeout in seconds (after the HIPAA cap); `None` when no timeout applies.
    pub timeout_seconds: Option<u32>,
    /// Which rule set it.
    pub source: Source,
    /// The priority of the bundle that set it, when [`Source::GroupBundle`].
    pub bundle_priority: Option<u32>,
    /// The user's group that put the user in that bundle, when [`Source::GroupBundle`] (the
    /// first of the bundle's groups that the user is in).
    pub group_id: Option<String>,
    /// Whether the HIPAA 15-minute cap lowered the timeout.
    pub hipaa_capped: bool,
}

/// The timeout for a user in `groups` (group ids), per docs/rules.md §2:
///
/// 1. when group timeouts are enabled, the bundle with the highest priority (1 is the highest)
///    that holds one of the user's groups;
/// 2. else the org-wide timeout, when enabled;
/// 3. else, in a HIPAA organization, the 15-minute default;
/// 4. else none.
///
/// In a HIPAA organization a timeout above 15 minutes is capped to 15 minutes
/// (`hipaa_capped: true`).
///
/// Cost: O(bundle groups × user groups) with at most 25 bundle groups.
pub fn resolve(policy: &Policy, groups: &[String]) -> Resolution {
    let bundle = policy.bundles().iter().find_map(|b| {
        b.groups
            .iter()
            .find(|g| groups.contains(g))
            .map(|g| (b.priority, b.timeout_seconds, g.clone()))
    });
    let (seconds, source, bundle_priority, group_id) = match bundle {
        Some((priority, seconds, group)) => (
            Some(seconds),
            Source::GroupBundle,
            Some(priority),
            Some(group),
        ),
        None => match policy.org_timeout_seconds() {
            Some(seconds) => (Some(seconds), Source::Organization, None, None),
            None if policy.hipaa() => (Some(HIPAA_MAX_SECONDS), Source::Hipaa, None, None),
            None => (None, Source::None, None, None),
        },
    };
    let hipaa_capped = policy.hipaa() && seconds.is_some_and(|s| s > HIPAA_MAX_SECONDS);
    Resolution {
        timeout_seconds: if hipaa_capped {
            Some(HIPAA_MAX_SECONDS)
        } else {
            seconds
        },
        source,
        bundle_priority,
        group_id,
        hipaa_capped,
    }
}

impl Resolution {
    /// One sentence for a person: which rule set the timeout, e.g.
    /// `"10 minutes, from group bundle 1 (group G)."`.
    pub fn explain(&self) -> String {
        let cap = if self.hipaa_capped {
            ", capped to the HIPAA maximum of 15 minutes"
        } else {
            ""
        };
        let mut out = match (self.timeout_seconds, self.source) {
            (Some(s), Source::GroupBundle) => {
                let mut out = duration(s);
                out.push_str(", from group bundle ");
                push_dec(&mut out, u64::from(self.bundle_priority.unwrap_or(0)));
                out.push_str(" (group ");
                out.push_str(self.group_id.as_deref().unwrap_or("?"));
                out.push(')');
                out
            }
            (Some(s), Source::Organization) => {
                concat(&[&duration(s), ", from the organization-wide timeout"])
            }
            (Some(s), Source::Hipaa) => {
                return concat(&[
                    &duration(s),
                    ", the HIPAA default: no organization-wide or group timeout applies to this user.",
                ])
            }
            _ => return "No inactivity timeout: the organization-wide timeout is off and none of the user's groups is in an enabled group bundle.".to_owned(),
        };
        out.push_str(cap);
        out.push('.');
        out
    }
}
