//! Several tabs, one session: the decisions of the browser layer's cross-tab sync.
//!
//! The wire codec and the activity throttle live in [`super::tabs`]; this module decides what to
//! do with them, so the browser layer (`web/tabs.rs`, `web/leader.rs`) only moves bytes:
//!
//! * [`Scope`]: the names of the channel, the storage keys and the lock of one session —
//!   per origin (browsers scope `BroadcastChannel`, `localStorage` and Web Locks by origin),
//!   per platform API, per user and per access token, so two users, two platforms or two
//!   sessions never collide. The token is part of the scope because the server keeps its idle
//!   deadline per token: tabs with different tokens are different sessions to the server, and
//!   sharing one idle timer between them would keep a tab alive on the client whose token the
//!   server revokes;
//! * [`start_last_activity`]: the last activity a tab starts from — the shared one, unless it
//!   belongs to a session that already ended or expired (a fresh sign-in must never inherit a
//!   dead session: it would log out at once and loop back to the login page);
//! * [`LogoutRecord`] and [`logout_role`]: which tab makes the server-side logout calls. The tabs
//!   that log out queue on one Web Lock; the first one granted makes the calls, and the record in
//!   storage tells the next ones that they are done (or, if the leader was closed mid-way, that
//!   they must take over);
//! * [`TabSync`]: the driver of one tab (sans-IO, like [`IdleMachine`](crate::idle::IdleMachine)): local activity,
//!   messages from other tabs, wake-ups, and what to broadcast and store — at most about one
//!   activity message per tab per second whatever the request rate, a storage write at most
//!   every [`STORE_INTERVAL_MS`], and no timer of its own beyond the machine's.
//!
//! # Driving a tab
//!
//! ```
//! use inactivity_core::idle::{IdleConfig, IdleMachine};
//! use inactivity_core::tab_sync::{Shared, TabOutput, TabSync};
//!
//! let config = IdleConfig::new(Some(300_000));
//! let (mut a, mut b) = (IdleMachine::new(config, 0), IdleMachine::new(config, 0));
//! let (mut sync_a, mut sync_b) = (TabSync::new(1, 0), TabSync::new(2, 0));
//!
//! sync_a.handle_local_activity(&mut a, 10_000); // a counted request in tab A
//! let Some(TabOutput::Broadcast(text)) = sync_a.poll_output() else { panic!() };
//! assert_eq!(sync_a.poll_output(), Some(TabOutput::StoreLastActivity(10_000)));
//!
//! sync_b.handle_message(&text, &mut b, 10_020); // delivered to tab B
//! assert_eq!(b.last_activity_ms(), 10_000);
//!
//! // B wakes up (timer, visibilitychange, …): the shared state first, then its own deadlines.
//! let shared = Shared { last_activity_ms: Some(10_000), ..Shared::default() };
//! sync_b.handle_wake(&mut b, &shared, 20_000);
//! assert!(!b.is_logged_out());
//! ```

#![deny(
    clippy::arithmetic_side_effects,
    clippy::indexing_slicing,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic
)]

mod driver;
mod record;
mod scope;

pub use driver::{Shared, TabOutput, TabSync};
pub use record::{
    abandoned, logout_role, record_at_logout, replaces_stored, start_last_activity, valid_record,
    Calls, LockOutcome, LogoutRecord, Role,
};
pub use scope::{parse_ms, scope_of_key, Scope};

pub use super::idle::FUTURE_TOLERANCE_MS;

/// The first part of every name this crate uses in shared browser state.
pub const NAMESPACE: &str = "inactivity-timeout";

/// After waking up past its own expiry, a tab without the shared storage (a cross-site iframe)
/// asks the other tabs (a [`TabMessage::Hello`](crate::tabs::TabMessage::Hello)) and waits this long for an answer before it
/// logs out: otherwise a tab that was frozen could log every tab out while the user works in
/// another one.
pub const CATCH_UP_MS: u64 = 500;

/// How long a tab that logs out waits for the logout lock (held by the tab making the server
/// calls) before it goes on without it. The holder may be frozen: it must never block the others
/// for longer. A tab that gives up makes the calls itself unless the record says they are done.
pub const LEADER_WAIT_MS: u64 = 10_000;

/// The shared last activity in storage is written at most this often (with a broadcast), and
/// whenever the tab wakes up (its own deadline included) with something not yet stored: every
/// write is a `storage` event in every other tab.
pub const STORE_INTERVAL_MS: u64 = 10_000;

/// Shared state of a session untouched for this long (a day) is removed when a tab opens its
/// link: every sign-in makes a new session, whose few keys must not pile up in `localStorage`.
pub const ABANDONED_AFTER_MS: u64 = 24 * 60 * 60 * 1000;
