//! The paths outside the API catalog the history keeps (custom APIs an admin may exclude), so
//! that a preview can judge their calls against a draft's entries. Bounded so that no signed-in
//! user can fill the table and leave later paths unjudged:
//!
//! * **length-capped**: a normalized path longer than [`MAX_EXTRA_PATH_BYTES`] is not kept;
//! * **count-capped**: at most [`MAX_EXTRA_PATHS`] paths at a time, and at most
//!   [`MAX_EXTRA_PATHS_PER_USER`] brought in by one user;
//! * **evicted oldest first**: a new path beyond a cap takes the place of the least recently
//!   called one — among the caller's own when the caller is at their cap, among all otherwise.
//!   So a user who sends one new path after another recycles their own places and can push out
//!   at most [`MAX_EXTRA_PATHS_PER_USER`] of the others' paths.
//!
//! A place is never given to a new path in the very millisecond its path was last called: the
//! history tells the two paths' calls apart by time (`Template::since_ms`).

use std::collections::HashMap;

/// The most paths outside the catalog kept at a time.
pub const MAX_EXTRA_PATHS: usize = 1024;

/// The most of them one user's calls brought in.
pub const MAX_EXTRA_PATHS_PER_USER: usize = 64;

/// The longest path outside the catalog that is kept (normalized, in bytes).
pub const MAX_EXTRA_PATH_BYTES: usize = 256;

/// Where a call's path outside the catalog is kept.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Place {
    /// In this place, which already held it.
    Kept(usize),
    /// In this place, newly given to it (appended, or another path's place).
    Taken(usize),
    /// Not kept: too long, or no place can be given at this millisecond.
    NotKept,
}

#[derive(Debug, Clone)]
struct Slot {
    key: Box<str>,
    owner: Box<str>,
    last_seen_ms: u64,
}

/// The kept paths, by place.
#[derive(Debug, Clone, Default)]
pub struct OutsidePaths {
    by_key: HashMap<Box<str>, usize>,
    slots: Vec<Slot>,
    /// How many places each user's calls brought in.
    owned: HashMap<Box<str>, usize>,
}

impl OutsidePaths {
    /// Where the normalized path `key`, called at `at_ms` by the user `caller`, is kept.
    pub fn place(&mut self, key: &str, at_ms: u64, caller: &str) -> Place {
        if key.len() > MAX_EXTRA_PATH_BYTES {
            return Place::NotKept;
        }
        if let Some(&i) = self.by_key.get(key) {
            if let Some(slot) = self.slots.get_mut(i) {
                slot.last_seen_ms = slot.last_seen_ms.max(at_ms);
            }
            return Place::Kept(i);
        }
        let slot = Slot {
            key: key.into(),
            owner: caller.into(),
            last_seen_ms: at_ms,
        };
        let owned = self.owned.get(caller).copied().unwrap_or(0);
        let victim = if owned >= MAX_EXTRA_PATHS_PER_USER {
            self.least_recent(|s| *s.owner == *caller)
        } else if self.slots.len() < MAX_EXTRA_PATHS {
            self.own(caller);
            self.by_key.insert(key.into(), self.slots.len());
            self.slots.push(slot);
            return Place::Taken(self.slots.len() - 1);
        } else {
            self.least_recent(|_| true)
        };
        let Some(i) = victim.filter(|&i| self.slots[i].last_seen_ms < at_ms) else {
            return Place::NotKept;
        };
        let old = std::mem::replace(&mut self.slots[i], slot);
        self.by_key.remove(&old.key);
        self.disown(&old.owner);
        self.own(caller);
        self.by_key.insert(key.into(), i);
        Place::Taken(i)
    }

    /// The place, among those `which` selects, whose path was called least recently.
    fn least_recent(&self, which: impl Fn(&Slot) -> bool) -> Option<usize> {
        self.slots
            .iter()
            .enumerate()
            .filter(|(_, s)| which(s))
            .min_by_key(|(_, s)| s.last_seen_ms)
            .map(|(i, _)| i)
    }

    fn own(&mut self, user: &str) {
        *self.owned.entry(user.into()).or_insert(0) += 1;
    }

    fn disown(&mut self, user: &str) {
        if let Some(n) = self.owned.get_mut(user) {
            *n = n.saturating_sub(1);
            if *n == 0 {
                self.owned.remove(user);
            }
        }
    }

    /// How many paths are kept.
    pub fn len(&self) -> usize {
        self.slots.len()
    }

    /// Whether none is.
    pub fn is_empty(&self) -> bool {
        self.slots.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn too_long_is_not_kept() {
        let mut t = OutsidePaths::default();
        let long = "a".repeat(MAX_EXTRA_PATH_BYTES + 1);
        assert_eq!(t.place(&long, 0, "u"), Place::NotKept);
        assert_eq!(t.place(&long[1..], 0, "u"), Place::Taken(0));
        assert_eq!(t.place(&long[1..], 1, "v"), Place::Kept(0));
    }

    #[test]
    fn one_user_recycles_their_own_places() {
        let mut t = OutsidePaths::default();
        assert_eq!(t.place("api/v2/custom/poller", 0, "agent"), Place::Taken(0));
        for i in 0..10 * MAX_EXTRA_PATHS as u64 {
            t.place(&format!("api/v2/junk/{i}"), 1 + i, "flooder");
        }
        assert_eq!(t.len(), 1 + MAX_EXTRA_PATHS_PER_USER);
        assert_eq!(
            t.place("api/v2/custom/poller", u64::MAX, "agent"),
            Place::Kept(0)
        );
        // The flooder's newest paths are kept, the older ones gave their places.
        let last = 10 * MAX_EXTRA_PATHS as u64 - 1;
        assert!(matches!(
            t.place(&format!("api/v2/junk/{last}"), u64::MAX, "x"),
            Place::Kept(_)
        ));
        assert!(matches!(
            t.place("api/v2/junk/0", u64::MAX, "x"),
            Place::Taken(_)
        ));
    }

    #[test]
    fn full_the_least_recently_called_gives_its_place() {
        let mut t = OutsidePaths::default();
        let users = MAX_EXTRA_PATHS / MAX_EXTRA_PATHS_PER_USER;
        for u in 0..users {
            for p in 0..MAX_EXTRA_PATHS_PER_USER {
                let at = (u * MAX_EXTRA_PATHS_PER_USER + p) as u64;
                t.place(&format!("api/v2/{u}/{p}"), at, &format!("user{u}"));
            }
        }
        assert_eq!(t.len(), MAX_EXTRA_PATHS);
        // api/v2/0/0 is called again: api/v2/0/1 is now the least recent.
        assert_eq!(t.place("api/v2/0/0", 5_000, "user0"), Place::Kept(0));
        assert_eq!(t.place("api/v2/new", 5_001, "newcomer"), Place::Taken(1));
        assert_eq!(
            t.place("api/v2/0/1", 5_002, "user0"),
            Place::Taken(2),
            "back, in another's place"
        );
        assert_eq!(t.len(), MAX_EXTRA_PATHS, "never more");
    }

    #[test]
    fn no_place_changes_hands_within_a_millisecond() {
        let mut t = OutsidePaths::default();
        for p in 0..MAX_EXTRA_PATHS_PER_USER {
            t.place(&format!("api/v2/{p}"), 7, "u");
        }
        assert_eq!(t.place("api/v2/one/more", 7, "u"), Place::NotKept);
        assert!(matches!(
            t.place("api/v2/one/more", 8, "u"),
            Place::Taken(_)
        ));
    }
}
