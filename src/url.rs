//! URL → API path (DESIGN §3): decides whether a request URL is a call to the platform API, and
//! normalizes its path for the exclusion matcher.
//!
//! # Why not the `url` crate
//!
//! The browser bundle must stay under 25 KB gzipped in total. The `url` crate brings IDNA and
//! Unicode normalization tables that alone exceed that budget. This module implements only what
//! the tracker needs: the WHATWG URL parser's behaviour for `http:`/`https:` URLs relative to an
//! `http(s)` base — the quirks browsers apply before a request leaves (stripping leading and
//! trailing C0 controls and spaces, removing tabs and newlines, `\` as `/`, scheme and host case,
//! default ports, percent-decoded and IPv4/IPv6-canonical hosts, userinfo, dot segments including
//! `%2e`) — and the path normalization of §3. Anything that is not `http(s)` (`blob:`, `data:`,
//! `javascript:`, …) is simply "not an API call"; no other scheme is parsed.
//!
//! Known limitation: hosts with non-ASCII characters are compared after ASCII lowercasing only
//! (no IDNA/punycode mapping). Configure API bases with their ASCII (`xn--`) host names; a
//! mismatch only makes a request "not activity" (fail closed).
//!
//! # Path normalization
//!
//! [`normalize_api_path`] and [`ApiScope::api_path`] give the path without a leading `/`, query or
//! fragment; dot segments resolved as WHATWG does; characters a browser would percent-encode
//! encoded; `%XX` of unreserved characters (`A-Z a-z 0-9 - . _ ~`) decoded; ASCII lowercased
//! (including the hex digits of `%XX`); empty segments dropped (so `//` collapses and a trailing
//! `/` is ignored). The exclusion entries go through the same per-segment normalization, so a
//! request and an entry compare equal exactly when §3 says they should.

use alloc::{borrow::ToOwned, string::String, vec, vec::Vec};

use core::fmt;

use crate::policy::quote_input;
use crate::text::{concat, push_dec, push_hex};

/// A `http:` or `https:` scheme.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Scheme {
    Http,
    Https,
}

impl Scheme {
    fn default_port(self) -> u16 {
        match self {
            Scheme::Http => 80,
            Scheme::Https => 443,
        }
    }

    fn as_str(self) -> &'static str {
        match self {
            Scheme::Http => "http",
            Scheme::Https => "https",
        }
    }
}

/// Scheme, canonical host and port (`None` for the scheme's default port).
#[derive(Debug, Clone, PartialEq, Eq)]
struct Origin {
    scheme: Scheme,
    host: String,
    port: Option<u16>,
}

/// A parsed `http(s)` URL: its origin and its path as a list of normalized segments (empty
/// segments kept, as WHATWG keeps them, until the final join).
#[derive(Debug, Clone)]
struct Parsed {
    origin: Origin,
    path: Vec<String>,
}

/// Why an input is not a usable `http(s)` URL.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum UrlErrorKind {
    /// The input is empty (after trimming spaces and control characters).
    Empty,
    /// A relative URL where an absolute one is needed (the base URL).
    NotAbsolute,
    /// The scheme is not `http:` or `https:`.
    NotHttp,
    /// The host is empty or contains a character hosts cannot contain, or an IP address is
    /// malformed.
    InvalidHost,
    /// The port is not a number in 0..=65535.
    InvalidPort,
    /// An API base has a query (`?`) or fragment (`#`); a base is an origin and a path prefix.
    QueryOrFragment,
}

/// Which input of [`ApiScope::new`] is wrong.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UrlRole {
    /// The base URL (`document.baseURI`).
    Base,
    /// The API base at this index of `api_bases`.
    ApiBase(usize),
}

/// A base URL or API base that [`ApiScope::new`] cannot use. `Display` names the input and what is
/// wrong with it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UrlError {
    role: UrlRole,
    kind: UrlErrorKind,
    input: String,
}

impl UrlError {
    /// Which input is wrong.
    pub fn role(&self) -> UrlRole {
        self.role
    }

    /// What is wrong with it.
    pub fn kind(&self) -> UrlErrorKind {
        self.kind
    }

