//! The pure core: no clock, no DOM, no I/O. Time comes in as `now_ms`; effects go out as values.
//!
//! Compiled natively (tests, the reference server) and to wasm (the browser layer).
pub mod reason;
