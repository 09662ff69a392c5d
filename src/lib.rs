//! # inactivity-timeout
//!
//! An inactivity tracker for the web clients of a contact-center platform, in Rust compiled to
//! WebAssembly. The pure policy and idle logic lives in [`core`] (compiled natively too, and
//! reused by the reference server); the browser layer lives in `web` (wasm32 only).
//!
//! See `README.md` for the JavaScript API and `ARCHITECTURE.md` for the code map.
#![deny(missing_docs)]

pub mod core;
#[cfg(target_arch = "wasm32")]
pub mod web;