    /// The input as given (cut to 200 characters).
    pub fn input(&self) -> &str {
        &self.input
    }
}

impl UrlError {
    /// The sentence: which input, and what is wrong with it (built without `core::fmt`: the
    /// client shows it).
    pub fn message(&self) -> String {
        let mut out = String::new();
        match self.role {
            UrlRole::Base => out.push_str("the base URL "),
            UrlRole::ApiBase(i) => {
                out.push_str("API base [");
                push_dec(&mut out, i as u64);
                out.push_str("] ");
            }
        }
        out.push_str(&quote_input(&self.input));
        out.push(' ');
        out.push_str(match self.kind {
            UrlErrorKind::Empty => "is empty: give an http: or https: URL",
            UrlErrorKind::NotAbsolute => {
                "is not an absolute URL: give one with a scheme and host, e.g. https://example.com/"
            }
            UrlErrorKind::NotHttp => "is not an http: or https: URL",
            UrlErrorKind::InvalidHost => "has an empty or invalid host",
            UrlErrorKind::InvalidPort => "has an invalid port: use a number from 0 to 65535",
            UrlErrorKind::QueryOrFragment => {
                "has a query or fragment: an API base is an origin and a path prefix only, e.g. https://api.example.com/api/"
            }
        });
        out
    }
}

impl fmt::Display for UrlError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message())
    }
}

impl core::error::Error for UrlError {}

/// One API base: requests to this origin whose path starts with these segments are API calls.
#[derive(Debug, Clone)]
struct ApiBase {
    origin: Origin,
    prefix: Vec<String>,
    /// Whether the base was given (`false`: the default, same origin under `/api/`).
    explicit: bool,
}

/// Where API calls go: the document's base URL (to resolve relative request URLs) and the API
/// bases (origin + path prefix).
///
/// ```
/// use inactivity_core::url::ApiScope;
///
/// let scope = ApiScope::new("https://apps.example.com/agent/", &[]).unwrap();
/// assert_eq!(scope.api_path("/api/v2/Users/me?x=1").as_deref(), Some("api/v2/users/me"));
/// assert_eq!(scope.api_path("../api/v2//users/").as_deref(), Some("api/v2/users"));
/// assert_eq!(scope.api_path("/static/app.js"), None);          // not under /api/
/// assert_eq!(scope.api_path("https://cdn.example.net/api/x"), None); // another origin
/// assert_eq!(scope.api_path("blob:https://apps.example.com/1c2d"), None);
/// ```
#[derive(Debug, Clone)]
pub struct ApiScope {
    base: Parsed,
    apis: Vec<ApiBase>,
}

impl ApiScope {
    /// A scope from `base` (an absolute `http(s)` URL: `document.baseURI`) and `api_bases` (URL
    /// prefixes such as `"https://api.example.com"` or `"https://x.com/api/"`, resolved against
    /// `base`, so `"/gateway/api/"` works too; compared segment-wise, so `/api` does not cover
    /// `/apix`). With no API bases, the default is the base's origin with paths under `/api/`.
    pub fn new(base: &str, api_bases: &[String]) -> Result<ApiScope, UrlError> {
        let err = |role, kind, input: &str| UrlError {
            role,
            kind,
            input: input.chars().take(200).collect(),
        };
        let parsed_base = match parse(base, None) {
            Ok(p) => p,
            Err(kind) => return Err(err(UrlRole::Base, kind, base)),
        };
        let mut apis = Vec::with_capacity(api_bases.len().max(1));
        for (i, api) in api_bases.iter().enumerate() {
            let role = UrlRole::ApiBase(i);
            let trimmed = preprocess(api);
            if trimmed.is_empty() {
                return Err(err(role, UrlErrorKind::Empty, api));
            }
            if trimmed.bytes().any(|b| b == b'?' || b == b'#') {
                return Err(err(role, UrlErrorKind::QueryOrFragment, api));
            }
            let p = parse(api, Some(&parsed_base)).map_err(|kind| err(role, kind, api))?;
            apis.push(ApiBase {
                origin: p.origin,
                prefix: p.path.into_iter().filter(|s| !s.is_empty()).collect(),
                explicit: true,
            });
        }
        if apis.is_empty() {
            apis.push(ApiBase {
                origin: parsed_base.origin.clone(),
                prefix: vec!["api".to_owned()],
                explicit: false,
            });
        }
        Ok(ApiScope {
            base: parsed_base,
            apis,
        })
    }

