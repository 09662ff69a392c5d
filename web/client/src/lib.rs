//! # inactivity-client
//!
//! What every web client loads from the npm package (`inactivity-timeout`, the main entry): the
//! interception shim, `InactivityTracker`, `resumeAfterLogin`, `isLoginState` and
//! `redirectToLogin`. The browser layer only: decisions are the core's (`inactivity-core`); this
//! crate turns browser events into core inputs and core outputs into browser effects. wasm32
//! only.
//!
//! Built for size: `#![no_std]` (unless the `std` feature is on, as in the browser tests), so the
//! published module has its own panic handler and allocator and no formatting machinery; strings
//! are built with `inactivity_core::text`, JS objects with [`js`]'s helpers.
//!
//! See `ARCHITECTURE.md` for the code map and the invariants.
#![deny(missing_docs)]
#![cfg(target_arch = "wasm32")]
#![no_std]

extern crate alloc;
#[cfg(feature = "std")]
extern crate std;

// The page's state lives in statics that assume the page has one thread (see `page`).
#[cfg(target_feature = "atomics")]
compile_error!("inactivity-client assumes a single-threaded wasm32 (no atomics)");

mod bindings;
mod embed;
mod fallback;
mod holds;
mod http;
mod js;
mod leader;
mod listeners;
mod logout;
mod options;
mod page;
mod platform;
mod requests;
mod resume;
mod session;
mod tabs;
mod timer;
mod tracker;
mod types;
mod wake;

pub use holds::Hold;
pub use resume::{is_login_state, redirect_to_login, resume_after_login};
pub use tracker::InactivityTracker;
pub use types::{Explanation, LedgerEntries, TrackerOptions};
