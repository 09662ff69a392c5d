//! # inactivity-core
//!
//! The pure core of inactivity-timeout, an inactivity tracker for the web clients of a
//! contact-center platform: the organization's settings (validation, timeout resolution), URL →
//! API path and the compiled exclusion matcher, the sans-IO idle state machine, the cross-tab
//! decisions, the logout plan, the return-to-page location and the activity ledger.
//!
//! No clock, no DOM, no I/O: time comes in as `now_ms`, effects go out as values. The same code
//! runs natively (its tests, the reference server) and in both WebAssembly entries of the npm
//! package (`web/client`, what every web client loads; `web/admin`, the admin page's validator).
//!
//! See `ARCHITECTURE.md` for the code map and the invariants.
#![deny(missing_docs)]
#![no_std]

extern crate alloc;

pub mod classify;
pub mod exclusions;
pub mod idle;
pub mod json;
pub mod ledger;
pub mod logout;
pub mod map;
pub mod policy;
pub mod reason;
pub mod return_to;
pub mod sort;
pub mod tab;
pub mod tabs;
pub mod text;
pub mod url;
