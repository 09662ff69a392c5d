//! The link between the tabs of one session (`core::tabs` decides, this moves bytes):
//! messages over a `BroadcastChannel` — or, where it is missing, `storage` events on one
//! `localStorage` key — and the shared state in `localStorage` (the last activity, the logout
//! record). All names come from [`Scope`]: per origin, platform API and user.
//!
//! Every piece degrades on its own: a `BroadcastChannel` that is missing or throws falls back
//! to storage events; `localStorage` that is missing or denied ("Access is denied for this
//! document" in a cross-site iframe) leaves messages only; with neither, the tab is alone and
//! still enforces its own timeout. Nothing here throws or panics.

use alloc::{string::String, vec::Vec};

use alloc::rc::Rc;
use core::cell::RefCell;

use wasm_bindgen::{JsCast, JsValue};
use web_sys::{BroadcastChannel, MessageEvent, Storage, StorageEvent, Window};

use super::listeners::Listener;
use inactivity_core::sort::sort;
use inactivity_core::tabs::MAX_MESSAGE_LEN;
use inactivity_core::tabs::{
    abandoned, parse_ms, replaces_stored, scope_of_key, LogoutRecord, Scope, Shared, TabOutput,
};
use inactivity_core::text::{concat, dec};

/// How messages travel between the tabs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Transport {
    /// A `BroadcastChannel`.
    BroadcastChannel,
    /// `storage` events on one `localStorage` key (no `BroadcastChannel`).
    StorageEvents,
    /// Neither: the tab is alone.
    None,
}

impl Transport {
    /// The name shown in diagnostics.
    pub fn as_str(self) -> &'static str {
        match self {
            Transport::BroadcastChannel => "broadcast-channel",
            Transport::StorageEvents => "storage-events",
            Transport::None => "none",
        }
    }
}

/// `localStorage`, if this document may use it.
fn local_storage(window: &Window) -> Option<Storage> {
    let storage = window.local_storage().ok().flatten()?;
    // Reading can still throw (storage disabled after the fact): probe once.
    storage.length().ok()?;
    Some(storage)
}

/// Removes the keys of the sessions (other than `own`) that nobody touched for a day
/// (`core::tabs::abandoned`): each sign-in is a new session with a few keys of its own.
fn remove_abandoned(storage: &Storage, own: &Scope, now_ms: u64) {
    let length = storage.length().unwrap_or(0);
    let mut scopes: Vec<String> = (0..length)
        .filter_map(|i| storage.key(i).ok().flatten())
        .filter_map(|key| scope_of_key(&key).map(String::from))
        .filter(|prefix| prefix != own.prefix())
        .collect();
    sort(&mut scopes);
    scopes.dedup();
    for prefix in scopes {
        let read = |suffix: &str| {
            storage
                .get_item(&concat(&[&prefix, ":", suffix]))
                .ok()
                .flatten()
        };
        let last_activity = read("last-activity").and_then(|t| parse_ms(&t));
        let record = read("logout").and_then(|t| LogoutRecord::parse(&t));
        if abandoned(last_activity, record, now_ms) {
            for suffix in ["last-activity", "logout", "message"] {
                let _ = storage.remove_item(&concat(&[&prefix, ":", suffix]));
            }
        }
    }
}

/// The logout record of one session in `localStorage`.
#[derive(Clone)]
pub struct Records {
    storage: Storage,
    key: String,
}

impl Records {
    /// The stored record; `None` when absent, unreadable or not a record of this version.
    pub fn get(&self) -> Option<LogoutRecord> {
        let text = self.storage.get_item(&self.key).ok().flatten()?;
        LogoutRecord::parse(&text)
    }

    /// Stores `record` (a failure — quota, storage denied meanwhile — is ignored: the record
    /// only refines which tab makes the calls).
    pub fn set(&self, record: LogoutRecord) {
        let _ = self.storage.set_item(&self.key, &record.encode());
    }
}

/// A `BroadcastChannel` that is closed when dropped.
struct Channel {
    channel: BroadcastChannel,
    _listener: Listener,
}

impl Drop for Channel {
    fn drop(&mut self) {
        self.channel.close();
    }
}

/// The link of one tab to the others of its session. Dropping it closes the channel and
/// removes the listener.
#[must_use = "dropping the link closes it"]
pub struct TabLink {
    scope: Scope,
    channel: Option<Channel>,
    storage: Option<Storage>,
    storage_listener: Option<Listener>,
}

