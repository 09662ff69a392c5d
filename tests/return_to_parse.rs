//! `ReturnTo::parse`, table-driven: what comes back to the same page, and every hostile form
//! that must not (each refused with the reason that names it).

use inactivity_core::return_to::{ReturnTo, ReturnToErrorKind, MAX_RETURN_TO_LEN};
use ReturnToErrorKind::*;

const ORIGIN: &str = "http://127.0.0.1:8080";

fn check(candidate: &str, expected: Result<&str, ReturnToErrorKind>) {
    check_at(ORIGIN, candidate, expected);
}

fn check_at(origin: &str, candidate: &str, expected: Result<&str, ReturnToErrorKind>) {
    let got = ReturnTo::parse(candidate, origin);
    match (&got, expected) {
        (Ok(location), Ok(want)) => {
            assert_eq!(location.as_str(), want, "{candidate:?} at {origin}");
            // Idempotent: the result is itself accepted, unchanged.
            assert_eq!(
                ReturnTo::parse(location.as_str(), origin).as_ref(),
                Ok(location)
            );
        }
        (Err(error), Err(want)) => {
            assert_eq!(error.kind(), want, "{candidate:?} at {origin}: {error}");
            assert!(!error.to_string().is_empty());
        }
        _ => panic!("{candidate:?} at {origin}: got {got:?}, expected {expected:?}"),
    }
}

#[test]
#[rustfmt::skip]
fn same_origin_locations_come_back() {
    check("/", Ok("/"));
    check("/agent", Ok("/agent"));
    check("/agent?x=1#h", Ok("/agent?x=1#h"));
    check("/agent/queue/42?tab=calls&sort=-date#row-7", Ok("/agent/queue/42?tab=calls&sort=-date#row-7"));
    check("/caf%C3%A9/r%C3%A9sum%C3%A9", Ok("/caf%C3%A9/r%C3%A9sum%C3%A9"));
    check("/files/a%2Fb", Ok("/files/a%2Fb"));
    check("/search?q=a%20b", Ok("/search?q=a%20b"));
    check("/%20/x", Ok("/%20/x"));
    check("/x%C2%A0y", Ok("/x%C2%A0y"));
    check("/#/hash-router/route?x=1", Ok("/#/hash-router/route?x=1"));
    check("/a//b", Ok("/a//b"));
    check("/.well-known/x", Ok("/.well-known/x"));
    check("/a/...", Ok("/a/..."));
    check("/?next=//evil.example", Ok("/?next=//evil.example"));
    check("/agent#//evil.example", Ok("/agent#//evil.example"));
    check("/50%2525off", Ok("/50%2525off"));
    check("http://127.0.0.1:8080/agent#h", Ok("/agent#h"));
    check("http://127.0.0.1:8080", Ok("/"));
    check("http://127.0.0.1:8080?x=1", Ok("/?x=1"));
    check("http://127.0.0.1:8080#h", Ok("/#h"));
    check("HTTP://127.0.0.1:8080/Agent", Ok("/Agent"));
    check_at("https://crm.example.com", "https://CRM.Example.com:443/a", Ok("/a"));
    check_at("https://crm.example.com:443", "https://crm.example.com/a", Ok("/a"));
    check_at("http://crm.example.com/", "http://crm.example.com:80/a", Ok("/a"));
    check_at("http://[::1]:8080", "http://[::1]:8080/a?b", Ok("/a?b"));
    check(&format!("/{}", "a".repeat(MAX_RETURN_TO_LEN - 1)), Ok(&format!("/{}", "a".repeat(MAX_RETURN_TO_LEN - 1))));
}

#[test]
#[rustfmt::skip]
fn other_hosts_are_refused() {
    check("//evil.example", Err(ProtocolRelative));
    check("//evil.example/agent", Err(ProtocolRelative));
    check("///evil.example", Err(ProtocolRelative));
    check("/\\evil.example", Err(Backslash));
    check("\\\\evil.example", Err(Backslash));
    check("\\/evil.example", Err(Backslash));
    check("/agent\\..\\..\\", Err(Backslash));
    check("http://evil.example/", Err(OtherOrigin));
    check("https://127.0.0.1:8080/agent", Err(OtherOrigin));
    check("http://127.0.0.1:8081/agent", Err(OtherOrigin));
    check("http://127.0.0.1/agent", Err(OtherOrigin));
    check("http://127.0.0.1.:8080/agent", Err(OtherOrigin));
    check("http://127.0.0.1:8080.evil.example/", Err(OtherOrigin));
    check("http://localhost:8080/agent", Err(OtherOrigin));
    check("http:///evil.example", Err(OtherOrigin));
    check("http://127.0.0.1:/agent", Err(OtherOrigin));
    check("http://127.0.0.1:99999/agent", Err(OtherOrigin));
    check("http://%31%32%37.0.0.1:8080/", Err(OtherOrigin));
    check("http://127.0.0.1:8080@evil.example/", Err(UserInfo));
    check("http://a@evil.example", Err(UserInfo));
    check("http://user:pass@127.0.0.1:8080/agent", Err(UserInfo));
    check("http://evil.example#@127.0.0.1:8080", Err(OtherOrigin));
    check("http://evil.example?@127.0.0.1:8080", Err(OtherOrigin));
    check("http://127.0.0.1:8080//evil.example", Err(ProtocolRelative));
    check("http:/evil.example", Err(Scheme));
    check("http:evil.example", Err(Scheme));
    check("http:\\\\evil.example", Err(Backslash));
}

