//! Access tokens and the enforcement of the idle timeout on them (ARCHITECTURE.md, invariant 5:
//! the server enforces too).
//!
//! Every token has an idle deadline, kept by a [`SessionIdle`] (the core's idle machine): its
//! last counted API call plus the timeout the core resolves for its user (none when no timeout
//! applies). A token whose deadline has passed is revoked — lazily, on its next request, and by
//! a sweep every second.
//!
//! **Who goes Offline and Off Queue.** A user may be signed in on several devices, each with a
//! token of its own. When a token ends — its deadline passed, or `DELETE /api/v2/tokens/me` — its
//! user is set Offline and Off Queue unless another token of theirs is still live: not revoked,
//! not expired, and used within its own timeout (its idle deadline has not passed). So the last
//! token to end signs the user out at the server, whether or not its client could make the
//! calls, and the user working on another device stays as they are.

use std::collections::HashSet;

use axum::http::StatusCode;
use serde::Serialize;
use serde_json::Value;

use super::{Caller, Inner, ACCESS_TOKEN_LIFETIME_SECONDS, CODE_LIFETIME_MS};
use crate::demo::{self, User};
use crate::error::ApiError;
use crate::idle::SessionIdle;
use crate::preview::SessionId;
use crate::token::new_secret;

/// Why a token stopped working.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Revoked {
    /// Its idle deadline passed.
    Idle,
    /// `DELETE /api/v2/tokens/me`.
    SignedOut,
}

/// An issued access token.
#[derive(Debug, Clone)]
pub struct Token {
    /// The signed-in user.
    pub user: &'static User,
    /// The OAuth client that obtained it.
    pub client_id: String,
    /// Its session in the preview's history.
    pub session: SessionId,
    /// When it was issued.
    pub created_ms: u64,
    /// When it expires regardless of activity.
    pub expires_ms: u64,
    /// Its idle deadline: the last counted API call (or the sign-in) plus the timeout.
    pub idle: SessionIdle,
    /// The timeout resolution in force for the deadline (serialized `Resolution`).
    pub resolution: Value,
    /// Set once the token no longer works.
    pub revoked: Option<(Revoked, u64)>,
}

impl Token {
    /// The idle deadline; `None` when no timeout applies to the user.
    pub fn idle_deadline_ms(&self) -> Option<u64> {
        self.idle.deadline_ms()
    }
}

/// The token endpoint's answer.
#[derive(Debug, Clone, Serialize)]
pub struct TokenResponse {
    /// The bearer token.
    pub access_token: String,
    /// Always `"bearer"`.
    pub token_type: &'static str,
    /// Seconds until the token expires regardless of activity.
    pub expires_in: u64,
    /// Only when no idle timeout applies to the organization.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub refresh_token: Option<String>,
}

impl Inner {
    /// The caller of a request with this `Authorization` header value, or the 401 to answer.
    /// A token whose idle deadline has passed is revoked here (with its side effects).
    pub fn authenticate(
        &mut self,
        authorization: Option<&str>,
        now: u64,
    ) -> Result<Caller, ApiError> {
        let unauthorized =
            |code, message: &str| ApiError::new(StatusCode::UNAUTHORIZED, code, message.to_owned());
        let Some(header) = authorization else {
            return Err(unauthorized(
                "authentication.required",
                "No authentication bearer token specified in the Authorization header; sign in and send \"Authorization: Bearer <token>\".",
            ));
        };
        let Some(token) = bearer(header) else {
            return Err(unauthorized(
                "authentication.required",
                "The Authorization header must be \"Bearer <token>\".",
            ));
        };
        self.expire_if_due(token, now);
        let Some(info) = self.tokens.get(token) else {
            return Err(unauthorized(
                "bad.credentials",
                "The access token is not valid; sign in again.",
            ));
        };
        match info.revoked {
            Some((Revoked::Idle, _)) => Err(unauthorized(
                "bad.credentials",
                &format!(
                    "The access token was revoked after {} of inactivity; sign in again.",
                    describe_seconds(info.idle.timeout_ms().unwrap_or(0) / 1000)
                ),
            )),
            Some((Revoked::SignedOut, _)) => Err(unauthorized(
                "bad.credentials",
                "The access token was revoked (signed out); sign in again.",
            )),
            None if now >= info.expires_ms => Err(unauthorized(
                "bad.credentials",
                "The access token has expired; sign in again.",
            )),
            None => Ok(Caller {
                token: token.to_owned(),
                session: info.session,
                user: info.user,
            }),
        }
    }

    /// Records activity on a token: its idle deadline moves to now + the user's timeout, as
    /// resolved from the settings in force now.
    pub fn touch(&mut self, token: &str, now: u64) {
        let Some(user) = self.tokens.get(token).map(|t| t.user) else {
            return;
        };
        let groups: Vec<String> = user.groups.iter().map(|g| (*g).to_owned()).collect();
        let resolution = self.effective.resolve(&groups);
        let timeout = resolution.timeout_seconds;
        let resolution = serde_json::to_value(&resolution).unwrap_or(Value::Null);
        if let Some(info) = self.tokens.get_mut(token) {
            info.idle.activity(timeout, now);
            info.resolution = resolution;
        }
    }

    /// The token's record.
    pub fn token(&self, token: &str) -> Option<&Token> {
        self.tokens.get(token)
    }

    fn expire_if_due(&mut self, token: &str, now: u64) {
        let due = self
            .tokens
            .get_mut(token)
            .is_some_and(|t| t.revoked.is_none() && t.idle.expired(now));
        if due {
            self.expire(token, now);
        }
    }

