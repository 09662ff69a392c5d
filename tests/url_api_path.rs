//! URL → API path: every normalization rule of docs/rules.md §4 and the WHATWG quirks browsers apply.

use inactivity_core::url::{normalize_api_path, ApiScope, UrlErrorKind, UrlRole};

const BASE: &str = "https://apps.example.com/agent/desk/index.html";

/// `api_path(url)` with the default scope (same origin as BASE, paths under /api/).
#[track_caller]
fn check(url: &str, want: Option<&str>) {
    check_in(BASE, &[], url, want);
}

#[track_caller]
fn check_in(base: &str, api_bases: &[&str], url: &str, want: Option<&str>) {
    let bases: Vec<String> = api_bases.iter().map(|s| s.to_string()).collect();
    let scope = ApiScope::new(base, &bases).expect("a valid scope");
    assert_eq!(
        scope.api_path(url).as_deref(),
        want,
        "api_path({url:?}) with base {base:?} and {api_bases:?}"
    );
}

#[test]
fn query_fragment_trailing_slash_double_slash_case() {
    check(
        "https://apps.example.com/api/v2/users/me",
        Some("api/v2/users/me"),
    );
    check("/api/v2/users/me?expand=presence", Some("api/v2/users/me"));
    check("/api/v2/users/me#x", Some("api/v2/users/me"));
    check("/api/v2/users/me?a=/b#c/d", Some("api/v2/users/me"));
    check("/api/v2/users/me?", Some("api/v2/users/me"));
    check("/api/v2/users/me/", Some("api/v2/users/me"));
    check("/api/v2/users/me//", Some("api/v2/users/me"));
    check("/api//v2///users/me", Some("api/v2/users/me"));
    check("/API/V2/Users/ME", Some("api/v2/users/me"));
    check("/api/v2/users/ABC-def", Some("api/v2/users/abc-def"));
    check("/api", Some("api"));
    check("/api/", Some("api"));
}

#[test]
fn percent_encoding() {
    // Unreserved characters decoded (either hex case).
    check("/api/v2/%75sers/%6D%65", Some("api/v2/users/me"));
    check("/api/v2/%55SERS/me", Some("api/v2/users/me"));
    check("/%61pi/v2/users", Some("api/v2/users"));
    check("/api/v2/a%2Db%2Ec%5Fd%7Ee", Some("api/v2/a-b.c_d~e"));
    // Reserved characters stay encoded (hex lowercased); an encoded slash is not a separator.
    check("/api/v2/a%2Fb", Some("api/v2/a%2fb"));
    check("/api/v2/a%2fb", Some("api/v2/a%2fb"));
    check("/api/v2/a%3Ab", Some("api/v2/a%3ab"));
    check("/api/v2/%25", Some("api/v2/%25"));
    check("/api/v2/%252e", Some("api/v2/%252e"));
    // Characters a browser would encode are encoded, so raw and pre-encoded forms agree.
    check("/api/v2/a b", Some("api/v2/a%20b"));
    check("/api/v2/a%20b", Some("api/v2/a%20b"));
    check("/api/v2/{id}", Some("api/v2/%7bid%7d"));
    check("/api/v2/ü", Some("api/v2/%c3%bc"));
    check("/api/v2/%C3%BC", Some("api/v2/%c3%bc"));
    check("/api/v2/a\"<>`^b", Some("api/v2/a%22%3c%3e%60%5eb"));
    // Malformed escapes are kept as they are.
    // A stray `%` is written `%25`, so normalizing twice changes nothing (fuzz_url found `%4%31`).
    check("/api/v2/%zz/%4", Some("api/v2/%25zz/%254"));
    check("/api/v2/%4%31", Some("api/v2/%2541"));
    check("/api/v2/%", Some("api/v2/%25"));
    // Sub-delimiters are not decoded or encoded.
    check("/api/v2/a:b@c!$&'()*+,;=", Some("api/v2/a:b@c!$&'()*+,;="));
}

