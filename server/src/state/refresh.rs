//! Refresh tokens, issued only while no idle timeout applies to the organization (a refresh
//! token would let a client sign in again without the user: the very thing the timeout stops).
//!
//! Each one is bound to the client it was issued to (`client_id` at the token endpoint must be
//! the same), lives [`REFRESH_TOKEN_LIFETIME_MS`] at most, and is used once (the refresh grant
//! issues a new one); a failed use spends it too. When the admin turns a timeout on (org-wide,
//! group bundles or HIPAA), every refresh token is revoked, so turning it off again later does
//! not bring them back.

use std::collections::HashMap;

use crate::demo::User;

/// How long a refresh token can be used: a week.
pub const REFRESH_TOKEN_LIFETIME_MS: u64 = 7 * 24 * 60 * 60 * 1000;

/// How long an expired refresh token is still recognized (to say it expired).
const KEEP_EXPIRED_MS: u64 = 24 * 60 * 60 * 1000;

/// Why a refresh token was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RefreshRefused {
    /// Never issued, already used, or revoked.
    Unknown,
    /// Issued to another client.
    OtherClient,
    /// Past its lifetime.
    Expired,
}

impl RefreshRefused {
    /// The sentence for the token endpoint's `invalid_grant`.
    pub fn message(self) -> &'static str {
        match self {
            RefreshRefused::Unknown => {
                "The refresh token is not valid (never issued, already used, or revoked when the inactivity timeout was turned on); sign in again."
            }
            RefreshRefused::OtherClient => {
                "The refresh token was issued to another client_id; it is revoked; sign in again."
            }
            RefreshRefused::Expired => "The refresh token has expired; sign in again.",
        }
    }
}

#[derive(Debug, Clone)]
struct Issued {
    user: &'static User,
    client_id: String,
    expires_ms: u64,
}

/// The live refresh tokens.
#[derive(Debug, Default)]
pub struct RefreshTokens {
    live: HashMap<String, Issued>,
}

impl RefreshTokens {
    /// Keeps `secret` as a refresh token of `user` for `client_id`, from `now`.
    pub fn issue(&mut self, secret: String, user: &'static User, client_id: &str, now: u64) {
        self.live.insert(
            secret,
            Issued {
                user,
                client_id: client_id.to_owned(),
                expires_ms: now.saturating_add(REFRESH_TOKEN_LIFETIME_MS),
            },
        );
    }

    /// Uses a refresh token up (whatever the answer) and returns its user, if `client_id` may.
    pub fn take(
        &mut self,
        secret: &str,
        client_id: &str,
        now: u64,
    ) -> Result<&'static User, RefreshRefused> {
        let issued = self.live.remove(secret).ok_or(RefreshRefused::Unknown)?;
        if issued.client_id != client_id {
            Err(RefreshRefused::OtherClient)
        } else if now >= issued.expires_ms {
            Err(RefreshRefused::Expired)
        } else {
            Ok(issued.user)
        }
    }

    /// Revokes every refresh token (a timeout was turned on).
    pub fn revoke_all(&mut self) {
        self.live = HashMap::new();
    }

    /// Forgets the ones that expired a day ago or more (until then a late use hears "expired").
    pub fn forget_expired(&mut self, now: u64) {
        self.live
            .retain(|_, r| now < r.expires_ms.saturating_add(KEEP_EXPIRED_MS));
    }
}