    /// The normalized API path of a request to `url` (without a leading `/`, e.g.
    /// `"api/v2/users/me"`), or `None` when the request is not an API call: not `http(s)`, not
    /// parseable, or not under an API base.
    pub fn api_path(&self, url: &str) -> Option<String> {
        let parsed = parse(url, Some(&self.base)).ok()?;
        let segments: Vec<&str> = parsed
            .path
            .iter()
            .map(String::as_str)
            .filter(|s| !s.is_empty())
            .collect();
        self.apis
            .iter()
            .any(|api| {
                api.origin == parsed.origin
                    && segments.len() >= api.prefix.len()
                    && api.prefix.iter().zip(&segments).all(|(a, b)| a == b)
            })
            .then(|| segments.join("/"))
    }

    /// Where the tracker's own calls (`/api/v2/…` paths) go: `""` (same origin, relative) for the
    /// default API base; else the first API base's origin and path prefix without a trailing
    /// `api` segment — `https://x.com/gateway/api/` gives `https://x.com/gateway`, so the call
    /// `/api/v2/tokens/me` goes to `https://x.com/gateway/api/v2/tokens/me`.
    pub fn api_root(&self) -> String {
        let Some(api) = self.apis.first().filter(|a| a.explicit) else {
            return String::new();
        };
        let mut out = origin_string(&api.origin);
        let prefix = match api.prefix.split_last() {
            Some((last, rest)) if last == "api" => rest,
            _ => &api.prefix[..],
        };
        for segment in prefix {
            out.push('/');
            out.push_str(segment);
        }
        out
    }

    /// The origin of the base URL, serialized (`"https://example.com"`, with a port only when it
    /// is not the default), e.g. for messages.
    pub fn base_origin(&self) -> String {
        origin_string(&self.base.origin)
    }
}

/// The serialized origin (`"https://crm.example.com"`, `"http://localhost:8080"`) of an absolute
/// `http(s)` URL, or `None` when `input` is not one. Compare it with `input` to check that an
/// input *is* a serialized origin (no path, no default port, lowercase host).
///
/// ```
/// use inactivity_core::url::origin_of;
/// assert_eq!(origin_of("https://CRM.example.com:443/app").as_deref(), Some("https://crm.example.com"));
/// assert_eq!(origin_of("null"), None);
/// assert_eq!(origin_of("*"), None);
/// ```
pub fn origin_of(input: &str) -> Option<String> {
    parse(input, None).ok().map(|p| origin_string(&p.origin))
}

/// `scheme://host[:port]`.
fn origin_string(o: &Origin) -> String {
    let mut out = concat(&[o.scheme.as_str(), "://", &o.host]);
    if let Some(port) = o.port {
        out.push(':');
        push_dec(&mut out, u64::from(port));
    }
    out
}

/// The §3 normalization of a bare path (e.g. a request URI on the server: `"/api/v2/Users//me/?x"`
/// → `"api/v2/users/me"`): query and fragment cut, `\` as `/`, dot segments resolved, percent-
/// encoding normalized, ASCII lowercased, empty segments dropped. A leading `/` is optional.
pub fn normalize_api_path(path: &str) -> String {
    let input = preprocess(path);
    let path_part = input.split(['?', '#']).next().unwrap_or("");
    let mut segments = Vec::new();
    push_path(
        &mut segments,
        path_part.strip_prefix(['/', '\\']).unwrap_or(path_part),
    );
    join(&segments)
}

