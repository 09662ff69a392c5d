//! The settings a tab enforces, in one place: pending (the 15-minute fallback applies), loaded,
//! or failed (the fallback keeps applying, and `explain()` says why).

#![deny(
    clippy::arithmetic_side_effects,
    clippy::indexing_slicing,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic
)]

use alloc::{string::String, vec::Vec};

use crate::json::Value;
use crate::policy::{resolve, Policy, ReadError, Resolution};
use crate::text::{concat, dec};

/// Until the settings are known (fetched, or failed to load), the HIPAA default applies: the
/// timeout is still enforced (fail closed), and an active user is never logged out by it.
pub const FALLBACK_TIMEOUT_MS: u64 = 15 * 60 * 1000;

/// The signed-in user: the id (routing status, presence, the session's names) and the group ids
/// (bundles).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct User {
    /// The platform user id.
    pub id: String,
    /// The ids of the user's groups.
    pub groups: Vec<String>,
}

impl User {
    /// `{ id, groups }` as the app gives it, or `users/me?expand=groups` as the platform answers
    /// (`groups` of strings, or of objects with an `id`). `None` without a non-empty id.
    pub fn read(value: &Value) -> Option<User> {
        let id = value
            .get("id")?
            .as_str()
            .filter(|id| !id.trim().is_empty())?;
        let groups = value
            .get("groups")
            .and_then(Value::as_array)
            .unwrap_or_default()
            .iter()
            .filter_map(|g| g.as_str().or_else(|| g.get("id")?.as_str()))
            .map(String::from)
            .collect();
        Some(User {
            id: String::from(id),
            groups,
        })
    }
}

/// The platform answers the settings are made of.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Part {
    /// `GET /api/v2/tokens/timeout`: `idleTokenTimeout`.
    Timeout,
    /// `GET /api/v2/organizations/authentication/settings`: `authSettings`.
    Auth,
    /// `GET /api/v2/organizations/me`: `features.hipaa`.
    Organization,
    /// `GET /api/v2/users/me?expand=groups`: the user.
    User,
}

impl Part {
    /// The path of the call that answers it.
    pub fn path(self) -> &'static str {
        match self {
            Part::Timeout => "/api/v2/tokens/timeout",
            Part::Auth => "/api/v2/organizations/authentication/settings",
            Part::Organization => "/api/v2/organizations/me",
            Part::User => "/api/v2/users/me?expand=groups",
        }
    }
}

/// What is being loaded, and what came back so far.
#[derive(Debug, Clone, Default)]
pub struct Loading {
    policy: Option<Policy>,
    timeout: Option<Value>,
    auth: Option<Value>,
    organization: Option<Value>,
    user: Option<User>,
    waiting: Vec<Part>,
    problem: Option<String>,
}

/// The settings a tab enforces.
#[derive(Debug, Clone)]
pub enum Settings {
    /// Being loaded: the fallback applies.
    Pending(Loading),
    /// Known: `resolution` applies.
    Loaded {
        /// The settings.
        policy: Policy,
        /// The user's timeout under them.
        resolution: Resolution,
    },
    /// Could not be loaded or used (why): the fallback keeps applying.
    Failed(String),
}

/// The sentence for a policy the reader refused, `head` naming where it came from.
pub fn refusal(head: &str, error: &ReadError) -> String {
    let mut message = concat(&[head, " is not a valid policy: ", error.code]);
    if !error.path.is_empty() {
        message.push_str(" at ");
        message.push_str(&error.path);
    }
    message.push_str("; validatePolicy from \"inactivity-timeout/admin\" explains each error");
    message
}

