//! The pure core: no clock, no DOM, no I/O. Time comes in as `now_ms`; effects go out as values.
//!
//! Compiled natively (tests, the reference server) and to wasm (the browser layer).
pub mod classify;
pub mod exclusions;
pub mod idle;
pub mod json;
pub mod ledger;
pub mod logout;
pub mod policy;
pub mod reason;
pub mod return_to;
pub mod tab_sync;
pub mod tabs;
pub mod url;
