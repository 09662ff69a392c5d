//! Fuzzing the return-to location and the OAuth `state`: the open-redirect
//! tricks, by name, each refused with the reason that names it — alone and smuggled inside a
//! well-formed `state`; structured generators of valid locations that must round-trip, with one
//! hostile mutation that must be refused for that mutation's reason; damaged states that must
//! never yield an unsafe location. The long run is `npm run fuzz` (fuzz/, target `return_to`).
#![cfg(not(target_arch = "wasm32"))]

use inactivity_core::return_to::{
    decode_state, encode_state, ReturnTo, ReturnToErrorKind, MAX_RETURN_TO_LEN,
};
use proptest::prelude::*;
use ReturnToErrorKind::*;

const ORIGIN: &str = "http://127.0.0.1:8080";

/// A `state` as `encode_state` builds it, around any bytes: how a forger smuggles a location
/// that `encode_state` (which only takes a parsed `ReturnTo`) would never write.
fn forge_state(nonce: &[u8], location: &[u8]) -> String {
    fn b64(bytes: &[u8], out: &mut String) {
        const A: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
        for chunk in bytes.chunks(3) {
            let b = |i: usize| u32::from(chunk.get(i).copied().unwrap_or(0));
            let n = (b(0) << 16) | (b(1) << 8) | b(2);
            for k in 0..=chunk.len() {
                out.push(char::from(A[((n >> (18 - 6 * k)) & 63) as usize]));
            }
        }
    }
    let mut state = String::from("rt1.");
    b64(nonce, &mut state);
    state.push('.');
    b64(location, &mut state);
    state
}

/// `candidate` is refused with `kind`, with a message, directly and inside a forged `state`.
fn assert_refused(candidate: &str, kind: ReturnToErrorKind) {
    let error = ReturnTo::parse(candidate, ORIGIN)
        .expect_err(&format!("{candidate:?} must be refused ({kind:?})"));
    assert_eq!(error.kind(), kind, "{candidate:?}: {error}");
    let message = error.to_string();
    assert!(
        message.starts_with("the return location "),
        "{candidate:?}: the message names the location: {message}"
    );
    let state = forge_state(b"n0nce", candidate.as_bytes());
    let error = decode_state(&state, ORIGIN).expect_err(&format!(
        "{candidate:?} inside a well-formed state must be refused"
    ));
    assert_eq!(error.kind(), kind, "{candidate:?} in {state}: {error}");
}

