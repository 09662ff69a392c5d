//! # inactivity-client
//!
//! The WebAssembly half of what every web client loads from the npm package (`inactivity-timeout`,
//! the main entry): the core's sans-IO [`Tab`](inactivity_core::tab::Tab) exported through
//! wasm-bindgen as `Tab`, and the pure functions of the return to the page. Nothing here touches
//! the browser: the JS driver (`web/client/js/driver.js`) moves every input in and carries every
//! output out. Values cross as numbers and strings (JSON for structures), so the module imports
//! nothing from the browser and carries no serde.
//!
//! Built for size: `#![no_std]`, its own panic handler (a panic traps; the driver catches the
//! trap and hands over to the interception's fail-closed fallback) and allocator, no formatting
//! machinery.
//!
//! See `ARCHITECTURE.md` for the code map and the invariants.
#![deny(missing_docs)]
#![cfg(target_arch = "wasm32")]
#![no_std]

extern crate alloc;

// The tab lives in a static-free export; still, the allocator assumes the page's one thread.
#[cfg(target_feature = "atomics")]
compile_error!("inactivity-client assumes a single-threaded wasm32 (no atomics)");

mod login;
mod tracker;

pub use login::{login_target, replaces_stored, resume_target};
pub use tracker::WasmTab;

/// A panic traps: the driver sees a `RuntimeError` from the call, stops using this instance and
/// hands over to the fail-closed fallback. No message: formatting one would need `core::fmt`.
#[panic_handler]
fn panic(_: &core::panic::PanicInfo<'_>) -> ! {
    core::arch::wasm32::unreachable()
}

/// The allocator: talc, growing wasm memory as it needs it (for the page's one thread: refused
/// above with atomics).
#[global_allocator]
static ALLOCATOR: talc::wasm::WasmDynamicTalc = talc::wasm::new_wasm_dynamic_allocator();