#[test]
fn relative_urls_and_dot_segments() {
    // BASE's directory is /agent/desk/.
    check("api/v2/users", None); // /agent/desk/api/v2/users: not under /api/
    check("../../api/v2/users", Some("api/v2/users"));
    check("../../../../../api/v2/users", Some("api/v2/users"));
    check("./../.././api/v2/users", Some("api/v2/users"));
    check("/api/v2/x/../users/./me", Some("api/v2/users/me"));
    check("/api/v2/users/me/..", Some("api/v2/users"));
    check("/api/v2/users/me/.", Some("api/v2/users/me"));
    check("/api/v2/%2e%2e/v3/users", Some("api/v3/users"));
    check("/api/v2/%2E/users", Some("api/v2/users"));
    check("/api/v2/.%2e/v3", Some("api/v3"));
    check("/api/v2/%2e./v3", Some("api/v3"));
    check("/api/v2/..%2f/v3", Some("api/v2/..%2f/v3"));
    check("/api/v2/.../x", Some("api/v2/.../x"));
    check("/api/../static/x.js", None);
    check("/static/../api/v2/users", Some("api/v2/users"));
    // WHATWG resolves dots before empty segments are dropped: `//..` pops the empty segment.
    check("/api/v2//../users", Some("api/v2/users"));
    check_in(
        "https://apps.example.com/api/v2/",
        &[],
        "users/me",
        Some("api/v2/users/me"),
    );
    check_in(
        "https://apps.example.com/api/v2/x",
        &[],
        "users/me",
        Some("api/v2/users/me"),
    );
    check_in(
        "https://apps.example.com/",
        &[],
        "api/v2/users",
        Some("api/v2/users"),
    );
    check_in(
        "https://apps.example.com",
        &[],
        "api/v2/users",
        Some("api/v2/users"),
    );
    // Empty, query-only and fragment-only references are the base itself.
    check_in(
        "https://apps.example.com/api/v2/users?x",
        &[],
        "",
        Some("api/v2/users"),
    );
    check_in(
        "https://apps.example.com/api/v2/users",
        &[],
        "?page=2",
        Some("api/v2/users"),
    );
    check_in(
        "https://apps.example.com/api/v2/users",
        &[],
        "#top",
        Some("api/v2/users"),
    );
}

#[test]
fn whatwg_quirks() {
    // Leading/trailing C0 controls and spaces stripped; tabs and newlines removed anywhere.
    check("  /api/v2/users  ", Some("api/v2/users"));
    check("\u{0}\u{1f} /api/v2/users\u{7}", Some("api/v2/users"));
    check("/api/v2/us\ters\n/m\re", Some("api/v2/users/me"));
    check("ht\ttps://apps.example.com/api/v2/x", Some("api/v2/x"));
    // Backslash is a slash in http(s) URLs.
    check("\\api\\v2\\users", Some("api/v2/users"));
    check("/api\\v2/users\\me\\", Some("api/v2/users/me"));
    check("https:\\\\apps.example.com\\api\\v2", Some("api/v2"));
    // Scheme and host case, default ports, userinfo.
    check("HTTPS://APPS.Example.COM/api/v2", Some("api/v2"));
    check("https://apps.example.com:443/api/v2", Some("api/v2"));
    check("https://apps.example.com:0443/api/v2", Some("api/v2"));
    check("https://apps.example.com:/api/v2", Some("api/v2"));
    check("https://apps.example.com:8443/api/v2", None);
    check("https://user:pass@apps.example.com/api/v2", Some("api/v2"));
    check("https://apps.example.com@evil.example.net/api/v2", None);
    check("https://evil.example.net\\@apps.example.com/api/v2", None);
    check("https://evil.example.net#@apps.example.com/api/v2", None);
    check("https://%61pps.example.com/api/v2", Some("api/v2"));
    // `https:path` with the base's scheme is relative; with another scheme, the authority.
    check("https:/api/v2/users", Some("api/v2/users"));
    check("https:../../api/v2/users", Some("api/v2/users"));
    check("https:///apps.example.com/api/v2", Some("api/v2"));
    check_in(
        "http://apps.example.com/",
        &[],
        "http:api/v2",
        Some("api/v2"),
    );
    check_in(
        "https://apps.example.com/",
        &["http://apps.example.com"],
        "http:apps.example.com/api/v2",
        Some("api/v2"),
    );
    check_in(
        "http://h.example/",
        &[],
        "http://h.example:80/api/x",
        Some("api/x"),
    );
    check_in("http://h.example/", &[], "https://h.example/api/x", None);
    check_in("http://h.example/", &[], "http://h.example:443/api/x", None);
}

