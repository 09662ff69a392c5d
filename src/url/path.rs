//! Paths: the normalization of a segment (docs/rules.md §4), WHATWG's dot segments, and [`Path`], a parsed path
//! kept as one string (no allocation per segment: this runs for every new URL a page requests).

use alloc::string::String;

use crate::text::{find_byte, hex_value, rfind_byte};

/// A path as WHATWG's path state builds it — segments in order, empty ones included, each
/// normalized — stored as one string with a `/` before each segment (`["a", "", "b"]` is
/// `"/a//b"`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(super) struct Path(String);

impl Path {
    /// Appends the segments of `path` (split on `/` and `\`, up to the caller's cut of query and
    /// fragment), resolving dot segments as the WHATWG path state does.
    pub(super) fn push_path(&mut self, path: &str) {
        let mut rest = path;
        loop {
            let (part, next) = match find_byte(rest.as_bytes(), b"/\\") {
                Some(i) => (rest.get(..i).unwrap_or(""), rest.get(i + 1..)),
                None => (rest, None),
            };
            let last = next.is_none();
            if is_double_dot(part) {
                self.pop();
                if last {
                    self.0.push('/');
                }
            } else if is_single_dot(part) {
                if last {
                    self.0.push('/');
                }
            } else {
                self.0.push('/');
                push_normalized(&mut self.0, part);
            }
            match next {
                Some(next) => rest = next,
                None => break,
            }
        }
    }

    /// Drops the last segment.
    pub(super) fn pop(&mut self) {
        let cut = rfind_byte(self.0.as_bytes(), b"/").unwrap_or(0);
        self.0.truncate(cut);
    }

    /// The non-empty segments, in order.
    pub(super) fn segments(&self) -> impl Iterator<Item = &str> {
        self.0.split('/').filter(|s| !s.is_empty())
    }

    /// The non-empty segments joined with `/` (no leading `/`): the normalized form (docs/rules.md §4).
    pub(super) fn joined(&self) -> String {
        let mut out = String::with_capacity(self.0.len());
        for segment in self.segments() {
            if !out.is_empty() {
                out.push('/');
            }
            out.push_str(segment);
        }
        out
    }
}

/// Normalizes one path segment (no `/` in it): encodes what a browser percent-encodes in a path
/// (controls, space, `"`, `#`, `<`, `>`, `?`, `` ` ``, `{`, `}`, `^`, DEL, non-ASCII as UTF-8),
/// decodes `%XX` of unreserved characters, and lowercases ASCII (hex digits included). A stray
/// `%` (not starting an escape) becomes `%25`, so that a decoded character can never complete
/// an escape with it: normalizing twice gives the same path (`%4%31` → `%254` + `1`, not `%41`).
pub(crate) fn normalize_segment(raw: &str) -> String {
    let mut out = String::with_capacity(raw.len());
    push_normalized(&mut out, raw);
    out
}

/// [`normalize_segment`], appended to `out`.
fn push_normalized(out: &mut String, raw: &str) {
    // The common case, a segment with nothing to decode or encode: copied at once, then
    // lowercased in place (every request's path goes through here).
    if !raw.bytes().any(|b| b == b'%' || needs_encoding(b)) {
        let start = out.len();
        out.push_str(raw);
        if let Some(added) = out.get_mut(start..) {
            added.make_ascii_lowercase();
        }
        return;
    }
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let hex = |n: u8| char::from(HEX.get(usize::from(n & 0xf)).copied().unwrap_or(b'0'));
    let bytes = raw.as_bytes();
    let mut i = 0;
    while let Some(&b) = bytes.get(i) {
        if b == b'%' {
            if let (Some(h), Some(l)) = (
                bytes.get(i + 1).and_then(|c| hex_value(*c)),
                bytes.get(i + 2).and_then(|c| hex_value(*c)),
            ) {
                let v = h * 16 + l;
                if v.is_ascii_alphanumeric() || matches!(v, b'-' | b'.' | b'_' | b'~') {
                    out.push(char::from(v.to_ascii_lowercase()));
                } else {
                    out.push('%');
                    out.push(hex(h));
                    out.push(hex(l));
                }
                i += 3;
                continue;
            }
        }
        if b == b'%' || needs_encoding(b) {
            out.push('%');
            out.push(hex(b >> 4));
            out.push(hex(b));
        } else {
            out.push(char::from(b.to_ascii_lowercase()));
        }
        i += 1;
    }
}

/// Whether a path byte is percent-encoded by the normalization: controls, space, non-ASCII and
/// the characters WHATWG's path percent-encode set adds (`%` itself is handled apart).
fn needs_encoding(b: u8) -> bool {
    b <= 0x20
        || b >= 0x7f
        || matches!(
            b,
            b'"' | b'#' | b'<' | b'>' | b'?' | b'`' | b'{' | b'}' | b'^'
        )
}

/// WHATWG's single-dot (`.`, `%2e`) or double-dot (`..`, `.%2e`, `%2e.`, `%2e%2e`) segment,
/// ASCII case-insensitively.
pub(crate) fn is_dot_segment(segment: &str) -> bool {
    is_single_dot(segment) || is_double_dot(segment)
}

fn is_single_dot(segment: &str) -> bool {
    segment == "." || segment.eq_ignore_ascii_case("%2e")
}

fn is_double_dot(segment: &str) -> bool {
    match segment.len() {
        2 => segment == "..",
        4 => segment.eq_ignore_ascii_case(".%2e") || segment.eq_ignore_ascii_case("%2e."),
        6 => segment.eq_ignore_ascii_case("%2e%2e"),
        _ => false,
    }
}
