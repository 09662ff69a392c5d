//! The platform's dates (`dateTokenIdles`): ISO-8601 with a time zone, to ms since the epoch.

#![deny(
    clippy::indexing_slicing,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic
)]
// The arithmetic below is on numbers of at most four digits (checked as they are read) and on
// days since the epoch of years 0–9999: nothing overflows an i64.
#![allow(clippy::arithmetic_side_effects)]

/// `YYYY-MM-DDTHH:MM:SS[.fraction](Z|±HH:MM)` → ms since the Unix epoch; `None` for anything
/// else, or a date before 1970.
///
/// ```
/// use inactivity_core::tab::parse_date;
/// assert_eq!(parse_date("1970-01-01T00:00:01.5Z"), Some(1_500));
/// assert_eq!(parse_date("2026-11-27T23:26:39.123Z"), Some(1_795_821_999_123));
/// assert_eq!(parse_date("2026-11-28T00:26:39.123+01:00"), Some(1_795_821_999_123));
/// assert_eq!(parse_date("2026-11-27"), None);
/// ```
pub fn parse_date(text: &str) -> Option<u64> {
    let b = text.as_bytes();
    // The digits at `at..at + n`, as a number.
    let num = |at: usize, n: usize| -> Option<i64> {
        b.get(at..at + n)?.iter().try_fold(0i64, |v, d| {
            d.is_ascii_digit().then(|| v * 10 + i64::from(d - b'0'))
        })
    };
    let is = |at: usize, c: u8| b.get(at) == Some(&c);
    if !(is(4, b'-')
        && is(7, b'-')
        && (is(10, b'T') || is(10, b't'))
        && is(13, b':')
        && is(16, b':'))
    {
        return None;
    }
    let (year, month, day) = (num(0, 4)?, num(5, 2)?, num(8, 2)?);
    let (hour, minute, second) = (num(11, 2)?, num(14, 2)?, num(17, 2)?);
    if !(1..=12).contains(&month)
        || !(1..=31).contains(&day)
        || hour > 23
        || minute > 59
        || second > 60
    {
        return None;
    }
    let mut at = 19;
    let mut millis = 0;
    if is(at, b'.') {
        at += 1;
        let start = at;
        while let Some(d) = b.get(at).filter(|d| d.is_ascii_digit()) {
            if at - start < 3 {
                millis = millis * 10 + i64::from(d - b'0');
            }
            at += 1;
        }
        if at == start {
            return None;
        }
        for _ in (at - start)..3 {
            millis *= 10;
        }
    }
    let offset = match b.get(at)? {
        b'Z' | b'z' if at + 1 == b.len() => 0,
        &sign @ (b'+' | b'-') if at + 6 == b.len() && is(at + 3, b':') => {
            let minutes = num(at + 1, 2)? * 60 + num(at + 4, 2)?;
            if sign == b'-' {
                -minutes
            } else {
                minutes
            }
        }
        _ => return None,
    };
    // Days since 1970-01-01 from the civil date (Howard Hinnant's algorithm).
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y.rem_euclid(400);
    let doy = (153 * ((month + 9) % 12) + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    let days = era * 146_097 + doe - 719_468;
    let seconds = days * 86_400 + hour * 3600 + minute * 60 + second - offset * 60;
    u64::try_from(seconds * 1000 + millis).ok()
}
