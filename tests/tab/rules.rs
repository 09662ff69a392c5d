//! A tab's rules, one at a time: starting (the options it refuses, the settings it fetches, the
//! 15-minute fallback), joining a session, counting requests, what an answer means, the embedding
//! page, and what it tells about itself.

use inactivity_core::json::{parse, Value};
use inactivity_core::tab::{Answer, CallId, Notice, Output, Tab, FALLBACK_TIMEOUT_MS};

use super::world::*;

fn config(extra: &str) -> Value {
    parse(&default_config(extra).replace("RANDOM", "00000000000000aa")).expect("config")
}

fn drain(tab: &mut Tab) -> Vec<Output> {
    std::iter::from_fn(|| tab.poll()).collect()
}

fn calls(outputs: &[Output]) -> Vec<(CallId, String)> {
    outputs
        .iter()
        .filter_map(|o| match o {
            Output::Call(c) => Some((c.id, format!("{} {}", c.method, c.url))),
            _ => None,
        })
        .collect()
}

#[test]
#[rustfmt::skip]
fn what_a_tab_refuses_at_start_names_the_option() {
    let cases: [(&str, bool, &str); 5] = [
        (r#""apiBases":["https://app.example/api?x"]"#, false, "option \"apiBases\""),
        (r#""policy":{"idleTokenTimeout":{"enableIdleTokenTimeout":true,"idleTokenTimeoutSeconds":10}}"#, false,
         "option \"policy\" is not a valid policy: timeout-out-of-range at idleTokenTimeout.idleTokenTimeoutSeconds"),
        (r#""policy":{"idleTokenTimeout":{"enableIdleTokenTimeout":"yes"}}"#, true, "wrong-type at idleTokenTimeout.enableIdleTokenTimeout"),
        (r#""policy":{}"#, true, "missing at idleTokenTimeout"),
        (r#""policy":{"idleTokenTimeout":{},"authSettings":{"inactivityTimeoutExclusions":["a b"]}}"#, false,
         "invalid-exclusion at authSettings.inactivityTimeoutExclusions[0]"),
    ];
    for (extra, type_error, needle) in cases {
        // The later member wins, as in JSON.parse.
        let error = Tab::new(&config(extra), START).unwrap_err();
        assert_eq!(error.type_error, type_error, "{extra}: {}", error.message);
        assert!(error.message.contains(needle), "{extra}: {}", error.message);
    }
}

#[test]
fn without_policy_and_user_the_tab_fetches_them_and_the_fallback_applies_until_then() {
    let cfg = default_config("").replace("RANDOM", "00000000000000aa");
    let cfg = cfg
        .replace(r#""policy":"#, r#""given":"#)
        .replace(r#""user":"#, r#""givenUser":"#);
    let mut tab = Tab::new(&parse(&cfg).unwrap(), START).unwrap();
    let out = drain(&mut tab);
    let made: Vec<String> = calls(&out).into_iter().map(|(_, c)| c).collect();
    assert_eq!(
        made,
        [
            "GET https://app.example/api/v2/tokens/timeout",
            "GET https://app.example/api/v2/organizations/authentication/settings",
            "GET https://app.example/api/v2/organizations/me",
            "GET https://app.example/api/v2/users/me?expand=groups",
            "GET https://app.example/api/v2/presencedefinitions",
        ]
    );
    assert_eq!(tab.remaining_ms(START), Some(FALLBACK_TIMEOUT_MS));
    assert!(tab.explain().contains(r#""source":"fallback""#));
    assert!(tab.explain().contains("not loaded yet"));
    let ids: Vec<CallId> = calls(&out).into_iter().map(|(id, _)| id).collect();
    let ok = |body: &str| Answer::new(Some(200), body);
    tab.handle_answer(
        ids[0],
        ok(r#"{"enableIdleTokenTimeout":true,"idleTokenTimeoutSeconds":600}"#),
        START + 10,
    );
    tab.handle_answer(
        ids[1],
        ok(r#"{"inactivityTimeoutExclusions":["api/v2/users/me"]}"#),
        START + 10,
    );
    tab.handle_answer(ids[2], ok(r#"{"features":{"hipaa":true}}"#), START + 10);
    // The user opens the link at once (the token names the session).
    tab.handle_answer(
        ids[3],
        ok(r#"{"id":"u9","groups":[{"id":"g1"}]}"#),
        START + 20,
    );
    let out = drain(&mut tab);
    assert!(out.contains(&Output::ReadToken));
    tab.handle_token("t", START + 20);
    let out = drain(&mut tab);
    assert!(out.iter().any(|o| matches!(o, Output::OpenLink(l) if l.channel.as_deref().is_some_and(|c| c.contains("u9")))));
    // HIPAA caps the org-wide 10 minutes at 15? No: 10 minutes is under the cap.
    assert_eq!(tab.remaining_ms(START + 20), Some(600_000 - 20));
    assert!(tab.explain().contains(r#""source":"organization""#));
    // The exclusion now applies.
    tab.handle_request("/api/v2/users/me", "GET", START + 30, START + 30);
    assert!(tab.activity_log().contains(r#""outcome":"excluded""#));
}

#[test]
fn settings_that_cannot_be_loaded_or_used_keep_the_fallback_and_say_why() {
    for (status, body, why) in [
        (Some(500), "", "GET /api/v2/tokens/timeout answered 500"),
        (None, "", "GET /api/v2/tokens/timeout failed"),
        (
            Some(200),
            r#"{"enableIdleTokenTimeout":true,"idleTokenTimeoutSeconds":"600"}"#,
            "wrong-type at idleTokenTimeout.idleTokenTimeoutSeconds",
        ),
    ] {
        let cfg = default_config("")
            .replace("RANDOM", "00000000000000aa")
            .replace(r#""policy":"#, r#""given":"#);
        let mut tab = Tab::new(&parse(&cfg).unwrap(), START).unwrap();
        let ids: Vec<CallId> = calls(&drain(&mut tab))
            .into_iter()
            .map(|(id, _)| id)
            .collect();
        tab.handle_answer(ids[0], Answer::new(status, body), START + 1);
        tab.handle_answer(ids[1], Answer::new(Some(200), "{}"), START + 1);
        tab.handle_answer(ids[2], Answer::new(Some(200), "{}"), START + 1);
        let out = drain(&mut tab);
        assert!(
            out.iter()
                .any(|o| matches!(o, Output::Warn(m) if m.contains(why))),
            "{why}: {out:?}"
        );
        assert!(tab.explain().contains(why), "{}", tab.explain());
        assert_eq!(tab.remaining_ms(START + 1), Some(FALLBACK_TIMEOUT_MS - 1));
    }
}

#[test]
fn a_new_tab_joins_the_session_and_never_inherits_a_dead_one() {
    let mut w = World::new();
    let a = w.open();
    w.run(2 * MIN);
    w.request(a, "/api/v2/routing/queues");
    w.run(SEC);
    let b = w.open();
    assert_eq!(
        w.pages[b].tab.remaining_ms(w.now),
        Some(T - SEC),
        "B counts from A's last activity"
    );
    // A session that ended: its record (after its last activity) is not inherited.
    let mut w = World::new();
    let a = w.open();
    w.run(T + 10 * SEC);
    assert!(w.pages[a].gone);
    let b = w.open();
    assert_eq!(
        w.pages[b].tab.remaining_ms(w.now),
        Some(T),
        "a fresh session"
    );
}

#[test]
fn requests_made_before_the_start_count_from_the_start_and_activity_is_told_once_a_second() {
    let mut tab = Tab::new(&config(""), START).unwrap();
    drain(&mut tab);
    tab.handle_token("t", START);
    drain(&mut tab);
    tab.handle_link_opened(None, None, START);
    drain(&mut tab);
    // Queued while the wasm loaded: dated before the tab started — counted as of the start.
    tab.handle_request("/api/v2/queues", "GET", START - 5 * SEC, START + 10);
    assert_eq!(tab.machine().last_activity_ms(), START);
    let id = tab
        .handle_request("/api/v2/queues", "GET", START + 100, START + 100)
        .unwrap();
    let posts = |tab: &mut Tab| {
        drain(tab)
            .into_iter()
            .filter(|o| matches!(o, Output::Broadcast(_)))
            .count()
    };
    assert_eq!(posts(&mut tab), 1);
    for k in 1..100 {
        tab.handle_known_request(id, "GET", START + 100 + k, START + 100 + k);
    }
    assert_eq!(
        posts(&mut tab),
        0,
        "a hundred requests within a second: no more messages"
    );
    assert_eq!(tab.machine().last_activity_ms(), START + 199);
    // Not API, or excluded: not activity.
    tab.handle_request("/app.js", "GET", START + 500, START + 500);
    assert_eq!(tab.machine().last_activity_ms(), START + 199);
}

#[test]
#[rustfmt::skip]
fn a_401_means_the_token_is_dead_only_when_the_server_says_so() {
    // An app call got a 401: the tab asks (once at a time); only a 401 there logs out.
    let mut tab = Tab::new(&config(""), START).unwrap();
    drain(&mut tab);
    tab.handle_unauthorized("https://cdn.example/x", START);
    assert!(calls(&drain(&mut tab)).is_empty(), "not an API call: ignored");
    tab.handle_unauthorized("/api/v2/queues", START);
    tab.handle_unauthorized("/api/v2/queues", START);
    let checks = calls(&drain(&mut tab));
    assert_eq!(checks.len(), 1, "one check at a time");
    assert!(checks[0].1.ends_with("/api/v2/tokens/me?preserveIdleTTL=true"));
    tab.handle_answer(checks[0].0, Answer::new(Some(200), "{}"), START + 1);
    assert!(tab.running(), "alive: an app calling without a token logs nobody out");
    tab.handle_unauthorized("/api/v2/queues", START + 2);
    let check = calls(&drain(&mut tab))[0].0;
    tab.handle_answer(check, Answer::new(Some(401), ""), START + 3);
    assert!(drain(&mut tab).contains(&Output::Notify(Notice::Logout(inactivity_core::reason::LogoutReason::ServerRevoked))));
    // Stay signed in answered 401: settled false, and logged out.
    let mut tab = Tab::new(&config(""), START).unwrap();
    drain(&mut tab);
    let id = tab.stay_signed_in(START);
    let out = drain(&mut tab);
    assert!(calls(&out).iter().any(|(c, u)| *c == id && u.ends_with("/api/v2/tokens/me")));
    tab.handle_answer(id, Answer::new(Some(401), ""), START + 1);
    let out = drain(&mut tab);
    assert!(out.contains(&Output::Settled { id, ok: false }));
    assert!(!tab.running());
}

#[test]
fn the_check_before_the_warning_waits_until_the_expiry_and_a_later_deadline_extends() {
    let mut tab = Tab::new(&config(""), START).unwrap();
    drain(&mut tab);
    let warn_at = START + T - MIN;
    assert_eq!(tab.poll_timeout(), Some(warn_at));
    tab.handle_wake(None, None, warn_at);
    let out = drain(&mut tab);
    let call = out
        .iter()
        .find_map(|o| match o {
            Output::Call(c) => Some(c.clone()),
            _ => None,
        })
        .unwrap();
    assert_eq!(call.bound_ms, MIN, "waited for until the expiry");
    // The token was used elsewhere: its deadline is 3 minutes later. No warning.
    let later = iso(START + T + 3 * MIN);
    tab.handle_answer(
        call.id,
        Answer::new(Some(200), &format!(r#"{{"dateTokenIdles":"{later}"}}"#)),
        warn_at + 100,
    );
    assert!(!drain(&mut tab)
        .iter()
        .any(|o| matches!(o, Output::Notify(Notice::Warning(_)))));
    assert_eq!(tab.machine().expiry_ms(), Some(START + T + 3 * MIN));
}

#[test]
#[rustfmt::skip]
fn the_embedding_page_hears_only_at_allowed_origins_and_only_the_parent_may_ask() {
    let framed = |ancestor: &str| config(&format!(r#""parentOrigins":["https://crm.example","https://b.example"],"framed":true,"ancestorOrigin":{ancestor}"#));
    let mut tab = Tab::new(&framed(r#""https://crm.example""#), START).unwrap();
    let out = drain(&mut tab);
    assert!(out.contains(&Output::ListenToHost));
    let posts: Vec<&Output> = out.iter().filter(|o| matches!(o, Output::PostToParent { .. })).collect();
    assert_eq!(posts, [&Output::PostToParent { origin: "https://crm.example".into(), message: r#"{"type":"inactivity-timeout:resumed"}"#.into() }]);
    // The browser does not say the parent's origin: each allowed origin.
    let mut tab = Tab::new(&framed("null"), START).unwrap();
    assert_eq!(drain(&mut tab).iter().filter(|o| matches!(o, Output::PostToParent { .. })).count(), 2);
    // A parent at another origin hears nothing.
    let mut tab = Tab::new(&framed(r#""https://evil.example""#), START).unwrap();
    assert_eq!(drain(&mut tab).iter().filter(|o| matches!(o, Output::PostToParent { .. })).count(), 0);
    // The host's logout request: from the parent window, an allowed origin, the exact type.
    for (origin, parent, kind, logs_out) in [
        ("https://evil.example", true, "inactivity-timeout:logout-request", false),
        ("https://crm.example", false, "inactivity-timeout:logout-request", false),
        ("https://crm.example", true, "inactivity-timeout:logout", false),
        ("https://crm.example", true, "inactivity-timeout:logout-request", true),
    ] {
        let mut tab = Tab::new(&framed(r#""https://crm.example""#), START).unwrap();
        drain(&mut tab);
        tab.handle_host_message(origin, parent, kind, START);
        assert_eq!(!tab.running(), logs_out, "{origin} {parent} {kind}");
    }
    // Not framed: no listener, no posts.
    let mut tab = Tab::new(&config(r#""parentOrigins":["https://crm.example"]"#), START).unwrap();
    assert!(!drain(&mut tab).iter().any(|o| matches!(o, Output::ListenToHost | Output::PostToParent { .. })));
}

#[test]
fn what_a_tab_tells_about_itself() {
    let mut tab = Tab::new(&config(r#""onActivity":true"#), START).unwrap();
    drain(&mut tab);
    tab.handle_request(
        "https://app.example/api/v2/queues?secret=1#x",
        "GET",
        START,
        START,
    );
    let out = drain(&mut tab);
    let entry = out
        .iter()
        .find_map(|o| match o {
            Output::Notify(Notice::Activity(e)) => Some(e.clone()),
            _ => None,
        })
        .unwrap();
    let entry = parse(&entry).unwrap();
    assert_eq!(
        field(&entry, "url").as_str(),
        Some("https://app.example/api/v2/queues"),
        "no query, no fragment"
    );
    assert_eq!(field(&entry, "outcome").as_str(), Some("counted"));
    let explain = parse(&tab.explain()).unwrap();
    assert_eq!(field(&explain, "timeoutSeconds").as_f64(), Some(300.0));
    assert_eq!(
        field(&explain, "message").as_str(),
        Some("5 minutes, from the organization-wide timeout.")
    );
    let tabs = parse(&tab.tabs()).unwrap();
    assert_eq!(field(&tabs, "tabId").as_str(), Some("00000000000000aa"));
    assert!(
        field(&tabs, "transport").is_null(),
        "no link before the token"
    );
    tab.handle_token("t", START);
    drain(&mut tab);
    let tabs = parse(&tab.tabs()).unwrap();
    assert_eq!(
        field(&tabs, "transport").as_str(),
        Some("broadcast-channel")
    );
    let log = parse(&tab.activity_log()).unwrap();
    assert_eq!(log.as_array().map(<[Value]>::len), Some(1));
}

#[test]
fn every_output_has_a_wire_form_the_driver_reads() {
    let mut w = World::new();
    w.config = default_config(
        r#""onActivity":true,"parentOrigins":["https://crm.example"],"framed":true"#,
    );
    let a = w.open();
    w.request(a, "/api/v2/queues");
    w.hold(a, "Call \"7\"");
    w.run(T + 20 * MIN);
    // World::serve asserts every output's JSON parses; and the host heard the holds.
    assert!(w.pages[a]
        .posted_to_parent
        .iter()
        .any(|m| m.contains("hold-began") && m.contains(r#"Call \"7\""#)));
}

#[test]
fn the_servers_dates_read_back_to_the_millisecond() {
    use inactivity_core::tab::parse_date;
    let mut ms: u64 = 0;
    while ms < 4_102_444_800_000 {
        // 1970 to 2100, leap days and month ends included by the stride.
        assert_eq!(parse_date(&iso(ms)), Some(ms), "{}", iso(ms));
        ms += 86_399_999 + 3_600_000 * 7;
    }
    for bad in [
        "",
        "2026-13-01T00:00:00Z",
        "2026-01-01T24:00:00Z",
        "2026-01-01T00:00:00",
        "2026-01-01T00:00:00.Z",
        "2026-01-01T00:00:00+0100",
        "1969-12-31T23:59:59Z",
    ] {
        assert_eq!(parse_date(bad), None, "{bad}");
    }
}
