//! The WHATWG URL parser's behaviour for `http:`/`https:` URLs, absolute or relative to an
//! `http(s)` base: pre-processing, the scheme, the authority (userinfo skipped, host, port) and
//! the path. Anything else is not parsed (see the module docs of [`super`]).

use alloc::borrow::Cow;
use alloc::string::String;

use super::host::parse_host;
use super::path::Path;
use super::{Origin, Scheme, UrlErrorKind};
use crate::text::{find_byte, rfind_byte};

/// A parsed `http(s)` URL: its origin and its path.
#[derive(Debug, Clone)]
pub(super) struct Parsed {
    pub(super) origin: Origin,
    pub(super) path: Path,
}

/// WHATWG pre-processing: strip leading and trailing C0 controls and spaces, remove every tab,
/// LF and CR. Borrows when there is nothing to remove inside (the common case).
pub(super) fn preprocess(input: &str) -> Cow<'_, str> {
    // C0 controls and space are the bytes up to 0x20 (every byte of a non-ASCII character is
    // above 0x7f), so the cuts fall on character boundaries.
    let kept = |b: &u8| *b > b' ';
    let bytes = input.as_bytes();
    let start = bytes.iter().position(kept).unwrap_or(bytes.len());
    let end = bytes.iter().rposition(kept).map_or(start, |i| i + 1);
    let trimmed = input.get(start..end).unwrap_or("");
    const REMOVED: &[u8] = b"\t\n\r";
    if find_byte(trimmed.as_bytes(), REMOVED).is_none() {
        return Cow::Borrowed(trimmed);
    }
    let mut out = String::with_capacity(trimmed.len());
    let mut rest = trimmed;
    while let Some(i) = find_byte(rest.as_bytes(), REMOVED) {
        out.push_str(rest.get(..i).unwrap_or(""));
        rest = rest.get(i + 1..).unwrap_or("");
    }
    out.push_str(rest);
    Cow::Owned(out)
}

/// `path` without its first character when that is `/` or `\`.
pub(super) fn after_slash(path: &str) -> &str {
    match path.as_bytes().first() {
        Some(b'/' | b'\\') => path.get(1..).unwrap_or(""),
        _ => path,
    }
}

/// Parses `input` as WHATWG does for special (`http(s)`) URLs, relative to `base` when given.
pub(super) fn parse(input: &str, base: Option<&Parsed>) -> Result<Parsed, UrlErrorKind> {
    let input = preprocess(input);
    if input.is_empty() && base.is_none() {
        return Err(UrlErrorKind::Empty);
    }
    match split_scheme(&input) {
        Some((scheme, rest)) => {
            let scheme = if scheme.eq_ignore_ascii_case("http") {
                Scheme::Http
            } else if scheme.eq_ignore_ascii_case("https") {
                Scheme::Https
            } else {
                return Err(UrlErrorKind::NotHttp);
            };
            match base {
                // "special relative or authority state": `https:foo` with an https base is
                // relative to it; only `//` (forward slashes) starts an authority here.
                Some(base) if base.origin.scheme == scheme && !rest.starts_with("//") => {
                    relative(rest, base)
                }
                _ => authority(scheme, skip_slashes(rest)),
            }
        }
        None => match base {
            Some(base) => relative(&input, base),
            None => Err(UrlErrorKind::NotAbsolute),
        },
    }
}

/// `rest` without its leading `/` and `\`.
fn skip_slashes(mut rest: &str) -> &str {
    loop {
        let next = after_slash(rest);
        if next.len() == rest.len() {
            return rest;
        }
        rest = next;
    }
}

/// The scheme (without `:`) and the rest, when `input` starts with one.
fn split_scheme(input: &str) -> Option<(&str, &str)> {
    let bytes = input.as_bytes();
    if !bytes.first().is_some_and(u8::is_ascii_alphabetic) {
        return None;
    }
    let mut i = 1;
    while let Some(&b) = bytes.get(i) {
        match b {
            b':' => return Some((input.get(..i)?, input.get(i + 1..)?)),
            b if b.is_ascii_alphanumeric() || matches!(b, b'+' | b'-' | b'.') => i += 1,
            _ => return None,
        }
    }
    None
}

/// A reference relative to `base` (WHATWG "relative state").
fn relative(rest: &str, base: &Parsed) -> Result<Parsed, UrlErrorKind> {
    let slash = |b: Option<&u8>| matches!(b, Some(b'/' | b'\\'));
    let bytes = rest.as_bytes();
    if slash(bytes.first()) && slash(bytes.get(1)) {
        return authority(base.origin.scheme, skip_slashes(rest));
    }
    if slash(bytes.first()) {
        let mut path = Path::default();
        path.push_path(path_part(rest.get(1..).unwrap_or("")));
        return Ok(Parsed {
            origin: base.origin.clone(),
            path,
        });
    }
    if matches!(bytes.first(), None | Some(b'?' | b'#')) {
        return Ok(base.clone());
    }
    let mut path = base.path.clone();
    path.pop();
    path.push_path(path_part(rest));
    Ok(Parsed {
        origin: base.origin.clone(),
        path,
    })
}

/// `rest` up to its query or fragment.
fn path_part(rest: &str) -> &str {
    match find_byte(rest.as_bytes(), b"?#") {
        Some(i) => rest.get(..i).unwrap_or(""),
        None => rest,
    }
}

/// Parses `[userinfo@]host[:port][/path][?query][#fragment]` after the slashes.
fn authority(scheme: Scheme, rest: &str) -> Result<Parsed, UrlErrorKind> {
    let end = find_byte(rest.as_bytes(), b"/\\?#").unwrap_or(rest.len());
    let (auth, after) = rest.split_at_checked(end).unwrap_or((rest, ""));
    let host_port = match rfind_byte(auth.as_bytes(), b"@") {
        Some(at) => auth.get(at + 1..).unwrap_or(""),
        None => auth,
    };
    let (host, port) = if host_port.starts_with('[') {
        let close = find_byte(host_port.as_bytes(), b"]").ok_or(UrlErrorKind::InvalidHost)?;
        let (h, p) = host_port
            .split_at_checked(close + 1)
            .ok_or(UrlErrorKind::InvalidHost)?;
        match p {
            "" => (h, None),
            p => (
                h,
                Some(p.strip_prefix(':').ok_or(UrlErrorKind::InvalidPort)?),
            ),
        }
    } else {
        match find_byte(host_port.as_bytes(), b":") {
            Some(colon) => (
                host_port.get(..colon).unwrap_or(""),
                host_port.get(colon + 1..),
            ),
            None => (host_port, None),
        }
    };
    let host = parse_host(host)?;
    let port = match port {
        None | Some("") => None,
        Some(p) => {
            if !p.as_bytes().iter().all(u8::is_ascii_digit) {
                return Err(UrlErrorKind::InvalidPort);
            }
            let zeros = p.bytes().take_while(|&b| b == b'0').count();
            if p.len() - zeros > 5 {
                return Err(UrlErrorKind::InvalidPort);
            }
            let n = p.bytes().fold(0u32, |n, d| n * 10 + u32::from(d - b'0'));
            let n = u16::try_from(n).map_err(|_| UrlErrorKind::InvalidPort)?;
            (n != scheme.default_port()).then_some(n)
        }
    };
    let mut path = Path::default();
    let after = path_part(after);
    path.push_path(after_slash(after));
    Ok(Parsed {
        origin: Origin { scheme, host, port },
        path,
    })
}
