//! # inactivity-client
//!
//! What every web client loads from the npm package (`inactivity-timeout`, the main entry): the
//! interception shim, `InactivityTracker`, `resumeAfterLogin` and `redirectToLogin`. The browser
//! layer only: decisions are the core's (`inactivity-core`); this crate turns browser events into
//! core inputs and core outputs into browser effects. wasm32 only.
//!
//! See `ARCHITECTURE.md` for the code map and the invariants.
#![deny(missing_docs)]
#![cfg(target_arch = "wasm32")]

mod bindings;
mod embed;
mod fallback;
mod http;
mod leader;
mod listeners;
mod logout;
mod options;
mod resume;
mod tabs;
mod timer;
mod tracker;
mod types;

pub use resume::{redirect_to_login, resume_after_login};
pub use tracker::InactivityTracker;
pub use types::{Explanation, LedgerEntries, TrackerOptions};
