//! The browser layer (wasm32 only): the JavaScript API, the interception shim, the one timer,
//! wake-up listeners and the tracker's own HTTP calls. Decisions are the core's; this layer
//! turns browser events into core inputs and core outputs into browser effects.

mod bindings;
mod embed;
mod error;
mod fallback;
mod http;
mod leader;
mod listeners;
mod logout;
mod options;
mod policy_api;
mod resume;
mod tabs;
mod timer;
mod tracker;
mod types;

pub use policy_api::{classify_request, resolve_timeout, validate_policy};
pub use resume::{redirect_to_login, resume_after_login};
pub use tracker::InactivityTracker;
pub use types::{Explanation, LedgerEntries, TrackerOptions};