#[test]
fn not_api_calls() {
    check("https://cdn.example.net/api/v2/users", None);
    check("//cdn.example.net/api/v2/users", None);
    check("\\\\cdn.example.net/api/v2/users", None);
    check("//apps.example.com/api/v2/users", Some("api/v2/users"));
    check("http://apps.example.com/api/v2/users", None); // another scheme is another origin
    check("https://apps.example.com.evil.net/api/v2/users", None);
    check("https://sub.apps.example.com/api/v2/users", None);
    check("/apix/v2/users", None);
    check("/ap/i/v2", None);
    check("/static/app.js", None);
    check("/", None);
    check("data:application/json,{}", None);
    check("data:text/html,<script>fetch('/api/v2')</script>", None);
    check("blob:https://apps.example.com/1c2d3e4f", None);
    check("javascript:fetch('/api/v2/users')", None);
    check("about:blank", None);
    check("ws://apps.example.com/api/v2", None);
    check("wss://apps.example.com/api/v2", None);
    check("ftp://apps.example.com/api/v2", None);
    check("file:///api/v2", None);
    check("mailto:a@b.c", None);
    // Invalid hosts and ports.
    check("https://", None);
    check("https:///", None);
    check("https://@/api/v2", None);
    check("https://apps.example.com:99999/api/v2", None);
    check("https://apps.example.com:44x/api/v2", None);
    check("https://apps example.com/api/v2", None);
    check("https://apps%20example.com/api/v2", None);
    check("https://apps<example.com/api/v2", None);
    check("https://%ff/api/v2", None);
    check("https://[::1/api/v2", None);
    check("https://[::1]x/api/v2", None);
}

#[test]
fn ip_hosts_are_canonical() {
    let base = "http://127.0.0.1:8080/";
    for url in [
        "http://127.0.0.1:8080/api/x",
        "http://127.1:8080/api/x",
        "http://0x7f.0.0.1:8080/api/x",
        "http://0177.0.0.1:8080/api/x",
        "http://2130706433:8080/api/x",
        "http://0x7F000001:8080/api/x",
        "http://127.0.0.1.:8080/api/x",
    ] {
        check_in(base, &[], url, Some("api/x"));
    }
    for url in [
        "http://127.0.0.2:8080/api/x",
        "http://256.0.0.1:8080/api/x",
        "http://1.2.3.4.5:8080/api/x",
        "http://127.0.0.1:8081/api/x",
    ] {
        check_in(base, &[], url, None);
    }
    let base = "http://[::1]:3000/";
    for url in [
        "http://[::1]:3000/api/x",
        "http://[0:0::1]:3000/api/x",
        "http://[0:0:0:0:0:0:0:1]:3000/api/x",
        "http://[0::0:1]:3000/api/x",
    ] {
        check_in(base, &[], url, Some("api/x"));
    }
    for url in [
        "http://[::2]:3000/api/x",
        "http://[::1::]:3000/api/x",
        "http://[1:2:3:4:5:6:7:8:9]:3000/api/x",
        "http://[:1]:3000/api/x",
        "http://[::g]:3000/api/x",
    ] {
        check_in(base, &[], url, None);
    }
    check_in(
        "http://[::ffff:7f00:1]/",
        &[],
        "http://[::ffff:127.0.0.1]/api/x",
        Some("api/x"),
    );
    check_in(
        "http://[2001:db8::1]/",
        &[],
        "http://[2001:DB8:0:0:0:0:0:1]/api/x",
        Some("api/x"),
    );
    check_in(
        "http://[2001:db8::1]/",
        &[],
        "http://[2001:db8::1:0:0:1]/api/x",
        None,
    );
}

