//! Hosts, as the WHATWG URL parser reads them for special schemes (without IDNA): IPv6 in
//! brackets, percent-decoding, ASCII lowercasing, forbidden code points, IPv4 in its numeric
//! forms.

use alloc::{string::String, vec::Vec};

use super::path::hex_value;
use super::UrlErrorKind;
use crate::text::{concat, push_dec, push_hex};

/// WHATWG host parsing for special schemes (without IDNA): IPv6 in brackets, percent-decoding,
/// ASCII lowercasing, forbidden code points, IPv4 in its numeric forms.
pub(super) fn parse_host(input: &str) -> Result<String, UrlErrorKind> {
    if let Some(inner) = input.strip_prefix('[') {
        let inner = inner.strip_suffix(']').ok_or(UrlErrorKind::InvalidHost)?;
        return ipv6(inner)
            .map(|v6| concat(&["[", &v6, "]"]))
            .ok_or(UrlErrorKind::InvalidHost);
    }
    if input.is_empty() {
        return Err(UrlErrorKind::InvalidHost);
    }
    // Most hosts have no escapes: no decoding then.
    let host = if input.bytes().any(|b| b == b'%') {
        String::from_utf8(percent_decode(input)).map_err(|_| UrlErrorKind::InvalidHost)?
    } else {
        String::from(input)
    };
    let mut host = host;
    host.make_ascii_lowercase();
    let forbidden = |c: char| {
        c <= ' '
            || c == '\u{7f}'
            || matches!(
                c,
                '#' | '%' | '/' | ':' | '<' | '>' | '?' | '@' | '[' | '\\' | ']' | '^' | '|'
            )
    };
    if host.is_empty() || host.chars().any(forbidden) {
        return Err(UrlErrorKind::InvalidHost);
    }
    if ends_in_number(&host) {
        return ipv4(&host).ok_or(UrlErrorKind::InvalidHost);
    }
    Ok(host)
}

fn percent_decode(input: &str) -> Vec<u8> {
    let bytes = input.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while let Some(&b) = bytes.get(i) {
        if b == b'%' {
            if let (Some(h), Some(l)) = (
                bytes.get(i + 1).and_then(|c| hex_value(*c)),
                bytes.get(i + 2).and_then(|c| hex_value(*c)),
            ) {
                out.push(h * 16 + l);
                i += 3;
                continue;
            }
        }
        out.push(b);
        i += 1;
    }
    out
}

/// WHATWG "ends in a number": the last label (ignoring one trailing dot) is decimal digits or
/// `0x` hex.
fn ends_in_number(host: &str) -> bool {
    let host = host.strip_suffix('.').unwrap_or(host);
    let last = host.rsplit('.').next().unwrap_or("");
    if !last.is_empty() && last.bytes().all(|b| b.is_ascii_digit()) {
        return true;
    }
    match last.strip_prefix("0x") {
        Some(hex) => hex.bytes().all(|b| b.is_ascii_hexdigit()),
        None => false,
    }
}

/// WHATWG IPv4 parsing (`127.1`, `0x7f.0.0.1`, `017700000001`, `2130706433`), serialized dotted.
fn ipv4(host: &str) -> Option<String> {
    let host = host.strip_suffix('.').unwrap_or(host);
    let parts: Vec<&str> = host.split('.').collect();
    if parts.len() > 4 {
        return None;
    }
    let mut numbers = Vec::with_capacity(4);
    for part in &parts {
        numbers.push(ipv4_number(part)?);
    }
    let (last, init) = numbers.split_last()?;
    if init.iter().any(|n| *n > 255) {
        return None;
    }
    let limit = 256u64.checked_pow(u32::try_from(5 - numbers.len()).ok()?)?;
    if *last >= limit {
        return None;
    }
    let mut address = *last;
    for (i, n) in init.iter().enumerate() {
        address += n * 256u64.pow(u32::try_from(3 - i).ok()?);
    }
    let a = u32::try_from(address).ok()?;
    let [b0, b1, b2, b3] = a.to_be_bytes();
    let mut out = String::with_capacity(15);
    for (i, b) in [b0, b1, b2, b3].into_iter().enumerate() {
        if i > 0 {
            out.push('.');
        }
        push_dec(&mut out, u64::from(b));
    }
    Some(out)
}

/// One IPv4 part: decimal, `0x` hex or `0` octal; `None` when invalid or absurdly large.
fn ipv4_number(part: &str) -> Option<u64> {
    if part.is_empty() {
        return None;
    }
    let (digits, radix) = if let Some(h) = part.strip_prefix("0x") {
        (h, 16)
    } else if part.len() > 1 && part.starts_with('0') {
        (part.get(1..)?, 8)
    } else {
        (part, 10)
    };
    if digits.is_empty() {
        return Some(0);
    }
    // Longer than any value that could still be valid: reject instead of overflowing.
    let significant = digits.trim_start_matches('0');
    if significant.len() > 12 {
        return None;
    }
    u64::from_str_radix(digits, radix).ok()
}

/// WHATWG IPv6 parsing (with `::` compression and an embedded IPv4 tail), serialized in the
/// canonical compressed lowercase form.
fn ipv6(input: &str) -> Option<String> {
    let mut pieces = [0u16; 8];
    let mut index = 0usize;
    let mut compress: Option<usize> = None;
    let bytes = input.as_bytes();
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
                let v4 = ipv4_strict(input.get(start..)?)?;
                let [a, b, c, d] = v4.to_be_bytes();
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
            let moved = index.checked_sub(c)?;
            for k in 0..moved {
                pieces.swap(c + moved - 1 - k, 7 - k);
            }
        }
        None if index != 8 => return None,
        None => {}
    }
    Some(serialize_ipv6(&pieces))
}

/// Strict dotted-decimal IPv4 (four parts, no leading zeros) inside an IPv6 address.
fn ipv4_strict(s: &str) -> Option<u32> {
    let parts: Vec<&str> = s.split('.').collect();
    if parts.len() != 4 {
        return None;
    }
    let mut out = 0u32;
    for p in parts {
        if p.is_empty() || p.len() > 3 || (p.len() > 1 && p.starts_with('0')) {
            return None;
        }
        if !p.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        let n: u8 = p.parse().ok()?;
        out = out * 256 + u32::from(n);
    }
    Some(out)
}

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
    let mut out = String::new();
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
    out
}
