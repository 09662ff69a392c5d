//! Classifying a request: is it activity, and if not, which exclusion entry excluded it.

use alloc::{borrow::ToOwned, string::String};

use crate::policy::Policy;
use crate::url::ApiScope;

/// What a request means for the idle timer. Serializes to the JS shape of DESIGN §5
/// (`{ activity, excludedBy, path }`).
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "camelCase"))]
pub struct Classification {
    /// Whether the request counts as user activity (an API call not on the exclusion list).
    pub activity: bool,
    /// The exclusion entry (as the admin wrote it) that excluded the request.
    pub excluded_by: Option<String>,
    /// The normalized API path, when the request is an API call at all.
    pub path: Option<String>,
}

/// Classifies a request to `url` (as given to `fetch` or `XMLHttpRequest.open`):
///
/// * not an API call (not `http(s)`, another origin, outside the API bases): no activity,
///   `excluded_by: None`, `path: None`;
/// * an API call matching an exclusion entry: no activity, `excluded_by: Some(entry)`;
/// * any other API call: activity.
///
/// ```
/// use inactivity_core::classify::classify;
/// use inactivity_core::json::Value;
/// use inactivity_core::policy::Policy;
/// use inactivity_core::url::ApiScope;
///
/// let policy: Value = serde_json::from_str(r#"{
///     "idleTokenTimeout": { "enableIdleTokenTimeout": true, "idleTokenTimeoutSeconds": 1800 },
///     "authSettings": { "inactivityTimeoutExclusions": ["api/v2/users/me"] } }"#).unwrap();
/// let policy = Policy::parse(&policy).unwrap();
/// let scope = ApiScope::new("https://apps.example.com/", &[]).unwrap();
/// assert!(classify(&policy, &scope, "/api/v2/routing/queues").activity);
/// let c = classify(&policy, &scope, "/api/v2/users/me?expand=presence");
/// assert_eq!((c.activity, c.excluded_by.as_deref()), (false, Some("api/v2/users/me")));
/// ```
pub fn classify(policy: &Policy, scope: &ApiScope, url: &str) -> Classification {
    let Some(path) = scope.api_path(url) else {
        return Classification {
            activity: false,
            excluded_by: None,
            path: None,
        };
    };
    let excluded_by = policy.exclusions().matches(&path).map(ToOwned::to_owned);
    Classification {
        activity: excluded_by.is_none(),
        excluded_by,
        path: Some(path),
    }
}
