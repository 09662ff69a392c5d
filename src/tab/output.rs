//! What a [`Tab`](super::Tab) asks its driver to do: [`Output`], a closed set of instructions,
//! and their wire form for a driver in another language ([`Output::encode`]).

#![deny(
    clippy::arithmetic_side_effects,
    clippy::indexing_slicing,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic
)]

use alloc::{string::String, vec::Vec};

use crate::reason::LogoutReason;
use crate::text::{push_dec, push_json_string};

/// The number of a call of the tracker's own; its answer comes back with it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct CallId(pub u32);

/// A call of the tracker's own to the platform API. The driver makes it with the native
/// `fetch` (never seen by the interception, so never counted by the tracker): `keepalive` (it
/// survives the navigation to the login page), the `Authorization: Bearer` token from the app's
/// `accessToken()`, a JSON body when there is one. It waits for the answer at most `bound_ms` of
/// elapsed time — the wait ends, never the request — and reports it with
/// [`Tab::handle_answer`](super::Tab::handle_answer).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OwnCall {
    /// Its number.
    pub id: CallId,
    /// The HTTP method.
    pub method: &'static str,
    /// The full URL: the API root and the path.
    pub url: String,
    /// The JSON body, if any.
    pub body: Option<String>,
    /// How long to wait for the answer.
    pub bound_ms: u64,
}

/// How the tabs of a session reach each other, as the tab decided from what the page has.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LinkSpec {
    /// Listen and post on this `BroadcastChannel`; `None`: not this way.
    pub channel: Option<String>,
    /// Without a channel: post by writing this `localStorage` key, listen to its `storage`
    /// events; `None`: not this way.
    pub message_key: Option<String>,
    /// The `localStorage` key of the shared last activity (read before every wake-up).
    pub last_activity_key: String,
    /// The `localStorage` key of the logout record (read before every wake-up).
    pub logout_key: String,
}

/// An app hook the tab awaits during a logout, for at most its bound; the driver reports its
/// end with [`Tab::handle_hook_done`](super::Tab::handle_hook_done).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Hook {
    /// `beforeLogout(reason)`.
    BeforeLogout,
    /// `clearTokens(reason)`.
    ClearTokens,
}

/// What the app and the embedding page hear.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Notice {
    /// `onWarning(remainingMs)`.
    Warning(u64),
    /// `onWarningCleared()`.
    WarningCleared,
    /// `onLogout(reason)`.
    Logout(LogoutReason),
    /// `onActivity(entry)`: the ledger entry of a counted call, as JSON.
    Activity(String),
}

/// One instruction for the driver; see [`Tab::poll`](super::Tab::poll).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Output {
    /// Make this call.
    Call(OwnCall),
    /// Read the app's access token now (`accessToken()`, `""` when none) and hand it to
    /// [`Tab::handle_token`](super::Tab::handle_token) before anything else: it names the session.
    ReadToken,
    /// Open the link to the other tabs.
    OpenLink(LinkSpec),
    /// Post this message to the other tabs (on the channel, or by the message key).
    Broadcast(String),
    /// Store `at_ms` as the session's last activity under `key`, unless what is stored says
    /// otherwise: the driver asks [`replaces_stored`](crate::tabs::replaces_stored) with the
    /// stored text.
    StoreLastActivity {
        /// The key.
        key: String,
        /// The time.
        at_ms: u64,
    },
    /// `localStorage.setItem(key, value)`.
    Store {
        /// The key.
        key: String,
        /// The value.
        value: String,
    },
    /// `localStorage.removeItem(key)`.
    Unstore(String),
    /// List the `localStorage` keys that start with `prefix`, with their values, and hand them
    /// to [`Tab::handle_storage_listing`](super::Tab::handle_storage_listing).
    ListStorage(String),
    /// Request this Web Lock (exclusive, no time bound) and report the grant, or that there are
    /// no Web Locks, with [`Tab::handle_lock`](super::Tab::handle_lock).
    RequestLock(String),
    /// Release the Web Lock.
    ReleaseLock,
    /// Tell the app.
    Notify(Notice),
    /// Run the hook with the logout's reason and await it, for at most `bound_ms` of elapsed time.
    RunHook {
        /// Which hook.
        hook: Hook,
        /// The logout's reason, its argument.
        reason: LogoutReason,
        /// How long to wait for it.
        bound_ms: u64,
    },
    /// Post this message (JSON) to the parent window, to exactly this origin.
    PostToParent {
        /// The target origin.
        origin: String,
        /// The message object, as JSON.
        message: String,
    },
    /// Listen to `message` events on the window, and hand every one to
    /// [`Tab::handle_host_message`](super::Tab::handle_host_message).
    ListenToHost,
    /// What the interception's fail-closed fallback needs, should the tracker break: the timeout
    /// (`None`: none applies), the API bases (`origin/prefix`) and the exclusion patterns (`*`
    /// for a parameter).
    ConfigureFallback {
        /// The timeout in force.
        timeout_ms: Option<u64>,
        /// The API bases.
        bases: Vec<String>,
        /// The exclusion patterns.
        patterns: Vec<String>,
    },
    /// The ids given to URLs so far mean nothing any more: the interception forgets them.
    ForgetUrls,
    /// Go to the login URL; with `save_return`, first save this page to come back to (the
    /// `state` in the URL and in `sessionStorage`, see `login_target`).
    Navigate {
        /// The login URL.
        login_url: String,
        /// Whether to save the page.
        save_return: bool,
    },
    /// The `staySignedIn()` call `id` settled: `ok` when the server answered 2xx.
    Settled {
        /// Which call.
        id: CallId,
        /// Whether it was answered 2xx.
        ok: bool,
    },
    /// Say this on the console (a warning for the developer).
    Warn(String),
}

