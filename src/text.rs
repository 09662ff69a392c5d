//! Building text without `core::fmt`.
//!
//! Everything that ships to web clients builds its strings with these (and `push_str`): the
//! formatting machinery of `core::fmt` would add kilobytes to every client's download. Messages
//! only the admin page or the server shows (the `Display` impls of the error types) may use
//! `write!`.

use alloc::{string::String, vec::Vec};

/// Appends `n` in decimal.
pub fn push_dec(out: &mut String, n: u64) {
    push_digits(out, n, 10, 1, false);
}

/// Appends `n` in hexadecimal, at least `width` digits (zero-padded), upper- or lowercase.
pub fn push_hex(out: &mut String, n: u64, width: usize, upper: bool) {
    push_digits(out, n, 16, width, upper);
}

/// `n` in decimal.
pub fn dec(n: u64) -> String {
    let mut out = String::new();
    push_dec(&mut out, n);
    out
}

/// The pieces, one after the other.
pub fn concat(parts: &[&str]) -> String {
    let mut len = 0;
    for part in parts {
        len += part.len();
    }
    let mut out = String::with_capacity(len);
    for part in parts {
        out.push_str(part);
    }
    out
}

fn push_digits(out: &mut String, mut n: u64, radix: u64, width: usize, upper: bool) {
    let digits: &[u8; 16] = if upper {
        b"0123456789ABCDEF"
    } else {
        b"0123456789abcdef"
    };
    // u64::MAX has 20 decimal digits; hex needs 16.
    let mut buf = [b'0'; 20];
    let mut len = 0;
    while n > 0 || len == 0 {
        let digit = (n % radix) as usize;
        if let (Some(slot), Some(&d)) = (buf.get_mut(len), digits.get(digit)) {
            *slot = d;
        }
        n /= radix;
        len += 1;
    }
    for _ in len..width {
        out.push('0');
    }
    for &b in buf.iter().take(len).rev() {
        out.push(char::from(b));
    }
}

/// Appends `s` as a JSON string literal (quotes included; `"`, `\` and control characters
/// escaped).
pub fn push_json_string(out: &mut String, s: &str) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if u32::from(c) < 0x20 => {
                out.push_str("\\u");
                push_hex(out, u64::from(u32::from(c)), 4, false);
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

/// Appends `s` percent-encoded as JavaScript's `encodeURIComponent` does (UTF-8; unreserved
/// `A-Z a-z 0-9 - _ . ! ~ * ' ( )` kept), for a value put into a URL path or query.
pub fn push_uri_component(out: &mut String, s: &str) {
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b"-_.!~*'()".contains(&b) {
            out.push(char::from(b));
        } else {
            out.push('%');
            push_hex(out, u64::from(b), 2, true);
        }
    }
}

/// Where `needle` (non-empty) first occurs in `haystack`: a plain byte search, smaller in wasm
/// than `str::find` with a string pattern (whose two-way searcher these short needles do not
/// need).
pub fn find(haystack: &str, needle: &str) -> Option<usize> {
    if needle.is_empty() {
        return Some(0);
    }
    haystack
        .as_bytes()
        .windows(needle.len())
        .position(|w| w == needle.as_bytes())
}

/// `bytes` as a `String` when they are valid UTF-8 (what `core::str::from_utf8` accepts: no
/// overlong forms, no surrogates, nothing above U+10FFFF), decoded and re-encoded by hand:
/// `from_utf8`'s word-at-a-time validator is larger in wasm than the few inputs that need it
/// (a percent-decoded host, a decoded `state`) are long.
pub fn utf8_string(bytes: &[u8]) -> Option<String> {
    let mut out = String::with_capacity(bytes.len());
    let mut rest = bytes;
    while let Some((&lead, tail)) = rest.split_first() {
        // How many continuation bytes follow, the lead byte's bits, and the smallest code point
        // that needs this many bytes (anything below is an overlong form).
        let (more, bits, least) = match lead {
            0x00..=0x7F => (0, lead, 0),
            0xC0..=0xDF => (1, lead & 0x1F, 0x80),
            0xE0..=0xEF => (2, lead & 0x0F, 0x800),
            0xF0..=0xF7 => (3, lead & 0x07, 0x1_0000),
            _ => return None,
        };
        let (continuation, next) = tail.split_at_checked(more)?;
        let mut code = u32::from(bits);
        for &b in continuation {
            if b & 0xC0 != 0x80 {
                return None;
            }
            code = (code << 6) | u32::from(b & 0x3F);
        }
        // Surrogates and code points above U+10FFFF are no `char`.
        out.push(char::from_u32(code).filter(|_| code >= least)?);
        rest = next;
    }
    Some(out)
}

/// The value of an ASCII hex digit.
pub fn hex_value(c: u8) -> Option<u8> {
    match c {
        b'0'..=b'9' => Some(c - b'0'),
        b'a'..=b'f' => Some(c - b'a' + 10),
        b'A'..=b'F' => Some(c - b'A' + 10),
        _ => None,
    }
}

/// One level of percent-decoding: every `%XX` escape as its byte. A `%` that does not start one
/// is kept as it is, or with `strict` makes the whole `None`. Decoding changed something exactly
/// when the result is shorter than `input`.
pub fn percent_decode(input: &[u8], strict: bool) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(input.len());
    let mut rest = input;
    while let Some((&b, tail)) = rest.split_first() {
        let escape = match tail {
            [h, l, after @ ..] if b == b'%' => hex_value(*h)
                .zip(hex_value(*l))
                .map(|(h, l)| (h * 16 + l, after)),
            _ => None,
        };
        match escape {
            Some((decoded, after)) => {
                out.push(decoded);
                rest = after;
            }
            None if b == b'%' && strict => return None,
            None => {
                out.push(b);
                rest = tail;
            }
        }
    }
    Some(out)
}

/// Where the first byte of `s` that is one of `set` is. The client's parsers share this one
/// loop: an iterator with its own closure at each call site is its own copy of the loop in wasm.
pub fn find_byte(s: &[u8], set: &[u8]) -> Option<usize> {
    s.iter().position(|b| set.iter().any(|c| c == b))
}

/// Where the last byte of `s` that is one of `set` is.
pub fn rfind_byte(s: &[u8], set: &[u8]) -> Option<usize> {
    s.iter().rposition(|b| set.iter().any(|c| c == b))
}

/// Whether every byte of `s` is of the class `ok` (a plain function, so that every class shares
/// this one loop).
pub fn all_bytes(s: &[u8], ok: fn(u8) -> bool) -> bool {
    s.iter().all(|&b| ok(b))
}

/// The longest prefix of `s` of at most `n` characters.
pub fn char_prefix(s: &str, n: usize) -> &str {
    let bytes = s.as_bytes();
    let mut chars = 0;
    let mut i = 0;
    while let Some(&b) = bytes.get(i) {
        // A byte that does not continue a UTF-8 sequence starts a character.
        if (b as i8) >= -0x40 {
            if chars == n {
                return s.get(..i).unwrap_or(s);
            }
            chars += 1;
        }
        i += 1;
    }
    s
}
