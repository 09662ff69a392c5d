//! # inactivity-admin
//!
//! The admin entry of the npm package (`inactivity-timeout/admin`), its own WebAssembly module:
//! what only an admin page or a tool needs — `validatePolicy` with the validator's full
//! messages, `resolveTimeout` and `classifyRequest`. Web clients never load it. wasm32 only.
#![deny(missing_docs)]

#[cfg(target_arch = "wasm32")]
mod policy;
#[cfg(target_arch = "wasm32")]
mod types;

#[cfg(target_arch = "wasm32")]
pub use policy::{classify_request, resolve_timeout, validate_policy};
