//! A tab's link to the other tabs of its session: its names ([`Scope`]), how messages travel
//! (a `BroadcastChannel`; where there is none, `storage` events on one key; or not at all), and
//! what the shared storage says at a wake-up. Every piece degrades on its own: without storage
//! the tab shares by messages only, with neither it is alone and still enforces its timeout.

#![deny(
    clippy::arithmetic_side_effects,
    clippy::indexing_slicing,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic
)]

use alloc::{string::String, vec::Vec};

use crate::tabs::{abandoned, parse_ms, scope_of_key, LogoutRecord, Scope, Shared, NAMESPACE};
use crate::text::concat;

use crate::idle::{IdleMachine, IdleState};
use crate::tabs::start_last_activity;

use super::output::{LinkSpec, Output};
use super::{Life, Tab};

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
    /// The name `tabs()` shows.
    pub fn as_str(self) -> &'static str {
        match self {
            Transport::BroadcastChannel => "broadcast-channel",
            Transport::StorageEvents => "storage-events",
            Transport::None => "none",
        }
    }
}

/// The open link of a tab.
#[derive(Debug, Clone)]
pub struct Link {
    scope: Scope,
    transport: Transport,
    storage: bool,
}

impl Link {
    /// The link of the session `scope`, given what the page has; and the instruction that opens
    /// it, then lists the stored sessions (to remove the abandoned ones).
    pub fn open(scope: Scope, channel: bool, storage: bool) -> (Link, [Output; 2]) {
        let transport = match (channel, storage) {
            (true, _) => Transport::BroadcastChannel,
            (false, true) => Transport::StorageEvents,
            (false, false) => Transport::None,
        };
        let spec = LinkSpec {
            channel: (transport == Transport::BroadcastChannel).then(|| scope.channel()),
            message_key: (transport == Transport::StorageEvents).then(|| scope.message_key()),
            last_activity_key: scope.last_activity_key(),
            logout_key: scope.logout_key(),
        };
        let list = Output::ListStorage(concat(&[NAMESPACE, ":v1:"]));
        let link = Link {
            scope,
            transport,
            storage,
        };
        (link, [Output::OpenLink(spec), list])
    }

    /// The session's names.
    pub fn scope(&self) -> &Scope {
        &self.scope
    }

    /// How messages travel.
    pub fn transport(&self) -> Transport {
        self.transport
    }

    /// Whether the shared storage is usable.
    pub fn storage(&self) -> bool {
        self.storage
    }

    /// What the shared storage says, from the texts the driver read under the link's keys.
    pub fn shared(&self, last_activity: Option<&str>, record: Option<&str>) -> Shared {
        Shared {
            last_activity_ms: last_activity.and_then(parse_ms),
            record: record.and_then(LogoutRecord::parse),
            storage: self.storage,
            peers: self.transport != Transport::None,
        }
    }

    /// The keys of the sessions other than this one that nobody touched for a day, among the
    /// stored `(key, value)` pairs: each sign-in is a new session with a few keys of its own,
    /// which must not pile up.
    pub fn abandoned_keys(&self, stored: &[(String, String)], now_ms: u64) -> Vec<String> {
        let own = self.scope.prefix();
        let mut prefixes: Vec<&str> = stored
            .iter()
            .filter_map(|(key, _)| scope_of_key(key))
            .filter(|prefix| *prefix != own)
            .collect();
        crate::sort::sort(&mut prefixes);
        prefixes.dedup();
        let value = |key: String| {
            stored
                .iter()
                .find(|(k, _)| *k == key)
                .map(|(_, v)| v.as_str())
        };
        let mut keys = Vec::new();
        for prefix in prefixes {
            let last = value(concat(&[prefix, ":last-activity"])).and_then(parse_ms);
            let record = value(concat(&[prefix, ":logout"])).and_then(LogoutRecord::parse);
            if abandoned(last, record, now_ms) {
                for suffix in [":last-activity", ":logout", ":message"] {
                    keys.push(concat(&[prefix, suffix]));
                }
            }
        }
        keys
    }
}

impl Tab {
    /// The app's access token, asked for by [`Output::ReadToken`] (`""`: none): it names the
    /// session, so the link to the other tabs opens now.
    pub fn handle_token(&mut self, token: &str, now_ms: u64) {
        if self.link.is_some() || self.life != Life::Running {
            return;
        }
        let Some(user) = &self.user else {
            return;
        };
        // One session = one access token: the server keeps its idle deadline per token.
        let scope = Scope::new(&user.id, &self.api_root).with_session(token);
        let (link, outputs) = Link::open(scope, self.config.channel, self.config.storage);
        self.out.extend(outputs);
        self.link = Some(link);
        self.collect(now_ms);
    }

    /// The session's shared state, read at the link's opening: the tab starts from the
    /// session's last activity rather than from zero (unless that session is over), says hello
    /// and tells what it did before the link existed. Called by the driver right after
    /// [`Output::OpenLink`], with what the storage holds under its keys.
    pub fn handle_link_opened(
        &mut self,
        last_activity: Option<&str>,
        record: Option<&str>,
        now_ms: u64,
    ) {
        let Some(link) = &self.link else {
            return;
        };
        if self.life != Life::Running {
            return;
        }
        let shared = link.shared(last_activity, record);
        let start = start_last_activity(
            shared.last_activity_ms,
            shared.record,
            self.machine.config().timeout_ms,
            self.started_ms,
            self.local_activity_ms,
            now_ms,
        );
        if start < self.machine.last_activity_ms() && self.machine.state() == IdleState::Active {
            // The session is older than this tab: count from its last activity, not from zero.
            self.machine = IdleMachine::with_last_activity(*self.machine.config(), start, now_ms);
        } else {
            self.machine.handle_remote_activity(start, now_ms);
        }
        self.sync
            .link_opened(&self.machine, self.local_activity_ms, now_ms);
        self.collect(now_ms);
    }

    /// The stored keys of every session (`(key, value)`), asked for by [`Output::ListStorage`]:
    /// those of sessions abandoned for a day go.
    pub fn handle_storage_listing(&mut self, stored: &[(String, String)], now_ms: u64) {
        if let Some(link) = &self.link {
            let keys = link.abandoned_keys(stored, now_ms);
            self.out.extend(keys.into_iter().map(Output::Unstore));
        }
    }
}
