//! URL → API path (docs/rules.md §4): decides whether a request URL is a call to the platform API, and
//! normalizes its path for the exclusion matcher.
//!
//! # Why not the `url` crate
//!
//! Every web client downloads this code, and its size is budgeted (ARCHITECTURE.md). The `url`
//! crate brings IDNA and Unicode normalization tables that alone exceed that budget. This module
//! implements only what the tracker needs: the WHATWG URL parser's behaviour for `http:`/`https:` URLs relative to an
//! `http(s)` base — the quirks browsers apply before a request leaves (stripping leading and
//! trailing C0 controls and spaces, removing tabs and newlines, `\` as `/`, scheme and host case,
//! default ports, percent-decoded and IPv4/IPv6-canonical hosts, userinfo, dot segments including
//! `%2e`) — and the path normalization of docs/rules.md §4. Anything that is not `http(s)` (`blob:`, `data:`,
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
//! request and an entry compare equal exactly when docs/rules.md §4 says they should.

mod host;
mod parse;
mod path;

use alloc::{borrow::ToOwned, string::String, vec, vec::Vec};

use core::fmt;

use crate::policy::quote_input;
use crate::text::{char_prefix, concat, find_byte, push_dec};

use parse::{after_slash, parse, preprocess, Parsed};
use path::Path;
pub(crate) use path::{is_dot_segment, normalize_segment};

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
            input: String::from(char_prefix(input, 200)),
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
            if find_byte(trimmed.as_bytes(), b"?#").is_some() {
                return Err(err(role, UrlErrorKind::QueryOrFragment, api));
            }
            let p = parse(api, Some(&parsed_base)).map_err(|kind| err(role, kind, api))?;
            let mut prefix = Vec::new();
            for segment in p.path.segments() {
                prefix.push(String::from(segment));
            }
            apis.push(ApiBase {
                origin: p.origin,
                prefix,
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
        self.apis
            .iter()
            .any(|api| {
                let mut segments = parsed.path.segments();
                api.origin == parsed.origin
                    && api
                        .prefix
                        .iter()
                        .all(|p| segments.next() == Some(p.as_str()))
            })
            .then(|| parsed.path.joined())
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

    /// Each API base as one string — its origin and path prefix (`https://x.com/api`) — for the
    /// shim's fail-closed fallback, which matches without Rust.
    pub fn base_prefixes(&self) -> Vec<String> {
        self.apis
            .iter()
            .map(|api| {
                let mut out = origin_string(&api.origin);
                for segment in &api.prefix {
                    out.push('/');
                    out.push_str(segment);
                }
                out
            })
            .collect()
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

/// The normalization (docs/rules.md §4) of a bare path (e.g. a request URI on the server: `"/api/v2/Users//me/?x"`
/// → `"api/v2/users/me"`): query and fragment cut, `\` as `/`, dot segments resolved, percent-
/// encoding normalized, ASCII lowercased, empty segments dropped. A leading `/` is optional.
pub fn normalize_api_path(path: &str) -> String {
    let input = preprocess(path);
    let end = find_byte(input.as_bytes(), b"?#").unwrap_or(input.len());
    let path_part = input.get(..end).unwrap_or("");
    let mut path = Path::default();
    path.push_path(after_slash(path_part));
    path.joined()
}
