//! The activity ledger: a bounded ring, oldest first, truncated fields, totals that survive
//! eviction, and the camelCase JSON the JavaScript `activityLog()` returns.

use inactivity_core::ledger::{
    Ledger, LedgerEntry, Outcome, MAX_CAPACITY, MAX_FIELD_LEN, MAX_METHOD_LEN,
};

fn entry(at_ms: u64, outcome: Outcome) -> LedgerEntry {
    LedgerEntry::new(at_ms, "GET", &format!("/api/v2/x/{at_ms}"), outcome)
}

/// Push `outcomes` into a ledger of `capacity`; check the kept times and the three totals.
fn check(capacity: usize, outcomes: &[Outcome], kept: &[u64], totals: (u64, u64, u64)) {
    let mut ledger = Ledger::new(capacity);
    for (i, &outcome) in outcomes.iter().enumerate() {
        ledger.push(entry(i as u64, outcome));
        assert!(ledger.len() <= capacity.min(MAX_CAPACITY));
    }
    let got: Vec<u64> = ledger.entries().map(|e| e.at_ms).collect();
    assert_eq!(got, kept, "capacity {capacity}, {outcomes:?}");
    assert_eq!(ledger.len(), kept.len());
    assert_eq!(ledger.is_empty(), kept.is_empty());
    let got_totals = (
        ledger.counted_total(),
        ledger.excluded_total(),
        ledger.not_api_total(),
    );
    assert_eq!(got_totals, totals, "capacity {capacity}, {outcomes:?}");
}

#[test]
#[rustfmt::skip]
fn ring_and_totals() {
    use Outcome::*;
    check(3, &[], &[], (0, 0, 0));
    check(3, &[Counted], &[0], (1, 0, 0));
    check(3, &[Counted, Excluded, NotApi], &[0, 1, 2], (1, 1, 1));
    check(3, &[Counted, Excluded, NotApi, Counted], &[1, 2, 3], (2, 1, 1));
    check(3, &[Excluded; 10], &[7, 8, 9], (0, 10, 0));
    check(1, &[Counted, Counted, Excluded], &[2], (2, 1, 0));
    check(0, &[Counted, Excluded, NotApi], &[], (1, 1, 1));
}

#[test]
fn memory_is_flat() {
    let mut ledger = Ledger::new(50);
    for i in 0..100_000u64 {
        let outcome = if i % 3 == 0 {
            Outcome::Excluded
        } else {
            Outcome::Counted
        };
        ledger.push(entry(i, outcome));
    }
    assert_eq!(ledger.len(), 50);
    assert_eq!(ledger.entries().next().unwrap().at_ms, 99_950);
    assert_eq!(ledger.entries().next_back().unwrap().at_ms, 99_999);
    assert_eq!(ledger.counted_total() + ledger.excluded_total(), 100_000);
    assert_eq!(ledger.last_counted().unwrap().at_ms, 99_998);
}

#[test]
fn capacity_is_clamped_not_preallocated() {
    let ledger = Ledger::new(usize::MAX); // must neither panic nor allocate usize::MAX entries
    assert_eq!(ledger.capacity(), MAX_CAPACITY);
    assert!(ledger.is_empty());
    assert_eq!(Ledger::default().capacity(), 0);
}

#[test]
fn fields_are_truncated_on_char_boundaries() {
    let long = "é".repeat(1_000); // 2 bytes each
    let mut e = LedgerEntry::new(1, &"PATCH".repeat(10), &long, Outcome::Excluded);
    assert!(
        e.url.len() <= MAX_FIELD_LEN && e.url.ends_with('…'),
        "{}",
        e.url.len()
    );
    assert!(e.method.len() <= MAX_METHOD_LEN);
    e.path = Some("/".repeat(10_000));
    e.excluded_by = Some("x".repeat(10_000));
    e.url = "u".repeat(10_000); // set directly: push bounds it anyway
    let mut ledger = Ledger::new(4);
    ledger.push(e);
    let kept = ledger.entries().next().unwrap();
    assert!(kept.url.len() <= MAX_FIELD_LEN);
    assert!(kept.path.as_ref().unwrap().len() <= MAX_FIELD_LEN);
    assert!(kept.excluded_by.as_ref().unwrap().len() <= MAX_FIELD_LEN);
    let short = LedgerEntry::new(2, "GET", "/api/v2/users/me", Outcome::Counted);
    assert_eq!(
        short.url, "/api/v2/users/me",
        "short fields are kept as given"
    );
    assert_eq!(LedgerEntry::new(3, "", "", Outcome::NotApi).url, "");
}

#[test]
fn json_shape() {
    let mut e = LedgerEntry::new(
        42,
        "GET",
        "https://api.example.com/api/v2/users/me?x=1",
        Outcome::Excluded,
    );
    e.path = Some("/api/v2/users/me".into());
    e.excluded_by = Some("api/v2/users/me".into());
    assert_eq!(
        serde_json::to_value(&e).unwrap(),
        serde_json::json!({
            "atMs": 42, "method": "GET", "url": "https://api.example.com/api/v2/users/me?x=1",
            "path": "/api/v2/users/me", "outcome": "excluded", "excludedBy": "api/v2/users/me"
        })
    );
    let plain = LedgerEntry::new(1, "GET", "/logo.png", Outcome::NotApi);
    assert_eq!(
        serde_json::to_value(&plain).unwrap(),
        serde_json::json!({ "atMs": 1, "method": "GET", "url": "/logo.png", "path": null,
                            "outcome": "not-api", "excludedBy": null })
    );
    for outcome in [Outcome::Counted, Outcome::Excluded, Outcome::NotApi] {
        assert_eq!(serde_json::to_value(outcome).unwrap(), outcome.as_str());
    }
}

#[test]
fn clear_keeps_totals() {
    let mut ledger = Ledger::new(5);
    ledger.push(entry(1, Outcome::Counted));
    ledger.clear();
    assert!(ledger.is_empty());
    assert_eq!(ledger.counted_total(), 1);
    assert!(ledger.last_counted().is_none());
}

#[test]
fn clear_after_wrapping_starts_over() {
    let mut ledger = Ledger::new(3);
    for i in 0..5 {
        ledger.push(entry(i, Outcome::Counted)); // wraps: keeps 2, 3, 4
    }
    let newest_first: Vec<u64> = ledger.entries().rev().map(|e| e.at_ms).collect();
    assert_eq!(newest_first, [4, 3, 2]);
    ledger.clear();
    ledger.push(entry(10, Outcome::Excluded));
    ledger.push(entry(11, Outcome::Counted));
    let kept: Vec<u64> = ledger.entries().map(|e| e.at_ms).collect();
    assert_eq!(kept, [10, 11], "oldest first again after clear");
    for i in 12..15 {
        ledger.push(entry(i, Outcome::NotApi));
    }
    let kept: Vec<u64> = ledger.entries().map(|e| e.at_ms).collect();
    assert_eq!(kept, [12, 13, 14]);
    assert_eq!(ledger.last_counted().map(|e| e.at_ms), None);
}
