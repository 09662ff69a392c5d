//! The server's mutable state: settings, users' presence and routing status, tokens, codes,
//! the request log and the preview's history — and the enforcement of the idle timeout on
//! tokens (`state/tokens.rs`).

mod log;
mod refresh;
mod tokens;

use std::collections::HashMap;
use std::net::IpAddr;
use std::path::PathBuf;
use std::sync::{Arc, Mutex, MutexGuard};

use crate::clients::Clients;
use crate::clock::Clock;
use crate::demo::{self, User};
use crate::error::ApiError;
use crate::pkce::Challenge;
use crate::preview::{History, HistoryLimits, ReplayGate, SessionId, SessionUser, Templates};
use crate::settings::{Effective, Settings, SettingsFile};

pub use log::{capped, LogEntry, RequestLog, LOG_FIELD_MAX_BYTES, LOG_MAX_BYTES, LOG_MAX_ENTRIES};
pub use refresh::{RefreshRefused, REFRESH_TOKEN_LIFETIME_MS};
pub use tokens::{bearer, Revoked, Token, TokenResponse};

/// How long an access token lives at most, idle or not (`expires_in`).
pub const ACCESS_TOKEN_LIFETIME_SECONDS: u64 = 24 * 60 * 60;
/// How long an authorization code can be exchanged.
pub const CODE_LIFETIME_MS: u64 = 60_000;

/// Where and how the server is reached: what the handlers need of the command line.
#[derive(Debug, Clone)]
pub struct Site {
    /// The repository root.
    pub root: PathBuf,
    /// The address bound (`--host`).
    pub host: IpAddr,
    /// The port listened on.
    pub port: u16,
    /// Whether the `/__test/` controls are on.
    pub test_mode: bool,
    /// The OAuth clients.
    pub clients: Clients,
    /// The origins that may frame the agent client.
    pub frame_ancestors: Vec<String>,
}

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
    /// The address bound (`--host`): requests may name it (`host.rs`).
    pub host: IpAddr,
    /// The port the server listens on (redirect URIs must use it).
    pub port: u16,
    /// The OAuth clients and their redirect URIs.
    pub clients: Clients,
    /// The origins that may frame the pages that may be framed (the agent client).
    pub frame_ancestors: Vec<String>,
    /// Where the settings are persisted.
    pub settings_file: SettingsFile,
    /// The API catalog's templates, as loaded (a reset starts the history from these).
    templates: Templates,
    /// Previews replay one at a time.
    pub replays: ReplayGate,
    inner: Mutex<Inner>,
}

impl AppState {
    /// State with these settings; the preview's history numbers calls by `templates`.
    pub fn new(
        effective: Effective,
        settings_file: SettingsFile,
        templates: Templates,
        site: Site,
    ) -> Self {
        let Site {
            root,
            host,
            port,
            test_mode,
            clients,
            frame_ancestors,
        } = site;
        Self(Arc::new(Shared {
            clock: Clock::new(),
            test_mode,
            root,
            host,
            port,
            clients,
            frame_ancestors,
            settings_file,
            inner: Mutex::new(Inner::new(effective, templates.clone(), test_mode)),
            templates,
            replays: ReplayGate::new(),
        }))
    }