impl TabLink {
    /// Opens the link for `scope` at `now_ms`; `on_message` receives every message text another
    /// tab sends (untrusted: decode it with the core codec). Never fails: what is missing is
    /// left out. Removes the shared state of abandoned sessions on the way.
    pub fn open(
        window: &Window,
        scope: Scope,
        now_ms: u64,
        on_message: impl FnMut(String) + 'static,
    ) -> Self {
        let on_message = Rc::new(RefCell::new(on_message));
        let storage = local_storage(window);
        if let Some(storage) = &storage {
            remove_abandoned(storage, &scope, now_ms);
        }
        let channel = BroadcastChannel::new(&scope.channel()).ok().map(|channel| {
            let on_message = on_message.clone();
            let listener = Listener::new(&channel, "message", move |event| {
                let Some(event) = event.dyn_ref::<MessageEvent>() else {
                    return;
                };
                // Only strings of a plausible size reach the decoder.
                if let Some(text) = event.data().as_string() {
                    if text.len() <= MAX_MESSAGE_LEN {
                        if let Ok(mut f) = on_message.try_borrow_mut() {
                            f(text);
                        }
                    }
                }
            });
            Channel {
                channel,
                _listener: listener,
            }
        });
        let storage_listener = match (&channel, &storage) {
            (None, Some(storage)) => {
                let key = scope.message_key();
                let storage = storage.clone();
                Some(Listener::new(window, "storage", move |event| {
                    let Some(event) = event.dyn_ref::<StorageEvent>() else {
                        return;
                    };
                    let ours = event.key().as_deref() == Some(key.as_str())
                        && event
                            .storage_area()
                            .is_some_and(|area| JsValue::from(area) == JsValue::from(&storage));
                    if !ours {
                        return;
                    }
                    if let Some(text) = event.new_value().filter(|t| t.len() <= MAX_MESSAGE_LEN) {
                        if let Ok(mut f) = on_message.try_borrow_mut() {
                            f(text);
                        }
                    }
                }))
            }
            _ => None,
        };
        TabLink {
            scope,
            channel,
            storage,
            storage_listener,
        }
    }

    /// How messages travel.
    pub fn transport(&self) -> Transport {
        match (&self.channel, &self.storage_listener) {
            (Some(_), _) => Transport::BroadcastChannel,
            (None, Some(_)) => Transport::StorageEvents,
            (None, None) => Transport::None,
        }
    }

    /// The names of this session's shared state.
    pub fn scope(&self) -> &Scope {
        &self.scope
    }

    /// The logout record's accessor, when there is storage.
    pub fn records(&self) -> Option<Records> {
        Some(Records {
            storage: self.storage.clone()?,
            key: self.scope.logout_key(),
        })
    }

    /// What the storage says now.
    pub fn shared(&self) -> Shared {
        let last_activity_ms = self.storage.as_ref().and_then(|s| {
            let text = s.get_item(&self.scope.last_activity_key()).ok().flatten()?;
            parse_ms(&text)
        });
        Shared {
            last_activity_ms,
            record: self.records().and_then(|r| r.get()),
            storage: self.storage.is_some(),
            peers: self.transport() != Transport::None,
        }
    }

    /// Performs one output of the core's `TabSync`.
    pub fn apply(&self, output: &TabOutput) {
        match output {
            TabOutput::Broadcast(text) => self.send(text),
            TabOutput::StoreLastActivity(at_ms) => self.store_last_activity(*at_ms),
            TabOutput::ClearLogoutRecord => {
                if let Some(storage) = &self.storage {
                    let _ = storage.remove_item(&self.scope.logout_key());
                }
            }
        }
    }

    fn send(&self, text: &str) {
        if let Some(channel) = &self.channel {
            // Throws only once closed; the link is closed only when dropped.
            let _ = channel.channel.post_message(&JsValue::from_str(text));
        } else if let (Some(storage), Some(_)) = (&self.storage, &self.storage_listener) {
            let _ = storage.set_item(&self.scope.message_key(), text);
        }
    }

    fn store_last_activity(&self, at_ms: u64) {
        let Some(storage) = &self.storage else {
            return;
        };
        let key = self.scope.last_activity_key();
        let stored = storage
            .get_item(&key)
            .ok()
            .flatten()
            .and_then(|t| parse_ms(&t));
        if replaces_stored(stored, at_ms, js_sys::Date::now() as u64) {
            let _ = storage.set_item(&key, &dec(at_ms));
        }
    }
}
