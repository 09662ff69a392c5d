//! A global allocator that counts: the bytes in use and their peak, for the whole process and
//! for the current thread (the test harness's own threads allocate meanwhile). Shared by the
//! memory tests and `examples/history_memory.rs`.
#![allow(dead_code)]

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;
use std::sync::atomic::{AtomicUsize, Ordering};

/// The allocator: the system's, counted.
struct Counting;

static IN_USE: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);

thread_local! {
    static MINE: Cell<isize> = const { Cell::new(0) };
}

fn count_mine(bytes: isize) {
    let _ = MINE.try_with(|m| m.set(m.get() + bytes));
}

/// The bytes this thread allocated and did not free.
pub fn mine() -> isize {
    MINE.with(Cell::get)
}

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let p = unsafe { System.alloc(layout) };
        if !p.is_null() {
            let now = IN_USE.fetch_add(layout.size(), Ordering::SeqCst) + layout.size();
            PEAK.fetch_max(now, Ordering::SeqCst);
            count_mine(layout.size() as isize);
        }
        p
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        unsafe { System.dealloc(ptr, layout) };
        IN_USE.fetch_sub(layout.size(), Ordering::SeqCst);
        count_mine(-(layout.size() as isize));
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

/// The bytes in use in the whole process.
pub fn in_use() -> usize {
    IN_USE.load(Ordering::SeqCst)
}

/// Starts a new peak at the bytes in use now; returns them.
pub fn reset_peak() -> usize {
    let now = in_use();
    PEAK.store(now, Ordering::SeqCst);
    now
}

/// The most bytes in use since the last [`reset_peak`].
pub fn peak() -> usize {
    PEAK.load(Ordering::SeqCst)
}
