//! The one hash map of the core: hashbrown with the Fx hasher. Not SipHash: the keys are not
//! attacker-chosen in a way that matters here (an admin's exclusion list, a policy's group ids,
//! bounded in size), Fx is much smaller in wasm, and a fixed hasher makes every compile of the
//! same input give the same result (the matcher's state numbers do not follow a random seed).
//!
//! Only the determinized matcher (the `dfa` feature) and the validator use it: the client's
//! download carries no hash map at all (the exclusion trie keeps its children in sorted `Vec`s).

/// A `HashMap` with the Fx hasher.
pub type Map<K, V> = hashbrown::HashMap<K, V, rustc_hash::FxBuildHasher>;
