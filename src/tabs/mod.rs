//! Several tabs, one session: the cross-tab wire codec and the decisions of a tab's cross-tab
//! sync, which [`Tab`](crate::tab::Tab) drives.
//!
//! One concept per file, everything re-exported here (and under the older path
//! `inactivity_core::tabs`):
//!
//! * [`codec`]: the versioned wire format of the messages between tabs ([`encode`], [`decode`],
//!   [`TabMessage`]) — the channel is an untrusted input;
//! * [`scope`]: [`Scope`], the names of the channel, the storage keys and the lock of one
//!   session — per origin (browsers scope `BroadcastChannel`, `localStorage` and Web Locks by
//!   origin), per platform API, per user and per access token, so two users, two platforms or two
//!   sessions never collide. The token is part of the scope because the server keeps its idle
//!   deadline per token: tabs with different tokens are different sessions to the server, and
//!   sharing one idle timer between them would keep a tab alive on the client whose token the
//!   server revokes;
//! * [`shared`]: the session's shared state in storage — [`start_last_activity`], the last
//!   activity a tab starts from (the shared one, unless it belongs to a session that already
//!   ended or expired: a fresh sign-in must never inherit a dead session, it would log out at
//!   once and loop back to the login page), and [`abandoned`] sessions' keys;
//! * [`record`]: [`LogoutRecord`], when the session ended and how far its server calls got (which
//!   tab makes them is decided with the server: see [`crate::logout`]);
//! * [`sync`]: [`TabSync`], the driver of one tab (sans-IO, like
//!   [`IdleMachine`](crate::idle::IdleMachine)): local activity, holds, messages from other
//!   tabs, wake-ups, and what to broadcast and store — at most about one activity message per
//!   tab per second whatever the request rate, a storage write at most every
//!   [`STORE_INTERVAL_MS`], and no timer of its own beyond the machine's.
//!
//! Times from the future — a shared value, a logout record or a message time later than now by
//! more than [`FUTURE_TOLERANCE_MS`] (a clock that jumped back, or a value a script wrote) — are
//! invalid everywhere here: ignored and overwritten, never clamped to now.
//!
//! # Driving a tab
//!
//! ```
//! use inactivity_core::idle::{IdleConfig, IdleMachine};
//! use inactivity_core::tabs::{Shared, TabOutput, TabSync};
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

pub mod codec;
pub mod record;
pub mod scope;
pub mod shared;
pub mod sync;

pub use codec::{
    decode, encode, is_valid_tab_id, TabMessage, ACTIVITY_BROADCAST_INTERVAL_MS, MAX_MESSAGE_LEN,
    MAX_TAB_ID_LEN, PROTOCOL_VERSION,
};
pub use record::{valid_record, Calls, LogoutRecord};
pub use scope::{scope_of_key, Scope, NAMESPACE};
pub use shared::{
    abandoned, parse_ms, replaces_stored, start_last_activity, Shared, ABANDONED_AFTER_MS,
    FUTURE_TOLERANCE_MS,
};
pub use sync::{TabOutput, TabSync, CATCH_UP_MS, STORE_INTERVAL_MS};
