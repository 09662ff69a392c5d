//! Why a user was logged out.
//!
//! Every logout carries exactly one [`LogoutReason`]. The wire form (JSON, cross-tab messages,
//! the JavaScript `onLogout` callback, the embedded host's `postMessage`) is the kebab-case
//! string returned by [`LogoutReason::as_str`]; [`LogoutReason::parse`] is its strict inverse.
#![deny(
    clippy::arithmetic_side_effects,
    clippy::indexing_slicing,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic
)]

use core::fmt;

/// Why a user was logged out.
///
/// Serialized (serde) and displayed as the same kebab-case strings as [`LogoutReason::as_str`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "kebab-case"))]
pub enum LogoutReason {
    /// `"idle"`: no counted activity for the whole timeout, and the page was running when the
    /// deadline passed.
    Idle,
    /// `"slept"`: the deadline passed while the page could not run (frozen, hidden and
    /// throttled, or the machine slept); noticed late, on wake-up.
    Slept,
    /// `"server-revoked"`: the API answered 401: the server already revoked the token.
    ServerRevoked,
    /// `"other-tab"`: another tab of the same client and user logged out.
    OtherTab,
    /// `"host-request"`: the page embedding this client (an allowed parent origin) asked for it.
    HostRequest,
    /// `"user"`: the user signed out (`tracker.signOut()`): the same sequence as an idle logout.
    User,
}

impl LogoutReason {
    /// Every reason, in declaration order.
    pub const ALL: [LogoutReason; 6] = [
        LogoutReason::Idle,
        LogoutReason::Slept,
        LogoutReason::ServerRevoked,
        LogoutReason::OtherTab,
        LogoutReason::HostRequest,
        LogoutReason::User,
    ];

    /// The wire form: `"idle"`, `"slept"`, `"server-revoked"`, `"other-tab"`, `"host-request"` or
    /// `"user"`.
    ///
    /// ```
    /// use inactivity_core::reason::LogoutReason;
    /// assert_eq!(LogoutReason::ServerRevoked.as_str(), "server-revoked");
    /// ```
    pub fn as_str(self) -> &'static str {
        match self {
            LogoutReason::Idle => "idle",
            LogoutReason::Slept => "slept",
            LogoutReason::ServerRevoked => "server-revoked",
            LogoutReason::OtherTab => "other-tab",
            LogoutReason::HostRequest => "host-request",
            LogoutReason::User => "user",
        }
    }

    /// The reason whose wire form is exactly `s` (case-sensitive, no surrounding space);
    /// `None` for anything else.
    ///
    /// ```
    /// use inactivity_core::reason::LogoutReason;
    /// assert_eq!(LogoutReason::parse("other-tab"), Some(LogoutReason::OtherTab));
    /// assert_eq!(LogoutReason::parse("Other-Tab"), None);
    /// ```
    pub fn parse(s: &str) -> Option<Self> {
        LogoutReason::ALL.into_iter().find(|r| r.as_str() == s)
    }

    /// Whether this tab's own logout makes the server calls (Off Queue, Offline, revoke):
    /// not when another tab logged out (that tab makes them: a tab told to log out never
    /// calls), nor when the server already revoked the token (every call would be a 401).
    ///
    /// ```
    /// use inactivity_core::reason::LogoutReason;
    /// assert!(LogoutReason::Idle.makes_calls());
    /// assert!(!LogoutReason::OtherTab.makes_calls());
    /// ```
    pub fn makes_calls(self) -> bool {
        !matches!(self, LogoutReason::OtherTab | LogoutReason::ServerRevoked)
    }
}

impl fmt::Display for LogoutReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}
