//! The server's mutable state: settings, users' presence and routing status, tokens, codes,
//! and the request log — and the enforcement of the idle timeout on tokens (DESIGN invariant 5).
//!
//! Every token has an idle deadline: its last counted API call plus the timeout the core
//! resolves for its user (none when no timeout applies). A token whose deadline has passed is
//! revoked — lazily, on its next request, and by a sweep every second — and its user goes
//! Offline and Off Queue.

use std::collections::{HashMap, VecDeque};
use std::path::PathBuf;
use std::sync::{Arc, Mutex, MutexGuard};

use axum::http::StatusCode;
use serde::Serialize;
use serde_json::Value;

use crate::clock::Clock;
use crate::demo::{self, User};
use crate::error::ApiError;
use crate::settings::{Effective, Settings, SettingsFile};
use crate::token::new_secret;

/// How long an access token lives at most, idle or not (`expires_in`).
pub const ACCESS_TOKEN_LIFETIME_SECONDS: u64 = 24 * 60 * 60;
/// How long an authorization code can be exchanged.
pub const CODE_LIFETIME_MS: u64 = 60_000;
/// How many API requests the log keeps (the oldest are dropped).
const LOG_CAPACITY: usize = 10_000;

/// A shared handle to the server's state.
#[derive(Clone)]
pub struct AppState(Arc<Shared>);

impl std::ops::Deref for AppState {
    type Target = Shared;
    fn deref(&self) -> &Shared {
        &self.0
    }
}

/// What every handler can reach.
pub struct Shared {
    /// The one clock.
    pub clock: Clock,
    /// Whether the `/__test/` controls are on.
    pub test_mode: bool,
    /// The repository root (static files are served from under it).
    pub root: PathBuf,
    /// The port the server listens on (redirect URIs must use it).
    pub port: u16,
    /// Where the settings are persisted.
    pub settings_file: SettingsFile,
    inner: Mutex<Inner>,
}

impl AppState {
    /// State with these settings.
    pub fn new(
        effective: Effective,
        settings_file: SettingsFile,
        root: PathBuf,
        port: u16,
        test_mode: bool,
    ) -> Self {
        Self(Arc::new(Shared {
            clock: Clock::new(),
            test_mode,
            root,
            port,
            settings_file,
            inner: Mutex::new(Inner::new(effective)),
        }))
    }

    /// Locks the state. Never held across an `.await`.
    pub fn lock(&self) -> MutexGuard<'_, Inner> {
        self.inner.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Revokes every token whose idle deadline has passed; returns how many.
    pub fn sweep(&self) -> usize {
        let now = self.clock.now_ms();
        self.lock().expire_due(now)
    }

    /// Validates new settings against the rules, persists them, then makes them effective.
    ///
    /// `part` is the prefix of the paths the change can break (e.g. `idleTokenTimeout`); errors
    /// elsewhere can only be a HIPAA cap that was already exceeded and is applied by resolution.
    /// On any error nothing is stored and the effective settings stay as they were.
    pub fn change_settings(
        &self,
        part: &str,
        change: impl FnOnce(&mut Settings) -> Result<(), ApiError>,
    ) -> Result<Settings, ApiError> {
        let mut inner = self.lock();
        let mut next = inner.effective.settings.clone();
        change(&mut next)?;
        let errors: Vec<_> = next
            .validate()
            .into_iter()
            .filter(|e| {
                e.path == part || e.path.starts_with(&format!("{part}.")) || e.path.is_empty()
            })
            .collect();
        if !errors.is_empty() {
            return Err(ApiError::invalid(
                format!(
                    "The settings were not saved: {} field{} broke the rules. {}",
                    errors.len(),
                    if errors.len() == 1 { "" } else { "s" },
                    errors
                        .iter()
                        .map(|e| format!("{}: {}.", e.path, e.message))
                        .collect::<Vec<_>>()
                        .join(" ")
                ),
                errors,
            ));
        }
        let effective = Effective::new(next).map_err(|errors| {
            ApiError::invalid("The settings were not saved: they broke the rules.", errors)
        })?;
        self.settings_file.save(&effective.settings).map_err(|e| {
            ApiError::internal(format!(
                "The settings were not saved: writing {} failed: {e}.",
                self.settings_file.path().display()
            ))
        })?;
        inner.effective = effective;
        Ok(inner.effective.settings.clone())
    }

