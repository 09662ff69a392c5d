//! The "return to this page after signing in again" location — never an open redirect.
//!
//! A [`ReturnTo`] can only be obtained from [`ReturnTo::parse`] (or [`decode_state`], which
//! parses again), so holding one proves the location is a path on the page's own origin:
//! path + query + fragment, starting with exactly one `/`. Browsers resolve such a string
//! against the current page without ever leaving its origin.
//!
//! The parser is deliberately stricter than the URL standard: anything a browser, a server or an
//! app router could read as another host is refused, and a refusal only costs the user a landing
//! on the default page. Refused:
//!
//! * empty, or longer than [`MAX_RETURN_TO_LEN`] bytes;
//! * control characters (tab, newline, NUL, DEL, C1…) and `\` anywhere — also when
//!   percent-encoded, at any depth of nested encoding (`%09`, `%0a`, `%5c`, `%255c`…); raw
//!   spaces and raw non-ASCII (browsers give locations percent-encoded); percent-encoded
//!   look-alikes of `/` and `\` (`%EF%BC%8F`, FULLWIDTH SOLIDUS);
//! * a path beginning `//` (protocol-relative), also once decoded (`/%2f%2fevil`, `/%2F/evil`);
//! * `.` and `..` path segments, also encoded (`%2e%2e`), which could re-shape the path;
//! * a malformed `%` escape, or percent-encoding nested deeper than a few levels;
//! * any scheme but `http:`/`https:` (`javascript:`, `data:`, `blob:`, `file:`…), and an
//!   absolute URL whose origin (scheme, host, port — default ports normalized) is not the
//!   page's origin; userinfo (`http://origin@evil`, `http://a@evil`);
//! * anything that does not start with `/` or `http(s)://` (relative paths, `?x`, `#h`).
//!
//! The location also travels in the OAuth `state` ([`encode_state`] / [`decode_state`]),
//! because storage may be denied in a cross-site iframe; it is validated again on the way back.

#![deny(
    clippy::arithmetic_side_effects,
    clippy::indexing_slicing,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic
)]

mod origin;
mod state;

use alloc::{borrow::ToOwned, string::String};

use core::fmt;

use crate::text::{find_byte, percent_decode};
use origin::{strip_same_origin, Origin};
pub use state::{decode_state, encode_state, login_target, resume_location, SavedState};

/// The longest accepted location, in bytes.
pub const MAX_RETURN_TO_LEN: usize = 2048;

/// The longest accepted nonce in a `state`, in bytes.
pub const MAX_NONCE_LEN: usize = 256;

/// The longest accepted `state`, in bytes (room for a maximal location and nonce).
pub const MAX_STATE_LEN: usize = 4096;

/// How many levels of nested percent-encoding are unwrapped before giving up.
const MAX_DECODE_DEPTH: usize = 4;

/// A validated same-origin location: path + query + fragment, starting with exactly one `/`.
///
/// ```
/// use inactivity_core::return_to::ReturnTo;
/// let origin = "http://127.0.0.1:8080";
/// assert_eq!(ReturnTo::parse("/agent?x=1#h", origin).unwrap().as_str(), "/agent?x=1#h");
/// assert_eq!(ReturnTo::parse("http://127.0.0.1:8080/agent#h", origin).unwrap().as_str(), "/agent#h");
/// assert!(ReturnTo::parse("//evil.example/", origin).is_err());
/// assert!(ReturnTo::parse("javascript:alert(1)", origin).is_err());
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ReturnTo(String);

impl ReturnTo {
    /// Validate `candidate` — a path (`/agent?x=1#h`) or an absolute `http(s)` URL of the same
    /// origin (`http://127.0.0.1:8080/agent#h`) — against `origin`, the page's own origin as
    /// `location.origin` gives it (`scheme://host[:port]`). Returns the location in path form
    /// (an absolute URL loses its scheme and authority; an empty path becomes `/`).
    pub fn parse(candidate: &str, origin: &str) -> Result<ReturnTo, ReturnToError> {
        let origin = Origin::parse(origin)?;
        if candidate.is_empty() {
            return Err(ReturnToErrorKind::Empty.into());
        }
        if candidate.len() > MAX_RETURN_TO_LEN {
            return Err(ReturnToErrorKind::TooLong.into());
        }
        check_chars(candidate)?;
        let location = if candidate.starts_with('/') {
            candidate.to_owned()
        } else {
            strip_same_origin(candidate, &origin)?
        };
        check_location(&location)?;
        Ok(ReturnTo(location))
    }

    /// The site root, `/`: the fallback when nothing valid was saved.
    pub fn root() -> ReturnTo {
        ReturnTo("/".to_owned())
    }