    /// Revokes every live token whose idle deadline has passed; returns how many.
    pub fn expire_due(&mut self, now: u64) -> usize {
        let due: Vec<String> = self
            .tokens
            .iter_mut()
            .filter(|(_, t)| t.revoked.is_none())
            .filter_map(|(k, t)| t.idle.expired(now).then(|| k.clone()))
            .collect();
        // All revoked first, then one pass for the users still live: a sweep that ends many
        // tokens at once stays linear in the tokens.
        let mut users = Vec::new();
        for token in &due {
            if let Some(user) = self.mark_ended(token, Revoked::Idle, now) {
                users.push(user);
            }
        }
        let live = self.users_with_a_live_token(now);
        for user in users {
            if !live.contains(user) {
                self.sign_out_user(user, now);
            }
        }
        // Forget long-dead tokens so the map does not grow without bound.
        let horizon = now.saturating_sub(ACCESS_TOKEN_LIFETIME_SECONDS * 1000);
        self.tokens.retain(|_, t| match t.revoked {
            Some((_, at)) => at >= horizon,
            None => t.expires_ms >= horizon,
        });
        // Expired codes are kept a while so that a late exchange hears "expired".
        self.codes
            .retain(|_, c| c.expires_ms.saturating_add(10 * CODE_LIFETIME_MS) > now);
        due.len()
    }

    /// The idle timeout passed: revoke the token; its user goes Offline and Off Queue unless
    /// another of their tokens is live (see the module docs).
    fn expire(&mut self, token: &str, now: u64) {
        self.end(token, Revoked::Idle, now);
    }

    /// `DELETE /api/v2/tokens/me`: revoke the token; its user goes Offline and Off Queue unless
    /// another of their tokens is live (see the module docs).
    pub fn revoke(&mut self, token: &str, now: u64) {
        self.end(token, Revoked::SignedOut, now);
    }

    fn end(&mut self, token: &str, why: Revoked, now: u64) {
        if let Some(user) = self.mark_ended(token, why, now) {
            if !self.users_with_a_live_token(now).contains(user) {
                self.sign_out_user(user, now);
            }
        }
    }

    /// Revokes a live token (its session ends in the history); its user, or `None` when the
    /// token is unknown or was revoked already.
    fn mark_ended(&mut self, token: &str, why: Revoked, now: u64) -> Option<&'static str> {
        let info = self.tokens.get_mut(token)?;
        if info.revoked.is_some() {
            return None;
        }
        info.revoked = Some((why, now));
        let (user, session) = (info.user.id, info.session);
        self.history.end_session(session, now);
        Some(user)
    }

    /// The users with a live token at `now`: not revoked, not expired, its idle deadline not
    /// passed.
    fn users_with_a_live_token(&mut self, now: u64) -> HashSet<&'static str> {
        self.tokens
            .values_mut()
            .filter_map(|t| {
                let live = t.revoked.is_none() && now < t.expires_ms && !t.idle.expired(now);
                live.then_some(t.user.id)
            })
            .collect()
    }

    /// The user goes Offline and Off Queue.
    fn sign_out_user(&mut self, user_id: &'static str, now: u64) {
        let offline = demo::presence_by_system("Offline").id;
        if let Some(state) = self.users.get_mut(user_id) {
            if state.presence_id != offline {
                state.presence_id = offline;
                state.presence_modified_ms = now;
            }
        }
        self.set_routing_status(user_id, "OFF_QUEUE", now);
    }

    /// Issues an access token (and a refresh token when no idle timeout applies). Signing in
    /// makes an Offline user Available.
    pub fn issue_token(&mut self, user: &'static User, client_id: &str, now: u64) -> TokenResponse {
        let access_token = new_secret();
        let session = SessionId(self.next_session);
        self.next_session += 1;
        let expires_ms = now.saturating_add(ACCESS_TOKEN_LIFETIME_SECONDS * 1000);
        self.tokens.insert(
            access_token.clone(),
            Token {
                user,
                client_id: client_id.to_owned(),
                session,
                created_ms: now,
                expires_ms,
                idle: SessionIdle::start(None, now),
                resolution: Value::Null,
                revoked: None,
            },
        );
        self.touch(&access_token, now);
        if let Some(session_user) = self.session_users.get(user.id).cloned() {
            let on_queue = self.users.get(user.id).is_some_and(|s| s.on_queue());
            self.history
                .start_session(session, session_user, on_queue, now, expires_ms);
        }
        let offline = demo::presence_by_system("Offline").id;
        if let Some(state) = self.users.get_mut(user.id) {
            if state.presence_id == offline {
                state.presence_id = demo::presence_by_system("Available").id;
                state.presence_modified_ms = now;
            }
        }
        let refresh_token = (!self.effective.timeout_enabled()).then(|| {
            let refresh = new_secret();
            self.refresh_tokens
                .issue(refresh.clone(), user, client_id, now);
            refresh
        });
        TokenResponse {
            access_token,
            token_type: "bearer",
            expires_in: ACCESS_TOKEN_LIFETIME_SECONDS,
            refresh_token,
        }
    }
}

/// The token of an `Authorization: Bearer <token>` header value.
pub fn bearer(header: &str) -> Option<&str> {
    match header.trim().split_once(' ') {
        Some((scheme, token))
            if scheme.eq_ignore_ascii_case("bearer") && !token.trim().is_empty() =>
        {
            Some(token.trim())
        }
        _ => None,
    }
}

/// "10 minutes", "90 seconds", "2 hours".
fn describe_seconds(s: u64) -> String {
    let plural = |n: u64, unit: &str| format!("{n} {unit}{}", if n == 1 { "" } else { "s" });
    if s >= 3600 && s % 3600 == 0 {
        plural(s / 3600, "hour")
    } else if s >= 60 && s % 60 == 0 {
        plural(s / 60, "minute")
    } else {
        plural(s, "second")
    }
}
