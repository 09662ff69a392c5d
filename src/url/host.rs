//! Hosts, as the WHATWG URL parser reads them for special schemes (without IDNA): IPv6 in
//! brackets, percent-decoding, ASCII lowercasing, forbidden code points, IPv4 in its numeric
//! forms. Byte loops throughout: every character these rules look at is ASCII.

use alloc::string::String;

use super::UrlErrorKind;
use crate::text::{
    all_bytes, find_byte, hex_value, percent_decode, push_dec, push_hex, rfind_byte, utf8_string,
};

/// WHATWG host parsing for special schemes (without IDNA): IPv6 in brackets, percent-decoding,
/// ASCII lowercasing, forbidden code points, IPv4 in its numeric forms.
pub(super) fn parse_host(input: &str) -> Result<String, UrlErrorKind> {
    let invalid = UrlErrorKind::InvalidHost;
    if let Some(inner) = input.strip_prefix('[') {
        let pieces = inner
            .strip_suffix(']')
            .and_then(|inner| ipv6(inner.as_bytes()))
            .ok_or(invalid)?;
        return Ok(serialize_ipv6(&pieces));
    }
    // Most hosts have no escapes: no decoding then.
    let mut host = if find_byte(input.as_bytes(), b"%").is_some() {
        percent_decode(input.as_bytes(), false)
            .and_then(|bytes| utf8_string(&bytes))
            .ok_or(invalid)?
    } else {
        String::from(input)
    };
    host.make_ascii_lowercase();
    // Every forbidden code point is ASCII: a byte test is the same test.
    let allowed = |b: u8| {
        !(b <= b' '
            || b == 0x7f
            || matches!(
                b,
                b'#' | b'%'
                    | b'/'
                    | b':'
                    | b'<'
                    | b'>'
                    | b'?'
                    | b'@'
                    | b'['
                    | b'\\'
                    | b']'
                    | b'^'
                    | b'|'
            ))
    };
    if host.is_empty() || !all_bytes(host.as_bytes(), allowed) {
        return Err(invalid);
    }
    if ends_in_number(host.as_bytes()) {
        let address = ipv4(host.as_bytes()).ok_or(invalid)?;
        let mut out = String::with_capacity(15);
        for (i, b) in address.to_be_bytes().into_iter().enumerate() {
            if i > 0 {
                out.push('.');
            }
            push_dec(&mut out, u64::from(b));
        }
        return Ok(out);
    }
    Ok(host)
}

/// `host` without one trailing dot.
fn without_final_dot(host: &[u8]) -> &[u8] {
    match host {
        [init @ .., b'.'] => init,
        _ => host,
    }
}

/// WHATWG "ends in a number": the last label (ignoring one trailing dot) is decimal digits or
/// `0x` hex.
fn ends_in_number(host: &[u8]) -> bool {
    let host = without_final_dot(host);
    let last = match rfind_byte(host, b".") {
        Some(dot) => host.get(dot + 1..).unwrap_or_default(),
        None => host,
    };
    if !last.is_empty() && last.iter().all(u8::is_ascii_digit) {
        return true;
    }
    match last {
        [b'0', b'x', hex @ ..] => hex.iter().all(u8::is_ascii_hexdigit),
        _ => false,
    }
}

/// WHATWG IPv4 parsing (`127.1`, `0x7f.0.0.1`, `017700000001`, `2130706433`): the address.
fn ipv4(host: &[u8]) -> Option<u32> {
    let mut numbers = [0u64; 4];
    let mut count = 0;
    for part in without_final_dot(host).split(|&b| b == b'.') {
        // A fifth part is refused.
        *numbers.get_mut(count)? = ipv4_number(part)?;
        count += 1;
    }
    let (last, init) = numbers.get(..count)?.split_last()?;
    if init.iter().any(|n| *n > 255) {
        return None;
    }
    // The last part fills the bytes the others left: 256^(5 - count).
    if *last >= 1u64 << (8 * (5 - count)) {
        return None;
    }
    let mut address = *last;
    for (i, n) in init.iter().enumerate() {
        address += n << (8 * (3 - i));
    }
    u32::try_from(address).ok()
}

