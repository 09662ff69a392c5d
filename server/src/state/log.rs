//! The request log of `GET /__test/log`: what the end-to-end suites read to see which API calls
//! reached the server.
//!
//! It is kept only with `--test` (without it nothing is stored), and it is bounded whatever the
//! requests: at most [`LOG_MAX_ENTRIES`] entries and [`LOG_MAX_BYTES`] bytes (the oldest entries
//! are dropped first), each entry's method, path and query cut to [`LOG_FIELD_MAX_BYTES`] bytes,
//! and a request answered 401 is kept without its query (anyone can send one).

use std::collections::VecDeque;

use serde::Serialize;

use crate::bounded::grow_within;

/// The most entries the log keeps.
pub const LOG_MAX_ENTRIES: usize = 10_000;
/// The most bytes the log's entries take, their own size and their strings' (≈ 10,000 entries
/// of ordinary calls).
pub const LOG_MAX_BYTES: usize = 2 * 1024 * 1024;
/// The most bytes kept of an entry's method, path or query; a longer one is cut and ends with `…`.
pub const LOG_FIELD_MAX_BYTES: usize = 512;

/// One API request the server received (`GET /__test/log`).
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct LogEntry {
    /// Server clock at arrival.
    pub at_ms: u64,
    /// HTTP method.
    pub method: String,
    /// Path, without the query.
    pub path: String,
    /// The query string, if any (never for a request answered 401).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub query: Option<String>,
    /// The signed-in user's username; `null` when the request was not authenticated.
    pub user: Option<&'static str>,
    /// The signed-in user's id.
    pub user_id: Option<&'static str>,
    /// The response status.
    pub status: u16,
    /// Whether the request counted as activity (reset the token's idle deadline).
    pub counted: bool,
    /// The exclusion entry that matched, if any.
    pub excluded_by: Option<String>,
}

impl LogEntry {
    /// The bytes the entry takes: its own size and its strings'.
    fn bytes(&self) -> usize {
        std::mem::size_of::<Self>()
            + self.method.len()
            + self.path.len()
            + self.query.as_ref().map_or(0, String::len)
            + self.excluded_by.as_ref().map_or(0, String::len)
    }

    /// The entry as it is kept: long fields cut, no query on a 401.
    fn capped(mut self) -> Self {
        if self.status == 401 {
            self.query = None;
        }
        cap(&mut self.method);
        cap(&mut self.path);
        if let Some(query) = &mut self.query {
            cap(query);
        }
        self
    }
}

/// Cuts `text` to [`LOG_FIELD_MAX_BYTES`] (at a character boundary), marked with `…`.
fn cap(text: &mut String) {
    if text.len() > LOG_FIELD_MAX_BYTES {
        *text = capped(text);
    }
}

/// A copy of at most [`LOG_FIELD_MAX_BYTES`] of `text` (cut at a character boundary and marked
/// with `…`). A fresh small string: a cut copy of a long one would keep its place in the heap.
pub fn capped(text: &str) -> String {
    if text.len() <= LOG_FIELD_MAX_BYTES {
        return text.to_owned();
    }
    let mut end = LOG_FIELD_MAX_BYTES - '…'.len_utf8();
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    let mut out = String::with_capacity(LOG_FIELD_MAX_BYTES);
    out.push_str(&text[..end]);
    out.push('…');
    out
}

/// The bounded log.
#[derive(Debug)]
pub struct RequestLog {
    enabled: bool,
    entries: VecDeque<LogEntry>,
    bytes: usize,
}

impl RequestLog {
    /// A log that keeps entries only when `enabled` (the server runs with `--test`).
    pub fn new(enabled: bool) -> Self {
        Self {
            enabled,
            entries: VecDeque::new(),
            bytes: 0,
        }
    }

    /// Appends an entry (capped), dropping the oldest ones to stay within the bounds.
    pub fn push(&mut self, entry: LogEntry) {
        if !self.enabled {
            return;
        }
        let entry = entry.capped();
        let size = entry.bytes();
        while self.entries.len() >= LOG_MAX_ENTRIES || self.bytes + size > LOG_MAX_BYTES {
            let Some(old) = self.entries.pop_front() else {
                break;
            };
            self.bytes -= old.bytes();
        }
        grow_within(&mut self.entries, LOG_MAX_ENTRIES);
        self.bytes += size;
        self.entries.push_back(entry);
    }

    /// Empties the log.
    pub fn clear(&mut self) {
        self.entries = VecDeque::new();
        self.bytes = 0;
    }

    /// The entries, oldest first.
    pub fn iter(&self) -> impl Iterator<Item = &LogEntry> {
        self.entries.iter()
    }

    /// The bytes the entries take.
    pub fn bytes(&self) -> usize {
        self.bytes
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(path: &str, query: Option<&str>, status: u16) -> LogEntry {
        LogEntry {
            at_ms: 0,
            method: "GET".into(),
            path: path.into(),
            query: query.map(str::to_owned),
            user: None,
            user_id: None,
            status,
            counted: false,
            excluded_by: None,
        }
    }

    #[test]
    fn off_without_test_mode() {
        let mut log = RequestLog::new(false);
        log.push(entry("/api/v2/users/me", None, 200));
        assert_eq!(log.iter().count(), 0);
        assert_eq!(log.bytes(), 0);
    }

    #[test]
    fn fields_are_cut_and_a_401_keeps_no_query() {
        let mut log = RequestLog::new(true);
        let long = format!("/api/v2/{}", "é".repeat(40_000));
        log.push(entry(&long, Some(&"q=1&".repeat(20_000)), 200));
        log.push(entry("/api/v2/users/me", Some("secret=1"), 401));
        let kept: Vec<_> = log.iter().collect();
        assert!(
            kept[0].path.len() <= LOG_FIELD_MAX_BYTES,
            "{}",
            kept[0].path.len()
        );
        assert!(
            kept[0].path.ends_with('…') && long.starts_with(kept[0].path.trim_end_matches('…'))
        );
        let query = kept[0].query.as_deref().unwrap();
        assert!(query.len() <= LOG_FIELD_MAX_BYTES && query.ends_with('…'));
        assert_eq!(kept[1].query, None);
        assert_eq!(kept[1].path, "/api/v2/users/me");
    }

    #[test]
    fn bounded_in_entries_and_bytes() {
        let mut log = RequestLog::new(true);
        for i in 0..2 * LOG_MAX_ENTRIES {
            log.push(entry(&format!("/api/v2/calls/{i}"), None, 200));
        }
        assert_eq!(log.iter().count(), LOG_MAX_ENTRIES);
        assert_eq!(
            log.iter().next().unwrap().path,
            format!("/api/v2/calls/{LOG_MAX_ENTRIES}")
        );
        let big = "x".repeat(LOG_FIELD_MAX_BYTES);
        for _ in 0..LOG_MAX_ENTRIES {
            log.push(entry(&big, Some(&big), 200));
        }
        assert!(log.bytes() <= LOG_MAX_BYTES, "{}", log.bytes());
        let counted: usize = log.iter().map(LogEntry::bytes).sum();
        assert_eq!(counted, log.bytes());
        assert!(log.iter().count() < LOG_MAX_ENTRIES);
        log.clear();
        assert_eq!((log.iter().count(), log.bytes()), (0, 0));
    }
}