impl Output {
    /// The wire form: a JSON array whose first element names the instruction, e.g.
    /// `["call",3,"PUT","https://api.example.com/api/v2/…","{\"status\":\"OFF_QUEUE\"}",5000]`
    /// (`null` for an absent value). One form per variant; see the driver.
    pub fn encode(&self) -> String {
        let mut w = Wire(String::from("["));
        match self {
            Output::Call(call) => {
                w.str("call").num(u64::from(call.id.0)).str(call.method);
                w.str(&call.url)
                    .opt(call.body.as_deref())
                    .num(call.bound_ms);
            }
            Output::ReadToken => {
                w.str("token");
            }
            Output::OpenLink(link) => {
                w.str("link").opt(link.channel.as_deref());
                w.opt(link.message_key.as_deref());
                w.str(&link.last_activity_key).str(&link.logout_key);
            }
            Output::Broadcast(text) => {
                w.str("post").str(text);
            }
            Output::StoreLastActivity { key, at_ms } => {
                w.str("last").str(key).num(*at_ms);
            }
            Output::Store { key, value } => {
                w.str("store").str(key).str(value);
            }
            Output::Unstore(key) => {
                w.str("unstore").str(key);
            }
            Output::ListStorage(prefix) => {
                w.str("list").str(prefix);
            }
            Output::RequestLock(name) => {
                w.str("lock").str(name);
            }
            Output::ReleaseLock => {
                w.str("unlock");
            }
            Output::Notify(notice) => {
                w.str("notify");
                match notice {
                    Notice::Warning(ms) => w.str("warning").num(*ms),
                    Notice::WarningCleared => w.str("warning-cleared"),
                    Notice::Logout(reason) => w.str("logout").str(reason.as_str()),
                    Notice::Activity(entry) => w.str("activity").raw(entry),
                };
            }
            Output::RunHook {
                hook,
                reason,
                bound_ms,
            } => {
                let name = match hook {
                    Hook::BeforeLogout => "beforeLogout",
                    Hook::ClearTokens => "clearTokens",
                };
                w.str("hook").str(name).str(reason.as_str()).num(*bound_ms);
            }
            Output::PostToParent { origin, message } => {
                w.str("parent").str(origin).raw(message);
            }
            Output::ListenToHost => {
                w.str("host");
            }
            Output::ConfigureFallback {
                timeout_ms,
                bases,
                patterns,
            } => {
                w.str("fallback");
                match timeout_ms {
                    Some(ms) => w.num(*ms),
                    None => w.raw("null"),
                };
                w.list(bases).list(patterns);
            }
            Output::ForgetUrls => {
                w.str("forget");
            }
            Output::Navigate {
                login_url,
                save_return,
            } => {
                w.str("navigate")
                    .str(login_url)
                    .raw(if *save_return { "true" } else { "false" });
            }
            Output::Settled { id, ok } => {
                w.str("settled")
                    .num(u64::from(id.0))
                    .raw(if *ok { "true" } else { "false" });
            }
            Output::Warn(message) => {
                w.str("warn").str(message);
            }
        }
        w.0.push(']');
        w.0
    }
}

/// Builds one JSON array, element by element.
struct Wire(String);

impl Wire {
    fn sep(&mut self) {
        if self.0.len() > 1 {
            self.0.push(',');
        }
    }

    fn str(&mut self, s: &str) -> &mut Self {
        self.sep();
        push_json_string(&mut self.0, s);
        self
    }

    fn num(&mut self, n: u64) -> &mut Self {
        self.sep();
        push_dec(&mut self.0, n);
        self
    }

    fn opt(&mut self, s: Option<&str>) -> &mut Self {
        match s {
            Some(s) => self.str(s),
            None => self.raw("null"),
        }
    }

    /// Already JSON.
    fn raw(&mut self, json: &str) -> &mut Self {
        self.sep();
        self.0.push_str(json);
        self
    }

    fn list(&mut self, items: &[String]) -> &mut Self {
        self.sep();
        self.0.push('[');
        for (i, item) in items.iter().enumerate() {
            if i > 0 {
                self.0.push(',');
            }
            push_json_string(&mut self.0, item);
        }
        self.0.push(']');
        self
    }
}
