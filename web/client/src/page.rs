//! State that belongs to the page: one per wasm instance, on the page's one thread.

use core::cell::RefCell;

/// A `RefCell` in a `static`. Sound because wasm32 without atomics runs one thread: nothing else
/// can reach it (`lib.rs` refuses to build with atomics).
pub struct PageCell<T>(RefCell<T>);

// SAFETY: wasm32-unknown-unknown without the `atomics` target feature has exactly one thread.
unsafe impl<T> Sync for PageCell<T> {}

impl<T> PageCell<T> {
    /// A cell holding `value`.
    pub const fn new(value: T) -> Self {
        PageCell(RefCell::new(value))
    }

    /// Runs `f` on the value; `None` when it is already borrowed (a re-entrant call).
    pub fn with<R>(&self, f: impl FnOnce(&mut T) -> R) -> Option<R> {
        self.0.try_borrow_mut().ok().map(|mut value| f(&mut value))
    }
}
