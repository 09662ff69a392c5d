//! The activity ledger: the last requests the tracker saw, and what it made of each — the
//! answer to "why was I (not) logged out?".
//!
//! A ring buffer (a `Vec` and the index of its oldest entry once full): memory stays flat
//! whatever the request rate. Every text field is truncated on the way in, so one entry has a
//! bounded size too. Totals count every entry ever pushed, including the ones the ring has since
//! dropped.
//!
//! ```
//! use inactivity_core::ledger::{Ledger, LedgerEntry, Outcome};
//! let mut ledger = Ledger::new(2);
//! for at_ms in 0..3 {
//!     ledger.push(LedgerEntry::new(at_ms, "GET", "/api/v2/users/me", Outcome::Counted));
//! }
//! assert_eq!(ledger.len(), 2);
//! assert_eq!(ledger.entries().next().map(|e| e.at_ms), Some(1)); // oldest first
//! assert_eq!(ledger.counted_total(), 3);
//! ```

#![deny(
    clippy::arithmetic_side_effects,
    clippy::indexing_slicing,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic
)]

use alloc::{borrow::ToOwned, string::String, vec::Vec};

/// The longest URL, path or exclusion entry kept in an entry, in bytes (longer ones are cut on a
/// character boundary and end with `…`).
pub const MAX_FIELD_LEN: usize = 512;

/// The longest HTTP method kept, in bytes.
pub const MAX_METHOD_LEN: usize = 16;

/// The largest capacity a ledger accepts; larger requests are clamped.
pub const MAX_CAPACITY: usize = 10_000;

/// The capacity the tracker uses unless told otherwise.
pub const DEFAULT_CAPACITY: usize = 200;

/// What the tracker made of a request.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "kebab-case"))]
pub enum Outcome {
    /// `"counted"`: an API call that reset the idle timer.
    Counted,
    /// `"excluded"`: an API call on the exclusion list; see [`LedgerEntry::excluded_by`].
    Excluded,
    /// `"not-api"`: not an API call at all (static assets, third parties, `blob:`…).
    NotApi,
}

impl Outcome {
    /// The wire form: `"counted"`, `"excluded"` or `"not-api"`.
    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::Counted => "counted",
            Outcome::Excluded => "excluded",
            Outcome::NotApi => "not-api",
        }
    }
}

/// One request seen by the tracker. Serializes to
/// `{ "atMs", "method", "url", "path", "outcome", "excludedBy" }`.
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "camelCase"))]
pub struct LedgerEntry {
    /// When (ms since the epoch).
    pub at_ms: u64,
    /// The HTTP method, as given (truncated to [`MAX_METHOD_LEN`]).
    pub method: String,
    /// The URL as given to `fetch`/`XMLHttpRequest` (truncated to [`MAX_FIELD_LEN`]). It is
    /// kept verbatim, query included: a page that puts secrets in URLs should not show or ship
    /// the ledger unredacted.
    pub url: String,
    /// The API path it resolved to, when it was an API call (truncated).
    pub path: Option<String>,
    /// What the tracker made of it.
    pub outcome: Outcome,
    /// The exclusion entry that matched, when excluded (truncated).
    pub excluded_by: Option<String>,
}

impl LedgerEntry {
    /// An entry without a path or an exclusion entry; set those fields directly when known.
    pub fn new(at_ms: u64, method: &str, url: &str, outcome: Outcome) -> Self {
        LedgerEntry {
            at_ms,
            method: truncate(method, MAX_METHOD_LEN),
            url: truncate(url, MAX_FIELD_LEN),
            path: None,
            outcome,
            excluded_by: None,
        }
    }

    /// Every text field cut to its limit.
    fn bounded(mut self) -> Self {
        bound(&mut self.method, MAX_METHOD_LEN);
        bound(&mut self.url, MAX_FIELD_LEN);
        if let Some(path) = self.path.as_mut() {
            bound(path, MAX_FIELD_LEN);
        }
        if let Some(entry) = self.excluded_by.as_mut() {
            bound(entry, MAX_FIELD_LEN);
        }
        self
    }
}

/// A bounded, oldest-first log of [`LedgerEntry`]s with running totals.
#[derive(Clone, Debug, Default)]
pub struct Ledger {
    /// The ring: in push order until it is full, then `start` is the oldest entry.
    entries: Vec<LedgerEntry>,
    start: usize,
    capacity: usize,
    counted: u64,
    excluded: u64,
    not_api: u64,
}

impl Ledger {
    /// A ledger keeping the last `capacity` entries (clamped to [`MAX_CAPACITY`]; `0` keeps
    /// none but still counts). Memory grows with use up to the capacity, never beyond.
    pub fn new(capacity: usize) -> Self {
        Ledger {
            entries: Vec::new(),
            start: 0,
            capacity: capacity.min(MAX_CAPACITY),
            counted: 0,
            excluded: 0,
            not_api: 0,
        }
    }

    /// Record an entry (its text fields truncated), dropping the oldest when full.
    pub fn push(&mut self, entry: LedgerEntry) {
        let total = match entry.outcome {
            Outcome::Counted => &mut self.counted,
            Outcome::Excluded => &mut self.excluded,
            Outcome::NotApi => &mut self.not_api,
        };
        *total = total.saturating_add(1);
        if self.entries.len() < self.capacity {
            self.entries.push(entry.bounded());
        } else if let Some(oldest) = self.entries.get_mut(self.start) {
            *oldest = entry.bounded();
            let next = self.start.saturating_add(1);
            self.start = if next < self.entries.len() { next } else { 0 };
        }
    }

    /// The entries kept, oldest first.
    pub fn entries(&self) -> impl DoubleEndedIterator<Item = &LedgerEntry> {
        let (newer, older) = self
            .entries
            .split_at_checked(self.start)
            .unwrap_or((&self.entries, &[]));
        older.iter().chain(newer)
    }

    /// How many entries are kept.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether no entry is kept.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// The most entries kept.
    pub fn capacity(&self) -> usize {
        self.capacity
    }

    /// Counted requests ever pushed (saturating).
    pub fn counted_total(&self) -> u64 {
        self.counted
    }

    /// Excluded requests ever pushed (saturating).
    pub fn excluded_total(&self) -> u64 {
        self.excluded
    }

    /// Non-API requests ever pushed (saturating).
    pub fn not_api_total(&self) -> u64 {
        self.not_api
    }

    /// The last counted entry kept, if any: "the last thing that kept me signed in".
    pub fn last_counted(&self) -> Option<&LedgerEntry> {
        self.entries().rev().find(|e| e.outcome == Outcome::Counted)
    }

    /// Forget the entries (the totals stay).
    pub fn clear(&mut self) {
        self.entries.clear();
        self.start = 0;
    }
}

/// `s` cut to at most `max` bytes on a character boundary, ending with `…` when cut.
pub fn truncate(s: &str, max: usize) -> String {
    let mut owned = s.to_owned();
    bound(&mut owned, max);
    owned
}

fn bound(s: &mut String, max: usize) {
    const ELLIPSIS: char = '…';
    if s.len() <= max {
        return;
    }
    let mut end = max.saturating_sub(ELLIPSIS.len_utf8());
    while end > 0 && !s.is_char_boundary(end) {
        end = end.saturating_sub(1);
    }
    s.truncate(end);
    if max >= ELLIPSIS.len_utf8() {
        s.push(ELLIPSIS);
    }
    s.shrink_to_fit();
}