/// Normalizes one path segment (no `/` in it): encodes what a browser percent-encodes in a path
/// (controls, space, `"`, `#`, `<`, `>`, `?`, `` ` ``, `{`, `}`, `^`, DEL, non-ASCII as UTF-8),
/// decodes `%XX` of unreserved characters, and lowercases ASCII (hex digits included). A stray
/// `%` (not starting an escape) becomes `%25`, so that a decoded character can never complete
/// an escape with it: normalizing twice gives the same path (`%4%31` → `%254` + `1`, not `%41`).
pub(crate) fn normalize_segment(raw: &str) -> String {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let bytes = raw.as_bytes();
    let mut out = String::with_capacity(raw.len());
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
                    out.push(char::from(HEX[usize::from(h)]));
                    out.push(char::from(HEX[usize::from(l)]));
                }
                i += 3;
                continue;
            }
        }
        let encode = b <= 0x20
            || b >= 0x7f
            || b == b'%'
            || matches!(
                b,
                b'"' | b'#' | b'<' | b'>' | b'?' | b'`' | b'{' | b'}' | b'^'
            );
        if encode {
            out.push('%');
            out.push(char::from(HEX[usize::from(b >> 4)]));
            out.push(char::from(HEX[usize::from(b & 0xf)]));
        } else {
            out.push(char::from(b.to_ascii_lowercase()));
        }
        i += 1;
    }
    out
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

fn hex_value(c: u8) -> Option<u8> {
    match c {
        b'0'..=b'9' => Some(c - b'0'),
        b'a'..=b'f' => Some(c - b'a' + 10),
        b'A'..=b'F' => Some(c - b'A' + 10),
        _ => None,
    }
}

/// WHATWG pre-processing: strip leading and trailing C0 controls and spaces, remove every tab,
/// LF and CR.
fn preprocess(input: &str) -> String {
    input
        .trim_matches(|c: char| c <= ' ')
        .chars()
        .filter(|c| !matches!(c, '\t' | '\n' | '\r'))
        .collect()
}

/// Joins the non-empty segments with `/`.
fn join(segments: &[String]) -> String {
    let mut out = String::new();
    for s in segments.iter().filter(|s| !s.is_empty()) {
        if !out.is_empty() {
            out.push('/');
        }
        out.push_str(s);
    }
    out
}

/// Appends the segments of `path` (the part after the first `/`, up to any `?`/`#`; split on `/`
/// and `\`) to `segments`, resolving dot segments as the WHATWG path state does.
fn push_path(segments: &mut Vec<String>, path: &str) {
    let mut parts = path.split(['/', '\\']).peekable();
    while let Some(part) = parts.next() {
        let last = parts.peek().is_none();
        if is_double_dot(part) {
            segments.pop();
            if last {
                segments.push(String::new());
            }
        } else if is_single_dot(part) {
            if last {
                segments.push(String::new());
            }
        } else {
            segments.push(normalize_segment(part));
        }
    }
}

/// Parses `input` as WHATWG does for special (`http(s)`) URLs, relative to `base` when given.
fn parse(input: &str, base: Option<&Parsed>) -> Result<Parsed, UrlErrorKind> {
    let input = preprocess(input);
    if input.is_empty() && base.is_none() {
        return Err(UrlErrorKind::Empty);
    }
    match split_scheme(&input) {
        Some((scheme, rest)) => {
            let scheme = match scheme.to_ascii_lowercase().as_str() {
                "http" => Scheme::Http,
                "https" => Scheme::Https,
                _ => return Err(UrlErrorKind::NotHttp),
            };
            match base {
                // "special relative or authority state": `https:foo` with an https base is
                // relative to it; only `//` (forward slashes) starts an authority here.
                Some(base) if base.origin.scheme == scheme && !rest.starts_with("//") => {
                    relative(rest, base)
                }
                _ => authority(scheme, rest.trim_start_matches(['/', '\\'])),
            }
        }
        None => match base {
            Some(base) => relative(&input, base),
            None => Err(UrlErrorKind::NotAbsolute),
        },
    }
}

/// The scheme (without `:`) and the rest, when `input` starts with one.
fn split_scheme(input: &str) -> Option<(&str, &str)> {
    let mut chars = input.char_indices();
    match chars.next() {
        Some((_, c)) if c.is_ascii_alphabetic() => {}
        _ => return None,
    }
    for (i, c) in chars {
        match c {
            ':' => return Some((input.get(..i)?, input.get(i + 1..)?)),
            c if c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.') => {}
            _ => return None,
        }
    }
    None
}