#[test]
fn api_bases() {
    let b = "https://apps.example.com/desk/";
    check_in(
        b,
        &["https://api.example.com"],
        "https://api.example.com/api/v2/users",
        Some("api/v2/users"),
    );
    check_in(
        b,
        &["https://api.example.com"],
        "https://api.example.com/platform/v2",
        Some("platform/v2"),
    );
    check_in(
        b,
        &["https://api.example.com"],
        "https://API.example.com:443/x",
        Some("x"),
    );
    check_in(b, &["https://api.example.com"], "/api/v2/users", None); // the default is replaced
    check_in(
        b,
        &["https://api.example.com/"],
        "https://api.example.com/",
        Some(""),
    );
    check_in(
        b,
        &["https://x.com/api/"],
        "https://x.com/api/v2/users",
        Some("api/v2/users"),
    );
    check_in(
        b,
        &["https://x.com/api"],
        "https://x.com/api/v2/users",
        Some("api/v2/users"),
    );
    check_in(
        b,
        &["https://x.com/API//"],
        "https://x.com/api/v2/users",
        Some("api/v2/users"),
    );
    check_in(b, &["https://x.com/api/"], "https://x.com/apix/v2", None);
    check_in(b, &["https://x.com/api/"], "https://x.com/v2/api", None);
    check_in(
        b,
        &["https://x.com/gw/api/"],
        "https://x.com/gw/api/v2/users",
        Some("gw/api/v2/users"),
    );
    check_in(b, &["https://x.com/gw/api/"], "https://x.com/gw/v2", None);
    // Relative API bases resolve against the base URL.
    check_in(
        b,
        &["/gateway/api/"],
        "/gateway/api/v2/users",
        Some("gateway/api/v2/users"),
    );
    check_in(b, &["api/"], "/desk/api/v2", Some("desk/api/v2"));
    check_in(
        b,
        &["//api.example.com"],
        "https://api.example.com/v2",
        Some("v2"),
    );
    // Several bases.
    let bases = ["https://api.example.com", "/api/"];
    check_in(b, &bases, "https://api.example.com/v2", Some("v2"));
    check_in(b, &bases, "/api/v2", Some("api/v2"));
    check_in(b, &bases, "/static/x", None);
}