    /// The location: path + query + fragment, starting with exactly one `/`.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The location as an owned `String`.
    pub fn into_string(self) -> String {
        self.0
    }
}

impl fmt::Display for ReturnTo {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl AsRef<str> for ReturnTo {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

#[cfg(feature = "serde")]
impl serde::Serialize for ReturnTo {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.0)
    }
}

/// Why a location (or a `state`, or the origin) was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ReturnToErrorKind {
    /// The location is empty.
    Empty,
    /// The location is longer than [`MAX_RETURN_TO_LEN`] bytes.
    TooLong,
    /// A control character (tab, newline, NUL, DEL…), raw or percent-encoded.
    ControlCharacter,
    /// A raw space or other whitespace (an encoded one, `%20`, is fine).
    Whitespace,
    /// A character outside ASCII (browsers give locations percent-encoded).
    NonAscii,
    /// A backslash, raw or percent-encoded: browsers read it as `/` in a path.
    Backslash,
    /// Neither a path starting with `/` nor an absolute `http(s)` URL.
    NotAPath,
    /// The path starts with `//` (raw or once decoded): a browser reads it as another host.
    ProtocolRelative,
    /// A scheme other than `http:`/`https:` (`javascript:`, `data:`…), or a malformed one.
    Scheme,
    /// An absolute URL on another origin (scheme, host or port differ).
    OtherOrigin,
    /// An absolute URL with userinfo (`user@host`).
    UserInfo,
    /// A `%` not followed by two hex digits, or encoding nested too deep.
    BadPercentEncoding,
    /// A `.` or `..` path segment (raw or encoded, also `..;x`).
    DotSegment,
    /// A percent-encoded character that looks like `/` or `\` (e.g. U+FF0F FULLWIDTH SOLIDUS).
    LookalikeSeparator,
    /// The page origin given to the parser is not `http(s)://host[:port]`.
    InvalidOrigin,
    /// The `state` is not one [`encode_state`] produces.
    InvalidState,
    /// The nonce in the `state` is too long or has control characters.
    InvalidNonce,
    /// This browser saved the `state` it issued, and the one that came back is another: issued
    /// to someone else (e.g. by an attacker's own `redirectToLogin`), or stale.
    ForeignState,
    /// This browser's storage works but holds no `state`: the one that came back was not issued
    /// here.
    UnsavedState,
    /// No `state` came back and none was saved: there is nothing to resume.
    NoState,
}

impl ReturnToErrorKind {
    fn message(self) -> &'static str {
        use ReturnToErrorKind::*;
        match self {
            Empty => "the return location is empty",
            TooLong => "the return location is longer than 2048 bytes",
            ControlCharacter => "the return location contains a control character (raw or percent-encoded)",
            Whitespace => "the return location contains whitespace; percent-encode it",
            NonAscii => "the return location contains non-ASCII characters; percent-encode them",
            Backslash => "the return location contains a backslash (raw or percent-encoded)",
            NotAPath => "the return location must be a path starting with '/' or an absolute URL of this origin",
            ProtocolRelative => "the return location starts with '//', which names another host",
            Scheme => "the return location has a scheme other than http: or https:",
            OtherOrigin => "the return location is on another origin",
            UserInfo => "the return location carries a user name or password ('user@host')",
            BadPercentEncoding => "the return location has a malformed or too deeply nested percent-encoding",
            DotSegment => "the return location has a '.' or '..' path segment",
            LookalikeSeparator => "the return location has an encoded character that looks like '/' or '\\'",
            InvalidOrigin => "the page origin must look like 'https://host[:port]'",
            InvalidState => "the login state is malformed (not produced by encode_state)",
            InvalidNonce => "the nonce in the login state is too long or has control characters",
            ForeignState => "the login state is not the one this browser issued",
            UnsavedState => "the login state was not issued by this browser",
            NoState => "there is no login state to resume from",
        }
    }
}

/// A refused location; [`ReturnToError::kind`] says why, `Display` says it in words.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct ReturnToError {
    kind: ReturnToErrorKind,
}

impl ReturnToError {
    /// What is wrong.
    pub fn kind(&self) -> ReturnToErrorKind {
        self.kind
    }
}

impl From<ReturnToErrorKind> for ReturnToError {
    fn from(kind: ReturnToErrorKind) -> Self {
        ReturnToError { kind }
    }
}

impl fmt::Display for ReturnToError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.kind.message())
    }
}

impl core::error::Error for ReturnToError {}

// ---- the location itself ----

/// Raw characters: no controls, spaces, non-ASCII or backslashes.
fn check_chars(s: &str) -> Result<(), ReturnToError> {
    for c in s.chars() {
        let kind = if c.is_control() {
            ReturnToErrorKind::ControlCharacter
        } else if c.is_whitespace() {
            ReturnToErrorKind::Whitespace
        } else if !c.is_ascii() {
            ReturnToErrorKind::NonAscii
        } else if c == '\\' {
            ReturnToErrorKind::Backslash
        } else {
            continue;
        };
        return Err(kind.into());
    }
    Ok(())
}

