//! One exclusion entry: its syntax, parsed into segments, and why an entry is invalid.

use alloc::{borrow::ToOwned, string::String, vec::Vec};
use core::fmt;

use crate::text::{find, find_byte};
use crate::url::{is_dot_segment, normalize_segment};

/// Why an exclusion entry is invalid. Each variant says when it occurs.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum EntryError {
    /// The entry is empty, only spaces, or only slashes.
    Empty,
    /// The entry contains whitespace or a control character (0-based character position).
    Whitespace {
        /// The position of the first such character, counted in characters from 0.
        position: usize,
    },
    /// The entry is a full URL (contains `://`) instead of a path.
    AbsoluteUrl,
    /// The entry contains `?` (a query string).
    Query,
    /// The entry contains `#` (a fragment).
    Fragment,
    /// The entry contains `*`: wildcards are not supported.
    Wildcard,
    /// A segment is `.` or `..` (also spelled `%2e`).
    DotSegment,
    /// A segment opens `{` without closing it.
    UnclosedBrace,
    /// A segment is `{}`: a parameter needs a name.
    EmptyParameter,
    /// A `{…}` parameter is not a whole segment (e.g. `v{n}`, `{a}.json`, `{a}{b}`).
    PartialParameter {
        /// The offending segment.
        segment: String,
    },
    /// A segment contains `}` without an opening `{`.
    StrayBrace,
    /// The entry is longer than 512 characters (a policy rule: reported by policy validation,
    /// not by [`Exclusions::compile`](super::Exclusions::compile)).
    TooLong {
        /// Its length in characters.
        chars: usize,
    },
    /// The entry is the same as an earlier one after normalization (case, slashes, `%XX` of
    /// unreserved characters and parameter names do not matter: `{x}` and `{y}` in the same place
    /// are the same).
    Duplicate {
        /// The index of the earlier entry.
        first: usize,
    },
}

impl EntryError {
    /// A stable kebab-case code, e.g. `"exclusion-unclosed-brace"`.
    pub fn code(&self) -> &'static str {
        match self {
            EntryError::Empty => "exclusion-empty",
            EntryError::Whitespace { .. } => "exclusion-whitespace",
            EntryError::AbsoluteUrl => "exclusion-absolute-url",
            EntryError::Query => "exclusion-query",
            EntryError::Fragment => "exclusion-fragment",
            EntryError::Wildcard => "exclusion-wildcard",
            EntryError::DotSegment => "exclusion-dot-segment",
            EntryError::UnclosedBrace => "exclusion-unclosed-brace",
            EntryError::EmptyParameter => "exclusion-empty-parameter",
            EntryError::PartialParameter { .. } => "exclusion-partial-parameter",
            EntryError::StrayBrace => "exclusion-stray-brace",
            EntryError::TooLong { .. } => "exclusion-too-long",
            EntryError::Duplicate { .. } => "exclusion-duplicate",
        }
    }
}

impl fmt::Display for EntryError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            EntryError::Empty => {
                f.write_str("is empty: write an API path such as api/v2/users/me, or remove the entry")
            }
            EntryError::Whitespace { position } => write!(
                f,
                "contains a space or control character at character {}: API paths have none; remove it",
                position + 1
            ),
            EntryError::AbsoluteUrl => {
                f.write_str("is a full URL: write only the API path, e.g. api/v2/users/me")
            }
            EntryError::Query => f.write_str(
                "contains '?': write the path without a query string (queries are ignored when matching)",
            ),
            EntryError::Fragment => f.write_str("contains '#': write the path without a fragment"),
            EntryError::Wildcard => f.write_str(
                "contains '*': wildcards are not supported; use {name} for one path segment, e.g. api/v2/users/{userId}",
            ),
            EntryError::DotSegment => {
                f.write_str("contains a '.' or '..' segment: write the API path as the API defines it")
            }
            EntryError::UnclosedBrace => {
                f.write_str("has a '{' without its '}': close the parameter, e.g. {userId}")
            }
            EntryError::EmptyParameter => {
                f.write_str("has an empty parameter '{}': give it a name, e.g. {userId}")
            }
            EntryError::PartialParameter { segment } => write!(
                f,
                "has a parameter that is not a whole segment ({}): a {{name}} must stand alone between slashes, e.g. api/v2/users/{{userId}}",
                crate::policy::quote_input(segment)
            ),
            EntryError::StrayBrace => f.write_str("has a '}' without a '{': remove it"),
            EntryError::TooLong { chars } => write!(
                f,
                "is {chars} characters long; an entry may have at most {} characters",
                crate::policy::MAX_ENTRY_CHARS
            ),
            EntryError::Duplicate { first } => write!(
                f,
                "is the same as entry [{first}] (case, slashes and parameter names do not matter): remove one of them"
            ),
        }
    }
}

impl core::error::Error for EntryError {}

/// One segment of a parsed entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Segment {
    /// A literal, normalized.
    Literal(String),
    /// `{name}`: any one non-empty segment.
    Param,
}

/// Parses one entry into its segments, or the first problem with it.
pub(super) fn parse_entry(entry: &str) -> Result<Vec<Segment>, EntryError> {
    if entry.trim().is_empty() {
        return Err(EntryError::Empty);
    }
    if let Some(position) = entry
        .chars()
        .position(|c| c.is_whitespace() || c.is_control())
    {
        return Err(EntryError::Whitespace { position });
    }
    if find(entry, "://").is_some() {
        return Err(EntryError::AbsoluteUrl);
    }
    let has = |s: &str, b: &[u8]| find_byte(s.as_bytes(), b).is_some();
    if has(entry, b"?") {
        return Err(EntryError::Query);
    }
    if has(entry, b"#") {
        return Err(EntryError::Fragment);
    }
    if has(entry, b"*") {
        return Err(EntryError::Wildcard);
    }
    // The segments between `/` and `\`, empty ones skipped.
    let mut parsed = Vec::new();
    let mut rest = Some(entry);
    while let Some(text) = rest {
        let (raw, next) = match find_byte(text.as_bytes(), b"/\\") {
            Some(i) => (text.get(..i).unwrap_or(""), text.get(i + 1..)),
            None => (text, None),
        };
        rest = next;
        if raw.is_empty() {
            continue;
        }
        if is_dot_segment(raw) {
            return Err(EntryError::DotSegment);
        }
        let partial = || EntryError::PartialParameter {
            segment: raw.to_owned(),
        };
        if let Some(inner) = raw.strip_prefix('{') {
            let Some(name) = inner.strip_suffix('}') else {
                return Err(if has(inner, b"}") {
                    partial()
                } else {
                    EntryError::UnclosedBrace
                });
            };
            if name.is_empty() {
                return Err(EntryError::EmptyParameter);
            }
            if has(name, b"{}") {
                return Err(partial());
            }
            parsed.push(Segment::Param);
        } else if let Some(open) = find_byte(raw.as_bytes(), b"{") {
            return Err(if raw.get(open..).is_some_and(|s| has(s, b"}")) {
                partial()
            } else {
                EntryError::UnclosedBrace
            });
        } else if has(raw, b"}") {
            return Err(EntryError::StrayBrace);
        } else {
            parsed.push(Segment::Literal(normalize_segment(raw)));
        }
    }
    if parsed.is_empty() {
        return Err(EntryError::Empty);
    }
    Ok(parsed)
}