    /// Locks the state. Never held across an `.await`.
    pub fn lock(&self) -> MutexGuard<'_, Inner> {
        self.inner.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Revokes every token whose idle deadline has passed (returns how many), forgets the
    /// history older than a day and the expired refresh tokens.
    pub fn sweep(&self) -> usize {
        let now = self.clock.now_ms();
        let mut inner = self.lock();
        inner.history.forget_old(now);
        inner.refresh_tokens.forget_expired(now);
        inner.expire_due(now)
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
            return Err(ApiError::rules_broken(
                "The settings were not saved",
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
        if inner.effective.timeout_enabled() {
            // A timeout now applies: no client may sign in again without the user.
            inner.refresh_tokens.revoke_all();
        }
        Ok(inner.effective.settings.clone())
    }

    /// Back to the first-start state: default settings (persisted), everyone signed out and
    /// Offline, no codes, an empty log and history, the clock on system time.
    pub fn reset(&self) -> Result<(), ApiError> {
        let effective = Effective::new(Settings::default()).expect("the defaults are valid");
        self.settings_file
            .save(&effective.settings)
            .map_err(|e| ApiError::internal(format!("writing the settings failed: {e}")))?;
        self.clock.reset();
        *self.lock() = Inner::new(effective, self.templates.clone(), self.test_mode);
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
    refresh_tokens: refresh::RefreshTokens,
    log: RequestLog,
    history: History,
    /// The number of the next session (access token) in the history.
    next_session: u64,
    /// The demo users as the history sees them.
    session_users: HashMap<&'static str, Arc<SessionUser>>,
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

impl UserState {
    /// Any routing status other than `OFF_QUEUE` is On Queue.
    pub fn on_queue(&self) -> bool {
        self.routing_status != "OFF_QUEUE"
    }
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
    /// The PKCE challenge of the authorization request, if it sent one (the exchange must
    /// then send the verifier).
    pub challenge: Option<Challenge>,
    /// After this it is refused.
    pub expires_ms: u64,
}

/// The signed-in caller of an API request (a request extension).
#[derive(Debug, Clone)]
pub struct Caller {
    /// The access token.
    pub token: String,
    /// The token's session in the preview's history.
    pub session: SessionId,
    /// The user.
    pub user: &'static User,
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
    fn new(effective: Effective, templates: Templates, test_mode: bool) -> Self {
        Self {
            effective,
            users: demo::USERS
                .iter()
                .map(|u| (u.id, initial_user_state(0)))
                .collect(),
            tokens: HashMap::new(),
            codes: HashMap::new(),
            refresh_tokens: refresh::RefreshTokens::default(),
            log: RequestLog::new(test_mode),
            history: History::new(templates, HistoryLimits::default()),
            next_session: 1,
            session_users: demo::USERS
                .iter()
                .map(|u| {
                    let user = SessionUser {
                        id: u.id.to_owned(),
                        groups: u.groups.iter().map(|g| (*g).to_owned()).collect(),
                    };
                    (u.id, Arc::new(user))
                })
                .collect(),
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

    /// Uses a refresh token up (refresh tokens rotate; a refused one is spent too): its user,
    /// when it was issued to `client_id` and has not expired.
    pub fn take_refresh_token(
        &mut self,
        refresh: &str,
        client_id: &str,
        now: u64,
    ) -> Result<&'static User, RefreshRefused> {
        self.refresh_tokens.take(refresh, client_id, now)
    }

    /// A user's presence and routing status.
    pub fn user_state(&self, user_id: &str) -> Option<&UserState> {
        self.users.get(user_id)
    }

    /// A user's presence and routing status, to change. The routing status changes through
    /// [`Inner::set_routing_status`] (the preview's history records it).
    pub fn user_state_mut(&mut self, user_id: &str) -> Option<&mut UserState> {
        self.users.get_mut(user_id)
    }

    /// Sets a user's routing status (`OFF_QUEUE`, `IDLE`, …) at `now`; a change is recorded in
    /// the preview's history.
    pub fn set_routing_status(&mut self, user_id: &str, status: &'static str, now: u64) {
        let Some(state) = self.users.get_mut(user_id) else {
            return;
        };
        if state.routing_status != status {
            state.routing_status = status;
            state.routing_start_ms = now;
            let on_queue = state.on_queue();
            self.history.routing_changed(user_id, on_queue, now);
        }
    }

    /// The preview's history.
    pub fn history(&self) -> &History {
        &self.history
    }

    /// Records an API call of a session in the preview's history.
    pub fn record_call(&mut self, session: SessionId, path: &str, now: u64) {
        self.history.record_call(session, path, now);
    }

    /// Appends to the request log (kept with `--test` only, bounded: `state/log.rs`).
    pub fn log(&mut self, entry: LogEntry) {
        self.log.push(entry);
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
