//! Classifying a request: is it activity, and if not, why not.

use alloc::{borrow::ToOwned, string::String};

use crate::ledger::Outcome;
use crate::policy::Policy;
use crate::url::ApiScope;

/// What a request means for the idle timer: a closed set of cases.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Classification {
    /// Not a call to the platform API (not `http(s)`, another origin, outside the API bases):
    /// not activity.
    NotApi,
    /// An API call on the exclusion list: not activity.
    Excluded {
        /// The normalized API path (`"api/v2/users/me"`).
        path: String,
        /// The exclusion entry that matched, as the admin wrote it.
        by: String,
    },
    /// An API call that counts as activity.
    Counted {
        /// The normalized API path.
        path: String,
    },
}

impl Classification {
    /// Whether the request counts as user activity.
    pub fn is_activity(&self) -> bool {
        matches!(self, Classification::Counted { .. })
    }

    /// The normalized API path, when the request is an API call at all.
    pub fn path(&self) -> Option<&str> {
        match self {
            Classification::NotApi => None,
            Classification::Excluded { path, .. } | Classification::Counted { path } => Some(path),
        }
    }

    /// The exclusion entry that excluded the request.
    pub fn excluded_by(&self) -> Option<&str> {
        match self {
            Classification::Excluded { by, .. } => Some(by),
            _ => None,
        }
    }

    /// The ledger's word for it.
    pub fn outcome(&self) -> Outcome {
        match self {
            Classification::NotApi => Outcome::NotApi,
            Classification::Excluded { .. } => Outcome::Excluded,
            Classification::Counted { .. } => Outcome::Counted,
        }
    }
}

/// Classifies a request to `url` (as given to `fetch` or `XMLHttpRequest.open`) under `policy`
/// — `None` while the settings are not known yet: then every API call counts (no exclusion is
/// known, and counting keeps an active user signed in).
///
/// ```
/// use inactivity_core::classify::{classify, Classification};
/// use inactivity_core::json::Value;
/// use inactivity_core::policy::Policy;
/// use inactivity_core::url::ApiScope;
///
/// let policy: Value = serde_json::from_str(r#"{
///     "idleTokenTimeout": { "enableIdleTokenTimeout": true, "idleTokenTimeoutSeconds": 1800 },
///     "authSettings": { "inactivityTimeoutExclusions": ["api/v2/users/me"] } }"#).unwrap();
/// let policy = Policy::parse(&policy).unwrap();
/// let scope = ApiScope::new("https://apps.example.com/", &[]).unwrap();
/// assert!(classify(Some(&policy), &scope, "/api/v2/routing/queues").is_activity());
/// let c = classify(Some(&policy), &scope, "/api/v2/users/me?expand=presence");
/// assert_eq!(c.excluded_by(), Some("api/v2/users/me"));
/// assert!(classify(None, &scope, "/api/v2/users/me").is_activity()); // no settings yet
/// assert_eq!(classify(None, &scope, "/app.js"), Classification::NotApi);
/// ```
pub fn classify(policy: Option<&Policy>, scope: &ApiScope, url: &str) -> Classification {
    let Some(path) = scope.api_path(url) else {
        return Classification::NotApi;
    };
    match policy.and_then(|p| p.exclusions().matches(&path)) {
        Some(entry) => Classification::Excluded {
            by: entry.to_owned(),
            path,
        },
        None => Classification::Counted { path },
    }
}