impl Settings {
    /// The settings of a tab given `policy` (already read) and `user` by the app: loaded when
    /// both are known, else pending, with the calls to make.
    pub fn start(policy: Option<Policy>, user: Option<&User>) -> (Settings, Vec<Part>) {
        match (policy, user) {
            (Some(policy), Some(user)) => {
                let resolution = resolve(&policy, &user.groups);
                (Settings::Loaded { policy, resolution }, Vec::new())
            }
            (policy, user) => {
                let mut waiting = Vec::new();
                if policy.is_none() {
                    waiting.extend([Part::Timeout, Part::Auth, Part::Organization]);
                }
                if user.is_none() {
                    waiting.push(Part::User);
                }
                let loading = Loading {
                    policy,
                    user: user.cloned(),
                    waiting: waiting.clone(),
                    ..Loading::default()
                };
                (Settings::Pending(loading), waiting)
            }
        }
    }

    /// The idle timeout in force: the resolution's once loaded, the 15-minute fallback
    /// otherwise; `None` when no timeout applies to this user.
    pub fn timeout_ms(&self) -> Option<u64> {
        match self {
            Settings::Loaded { resolution, .. } => resolution
                .timeout_seconds
                .map(|s| u64::from(s).saturating_mul(1000)),
            _ => Some(FALLBACK_TIMEOUT_MS),
        }
    }

    /// The settings, once loaded.
    pub fn policy(&self) -> Option<&Policy> {
        match self {
            Settings::Loaded { policy, .. } => Some(policy),
            _ => None,
        }
    }

    /// One part came back: its JSON body when answered 2xx (`None`: failed, with the status
    /// when there was one). Returns the user when this answer made it known. Once every part
    /// came back, the settings are loaded or failed.
    pub fn answer(&mut self, part: Part, body: Option<Value>, status: Option<u16>) -> Option<User> {
        let Settings::Pending(loading) = self else {
            return None;
        };
        loading.waiting.retain(|&p| p != part);
        let mut learnt = None;
        match body {
            None => {
                let mut why = concat(&["GET ", part.path()]);
                match status {
                    Some(status) => {
                        why.push_str(" answered ");
                        why.push_str(&dec(u64::from(status)));
                    }
                    None => why.push_str(" failed"),
                }
                loading.problem.get_or_insert(why);
            }
            Some(body) => match part {
                Part::Timeout => loading.timeout = Some(body),
                Part::Auth => loading.auth = Some(body),
                Part::Organization => loading.organization = Some(body),
                Part::User => match User::read(&body) {
                    Some(user) => {
                        learnt = Some(user.clone());
                        loading.user = Some(user);
                    }
                    None => {
                        loading
                            .problem
                            .get_or_insert_with(|| String::from("users/me has no id"));
                    }
                },
            },
        }
        if loading.waiting.is_empty() {
            let loading = core::mem::take(loading);
            *self = loading.finish();
        }
        learnt
    }

    /// Whether settings are still being loaded.
    pub fn pending(&self) -> bool {
        matches!(self, Settings::Pending(_))
    }
}

impl Loading {
    /// Everything came back: the settings, or why not.
    fn finish(self) -> Settings {
        if let Some(problem) = self.problem {
            return Settings::Failed(problem);
        }
        let policy = match self.policy {
            Some(policy) => policy,
            None => {
                let hipaa = self
                    .organization
                    .as_ref()
                    .and_then(|o| o.get("features")?.get("hipaa")?.as_bool())
                    .unwrap_or(false);
                let mut members = Vec::with_capacity(3);
                if let Some(timeout) = self.timeout {
                    members.push((String::from("idleTokenTimeout"), timeout));
                }
                if let Some(auth) = self.auth {
                    members.push((String::from("authSettings"), auth));
                }
                members.push((String::from("hipaa"), Value::Bool(hipaa)));
                match Policy::read(&Value::Object(members)) {
                    Ok(policy) => policy,
                    Err(error) => {
                        return Settings::Failed(refusal("the organization's settings", &error))
                    }
                }
            }
        };
        match self.user {
            Some(user) => {
                let resolution = resolve(&policy, &user.groups);
                Settings::Loaded { policy, resolution }
            }
            None => Settings::Failed(String::from("the user is not known")),
        }
    }
}