#[test]
fn scope_errors() {
    #[track_caller]
    fn check(base: &str, api_bases: &[&str], role: UrlRole, kind: UrlErrorKind, message: &str) {
        let bases: Vec<String> = api_bases.iter().map(|s| s.to_string()).collect();
        let e = ApiScope::new(base, &bases).expect_err("an invalid scope");
        assert_eq!(
            (e.role(), e.kind(), e.to_string()),
            (role, kind, message.to_owned())
        );
    }
    use UrlErrorKind::*;
    use UrlRole::*;
    check(
        "",
        &[],
        Base,
        Empty,
        "the base URL \"\" is empty: give an http: or https: URL",
    );
    check("/agent/", &[], Base, NotAbsolute, "the base URL \"/agent/\" is not an absolute URL: give one with a scheme and host, e.g. https://example.com/");
    check(
        "about:blank",
        &[],
        Base,
        NotHttp,
        "the base URL \"about:blank\" is not an http: or https: URL",
    );
    check(
        "file:///x",
        &[],
        Base,
        NotHttp,
        "the base URL \"file:///x\" is not an http: or https: URL",
    );
    check(
        "https://",
        &[],
        Base,
        InvalidHost,
        "the base URL \"https://\" has an empty or invalid host",
    );
    check(
        "https://x.com:70000/",
        &[],
        Base,
        InvalidPort,
        "the base URL \"https://x.com:70000/\" has an invalid port: use a number from 0 to 65535",
    );
    let ok = "https://x.com/";
    check(
        ok,
        &["https://a.com", " "],
        ApiBase(1),
        Empty,
        "API base [1] \" \" is empty: give an http: or https: URL",
    );
    check(
        ok,
        &["wss://a.com"],
        ApiBase(0),
        NotHttp,
        "API base [0] \"wss://a.com\" is not an http: or https: URL",
    );
    check(ok, &["https://a.com/api/?v=2"], ApiBase(0), QueryOrFragment, "API base [0] \"https://a.com/api/?v=2\" has a query or fragment: an API base is an origin and a path prefix only, e.g. https://api.example.com/api/");
    check(ok, &["https://a.com/#x"], ApiBase(0), QueryOrFragment, "API base [0] \"https://a.com/#x\" has a query or fragment: an API base is an origin and a path prefix only, e.g. https://api.example.com/api/");
    check(
        ok,
        &["https://a b/"],
        ApiBase(0),
        InvalidHost,
        "API base [0] \"https://a b/\" has an empty or invalid host",
    );
    let long = format!("https://x.com/{}", "a".repeat(1000));
    let e = ApiScope::new(&format!("ftp{long}"), &[]).unwrap_err();
    assert_eq!(e.input().chars().count(), 200);
    assert_eq!(
        ApiScope::new("https://x.com:8080/", &[])
            .unwrap()
            .base_origin(),
        "https://x.com:8080"
    );
    assert_eq!(
        ApiScope::new("HTTP://X.com:80/a", &[])
            .unwrap()
            .base_origin(),
        "http://x.com"
    );
}

#[test]
fn bare_paths_for_the_server() {
    #[track_caller]
    fn check(path: &str, want: &str) {
        assert_eq!(
            normalize_api_path(path),
            want,
            "normalize_api_path({path:?})"
        );
    }
    check("/api/v2/users/me", "api/v2/users/me");
    check("api/v2/users/me", "api/v2/users/me");
    check("/api/v2/Users//me/?x=1#y", "api/v2/users/me");
    check("/api/v2/%75sers/me", "api/v2/users/me");
    check("/api/v2/x/../users/./me", "api/v2/users/me");
    check("/api/v2/%2e%2e/%2E%2e/v3", "v3");
    check("/../../api", "api");
    check("\\api\\v2", "api/v2");
    check(" /api/v2\t/users\n", "api/v2/users");
    check("/api/v2/a b", "api/v2/a%20b");
    check("", "");
    check("/", "");
    check("?x", "");
    check("//", "");
}

/// Where the tracker's own calls go: the first API base without a trailing `api` segment.
#[test]
fn api_root_for_the_trackers_own_calls() {
    let b = "https://apps.example.com/desk/";
    let root = |bases: &[&str]| {
        let bases: Vec<String> = bases.iter().map(|s| s.to_string()).collect();
        ApiScope::new(b, &bases).unwrap().api_root()
    };
    assert_eq!(root(&[]), ""); // same origin, relative
    assert_eq!(
        root(&["https://api.example.com"]),
        "https://api.example.com"
    );
    assert_eq!(
        root(&["https://api.example.com/api/"]),
        "https://api.example.com"
    );
    assert_eq!(
        root(&["https://x.com/gateway/api/"]),
        "https://x.com/gateway"
    );
    assert_eq!(root(&["/gateway/api/"]), "https://apps.example.com/gateway");
    assert_eq!(root(&["https://x.com:8443/gw/"]), "https://x.com:8443/gw");
    assert_eq!(
        root(&["https://x.com/a/api/", "https://y.com/api/"]),
        "https://x.com/a"
    );
}
