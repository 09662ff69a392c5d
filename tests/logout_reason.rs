//! `LogoutReason`: the wire strings, their strict parser and the serde form agree.

use inactivity_core::reason::LogoutReason;

fn check(text: &str, expected: Option<LogoutReason>) {
    assert_eq!(LogoutReason::parse(text), expected, "parse({text:?})");
    if let Some(reason) = expected {
        assert_eq!(reason.as_str(), text, "as_str");
        assert_eq!(reason.to_string(), text, "Display");
        let json = serde_json::to_string(&reason).unwrap();
        assert_eq!(json, format!("\"{text}\""), "serde");
        assert_eq!(serde_json::from_str::<LogoutReason>(&json).unwrap(), reason);
    }
}

#[test]
fn wire_strings() {
    use LogoutReason::*;
    check("idle", Some(Idle));
    check("slept", Some(Slept));
    check("server-revoked", Some(ServerRevoked));
    check("other-tab", Some(OtherTab));
    check("host-request", Some(HostRequest));
}

#[test]
fn anything_else_is_rejected() {
    for text in [
        "",
        "Idle",
        "IDLE",
        " idle",
        "idle ",
        "server_revoked",
        "serverRevoked",
        "ServerRevoked",
        "other tab",
        "host-request\0",
        "idle\n",
        "slept,",
        "\"idle\"",
        "timeout",
    ] {
        check(text, None);
        assert!(
            serde_json::from_str::<LogoutReason>(&format!("{text:?}")).is_err(),
            "{text:?}"
        );
    }
}

#[test]
fn all_is_complete_and_distinct() {
    let names: std::collections::BTreeSet<_> =
        LogoutReason::ALL.iter().map(|r| r.as_str()).collect();
    assert_eq!(names.len(), LogoutReason::ALL.len());
    for reason in LogoutReason::ALL {
        assert_eq!(LogoutReason::parse(reason.as_str()), Some(reason));
    }
}
