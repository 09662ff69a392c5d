//! The server's one clock: system time plus an offset that only the test control moves.

use std::sync::atomic::{AtomicI64, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};

/// Wall-clock milliseconds since the Unix epoch, shifted by an adjustable offset.
///
/// Everything that compares against a deadline reads [`Clock::now_ms`]; nothing else in the
/// server reads the system time. Without `--test` the offset stays 0.
#[derive(Debug, Default)]
pub struct Clock {
    offset_ms: AtomicI64,
}

impl Clock {
    /// A clock that reads the system time.
    pub fn new() -> Self {
        Self::default()
    }

    /// Now, in milliseconds since the Unix epoch.
    pub fn now_ms(&self) -> u64 {
        let system = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map(|d| d.as_millis() as i64)
            .unwrap_or(0);
        (system + self.offset_ms.load(Ordering::SeqCst)).max(0) as u64
    }

    /// Moves the clock forward by `ms`.
    pub fn advance(&self, ms: u64) {
        self.offset_ms
            .fetch_add(ms.min(i64::MAX as u64) as i64, Ordering::SeqCst);
    }

    /// Sets the clock so that it reads `ms` now.
    pub fn set(&self, ms: u64) {
        let current = self.now_ms() as i64 - self.offset_ms.load(Ordering::SeqCst);
        self.offset_ms
            .store(ms.min(i64::MAX as u64) as i64 - current, Ordering::SeqCst);
    }

    /// Back to the system time.
    pub fn reset(&self) {
        self.offset_ms.store(0, Ordering::SeqCst);
    }
}

/// Formats milliseconds since the Unix epoch as ISO-8601 UTC, e.g. `2026-11-27T23:26:40.123Z`.
pub fn iso8601(ms: u64) -> String {
    let secs = ms / 1000;
    let millis = ms % 1000;
    let days = (secs / 86_400) as i64;
    let rem = secs % 86_400;
    let (h, m, s) = (rem / 3600, (rem % 3600) / 60, rem % 60);
    // Civil date from days since 1970-01-01 (Howard Hinnant's algorithm).
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!("{year:04}-{month:02}-{d:02}T{h:02}:{m:02}:{s:02}.{millis:03}Z")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_iso8601() {
        assert_eq!(iso8601(0), "1970-01-01T00:00:00.000Z");
        assert_eq!(iso8601(951_782_400_000), "2000-02-29T00:00:00.000Z");
        assert_eq!(iso8601(1_795_821_999_123), "2026-11-27T23:26:39.123Z");
    }

    #[test]
    fn set_and_advance() {
        let clock = Clock::new();
        clock.set(1_000_000);
        let now = clock.now_ms();
        assert!((1_000_000..1_000_500).contains(&now));
        clock.advance(60_000);
        assert!(clock.now_ms() >= 1_060_000);
        clock.reset();
        assert!(clock.now_ms() > 1_700_000_000_000);
    }
}
