//! Small formatting helpers for messages: numbers, durations, quoted user input.

use alloc::string::String;

use crate::text::{push_dec, push_hex};

/// A number as an admin would write it (see [`crate::json::format_number`]).
pub(crate) fn number(n: f64) -> String {
    crate::json::format_number(n)
}

/// A duration in words: `"5 minutes"`, `"8 hours"`, `"1 hour 30 minutes"`, `"15 minutes 1 second"`.
pub(crate) fn duration(seconds: u32) -> String {
    let (h, m, s) = (seconds / 3600, seconds / 60 % 60, seconds % 60);
    let mut out = String::new();
    for (n, unit) in [(h, " hour"), (m, " minute"), (s, " second")] {
        if n > 0 {
            if !out.is_empty() {
                out.push(' ');
            }
            push_dec(&mut out, u64::from(n));
            out.push_str(unit);
            if n != 1 {
                out.push('s');
            }
        }
    }
    if out.is_empty() {
        out.push_str("0 seconds");
    }
    out
}

/// How many characters of user input a message echoes at most.
const QUOTE_MAX_CHARS: usize = 60;

/// User input in double quotes, control characters escaped, cut to 60 characters with `…`, so that
/// a hostile megabyte-long string does not end up in every message.
pub(crate) fn quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len().min(QUOTE_MAX_CHARS * 4) + 3);
    out.push('"');
    for (i, c) in s.chars().enumerate() {
        if i == QUOTE_MAX_CHARS {
            out.push('…');
            break;
        }
        // As `char::escape_default` writes them, without its iterator.
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\t' => out.push_str("\\t"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            c if c.is_control() => {
                out.push_str("\\u{");
                push_hex(&mut out, u64::from(u32::from(c)), 1, false);
                out.push('}');
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}