    /// Back to the first-start state: default settings (persisted), everyone signed out and
    /// Offline, no codes, an empty log, the clock on system time.
    pub fn reset(&self) -> Result<(), ApiError> {
        let effective = Effective::new(Settings::default()).expect("the defaults are valid");
        self.settings_file
            .save(&effective.settings)
            .map_err(|e| ApiError::internal(format!("writing the settings failed: {e}")))?;
        self.clock.reset();
        *self.lock() = Inner::new(effective);
        Ok(())
    }
}

/// The mutable part of the state, behind one lock.
pub struct Inner {
    /// The settings in force and their compiled policy.
    pub effective: Effective,
    users: HashMap<&'static str, UserState>,
    tokens: HashMap<String, Token>,
    codes: HashMap<String, AuthCode>,
    refresh_tokens: HashMap<String, &'static str>,
    log: VecDeque<LogEntry>,
}

/// A user's presence and routing status.
#[derive(Debug, Clone)]
pub struct UserState {
    /// The presence definition id.
    pub presence_id: &'static str,
    /// When the presence last changed.
    pub presence_modified_ms: u64,
    /// The routing status (`OFF_QUEUE`, `IDLE`, …).
    pub routing_status: &'static str,
    /// When the routing status last changed.
    pub routing_start_ms: u64,
}

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
    /// When it was issued.
    pub created_ms: u64,
    /// When it expires regardless of activity.
    pub expires_ms: u64,
    /// The last counted API call (or the sign-in).
    pub last_activity_ms: u64,
    /// The idle deadline; `None` when no timeout applies to the user.
    pub idle_deadline_ms: Option<u64>,
    /// The timeout resolution in force for the deadline (serialized `Resolution`).
    pub resolution: Value,
    /// Set once the token no longer works.
    pub revoked: Option<(Revoked, u64)>,
}

/// An authorization code waiting to be exchanged.
#[derive(Debug, Clone)]
pub struct AuthCode {
    /// Who signed in.
    pub user: &'static User,
    /// The client that asked.
    pub client_id: String,
    /// The redirect URI it was issued for (the exchange must repeat it).
    pub redirect_uri: String,
    /// After this it is refused.
    pub expires_ms: u64,
}

/// The signed-in caller of an API request (a request extension).
#[derive(Debug, Clone)]
pub struct Caller {
    /// The access token.
    pub token: String,
    /// The user.
    pub user: &'static User,
}