/// One IPv4 part: decimal, `0x` hex or `0` octal; `None` when invalid or absurdly large. (A
/// `+` before the digits is taken, as Rust's `from_str_radix` did here before.)
fn ipv4_number(part: &[u8]) -> Option<u64> {
    if part.is_empty() {
        return None;
    }
    let (digits, radix) = match part {
        [b'0', b'x', hex @ ..] => (hex, 16),
        [b'0', octal @ ..] if !octal.is_empty() => (octal, 8),
        _ => (part, 10),
    };
    if digits.is_empty() {
        return Some(0);
    }
    // Longer than any value that could still be valid: reject instead of overflowing.
    let zeros = digits.iter().take_while(|&&b| b == b'0').count();
    if digits.len() - zeros > 12 {
        return None;
    }
    let digits = match digits {
        [b'+'] => return None,
        [b'+', rest @ ..] => rest,
        _ => digits,
    };
    let mut n = 0u64;
    for &b in digits {
        n = n * u64::from(radix) + u64::from(char::from(b).to_digit(radix)?);
    }
    Some(n)
}

/// WHATWG IPv6 parsing (with `::` compression and an embedded IPv4 tail): the eight pieces.
fn ipv6(bytes: &[u8]) -> Option<[u16; 8]> {
    let mut pieces = [0u16; 8];
    let mut index = 0usize;
    let mut compress: Option<usize> = None;
    let mut i = 0usize;
    if bytes.first() == Some(&b':') {
        if bytes.get(1) != Some(&b':') {
            return None;
        }
        i = 2;
        index = 1;
        compress = Some(1);
    }
    while i < bytes.len() {
        if index == 8 {
            return None;
        }
        if bytes.get(i) == Some(&b':') {
            if compress.is_some() {
                return None;
            }
            i += 1;
            index += 1;
            compress = Some(index);
            continue;
        }
        let start = i;
        let mut value: u32 = 0;
        while i - start < 4 {
            match bytes.get(i).and_then(|c| hex_value(*c)) {
                Some(v) => {
                    value = value * 16 + u32::from(v);
                    i += 1;
                }
                None => break,
            }
        }
        match bytes.get(i) {
            Some(b'.') => {
                if i == start || index > 6 {
                    return None;
                }
                let [a, b, c, d] = ipv4_strict(bytes.get(start..)?)?.to_be_bytes();
                *pieces.get_mut(index)? = u16::from_be_bytes([a, b]);
                *pieces.get_mut(index + 1)? = u16::from_be_bytes([c, d]);
                index += 2;
                break;
            }
            Some(b':') => {
                i += 1;
                if i == bytes.len() {
                    return None;
                }
            }
            Some(_) => return None,
            None => {}
        }
        *pieces.get_mut(index)? = u16::try_from(value).ok()?;
        index += 1;
    }
    match compress {
        Some(c) => {
            // The pieces after the `::` move to the end; zeros take their place.
            let shift = 8 - index;
            if shift > 0 {
                for k in (c..index).rev() {
                    let piece = core::mem::take(pieces.get_mut(k)?);
                    *pieces.get_mut(k + shift)? = piece;
                }
            }
        }
        None if index != 8 => return None,
        None => {}
    }
    Some(pieces)
}

/// Strict dotted-decimal IPv4 (four parts, no leading zeros) inside an IPv6 address.
fn ipv4_strict(s: &[u8]) -> Option<u32> {
    let mut out = 0u32;
    let mut count = 0;
    for p in s.split(|&b| b == b'.') {
        count += 1;
        if p.is_empty()
            || p.len() > 3
            || (p.len() > 1 && p.first() == Some(&b'0'))
            || !p.iter().all(u8::is_ascii_digit)
        {
            return None;
        }
        let n = p.iter().fold(0u32, |n, &d| n * 10 + u32::from(d - b'0'));
        if n > 255 {
            return None;
        }
        out = (out << 8) | n;
    }
    (count == 4).then_some(out)
}

/// `[…]`: the canonical compressed lowercase form.
fn serialize_ipv6(pieces: &[u16; 8]) -> String {
    // The first longest run of two or more zero pieces is compressed to `::`.
    let (mut best, mut best_len, mut run_start, mut run_len) = (None, 1usize, 0usize, 0usize);
    for (i, p) in pieces.iter().enumerate() {
        if *p == 0 {
            if run_len == 0 {
                run_start = i;
            }
            run_len += 1;
            if run_len > best_len {
                best = Some(run_start);
                best_len = run_len;
            }
        } else {
            run_len = 0;
        }
    }
    let mut out = String::from("[");
    let mut i = 0;
    while i < 8 {
        if Some(i) == best {
            out.push_str(if i == 0 { "::" } else { ":" });
            i += best_len;
            continue;
        }
        push_hex(
            &mut out,
            u64::from(pieces.get(i).copied().unwrap_or(0)),
            1,
            false,
        );
        if i < 7 {
            out.push(':');
        }
        i += 1;
    }
    out.push(']');
    out
}
