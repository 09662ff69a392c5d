//! The server's one clock: system time plus an offset that only the test control moves.
//!
//! Its times are milliseconds since the Unix epoch, from 0 to [`MAX_MS`] (the last millisecond
//! of the year 9999, the last an ISO-8601 date with a four-digit year can show). The clock never
//! reads outside that range, and a move that would take it outside is refused with an
//! [`OutOfRange`]: every deadline the server computes from it (now + a day at most) fits a
//! `u64` many times over, and the server adds to times with saturating arithmetic anyway.

use std::fmt;
use std::sync::atomic::{AtomicI64, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};

/// The latest time the clock reads: 9999-12-31T23:59:59.999Z.
pub const MAX_MS: u64 = 253_402_300_799_999;

/// A move of the clock that would take it past [`MAX_MS`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OutOfRange {
    /// The most the move could have been (for `advance`: the room left; for `set`: [`MAX_MS`]).
    pub max_ms: u64,
}

impl fmt::Display for OutOfRange {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "at most {} ms: the clock stops at {} ({MAX_MS} ms)",
            self.max_ms,
            iso8601(MAX_MS)
        )
    }
}

impl std::error::Error for OutOfRange {}

/// Wall-clock milliseconds since the Unix epoch, shifted by an adjustable offset.
///
/// Everything that compares against a deadline reads [`Clock::now_ms`]; nothing else in the
/// server reads the system time. Without `--test` the offset stays 0.
#[derive(Debug, Default)]
pub struct Clock {
    offset_ms: AtomicI64,
}

/// The system time in the clock's range (0 before the epoch).
fn system_ms() -> i64 {
    let ms = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| u64::try_from(d.as_millis()).unwrap_or(u64::MAX));
    // MAX_MS < i64::MAX: the conversion cannot fail.
    i64::try_from(ms.min(MAX_MS)).unwrap_or(0)
}

/// What the clock reads at `system` with `offset`, in its range.
fn reading(system: i64, offset: i64) -> i64 {
    system.saturating_add(offset).clamp(0, MAX_MS as i64)
}

impl Clock {
    /// A clock that reads the system time.
    pub fn new() -> Self {
        Self::default()
    }

    /// Now, in milliseconds since the Unix epoch (from 0 to [`MAX_MS`]).
    pub fn now_ms(&self) -> u64 {
        reading(system_ms(), self.offset_ms.load(Ordering::SeqCst)) as u64
    }

    /// Moves the clock forward by `ms`; refused (nothing moves) past [`MAX_MS`].
    pub fn advance(&self, ms: u64) -> Result<(), OutOfRange> {
        let system = system_ms();
        self.offset_ms
            .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |offset| {
                let target = i64::try_from(ms)
                    .ok()
                    .and_then(|ms| reading(system, offset).checked_add(ms))
                    .filter(|t| *t <= MAX_MS as i64)?;
                Some(target - system)
            })
            .map(drop)
            .map_err(|offset| OutOfRange {
                max_ms: MAX_MS - reading(system, offset) as u64,
            })
    }

    /// Sets the clock so that it reads `ms` now; refused (nothing moves) past [`MAX_MS`].
    pub fn set(&self, ms: u64) -> Result<(), OutOfRange> {
        if ms > MAX_MS {
            return Err(OutOfRange { max_ms: MAX_MS });
        }
        self.offset_ms
            .store(ms as i64 - system_ms(), Ordering::SeqCst);
        Ok(())
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
        clock.set(1_000_000).unwrap();
        let now = clock.now_ms();
        assert!((1_000_000..1_000_500).contains(&now));
        clock.advance(60_000).unwrap();
        assert!(clock.now_ms() >= 1_060_000);
        clock.reset();
        assert!(clock.now_ms() > 1_700_000_000_000);
    }

    #[test]
    fn the_clock_stays_in_its_range() {
        let clock = Clock::new();
        for absurd in [u64::MAX, i64::MAX as u64, i64::MAX as u64 + 1, MAX_MS] {
            let before = clock.now_ms();
            let e = clock.advance(absurd).unwrap_err();
            assert!(e.max_ms <= MAX_MS - before, "{e}");
            assert!(clock.now_ms() < before + 60_000, "nothing moved");
            assert!(clock.set(absurd.max(MAX_MS + 1)).is_err());
        }
        let message = OutOfRange { max_ms: 5 }.to_string();
        assert!(message.contains("at most 5 ms") && message.contains("9999-12-31T23:59:59.999Z"));
        // Up to the last millisecond, and not one more.
        clock.set(MAX_MS).unwrap();
        assert_eq!(clock.now_ms(), MAX_MS);
        assert_eq!(clock.advance(1), Err(OutOfRange { max_ms: 0 }));
        clock.advance(0).unwrap();
        assert_eq!(clock.now_ms(), MAX_MS);
        assert_eq!(iso8601(MAX_MS), "9999-12-31T23:59:59.999Z");
        clock.set(0).unwrap();
        assert!(clock.now_ms() < 1_000);
        clock.advance(MAX_MS - 10_000).unwrap();
        assert!(clock.now_ms() >= MAX_MS - 10_000);
    }
}