/// The open-redirect tricks, each with the reason it must be refused for.
#[rustfmt::skip]
const HOSTILE: &[(&str, ReturnToErrorKind)] = &[
    // Protocol-relative: another host.
    ("//evil.example/", ProtocolRelative),
    ("//evil.example", ProtocolRelative),
    ("///evil.example/", ProtocolRelative),
    ("http://127.0.0.1:8080//evil.example/", ProtocolRelative),
    // Backslashes, which browsers read as `/`.
    ("/\\evil.example/", Backslash),
    ("\\\\evil.example/", Backslash),
    ("\\/evil.example", Backslash),
    ("/\\/evil.example", Backslash),
    ("http:\\\\evil.example", Backslash),
    ("http://127.0.0.1:8080\\@evil.example/", Backslash),
    // Script and data schemes, in any case, and other schemes.
    ("javascript:alert(1)", Scheme),
    ("JaVaScRiPt:alert(document.cookie)", Scheme),
    ("javascript://127.0.0.1:8080/%0aalert(1)", Scheme),
    ("data:text/html,<script>alert(1)</script>", Scheme),
    ("data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==", Scheme),
    ("vbscript:msgbox(1)", Scheme),
    ("blob:http://127.0.0.1:8080/0b7c3d9e", Scheme),
    ("file:///etc/passwd", Scheme),
    ("ftp://127.0.0.1:8080/", Scheme),
    ("ws://127.0.0.1:8080/", Scheme),
    ("http:evil.example", Scheme),
    ("http:/evil.example", Scheme),
    // Hidden characters in front of or inside a scheme.
    ("java\tscript:alert(1)", ControlCharacter),
    ("\u{0}javascript:alert(1)", ControlCharacter),
    (" javascript:alert(1)", Whitespace),
    // Encoded slashes, backslashes and controls: one level and nested.
    ("/%2f%2fevil.example", ProtocolRelative),
    ("/%2F/evil.example", ProtocolRelative),
    ("/%252f%252fevil.example", ProtocolRelative),
    ("/%5cevil.example", Backslash),
    ("/%5C%5Cevil.example", Backslash),
    ("/%255cevil.example", Backslash),
    ("/%09/evil.example", ControlCharacter),
    ("/%0a/evil.example", ControlCharacter),
    ("/%0d%0aLocation:%20http://evil.example", ControlCharacter),
    ("/%00", ControlCharacter),
    ("/%c2%85evil", ControlCharacter),
    ("/%2525252525252fevil.example", BadPercentEncoding),
    ("/%zz", BadPercentEncoding),
    // Userinfo: the host is what follows the `@`.
    ("http://127.0.0.1:8080@evil.example/", UserInfo),
    ("http://user:pass@127.0.0.1:8080/", UserInfo),
    ("http://127.0.0.1%2f@evil.example/", UserInfo),
    // Other origins: host, scheme, port, numeric and IDN spellings.
    ("http://evil.example/", OtherOrigin),
    ("HTTP://EVIL.EXAMPLE", OtherOrigin),
    ("https://127.0.0.1:8080/", OtherOrigin),
    ("http://127.0.0.1:8081/", OtherOrigin),
    ("http://127.0.0.1/", OtherOrigin),
    ("http://127.0.0.1:8080:8080/", OtherOrigin),
    ("http://127.0.0.1:8080.evil.example/", OtherOrigin),
    ("http://127.0.0.1.:8080/", OtherOrigin),
    ("http://[::1]:8080/", OtherOrigin),
    ("http://2130706433:8080/", OtherOrigin),
    ("http://127.0.0.1%3a8080/", OtherOrigin),
    ("http://xn--80ak6aa92e.com/", OtherOrigin),
    ("http:///evil.example", OtherOrigin),
    // Unicode look-alikes: raw (refused as non-ASCII) and encoded.
    ("http://\u{ff45}vil.example/", NonAscii),
    ("/\u{ff0f}evil.example", NonAscii),
    ("/\u{2215}evil.example", NonAscii),
    ("/\u{200b}/evil.example", NonAscii),
    ("/%ef%bc%8f%ef%bc%8fevil.example", LookalikeSeparator),
    ("/%e2%81%84evil.example", LookalikeSeparator),
    ("/\u{3000}evil.example", Whitespace),
    // Raw control characters and whitespace.
    ("/\t/evil.example", ControlCharacter),
    ("/agent\n", ControlCharacter),
    ("/agent\u{7f}", ControlCharacter),
    ("/ /evil.example", Whitespace),
    // Dot segments that re-shape the path.
    ("/../../evil.example", DotSegment),
    ("/%2e%2e/%2e%2e//evil.example", DotSegment),
    ("/..;/evil.example", DotSegment),
    // Not a location at all.
    ("evil.example", NotAPath),
    ("?next=//evil.example", NotAPath),
    ("#//evil.example", NotAPath),
    ("", Empty),
];

#[test]
fn every_hostile_location_is_refused_alone_and_inside_a_state() {
    assert!(HOSTILE.len() >= 30);
    for &(candidate, kind) in HOSTILE {
        assert_refused(candidate, kind);
    }
    let overlong = format!("/{}", "a".repeat(MAX_RETURN_TO_LEN));
    assert_refused(&overlong, TooLong);
    let overlong = format!("{ORIGIN}/{}", "a".repeat(MAX_RETURN_TO_LEN));
    assert_refused(&overlong, TooLong);
    // Bytes that are not UTF-8 inside a well-formed state: the state is refused as a whole.
    let state = forge_state(b"n", b"/\xff\xfe");
    assert_eq!(
        decode_state(&state, ORIGIN).unwrap_err().kind(),
        InvalidState
    );
    // A hostile nonce is refused even around a good location.
    for nonce in [&b"a\nb"[..], b"\x00", &[b'n'; 257]] {
        let state = forge_state(nonce, b"/agent");
        assert_eq!(
            decode_state(&state, ORIGIN).unwrap_err().kind(),
            InvalidNonce
        );
    }
}

