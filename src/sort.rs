//! An insertion sort, for the small slices the core sorts (an exclusion list of at most a few
//! hundred entries, sets of trie nodes, a handful of storage scopes). `sort_unstable` adds a few
//! kilobytes of wasm per element type to every client's download; this adds almost nothing.
//! Stable, O(n²) in the worst case: fine for these sizes.

/// Sorts `v` by `less` (stable).
pub fn sort_by<T>(v: &mut [T], mut less: impl FnMut(&T, &T) -> bool) {
    for i in 1..v.len() {
        let mut j = i;
        while j > 0 {
            match (v.get(j), v.get(j - 1)) {
                (Some(a), Some(b)) if less(a, b) => v.swap(j, j - 1),
                _ => break,
            }
            j -= 1;
        }
    }
}

/// Sorts `v` in ascending order (stable).
pub fn sort<T: Ord>(v: &mut [T]) {
    sort_by(v, |a, b| a < b);
}
