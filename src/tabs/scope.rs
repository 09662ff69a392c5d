//! The names of a session's shared browser state: the channel, the storage keys and the lock.

#![deny(
    clippy::arithmetic_side_effects,
    clippy::indexing_slicing,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic
)]

use alloc::string::String;

use crate::text::{concat, push_hex};

/// The first part of every name this crate uses in shared browser state.
pub const NAMESPACE: &str = "inactivity-timeout";

/// The suffixes of the storage keys of a scope.
const KEY_SUFFIXES: [&str; 3] = [":last-activity", ":logout", ":message"];
/// The names of the shared browser state of one session: per origin (implicit: browsers scope
/// all of it by origin), per platform API, per user and — with [`Scope::with_session`] — per
/// access token.
///
/// ```
/// use inactivity_core::tabs::Scope;
/// let scope = Scope::new("user:1", "");
/// assert_eq!(scope.channel(), "inactivity-timeout:v1:user%3A1");
/// assert_eq!(scope.last_activity_key(), "inactivity-timeout:v1:user%3A1:last-activity");
/// let other_api = Scope::new("user:1", "https://api.example.com");
/// assert_eq!(other_api.channel(), "inactivity-timeout:v1:user%3A1@https%3A%2F%2Fapi.example.com");
/// let session = Scope::new("user:1", "").with_session("a-token");
/// assert_eq!(session.channel(), "inactivity-timeout:v1:user%3A1#ad41923eefb1ec90");
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Scope {
    prefix: String,
}

impl Scope {
    /// The scope of `user_id` on the platform API at `api_root` (`""`: the same origin).
    /// Both are percent-encoded, so no value can reach into another scope's names.
    pub fn new(user_id: &str, api_root: &str) -> Scope {
        let mut prefix = concat(&[NAMESPACE, ":v1:"]);
        encode_component(user_id, &mut prefix);
        if !api_root.is_empty() {
            prefix.push('@');
            encode_component(api_root, &mut prefix);
        }
        Scope { prefix }
    }

    /// The same scope, narrowed to the tabs that hold `access_token` (its 64-bit FNV-1a
    /// fingerprint, never the token itself). An empty token changes nothing.
    #[must_use]
    pub fn with_session(mut self, access_token: &str) -> Scope {
        if !access_token.is_empty() {
            self.prefix.push('#');
            push_hex(&mut self.prefix, fingerprint(access_token), 16, false);
        }
        self
    }

    /// The part every name of this scope starts with.
    pub fn prefix(&self) -> &str {
        &self.prefix
    }

    /// The `BroadcastChannel` name.
    pub fn channel(&self) -> String {
        self.prefix.clone()
    }

    /// The `localStorage` key of the shared last activity (decimal ms since the epoch).
    pub fn last_activity_key(&self) -> String {
        concat(&[&self.prefix, ":last-activity"])
    }

    /// The `localStorage` key of the [`LogoutRecord`](super::LogoutRecord).
    pub fn logout_key(&self) -> String {
        concat(&[&self.prefix, ":logout"])
    }

    /// The `localStorage` key that carries messages by `storage` events where
    /// `BroadcastChannel` is missing.
    pub fn message_key(&self) -> String {
        concat(&[&self.prefix, ":message"])
    }

    /// The Web Lock the tabs that log out queue on.
    pub fn lock_name(&self) -> String {
        concat(&[&self.prefix, ":logout"])
    }
}

/// The 64-bit FNV-1a hash of `text`: tells sessions apart without putting a token in a name.
fn fingerprint(text: &str) -> u64 {
    text.bytes().fold(0xcbf2_9ce4_8422_2325, |hash, b| {
        (hash ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    })
}

/// The scope prefix of a storage key this crate writes (any scope, any version-1 key), or
/// `None` for any other key.
///
/// ```
/// use inactivity_core::tabs::scope_of_key;
/// assert_eq!(scope_of_key("inactivity-timeout:v1:u1#0a:logout"), Some("inactivity-timeout:v1:u1#0a"));
/// assert_eq!(scope_of_key("inactivity-timeout:v1:u1:other"), None);
/// assert_eq!(scope_of_key("someone-else:logout"), None);
/// ```
pub fn scope_of_key(key: &str) -> Option<&str> {
    let head = concat(&[NAMESPACE, ":v1:"]);
    if !key.starts_with(&head) {
        return None;
    }
    KEY_SUFFIXES
        .iter()
        .find_map(|suffix| key.strip_suffix(suffix))
        .filter(|prefix| prefix.len() > head.len())
}

fn encode_component(value: &str, out: &mut String) {
    for b in value.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
            out.push(char::from(b));
        } else {
            out.push('%');
            push_hex(out, u64::from(b), 2, true);
        }
    }
}
