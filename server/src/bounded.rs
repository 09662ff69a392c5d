//! Queues that never hold more than their bound, nor allocate more than it.
//!
//! A `VecDeque` that is pushed past its capacity doubles it. A queue of at most `limit` items
//! that pushes first and drops after would, at the bound, grow to twice the room it ever uses
//! (4,096 calls → room for 8,192). Here the oldest item is dropped *before* the push, and the
//! capacity grows by doubling up to `limit` and never past it.

use std::collections::VecDeque;

/// Appends `item` to `queue`, which holds at most `limit` items (at least one): when it is full,
/// the oldest item is dropped first and returned. The capacity never exceeds `limit`.
pub fn push_bounded<T>(queue: &mut VecDeque<T>, limit: usize, item: T) -> Option<T> {
    let dropped = if queue.len() >= limit.max(1) {
        queue.pop_front()
    } else {
        None
    };
    grow_within(queue, limit);
    queue.push_back(item);
    dropped
}

/// Makes room for one more item in `queue` (which holds fewer than `limit`), growing its capacity
/// by doubling but never past `limit`.
pub fn grow_within<T>(queue: &mut VecDeque<T>, limit: usize) {
    if queue.len() < queue.capacity() {
        return;
    }
    let room = limit.saturating_sub(queue.len()).max(1);
    queue.reserve_exact(queue.capacity().max(4).min(room));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_capacity_stops_at_the_bound() {
        for limit in [1, 3, 4, 1_000, 1_024, 4_096, 10_000] {
            let mut queue = VecDeque::new();
            let mut dropped = 0;
            for i in 0..3 * limit {
                if let Some(old) = push_bounded(&mut queue, limit, i) {
                    assert_eq!(old, dropped, "the oldest goes first");
                    dropped += 1;
                }
                assert!(queue.len() <= limit);
                assert!(
                    queue.capacity() <= limit,
                    "limit {limit}: capacity {} after {} pushes",
                    queue.capacity(),
                    i + 1
                );
            }
            assert_eq!(queue.len(), limit);
            assert_eq!(queue.front(), Some(&(2 * limit)));
        }
    }
}