/// One API request the server received (`GET /__test/log`).
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct LogEntry {
    /// Server clock at arrival.
    pub at_ms: u64,
    /// HTTP method.
    pub method: String,
    /// Path, without the query.
    pub path: String,
    /// The query string, if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub query: Option<String>,
    /// The signed-in user's username; `null` when the request was not authenticated.
    pub user: Option<&'static str>,
    /// The signed-in user's id.
    pub user_id: Option<&'static str>,
    /// The response status.
    pub status: u16,
    /// Whether the request counted as activity (reset the token's idle deadline).
    pub counted: bool,
    /// The exclusion entry that matched, if any.
    pub excluded_by: Option<String>,
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

fn initial_user_state(now: u64) -> UserState {
    UserState {
        presence_id: demo::presence_by_system("Offline").id,
        presence_modified_ms: now,
        routing_status: "OFF_QUEUE",
        routing_start_ms: now,
    }
}

impl Inner {
    fn new(effective: Effective) -> Self {
        Self {
            effective,
            users: demo::USERS
                .iter()
                .map(|u| (u.id, initial_user_state(0)))
                .collect(),
            tokens: HashMap::new(),
            codes: HashMap::new(),
            refresh_tokens: HashMap::new(),
            log: VecDeque::new(),
        }
    }

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
                    describe_seconds(
                        info.idle_deadline_ms
                            .unwrap_or(info.last_activity_ms)
                            .saturating_sub(info.last_activity_ms)
                            / 1000
                    )
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
        let deadline = resolution
            .timeout_seconds
            .map(|s| now + u64::from(s) * 1000);
        let resolution = serde_json::to_value(&resolution).unwrap_or(Value::Null);
        if let Some(info) = self.tokens.get_mut(token) {
            info.last_activity_ms = now;
            info.idle_deadline_ms = deadline;
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
            .get(token)
            .is_some_and(|t| t.revoked.is_none() && t.idle_deadline_ms.is_some_and(|d| d <= now));
        if due {
            self.expire(token, now);
        }
    }

    /// Revokes every live token whose idle deadline has passed; returns how many.
    pub fn expire_due(&mut self, now: u64) -> usize {
        let due: Vec<String> = self
            .tokens
            .iter()
            .filter(|(_, t)| t.revoked.is_none() && t.idle_deadline_ms.is_some_and(|d| d <= now))
            .map(|(k, _)| k.clone())
            .collect();
        for token in &due {
            self.expire(token, now);
        }
        // Forget long-dead tokens so the map does not grow without bound.
        let horizon = now.saturating_sub(ACCESS_TOKEN_LIFETIME_SECONDS * 1000);
        self.tokens.retain(|_, t| match t.revoked {
            Some((_, at)) => at >= horizon,
            None => t.expires_ms >= horizon,
        });
        // Expired codes are kept a while so that a late exchange hears "expired".
        self.codes
            .retain(|_, c| c.expires_ms + 10 * CODE_LIFETIME_MS > now);
        due.len()
    }

    /// The idle timeout passed: revoke the token; the user goes Offline and Off Queue.
    fn expire(&mut self, token: &str, now: u64) {
        let Some(info) = self.tokens.get_mut(token) else {
            return;
        };
        info.revoked = Some((Revoked::Idle, now));
        let user = info.user.id;
        let offline = demo::presence_by_system("Offline").id;
        if let Some(state) = self.users.get_mut(user) {
            if state.presence_id != offline {
                state.presence_id = offline;
                state.presence_modified_ms = now;
            }
            if state.routing_status != "OFF_QUEUE" {
                state.routing_status = "OFF_QUEUE";
                state.routing_start_ms = now;
            }
        }
    }

    /// `DELETE /api/v2/tokens/me`.
    pub fn revoke(&mut self, token: &str, now: u64) {
        if let Some(info) = self.tokens.get_mut(token) {
            info.revoked.get_or_insert((Revoked::SignedOut, now));
        }
    }

    /// Issues an access token (and a refresh token when no idle timeout applies). Signing in
    /// makes an Offline user Available.
    pub fn issue_token(&mut self, user: &'static User, client_id: &str, now: u64) -> TokenResponse {
        let access_token = new_secret();
        self.tokens.insert(
            access_token.clone(),
            Token {
                user,
                client_id: client_id.to_owned(),
                created_ms: now,
                expires_ms: now + ACCESS_TOKEN_LIFETIME_SECONDS * 1000,
                last_activity_ms: now,
                idle_deadline_ms: None,
                resolution: Value::Null,
                revoked: None,
            },
        );
        self.touch(&access_token, now);
        let offline = demo::presence_by_system("Offline").id;
        if let Some(state) = self.users.get_mut(user.id) {
            if state.presence_id == offline {
                state.presence_id = demo::presence_by_system("Available").id;
                state.presence_modified_ms = now;
            }
        }
        let refresh_token = (!self.effective.timeout_enabled()).then(|| {
            let refresh = new_secret();
            self.refresh_tokens.insert(refresh.clone(), user.id);
            refresh
        });
        TokenResponse {
            access_token,
            token_type: "bearer",
            expires_in: ACCESS_TOKEN_LIFETIME_SECONDS,
            refresh_token,
        }
    }

    /// Stores an authorization code.
    pub fn insert_code(&mut self, code: String, info: AuthCode) {
        self.codes.insert(code, info);
    }

    /// Takes an authorization code out (codes are single-use, even when the exchange fails).
    pub fn take_code(&mut self, code: &str) -> Option<AuthCode> {
        self.codes.remove(code)
    }

    /// Takes a refresh token out (refresh tokens rotate).
    pub fn take_refresh_token(&mut self, refresh: &str) -> Option<&'static User> {
        self.refresh_tokens.remove(refresh).and_then(demo::user)
    }

    /// A user's presence and routing status.
    pub fn user_state(&self, user_id: &str) -> Option<&UserState> {
        self.users.get(user_id)
    }

    /// A user's presence and routing status, to change.
    pub fn user_state_mut(&mut self, user_id: &str) -> Option<&mut UserState> {
        self.users.get_mut(user_id)
    }

    /// Appends to the request log.
    pub fn log(&mut self, entry: LogEntry) {
        if self.log.len() == LOG_CAPACITY {
            self.log.pop_front();
        }
        self.log.push_back(entry);
    }

    /// Empties the request log.
    pub fn clear_log(&mut self) {
        self.log.clear();
    }

    /// The request log, oldest first.
    pub fn log_entries(&self) -> impl Iterator<Item = &LogEntry> {
        self.log.iter()
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