/// A reference relative to `base` (WHATWG "relative state").
fn relative(rest: &str, base: &Parsed) -> Result<Parsed, UrlErrorKind> {
    let mut chars = rest.chars();
    match (chars.next(), chars.next()) {
        (Some('/' | '\\'), Some('/' | '\\')) => {
            authority(base.origin.scheme, rest.trim_start_matches(['/', '\\']))
        }
        (Some('/' | '\\'), _) => {
            let mut path = Vec::new();
            push_path(&mut path, path_part(rest.get(1..).unwrap_or("")));
            Ok(Parsed {
                origin: base.origin.clone(),
                path,
            })
        }
        (None | Some('?' | '#'), _) => Ok(base.clone()),
        _ => {
            let mut path = base.path.clone();
            path.pop();
            push_path(&mut path, path_part(rest));
            Ok(Parsed {
                origin: base.origin.clone(),
                path,
            })
        }
    }
}

/// `rest` up to its query or fragment.
fn path_part(rest: &str) -> &str {
    rest.split(['?', '#']).next().unwrap_or("")
}

/// Parses `[userinfo@]host[:port][/path][?query][#fragment]` after the slashes.
fn authority(scheme: Scheme, rest: &str) -> Result<Parsed, UrlErrorKind> {
    let end = rest.find(['/', '\\', '?', '#']).unwrap_or(rest.len());
    let (auth, after) = rest.split_at_checked(end).unwrap_or((rest, ""));
    let host_port = match auth.rfind('@') {
        Some(at) => auth.get(at + 1..).unwrap_or(""),
        None => auth,
    };
    let (host, port) = if host_port.starts_with('[') {
        let close = host_port.find(']').ok_or(UrlErrorKind::InvalidHost)?;
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
        match host_port.split_once(':') {
            Some((h, p)) => (h, Some(p)),
            None => (host_port, None),
        }
    };
    let host = parse_host(host)?;
    let port = match port {
        None | Some("") => None,
        Some(p) => {
            if !p.bytes().all(|b| b.is_ascii_digit()) {
                return Err(UrlErrorKind::InvalidPort);
            }
            let digits = p.trim_start_matches('0');
            let n: u32 = if digits.is_empty() {
                0
            } else if digits.len() > 5 {
                return Err(UrlErrorKind::InvalidPort);
            } else {
                digits.parse().map_err(|_| UrlErrorKind::InvalidPort)?
            };
            let n = u16::try_from(n).map_err(|_| UrlErrorKind::InvalidPort)?;
            (n != scheme.default_port()).then_some(n)
        }
    };
    let mut path = Vec::new();
    let after = path_part(after);
    push_path(&mut path, after.strip_prefix(['/', '\\']).unwrap_or(after));
    Ok(Parsed {
        origin: Origin { scheme, host, port },
        path,
    })
}

/// WHATWG host parsing for special schemes (without IDNA): IPv6 in brackets, percent-decoding,
/// ASCII lowercasing, forbidden code points, IPv4 in its numeric forms.
fn parse_host(input: &str) -> Result<String, UrlErrorKind> {
    if let Some(inner) = input.strip_prefix('[') {
        let inner = inner.strip_suffix(']').ok_or(UrlErrorKind::InvalidHost)?;
        return ipv6(inner)
            .map(|v6| concat(&["[", &v6, "]"]))
            .ok_or(UrlErrorKind::InvalidHost);
    }
    if input.is_empty() {
        return Err(UrlErrorKind::InvalidHost);
    }
    let decoded = percent_decode(input);
    let host = String::from_utf8(decoded)
        .map_err(|_| UrlErrorKind::InvalidHost)?
        .to_ascii_lowercase();
    let forbidden = |c: char| {
        c <= ' '
            || c == '\u{7f}'
            || matches!(
                c,
                '#' | '%' | '/' | ':' | '<' | '>' | '?' | '@' | '[' | '\\' | ']' | '^' | '|'
            )
    };
    if host.is_empty() || host.contains(forbidden) {
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