/// Found by `one_hostile_mutation_is_refused_for_its_reason`: the path's end is looked for on
/// the decoded text, so an encoded `?` or `#` (`%3F`, `%23`) hides the encoded dot segments after
/// it — but a browser splits path and query *before* decoding, and WHATWG resolves `%2e%2e`.
/// `location.replace("/%3F/%2e%2e/%2e%2e//evil.example")` lands on pathname `//evil.example`
/// (same origin, but a path the module promises never to produce: an app that redirects to its
/// `location.pathname` goes to evil.example). Fixed: the path ends at the first raw `?`/`#`.
#[test]
fn encoded_query_mark_hides_dot_segments() {
    for candidate in [
        "/%3F/%2e%2e/%2e%2e//evil.example",
        "/x%23/%2e%2e//evil.example",
        "/0%3F/%2e/a",
    ] {
        assert_refused(candidate, DotSegment);
    }
}

// ---- structured generators ----

/// A location as tokens, so that a mutation can go between any two of them (never inside an
/// escape): path segments, then an optional query and fragment.
#[derive(Debug, Clone)]
struct Location {
    segments: Vec<Vec<String>>,
    query: Option<Vec<String>>,
    fragment: Option<Vec<String>>,
}

impl Location {
    fn render(&self) -> String {
        let mut out = String::new();
        for segment in &self.segments {
            out.push('/');
            out.extend(segment.iter().map(String::as_str));
        }
        if self.segments.is_empty() {
            out.push('/');
        }
        if let Some(q) = &self.query {
            out.push('?');
            out.extend(q.iter().map(String::as_str));
        }
        if let Some(f) = &self.fragment {
            out.push('#');
            out.extend(f.iter().map(String::as_str));
        }
        out
    }
}

/// Tokens that are safe anywhere after a segment's first character. (No `%2F`: decoded, it
/// would split the segment, and `a%2F..` is a dot segment once decoded. `%3F`/`%23` stay in the
/// path: `encoded_query_mark_hides_dot_segments` is the regression test of that bug.)
fn safe_token() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => "[A-Za-z0-9._~-]{1,6}",
        1 => prop::sample::select(vec![
            "!", "$", "&", "'", "(", ")", "*", "+", ",", ";", "=", ":", "@", "%20", "%C3%A9",
            "%26", "%41", "%e2%82%ac", "%2e", "%3F", "%23",
        ])
        .prop_map(str::to_owned),
    ]
}

/// A segment starts with a letter or digit (so never `.`/`..`, never `/%2f…`, never `x:`).
fn segment() -> impl Strategy<Value = Vec<String>> {
    ("[A-Za-z0-9]", prop::collection::vec(safe_token(), 0..4)).prop_map(|(first, mut rest)| {
        rest.insert(0, first);
        rest
    })
}

/// Query and fragment tokens: anything safe, including `/`, `//` and `?`.
fn tail() -> impl Strategy<Value = Vec<String>> {
    prop::collection::vec(
        prop_oneof![
            3 => safe_token(),
            1 => prop::sample::select(vec!["/", "//", "?", "/evil.example", "%2F%2F", "/../"]).prop_map(str::to_owned),
        ],
        0..5,
    )
}

fn location() -> impl Strategy<Value = Location> {
    (
        prop::collection::vec(segment(), 0..6),
        prop::option::of(tail()),
        prop::option::of(tail()),
    )
        .prop_map(|(segments, query, fragment)| Location {
            segments,
            query,
            fragment,
        })
}

/// Spellings of this page's origin that a browser treats as the same.
fn same_origin() -> impl Strategy<Value = &'static str> {
    prop::sample::select(vec![
        "http://127.0.0.1:8080",
        "HTTP://127.0.0.1:8080",
        "hTtP://127.0.0.1:08080",
    ])
}