#[test]
#[rustfmt::skip]
fn other_schemes_are_refused() {
    check("javascript:alert(1)", Err(Scheme));
    check("JaVaScRiPt:alert(1)", Err(Scheme));
    check("javascript://%0aalert(1)", Err(Scheme));
    check("data:text/html,<script>alert(1)</script>", Err(Scheme));
    check("vbscript:msgbox", Err(Scheme));
    check("blob:http://127.0.0.1:8080/uuid", Err(Scheme));
    check("file:///etc/passwd", Err(Scheme));
    check("ftp://127.0.0.1:8080/", Err(Scheme));
    check("ws://127.0.0.1:8080/", Err(Scheme));
    check("mailto:a@b", Err(Scheme));
    check("java\tscript:alert(1)", Err(ControlCharacter));
    check(" javascript:alert(1)", Err(Whitespace));
    check("\u{0}javascript:alert(1)", Err(ControlCharacter));
}

#[test]
#[rustfmt::skip]
fn encoded_and_hidden_tricks_are_refused() {
    check("/%2f%2fevil.example", Err(ProtocolRelative));
    check("/%2F%2Fevil.example", Err(ProtocolRelative));
    check("/%2fevil.example", Err(ProtocolRelative));
    check("/%252f%252fevil.example", Err(ProtocolRelative));
    check("/%25252f%25252fevil.example", Err(ProtocolRelative));
    check("/%5cevil.example", Err(Backslash));
    check("/%5Cevil.example", Err(Backslash));
    check("/%255cevil.example", Err(Backslash));
    check("/a?x=%5c", Err(Backslash));
    check("/%09/evil.example", Err(ControlCharacter));
    check("/%0a/evil.example", Err(ControlCharacter));
    check("/%0d%0aSet-Cookie:x", Err(ControlCharacter));
    check("/%00", Err(ControlCharacter));
    check("/%7f", Err(ControlCharacter));
    check("/%c2%85", Err(ControlCharacter));
    check("/a#%0a", Err(ControlCharacter));
    check("/%ef%bc%8fevil.example", Err(LookalikeSeparator));
    check("/%e2%88%95evil.example", Err(LookalikeSeparator));
    check("/%ef%bc%bcevil.example", Err(LookalikeSeparator));
    check("/%2e%2e/%2e%2e//evil.example", Err(DotSegment));
    check("/a/../..//evil.example", Err(DotSegment));
    check("/a/./b", Err(DotSegment));
    check("/a/..", Err(DotSegment));
    check("/a/.%2e/b", Err(DotSegment));
    check("/..;/admin", Err(DotSegment));
    check("/%", Err(BadPercentEncoding));
    check("/%2", Err(BadPercentEncoding));
    check("/%zz", Err(BadPercentEncoding));
    check("/?discount=50%", Err(BadPercentEncoding));
    check("/%2525252525252f", Err(BadPercentEncoding));
    check("/\t/evil.example", Err(ControlCharacter));
    check("/\n/evil.example", Err(ControlCharacter));
    check("/\r/evil.example", Err(ControlCharacter));
    check("/agent\u{7f}", Err(ControlCharacter));
    check("/agent\u{85}", Err(ControlCharacter));
    check("/a b", Err(Whitespace));
    check("/agent ", Err(Whitespace));
    check("/\u{a0}", Err(Whitespace));
    check("/\u{ff0f}evil.example", Err(NonAscii));
    check("/caf\u{e9}", Err(NonAscii));
}

#[test]
#[rustfmt::skip]
fn not_a_location_at_all() {
    check("", Err(Empty));
    check("agent", Err(NotAPath));
    check("evil.example", Err(NotAPath));
    check("evil.example/path:x", Err(NotAPath));
    check("?x=1", Err(NotAPath));
    check("#h", Err(NotAPath));
    check("./agent", Err(NotAPath));
    check("../agent", Err(NotAPath));
    check("1http://127.0.0.1:8080/", Err(NotAPath));
    check(":x", Err(NotAPath));
    check(&format!("/{}", "a".repeat(MAX_RETURN_TO_LEN)), Err(TooLong));
    check(&format!("http://127.0.0.1:8080/{}", "a".repeat(MAX_RETURN_TO_LEN)), Err(TooLong));
}

#[test]
#[rustfmt::skip]
fn the_origin_must_be_an_origin() {
    for origin in ["", "null", "127.0.0.1:8080", "http://", "http:///", "ftp://host", "http://a@host",
                   "http://host/path", "http://host:port", "http://ho st", "http://h\u{e9}st", "http://[::1",
                   "http://[]", "http://host:123456", "file://"] {
        check_at(origin, "/agent", Err(InvalidOrigin));
    }
}

#[test]
fn root_and_conversions() {
    let root = ReturnTo::root();
    assert_eq!(root.as_str(), "/");
    assert_eq!(root.to_string(), "/");
    assert_eq!(AsRef::<str>::as_ref(&root), "/");
    assert_eq!(serde_json::to_string(&root).unwrap(), "\"/\"");
    assert_eq!(root.into_string(), "/");
}
