//! The organization's inactivity-timeout settings: types, validation and resolution (docs/rules.md §2).
//!
//! The input is the platform's own JSON ([`Value`]), passed through unchanged:
//!
//! ```json
//! { "idleTokenTimeout": { "enableIdleTokenTimeout": true, "idleTokenTimeoutSeconds": 1800,
//!                         "inactivityTimeoutGroupsEnabled": true,
//!                         "inactivityTimeoutGroupBundles": [
//!                           { "priority": 1, "timeoutSeconds": 600, "groups": ["g1"] } ] },
//!   "authSettings": { "inactivityTimeoutExclusions": ["api/v2/users/me"] },
//!   "hipaa": false }
//! ```
//!
//! * [`validate`] reports every problem at once, each with the JSON path of the offending value;
//! * [`Policy::parse`] turns a structurally valid policy into a [`Policy`] (everything but the HIPAA
//!   cap, so that [`resolve`] can apply it);
//! * [`resolve`] gives the timeout of a user and why ([`Resolution::explain`]).
//!
//! ```
//! use inactivity_core::json::Value;
//! use inactivity_core::policy::{resolve, validate, Policy, Source};
//!
//! let obj = |m: Vec<(&str, Value)>| Value::Object(m.into_iter().map(|(k, v)| (k.to_owned(), v)).collect());
//! let policy = obj(vec![("idleTokenTimeout", obj(vec![
//!     ("enableIdleTokenTimeout", true.into()),
//!     ("idleTokenTimeoutSeconds", 1800.0.into()),
//! ]))]);
//! assert!(validate(&policy).is_empty());
//! let resolution = resolve(&Policy::parse(&policy).unwrap(), &[]);
//! assert_eq!(resolution.timeout_seconds, Some(1800));
//! assert_eq!(resolution.source, Source::Organization);
//! assert_eq!(resolution.explain(), "30 minutes, from the organization-wide timeout.");
//! ```

mod error;
mod format;
mod read;
mod resolve;
mod types;
mod validate;

pub(crate) use format::quote as quote_input;

pub use error::{ErrorKind, PolicyError};
pub use read::ReadError;
pub use resolve::{resolve, Resolution, Source};
pub use types::{GroupBundle, Policy, TimeoutUnit};
pub use validate::validate;

#[cfg(doc)]
use crate::json::Value;

/// The shortest timeout an admin may set: 5 minutes.
pub const MIN_TIMEOUT_SECONDS: u32 = 300;
/// The longest timeout an admin may set: 8 hours.
pub const MAX_TIMEOUT_SECONDS: u32 = 28_800;
/// The HIPAA timeout: the default when nothing else applies, and the cap on every timeout.
pub const HIPAA_MAX_SECONDS: u32 = 900;
/// The most group bundles when group timeouts are enabled.
pub const MAX_BUNDLES: usize = 5;
/// The most groups across all bundles when group timeouts are enabled.
pub const MAX_GROUPS: usize = 25;
/// The most entries in the exclusion list.
pub const MAX_EXCLUSIONS: usize = 200;
/// The longest exclusion entry, in characters.
pub const MAX_ENTRY_CHARS: usize = 512;
/// The most errors [`validate`] and [`Policy::parse`] list; a last `too-many-errors` entry says
/// how many more there were.
pub const MAX_ERRORS: usize = 100;