/// One hostile change and the reason it must be refused for.
#[derive(Debug, Clone)]
enum Mutation {
    /// Insert this text between two tokens of the path, query or fragment.
    Insert(&'static str, ReturnToErrorKind),
    /// Replace a path segment with this one.
    Segment(&'static str),
    /// Put this in front of the location.
    Prefix(&'static str, ReturnToErrorKind),
    /// Pad the location past the length limit.
    Overlong,
}

fn mutation() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        prop::sample::select(vec![
            ("\\", Backslash),
            ("%5c", Backslash),
            ("%5C", Backslash),
            ("%255c", Backslash),
            ("\t", ControlCharacter),
            ("\n", ControlCharacter),
            ("\r", ControlCharacter),
            ("\u{0}", ControlCharacter),
            ("\u{7f}", ControlCharacter),
            ("\u{85}", ControlCharacter),
            ("%09", ControlCharacter),
            ("%0a", ControlCharacter),
            ("%0D", ControlCharacter),
            ("%00", ControlCharacter),
            ("%7f", ControlCharacter),
            ("%c2%85", ControlCharacter),
            ("%250a", ControlCharacter),
            (" ", Whitespace),
            ("\u{a0}", Whitespace),
            ("\u{3000}", Whitespace),
            ("\u{e9}", NonAscii),
            ("\u{ff0f}", NonAscii),
            ("\u{200b}", NonAscii),
            ("%ef%bc%8f", LookalikeSeparator),
            ("%EF%BC%BC", LookalikeSeparator),
            ("%e2%88%95", LookalikeSeparator),
            ("%_", BadPercentEncoding),
            ("%zz", BadPercentEncoding),
            ("%4-", BadPercentEncoding),
            ("%g1", BadPercentEncoding),
        ])
        .prop_map(|(text, kind)| Mutation::Insert(text, kind)),
        prop::sample::select(vec![".", "..", "%2e", "%2E%2e", ".%2e", "..;x", ".;"])
            .prop_map(Mutation::Segment),
        prop::sample::select(vec![
            ("/", ProtocolRelative),
            ("/%2f", ProtocolRelative),
            ("/%2F%2F", ProtocolRelative),
            ("/%252f", ProtocolRelative),
            ("\\", Backslash),
            ("javascript:", Scheme),
            ("JaVaScRiPt:", Scheme),
            ("data:text/html,", Scheme),
            ("vbscript:", Scheme),
            ("blob:http://127.0.0.1:8080", Scheme),
            ("http://evil.example", OtherOrigin),
            ("https://127.0.0.1:8080", OtherOrigin),
            ("http://127.0.0.1:8081", OtherOrigin),
            ("http://127.0.0.1", OtherOrigin),
            ("http://localhost:8080", OtherOrigin),
            ("http://127.0.0.1:8080@evil.example", UserInfo),
            ("http://x@127.0.0.1:8080", UserInfo),
            ("http://127.0.0.1:8080/", ProtocolRelative),
            ("agent", NotAPath),
            (".", NotAPath),
            ("..", NotAPath),
            ("evil.example", NotAPath),
        ])
        .prop_map(|(text, kind)| Mutation::Prefix(text, kind)),
        Just(Mutation::Overlong),
    ]
}

/// Applies `mutation` at `at`; returns the hostile text and the reason it must be refused for.
fn apply(
    mut location: Location,
    mutation: &Mutation,
    at: prop::sample::Index,
) -> (String, ReturnToErrorKind) {
    match *mutation {
        Mutation::Insert(text, kind) => {
            // Every token list, and the position of the cut inside the chosen one.
            let mut lists: Vec<&mut Vec<String>> = location.segments.iter_mut().collect();
            lists.extend(location.query.as_mut());
            lists.extend(location.fragment.as_mut());
            if lists.is_empty() {
                location.segments.push(vec![text.to_owned()]);
            } else {
                let n = lists.len();
                let list = &mut lists[at.index(n)];
                // After the first token of a segment, so it still starts with a letter/digit.
                let i = 1.min(list.len()) + at.index(list.len().saturating_sub(1) + 1);
                list.insert(i.min(list.len()), text.to_owned());
            }
            (location.render(), kind)
        }
        Mutation::Segment(dots) => {
            let segment = vec![dots.to_owned()];
            if location.segments.is_empty() {
                location.segments.push(segment);
            } else {
                let i = at.index(location.segments.len());
                location.segments[i] = segment;
            }
            (location.render(), DotSegment)
        }
        Mutation::Prefix(prefix, kind) => (format!("{prefix}{}", location.render()), kind),
        Mutation::Overlong => {
            let mut text = location.render();
            let pad = MAX_RETURN_TO_LEN + 1 - text.len().min(MAX_RETURN_TO_LEN);
            text.push_str(&"a".repeat(pad));
            (text, TooLong)
        }
    }
}

/// What every accepted location looks like: one leading `/`, printable ASCII, no backslash, no
/// dot segment, and no `//` at the start even once decoded.
fn assert_safe(location: &str) {
    let bytes = location.as_bytes();
    assert_eq!(bytes.first(), Some(&b'/'), "{location:?}");
    assert!(!matches!(bytes.get(1), Some(b'/' | b'\\')), "{location:?}");
    assert!(
        bytes.iter().all(|&b| b.is_ascii_graphic() && b != b'\\'),
        "{location:?}"
    );
    let lower = location.to_ascii_lowercase();
    assert!(!lower.starts_with("/%2f") && !lower.starts_with("/%5c"));
    let path = location.split(['?', '#']).next().unwrap_or("");
    assert!(path.split('/').all(|s| s != "." && s != ".."));
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 4_000, failure_persistence: None, ..ProptestConfig::default() })]

    /// Valid locations come back unchanged, in path and absolute form, and through the state.
    #[test]
    fn valid_locations_round_trip(loc in location(), origin in same_origin(), nonce in "[!-~]{0,80}") {
        let text = loc.render();
        let parsed = ReturnTo::parse(&text, ORIGIN);
        prop_assert_eq!(parsed.as_ref().map(ReturnTo::as_str), Ok(text.as_str()));
        let parsed = parsed.unwrap();
        let absolute = ReturnTo::parse(&format!("{origin}{text}"), ORIGIN);
        prop_assert_eq!(absolute.as_ref(), Ok(&parsed));
        let state = encode_state(&parsed, &nonce);
        prop_assert!(state.bytes().all(|b| b.is_ascii_alphanumeric() || b"-_.".contains(&b)), "{}", state);
        prop_assert_eq!(decode_state(&state, ORIGIN), Ok((nonce, parsed)));
    }

    /// One hostile change to a valid location: refused for that change's reason, with a message,
    /// alone and inside a well-formed state.
    #[test]
    fn one_hostile_mutation_is_refused_for_its_reason(loc in location(), m in mutation(), at in any::<prop::sample::Index>()) {
        let (hostile, kind) = apply(loc, &m, at);
        let got = ReturnTo::parse(&hostile, ORIGIN);
        prop_assert_eq!(got.as_ref().map_err(|e| e.kind()), Err(kind), "{:?} ({:?})", hostile, m);
        prop_assert!(!got.unwrap_err().to_string().is_empty());
        let state = forge_state(b"nonce", hostile.as_bytes());
        prop_assert_eq!(decode_state(&state, ORIGIN).map_err(|e| e.kind()), Err(kind), "{:?} in a state", hostile);
    }

    /// Damaged or forged states: refused with a message, or a safe location — never a panic.
    #[test]
    fn damaged_states_never_yield_an_unsafe_location(
        loc in location(), nonce in "[a-z0-9]{0,12}", edits in prop::collection::vec((any::<prop::sample::Index>(), prop::sample::select(b"AZaz09-_.=+/%rt1\0".to_vec()), 0u8..3), 1..4),
    ) {
        let good = ReturnTo::parse(&loc.render(), ORIGIN).unwrap();
        let mut bytes = encode_state(&good, &nonce).into_bytes();
        for (at, byte, op) in edits {
            let i = at.index(bytes.len() + 1);
            match op {
                0 => bytes.insert(i, byte),
                1 if i < bytes.len() => { bytes.remove(i); }
                _ if i < bytes.len() => bytes[i] = byte,
                _ => bytes.push(byte),
            }
        }
        let state = String::from_utf8(bytes).unwrap();
        match decode_state(&state, ORIGIN) {
            Ok((_, location)) => {
                assert_safe(location.as_str());
                prop_assert_eq!(ReturnTo::parse(location.as_str(), ORIGIN), Ok(location));
            }
            Err(e) => prop_assert!(!e.to_string().is_empty()),
        }
    }

    /// Any bytes in a well-formed state: refused, or parsed exactly as `ReturnTo::parse` would.
    #[test]
    fn forged_states_agree_with_parse(loc in location(), noise in prop::collection::vec(any::<u8>(), 0..24), at in any::<prop::sample::Index>()) {
        let mut bytes = loc.render().into_bytes();
        let i = at.index(bytes.len() + 1);
        bytes.splice(i..i, noise);
        let state = forge_state(b"n", &bytes);
        match std::str::from_utf8(&bytes) {
            Ok(text) => prop_assert_eq!(
                decode_state(&state, ORIGIN).map(|(_, l)| l),
                ReturnTo::parse(text, ORIGIN)
            ),
            Err(_) => prop_assert_eq!(decode_state(&state, ORIGIN).map_err(|e| e.kind()), Err(InvalidState)),
        }
    }
}
