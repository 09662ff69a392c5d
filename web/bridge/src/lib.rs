//! # inactivity-bridge
//!
//! What both WebAssembly entries of the package share at the JS boundary: reading JS values
//! given by an app (a policy, an array of strings) defensively, the conversion to JS
//! `TypeError`/`RangeError`, and the TypeScript types of the policy. wasm32 only.
#![deny(missing_docs)]
#![no_std]

extern crate alloc;

#[cfg(target_arch = "wasm32")]
pub mod error;
#[cfg(target_arch = "wasm32")]
pub mod read;
#[cfg(target_arch = "wasm32")]
mod types;
