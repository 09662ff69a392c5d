//! Origins as the return location sees them: a page origin, and whether an absolute URL is on
//! it.

#![deny(
    clippy::arithmetic_side_effects,
    clippy::indexing_slicing,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic
)]

use alloc::{borrow::ToOwned, string::String};

use super::{ReturnToError, ReturnToErrorKind};
use crate::text::{all_bytes, concat, find, find_byte};

/// A normalized `http(s)` origin: lowercase scheme and host, the port only when not the default.
#[derive(Debug, PartialEq, Eq)]
pub(super) struct Origin {
    scheme: String,
    host: String,
    port: Option<u16>,
}

impl Origin {
    pub(super) fn parse(origin: &str) -> Result<Origin, ReturnToError> {
        let invalid = || ReturnToError::from(ReturnToErrorKind::InvalidOrigin);
        if origin.len() > 512 || !origin.is_ascii() {
            return Err(invalid());
        }
        let at = find(origin, "://").ok_or_else(invalid)?;
        let (scheme, rest) = (
            origin.get(..at).unwrap_or_default(),
            origin.get(at.saturating_add(3)..).unwrap_or_default(),
        );
        let rest = rest.strip_suffix('/').unwrap_or(rest);
        Origin::from_parts(scheme, rest).ok_or_else(invalid)
    }

    /// `scheme` and `host[:port]` → an origin, or `None` when either is malformed.
    fn from_parts(scheme: &str, authority: &str) -> Option<Origin> {
        let mut scheme = String::from(scheme);
        scheme.make_ascii_lowercase();
        let default_port = match scheme.as_str() {
            "http" => 80,
            "https" => 443,
            _ => return None,
        };
        let (host, port) = split_host_port(authority)?;
        let port = match port {
            None => None,
            Some(digits) => {
                if digits.is_empty()
                    || digits.len() > 5
                    || !all_bytes(digits.as_bytes(), |b| b.is_ascii_digit())
                {
                    return None;
                }
                let port = digits.bytes().fold(0u32, |n, d| {
                    n.saturating_mul(10)
                        .saturating_add(u32::from(d.saturating_sub(b'0')))
                });
                let port = u16::try_from(port).ok()?;
                (port != default_port).then_some(port)
            }
        };
        let valid_host = if let Some(inner) = host.strip_prefix('[') {
            let inner = inner.strip_suffix(']')?;
            !inner.is_empty()
                && all_bytes(inner.as_bytes(), |b| {
                    b.is_ascii_hexdigit() || b == b':' || b == b'.'
                })
        } else {
            !host.is_empty()
                && all_bytes(host.as_bytes(), |b| {
                    b.is_ascii_alphanumeric() || b == b'.' || b == b'-'
                })
        };
        let mut host = String::from(host);
        host.make_ascii_lowercase();
        valid_host.then_some(Origin { scheme, host, port })
    }
}

/// `host[:port]` → (host, port digits); IPv6 hosts are bracketed.
fn split_host_port(authority: &str) -> Option<(&str, Option<&str>)> {
    if authority.starts_with('[') {
        let close = find_byte(authority.as_bytes(), b"]")?;
        let (host, rest) = authority.split_at_checked(close.checked_add(1)?)?;
        match rest.strip_prefix(':') {
            Some(port) => Some((host, Some(port))),
            None if rest.is_empty() => Some((host, None)),
            None => None,
        }
    } else {
        match find_byte(authority.as_bytes(), b":") {
            Some(colon) => Some((
                authority.get(..colon)?,
                authority.get(colon.checked_add(1)?..),
            )),
            None => Some((authority, None)),
        }
    }
}

/// An absolute candidate: check scheme, userinfo and origin; return its path form.
pub(super) fn strip_same_origin(candidate: &str, origin: &Origin) -> Result<String, ReturnToError> {
    // A scheme is `ALPHA *( ALPHA / DIGIT / "+" / "-" / "." ) ":"`, before any `/ ? #`.
    let end = find_byte(candidate.as_bytes(), b":/?#");
    let scheme = match end {
        Some(i) if candidate.as_bytes().get(i) == Some(&b':') => candidate.get(..i).unwrap_or(""),
        _ => return Err(ReturnToErrorKind::NotAPath.into()),
    };
    let is_scheme = scheme
        .bytes()
        .next()
        .is_some_and(|b| b.is_ascii_alphabetic())
        && all_bytes(scheme.as_bytes(), |b| {
            b.is_ascii_alphanumeric() || b == b'+' || b == b'-' || b == b'.'
        });
    if !is_scheme {
        return Err(ReturnToErrorKind::NotAPath.into());
    }
    if !scheme.eq_ignore_ascii_case("http") && !scheme.eq_ignore_ascii_case("https") {
        return Err(ReturnToErrorKind::Scheme.into());
    }
    let after = candidate
        .get(scheme.len()..)
        .and_then(|s| s.strip_prefix("://"))
        .ok_or(ReturnToErrorKind::Scheme)?;
    let authority_end = find_byte(after.as_bytes(), b"/?#").unwrap_or(after.len());
    let (authority, rest) = after.split_at_checked(authority_end).unwrap_or((after, ""));
    if find_byte(authority.as_bytes(), b"@").is_some() {
        return Err(ReturnToErrorKind::UserInfo.into());
    }
    if find_byte(authority.as_bytes(), b"%").is_some() {
        return Err(ReturnToErrorKind::OtherOrigin.into());
    }
    match Origin::from_parts(scheme, authority) {
        Some(candidate_origin) if candidate_origin == *origin => {}
        _ => return Err(ReturnToErrorKind::OtherOrigin.into()),
    }
    Ok(if rest.starts_with('/') {
        rest.to_owned()
    } else {
        concat(&["/", rest])
    })
}
