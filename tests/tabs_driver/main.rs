//! The `TabSync` driver of one tab, alone: what it broadcasts and stores for local activity
//! and wake-ups, what it makes of other tabs' messages, the catch-up, and times from the future
//! (ignored and overwritten, never clamped to now) in `activity.rs`; holds announced, renewed,
//! ended and heard from other tabs in `holds.rs`.

mod activity;
mod holds;

use inactivity_core::idle::IdleConfig;
use inactivity_core::tabs::{decode, TabMessage};
use inactivity_core::tabs::{Calls, LogoutRecord, TabOutput, TabSync};

pub const SEC: u64 = 1_000;
pub const MIN: u64 = 60 * SEC;
pub const T: u64 = 5 * MIN;

pub fn config() -> IdleConfig {
    IdleConfig::new(Some(T)).with_warning_ms(MIN)
}

pub fn record(ended_ms: u64, calls: Calls) -> Option<LogoutRecord> {
    Some(LogoutRecord { ended_ms, calls })
}

/// Every output of `sync`, drained.
pub fn drain(sync: &mut TabSync) -> Vec<TabOutput> {
    std::iter::from_fn(|| sync.poll_output()).collect()
}

pub fn messages(outputs: &[TabOutput]) -> Vec<TabMessage> {
    outputs
        .iter()
        .filter_map(|o| match o {
            TabOutput::Broadcast(text) => Some(decode(text).expect("valid").1),
            TabOutput::StoreLastActivity(_) | TabOutput::ClearLogoutRecord => None,
        })
        .collect()
}
