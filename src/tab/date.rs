//! The platform's dates (`dateTokenIdles`): ISO-8601 with a time zone, to ms since the epoch.

#![deny(
    clippy::arithmetic_side_effects,
    clippy::indexing_slicing,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic
)]

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
    let num = |from: usize, len: usize| -> Option<i64> {
        let digits = b.get(from..from.checked_add(len)?)?;
        digits.iter().try_fold(0i64, |n, d| {
            d.is_ascii_digit().then(|| {
                n.saturating_mul(10)
                    .saturating_add(i64::from(d.saturating_sub(b'0')))
            })
        })
    };
    let sep = |at: usize, c: u8| b.get(at) == Some(&c);
    if !(sep(4, b'-') && sep(7, b'-') && (sep(10, b'T') || sep(10, b't')) && sep(13, b':'))
        || !sep(16, b':')
    {
        return None;
    }
    let (year, month, day) = (num(0, 4)?, num(5, 2)?, num(8, 2)?);
    let (hour, minute, second) = (num(11, 2)?, num(14, 2)?, num(17, 2)?);
    if !(1..=12).contains(&month) || !(1..=31).contains(&day) || hour > 23 || minute > 59 {
        return None;
    }
    if second > 60 {
        return None;
    }
    let mut at = 19usize;
    let mut millis = 0i64;
    if sep(at, b'.') {
        at = at.checked_add(1)?;
        let mut scale = 100i64;
        let start = at;
        while let Some(d) = b.get(at).filter(|d| d.is_ascii_digit()) {
            millis = millis.saturating_add(i64::from(d.saturating_sub(b'0')).saturating_mul(scale));
            scale /= 10;
            at = at.checked_add(1)?;
        }
        if at == start {
            return None;
        }
    }
    let offset_minutes = match b.get(at)? {
        b'Z' | b'z' if at.checked_add(1)? == b.len() => 0,
        sign @ (b'+' | b'-') if at.checked_add(6)? == b.len() && sep(at.checked_add(3)?, b':') => {
            let minutes = num(at.checked_add(1)?, 2)?
                .saturating_mul(60)
                .saturating_add(num(at.checked_add(4)?, 2)?);
            if *sign == b'-' {
                minutes.saturating_neg()
            } else {
                minutes
            }
        }
        _ => return None,
    };
    // Days since 1970-01-01 from the civil date (Howard Hinnant's algorithm).
    let y = if month <= 2 {
        year.saturating_sub(1)
    } else {
        year
    };
    let era = y.div_euclid(400);
    let yoe = y.rem_euclid(400);
    let mp = if month > 2 {
        month.saturating_sub(3)
    } else {
        month.saturating_add(9)
    };
    let doy = mp
        .saturating_mul(153)
        .saturating_add(2)
        .checked_div(5)?
        .saturating_add(day)
        .saturating_sub(1);
    let doe = yoe
        .saturating_mul(365)
        .saturating_add(yoe / 4)
        .saturating_sub(yoe / 100)
        .saturating_add(doy);
    let days = era
        .saturating_mul(146_097)
        .saturating_add(doe)
        .saturating_sub(719_468);
    let seconds = days
        .saturating_mul(86_400)
        .saturating_add(hour.saturating_mul(3600))
        .saturating_add(minute.saturating_mul(60))
        .saturating_add(second)
        .saturating_sub(offset_minutes.saturating_mul(60));
    u64::try_from(seconds.saturating_mul(1000).saturating_add(millis)).ok()
}