/// A path-form location (starts with `/`): check it and every level of its percent-decoding.
///
/// The path ends at the first *raw* `?` or `#`, as browsers split a URL before decoding it: an
/// encoded `%3F`/`%23` belongs to the path, and every decoded level of the path is checked as a
/// path whole (so `/%3F/%2e%2e//evil` cannot hide its dot segments behind a decoded `?`).
fn check_location(location: &str) -> Result<(), ReturnToError> {
    let raw = location.as_bytes();
    let path_end = find_byte(raw, b"?#").unwrap_or(raw.len());
    let (path, rest) = raw.split_at_checked(path_end).unwrap_or((raw, &[]));
    let mut path = path.to_vec();
    let mut rest = rest.to_vec();
    for depth in 0..=MAX_DECODE_DEPTH {
        check_bytes(&path)?;
        check_bytes(&rest)?;
        check_path(&path)?;
        // On the raw level a `%` must start a valid escape; deeper, a lone `%` is a literal.
        let bad = || ReturnToError::from(ReturnToErrorKind::BadPercentEncoding);
        let decoded_path = percent_decode(&path, depth == 0).ok_or_else(bad)?;
        let decoded_rest = percent_decode(&rest, depth == 0).ok_or_else(bad)?;
        if decoded_path.len() == path.len() && decoded_rest.len() == rest.len() {
            return Ok(());
        }
        path = decoded_path;
        rest = decoded_rest;
    }
    Err(ReturnToErrorKind::BadPercentEncoding.into())
}

/// One level (raw, or decoded some times) of a part: no control characters, backslashes or
/// look-alike separators. (Spaces are refused raw by `check_chars`, but an encoded space —
/// `?q=a%20b` — is ordinary, and no URL parser folds an inner space away.)
///
/// A level may not be valid UTF-8; what counts is what a UTF-8 decoder reads in it. The bytes
/// are searched for the encodings of the C1 controls (`C2 80`–`C2 9F`) and of the look-alikes:
/// a lead byte is never part of an earlier character, valid or not, so a decoder reads each of
/// these sequences as that character wherever it occurs.
fn check_bytes(level: &[u8]) -> Result<(), ReturnToError> {
    for &b in level {
        let kind = match b {
            b'\\' => ReturnToErrorKind::Backslash,
            _ if b.is_ascii_control() => ReturnToErrorKind::ControlCharacter,
            _ => continue,
        };
        return Err(kind.into());
    }
    for (i, &b) in level.iter().enumerate() {
        let next = level.get(i.saturating_add(1)..).unwrap_or_default();
        let kind = match (b, next) {
            (0xC2, [0x80..=0x9F, ..]) => ReturnToErrorKind::ControlCharacter,
            // Characters that look like `/` or `\\` and that some software folds into them
            // (only reachable percent-encoded: raw non-ASCII is refused earlier): U+2044
            // FRACTION SLASH, U+2215 DIVISION SLASH, U+2216 SET MINUS, U+29F8 BIG SOLIDUS, U+29F9
            // BIG REVERSE SOLIDUS; U+FE68 SMALL REVERSE SOLIDUS, U+FF0F FULLWIDTH SOLIDUS, U+FF3C
            // FULLWIDTH REVERSE SOLIDUS.
            (0xE2, [0x81, 0x84, ..] | [0x88, 0x95 | 0x96, ..] | [0xA7, 0xB8 | 0xB9, ..])
            | (0xEF, [0xB9, 0xA8, ..] | [0xBC, 0x8F | 0xBC, ..]) => {
                ReturnToErrorKind::LookalikeSeparator
            }
            _ => continue,
        };
        return Err(kind.into());
    }
    Ok(())
}

/// One level of the path: it starts with exactly one `/` and has no dot segments.
fn check_path(path: &[u8]) -> Result<(), ReturnToError> {
    if !path.starts_with(b"/") {
        return Err(ReturnToErrorKind::NotAPath.into());
    }
    if path.starts_with(b"//") {
        return Err(ReturnToErrorKind::ProtocolRelative.into());
    }
    // `.`/`..`, and their `;`-parameter forms that some servers also resolve (`..;`).
    let is_dot_segment = |segment: &[u8]| {
        let name = segment.split(|&b| b == b';').next().unwrap_or_default();
        name == b"." || name == b".."
    };
    if path.split(|&b| b == b'/').any(is_dot_segment) {
        return Err(ReturnToErrorKind::DotSegment.into());
    }
    Ok(())
}
