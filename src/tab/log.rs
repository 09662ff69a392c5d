//! What a tab remembers of the page's requests and its holds: the URLs seen (each classified
//! once, known to the interception by an id afterwards), the activity ledger, and the holds'
//! begins and ends — and their JSON for `activityLog()` and `onActivity`.

#![deny(
    clippy::arithmetic_side_effects,
    clippy::indexing_slicing,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic
)]

use alloc::{string::String, vec::Vec};

use crate::classify::{classify, Classification};
use crate::idle::{HoldEndReason, HoldInfo};
use crate::ledger::{truncate, Ledger, LedgerEntry, MAX_FIELD_LEN};
use crate::policy::Policy;
use crate::text::{push_dec, push_json_string};
use crate::url::ApiScope;

/// How many distinct URLs keep their classification (and an id) before the table starts over.
pub const KNOWN_URLS: usize = 1024;

/// A URL seen before: what the ledger shows of it and what it means.
#[derive(Debug, Clone)]
pub struct KnownUrl {
    /// The URL without query or fragment (apps put tokens and personal data there), truncated.
    shown: String,
    /// What a request to it means.
    pub class: Classification,
}

impl KnownUrl {
    /// The ledger entry of a request to this URL.
    pub fn entry(&self, method: &str, at_ms: u64) -> LedgerEntry {
        let mut entry = LedgerEntry::new(at_ms, method, "", self.class.outcome());
        entry.url.clone_from(&self.shown);
        entry.path = self.class.path().map(String::from);
        entry.excluded_by = self.class.excluded_by().map(String::from);
        entry
    }
}

/// A hold's begin or end, as the activity log shows it.
#[derive(Debug, Clone)]
struct HoldEvent {
    at_ms: u64,
    label: String,
    /// `None`: it began; else why it ended.
    ended: Option<HoldEndReason>,
    other_tab: bool,
}

/// The requests and holds of one tab.
#[derive(Debug, Clone)]
pub struct Log {
    urls: Vec<KnownUrl>,
    ledger: Ledger,
    holds: Vec<HoldEvent>,
    capacity: usize,
}

impl Log {
    /// A log keeping `capacity` requests and as many hold events.
    pub fn new(capacity: usize) -> Log {
        Log {
            urls: Vec::new(),
            ledger: Ledger::new(capacity),
            holds: Vec::new(),
            capacity: capacity.max(1),
        }
    }

    /// Classifies `url` under `policy` and keeps it; returns its id and whether the table
    /// started over first (the ids given before mean nothing any more).
    pub fn learn(&mut self, url: &str, policy: Option<&Policy>, scope: &ApiScope) -> (u32, bool) {
        let class = classify(policy, scope, url);
        // A byte search: `?` and `#` are ASCII, so the cut is always at a char boundary.
        let end = url
            .bytes()
            .position(|b| b == b'?' || b == b'#')
            .unwrap_or(url.len());
        let shown = truncate(url.get(..end).unwrap_or_default(), MAX_FIELD_LEN);
        let full = self.urls.len() >= KNOWN_URLS;
        if full {
            self.urls.clear();
        }
        self.urls.push(KnownUrl { shown, class });
        (self.urls.len().saturating_sub(1) as u32, full)
    }

    /// The URL known by `id`.
    pub fn url(&self, id: u32) -> Option<&KnownUrl> {
        self.urls.get(id as usize)
    }

    /// Forgets every URL (the settings changed what they mean).
    pub fn forget_urls(&mut self) {
        self.urls.clear();
    }

    /// Keeps a request's entry.
    pub fn push(&mut self, entry: LedgerEntry) {
        self.ledger.push(entry);
    }

    /// Keeps a hold's begin (`ended: None`) or end.
    pub fn hold_event(&mut self, hold: &HoldInfo, at_ms: u64, ended: Option<HoldEndReason>) {
        if self.holds.len() >= self.capacity {
            self.holds.remove(0);
        }
        self.holds.push(HoldEvent {
            at_ms,
            label: hold.label.clone(),
            ended,
            other_tab: hold.tab.is_some(),
        });
    }

    /// `activityLog()`: the requests and the hold events, oldest first, as a JSON array.
    pub fn json(&self) -> String {
        let mut requests = self.ledger.entries().peekable();
        let mut holds = self.holds.iter().peekable();
        let mut out = String::from("[");
        loop {
            let take_request = match (requests.peek(), holds.peek()) {
                (Some(r), Some(h)) => r.at_ms <= h.at_ms,
                (Some(_), None) => true,
                (None, Some(_)) => false,
                (None, None) => break,
            };
            if out.len() > 1 {
                out.push(',');
            }
            if take_request {
                if let Some(r) = requests.next() {
                    push_entry(&mut out, r);
                }
            } else if let Some(h) = holds.next() {
                push_hold(&mut out, h);
            }
        }
        out.push(']');
        out
    }
}

fn push_opt(out: &mut String, s: Option<&str>) {
    match s {
        Some(s) => push_json_string(out, s),
        None => out.push_str("null"),
    }
}

/// A ledger entry as JSON: `{ atMs, method, url, path, outcome, excludedBy }`.
pub fn push_entry(out: &mut String, entry: &LedgerEntry) {
    out.push_str("{\"atMs\":");
    push_dec(out, entry.at_ms);
    out.push_str(",\"method\":");
    push_json_string(out, &entry.method);
    out.push_str(",\"url\":");
    push_json_string(out, &entry.url);
    out.push_str(",\"path\":");
    push_opt(out, entry.path.as_deref());
    out.push_str(",\"outcome\":");
    push_json_string(out, entry.outcome.as_str());
    out.push_str(",\"excludedBy\":");
    push_opt(out, entry.excluded_by.as_deref());
    out.push('}');
}

/// A hold event as the log shows it: an entry with empty `method` and `url`, `outcome`
/// `hold-began`/`hold-ended`, and `label`, `reason`, `otherTab`.
fn push_hold(out: &mut String, hold: &HoldEvent) {
    out.push_str("{\"atMs\":");
    push_dec(out, hold.at_ms);
    out.push_str(",\"method\":\"\",\"url\":\"\",\"path\":null,\"outcome\":");
    out.push_str(if hold.ended.is_some() {
        "\"hold-ended\""
    } else {
        "\"hold-began\""
    });
    out.push_str(",\"excludedBy\":null,\"label\":");
    push_json_string(out, &hold.label);
    out.push_str(",\"reason\":");
    push_opt(out, hold.ended.map(HoldEndReason::as_str));
    out.push_str(",\"otherTab\":");
    out.push_str(if hold.other_tab { "true" } else { "false" });
    out.push('}');
}
