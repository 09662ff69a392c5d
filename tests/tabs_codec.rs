//! The cross-tab codec: exact wire forms, and a strict decoder that ignores everything else.

use inactivity_core::idle::{HoldEndReason, HoldId, MAX_HOLD_LABEL_CHARS};
use inactivity_core::reason::LogoutReason;
use inactivity_core::tabs::{
    decode, encode, is_valid_tab_id, TabMessage, MAX_MESSAGE_LEN, MAX_TAB_ID_LEN,
};
use TabMessage::*;

fn check(text: &str, expected: Option<(&str, TabMessage)>) {
    let got = decode(text);
    assert_eq!(
        got.as_ref().map(|(s, m)| (s.as_str(), m.clone())),
        expected,
        "{text:?}"
    );
}

#[test]
#[rustfmt::skip]
fn wire_forms() {
    let cases = [
        (Activity { at_ms: 1_700_000_000_000 }, r#"{"v":1,"from":"t1","kind":"activity","at":1700000000000}"#),
        (Activity { at_ms: 0 }, r#"{"v":1,"from":"t1","kind":"activity","at":0}"#),
        (Activity { at_ms: u64::MAX }, r#"{"v":1,"from":"t1","kind":"activity","at":18446744073709551615}"#),
        (Hello { last_activity_ms: 42 }, r#"{"v":1,"from":"t1","kind":"hello","at":42}"#),
        (Logout { reason: LogoutReason::Idle }, r#"{"v":1,"from":"t1","kind":"logout","reason":"idle"}"#),
        (Logout { reason: LogoutReason::ServerRevoked }, r#"{"v":1,"from":"t1","kind":"logout","reason":"server-revoked"}"#),
    ];
    for (msg, text) in cases {
        assert_eq!(encode(&msg, "t1"), text);
        check(text, Some(("t1", msg)));
        let json: serde_json::Value = serde_json::from_str(text).expect("valid JSON");
        assert_eq!(json["v"], 1);
    }
    for reason in LogoutReason::ALL {
        let msg = Logout { reason };
        check(&encode(&msg, "a"), Some(("a", msg.clone())));
    }
}

fn hold(label: &str) -> TabMessage {
    Hold {
        hold: HoldId(3),
        since_ms: 1_700_000_000_000,
        at_ms: 1_700_000_060_000,
        label: label.to_owned(),
    }
}

#[test]
#[rustfmt::skip]
fn hold_wire_forms() {
    let cases = [
        (hold("Call 42"), r#"{"v":1,"from":"t1","kind":"hold","hold":3,"since":1700000000000,"at":1700000060000,"label":"Call 42"}"#),
        (hold(r#"say "hi" \ bye"#), r#"{"v":1,"from":"t1","kind":"hold","hold":3,"since":1700000000000,"at":1700000060000,"label":"say \"hi\" \\ bye"}"#),
        (hold("Appel n° 42 — 😀"), r#"{"v":1,"from":"t1","kind":"hold","hold":3,"since":1700000000000,"at":1700000060000,"label":"Appel n° 42 — 😀"}"#),
        (Release { hold: HoldId(3), reason: HoldEndReason::Released }, r#"{"v":1,"from":"t1","kind":"release","hold":3,"reason":"released"}"#),
        (Release { hold: HoldId(u32::MAX), reason: HoldEndReason::Expired }, r#"{"v":1,"from":"t1","kind":"release","hold":4294967295,"reason":"expired"}"#),
        (Goodbye, r#"{"v":1,"from":"t1","kind":"goodbye"}"#),
    ];
    for (msg, text) in cases {
        assert_eq!(encode(&msg, "t1"), text);
        check(text, Some(("t1", msg.clone())));
        let json: serde_json::Value = serde_json::from_str(text).expect("valid JSON");
        if let Hold { label, .. } = &msg {
            assert_eq!(json["label"].as_str(), Some(label.as_str()), "serde_json agrees on the label");
        }
    }
    for reason in HoldEndReason::ALL {
        let msg = Release { hold: HoldId(0), reason };
        check(&encode(&msg, "a"), Some(("a", msg.clone())));
    }
    // The longest label fits, with the longest tab id.
    let longest = hold(&"😀".repeat(MAX_HOLD_LABEL_CHARS));
    let text = encode(&longest, &"x".repeat(MAX_TAB_ID_LEN));
    assert!(text.len() <= MAX_MESSAGE_LEN, "{}", text.len());
    check(&text, Some((&"x".repeat(MAX_TAB_ID_LEN), longest)));
}

#[test]
#[rustfmt::skip]
fn invalid_holds_are_ignored() {
    let base = r#"{"v":1,"from":"t","kind":"hold","hold":3,"since":5,"at":6,"label":"#;
    for label in [
        r#""""#, r#""   ""#,                                   // empty
        r#""a\u0062""#, r#""a\/b""#, r#""a\tb""#, r#""a\nb""#,   // other escapes
        "\"a\u{1}b\"", "\"a\u{7f}b\"",                          // control characters
        r#""a\""#, r#""a\"#, r#""a"#,                            // unterminated
        "1", "null", "[\"a\"]",
    ] {
        check(&format!("{base}{label}}}"), None);
    }
    check(&format!("{base}\"{}\"}}", "x".repeat(MAX_HOLD_LABEL_CHARS + 1)), None);
    check(&format!("{base}\"{}\"}}", "x".repeat(MAX_HOLD_LABEL_CHARS)),
          Some(("t", Hold { hold: HoldId(3), since_ms: 5, at_ms: 6, label: "x".repeat(MAX_HOLD_LABEL_CHARS) })));
    for text in [
        r#"{"v":1,"from":"t","kind":"hold","hold":3,"since":5,"label":"x"}"#,              // no at
        r#"{"v":1,"from":"t","kind":"hold","hold":3,"at":6,"label":"x"}"#,                 // no since
        r#"{"v":1,"from":"t","kind":"hold","since":5,"at":6,"label":"x"}"#,                // no hold
        r#"{"v":1,"from":"t","kind":"hold","hold":3,"since":5,"at":6}"#,                   // no label
        r#"{"v":1,"from":"t","kind":"hold","hold":4294967296,"since":5,"at":6,"label":"x"}"#,
        r#"{"v":1,"from":"t","kind":"hold","hold":-1,"since":5,"at":6,"label":"x"}"#,
        r#"{"v":1,"from":"t","kind":"hold","hold":3,"since":5,"at":6,"label":"x","reason":"idle"}"#,
        r#"{"v":1,"from":"t","kind":"release","hold":3}"#,
        r#"{"v":1,"from":"t","kind":"release","reason":"released"}"#,
        r#"{"v":1,"from":"t","kind":"release","hold":3,"reason":"idle"}"#,
        r#"{"v":1,"from":"t","kind":"release","hold":3,"reason":"Released"}"#,
        r#"{"v":1,"from":"t","kind":"release","hold":3,"reason":"released","at":1}"#,
        r#"{"v":1,"from":"t","kind":"goodbye","at":1}"#,
        r#"{"v":1,"from":"t","kind":"goodbye","label":"x"}"#,
        r#"{"v":1,"from":"t","kind":"activity","at":1,"label":"x"}"#,
        r#"{"v":1,"from":"t","kind":"activity","at":1,"hold":1}"#,
        r#"{"v":1,"from":"t","kind":"logout","reason":"idle","since":1}"#,
        r#"{"v":1,"from":"t","kind":"logout","reason":"released"}"#,
        r#"{"v":1,"from":"t","kind":"goodbye\u0020"}"#,
    ] {
        check(text, None);
    }
}

#[test]
#[rustfmt::skip]
fn accepted_variations() {
    let msg = Some(("t-1_X", Activity { at_ms: 5 }));
    check(r#"{"at":5,"kind":"activity","from":"t-1_X","v":1}"#, msg.clone());
    check(" {\n\t\"v\" : 1 ,\r\n \"from\":\"t-1_X\", \"kind\":\"activity\",\"at\":5 } \n", msg);
    check(&format!(r#"{{"v":1,"from":"{}","kind":"hello","at":1}}"#, "x".repeat(MAX_TAB_ID_LEN)),
          Some((&"x".repeat(MAX_TAB_ID_LEN), Hello { last_activity_ms: 1 })));
}

#[test]
#[rustfmt::skip]
fn everything_else_is_ignored() {
    for text in [
        "", " ", "null", "[]", "{}", "1", "\"x\"", "{", "}", "{\"v\":1}",
        r#"{"v":2,"from":"t","kind":"activity","at":1}"#,                 // another version
        r#"{"v":0,"from":"t","kind":"activity","at":1}"#,
        r#"{"v":"1","from":"t","kind":"activity","at":1}"#,               // wrong types
        r#"{"v":1,"from":1,"kind":"activity","at":1}"#,
        r#"{"v":1,"from":"t","kind":"activity","at":"1"}"#,
        r#"{"v":1,"from":"t","kind":"activity","at":null}"#,
        r#"{"v":1,"from":"t","kind":"activity","at":true}"#,
        r#"{"v":1,"from":"t","kind":"activity","at":-1}"#,                // bad numbers
        r#"{"v":1,"from":"t","kind":"activity","at":1.5}"#,
        r#"{"v":1,"from":"t","kind":"activity","at":1e3}"#,
        r#"{"v":1,"from":"t","kind":"activity","at":01}"#,
        r#"{"v":1.0,"from":"t","kind":"activity","at":1}"#,
        r#"{"v":1,"from":"t","kind":"activity","at":18446744073709551616}"#,
        r#"{"v":1,"from":"t","kind":"activity","at":99999999999999999999999}"#,
        r#"{"v":1,"from":"t","kind":"activity"}"#,                         // missing field
        r#"{"v":1,"from":"t","at":1}"#,
        r#"{"v":1,"kind":"activity","at":1}"#,
        r#"{"from":"t","kind":"activity","at":1}"#,
        r#"{"v":1,"from":"t","kind":"logout"}"#,
        r#"{"v":1,"from":"t","kind":"activity","at":1,"reason":"idle"}"#,  // superfluous field
        r#"{"v":1,"from":"t","kind":"logout","reason":"idle","at":1}"#,
        r#"{"v":1,"from":"t","kind":"activity","at":1,"x":1}"#,           // unknown key
        r#"{"v":1,"from":"t","kind":"activity","at":1,"at":2}"#,          // repeated key
        r#"{"v":1,"v":1,"from":"t","kind":"activity","at":1}"#,
        r#"{"v":1,"from":"t","kind":"Activity","at":1}"#,                 // unknown kind / reason
        r#"{"v":1,"from":"t","kind":"ping","at":1}"#,
        r#"{"v":1,"from":"t","kind":"logout","reason":"Idle"}"#,
        r#"{"v":1,"from":"t","kind":"logout","reason":"bored"}"#,
        r#"{"v":1,"from":"","kind":"activity","at":1}"#,                  // bad tab ids
        r#"{"v":1,"from":"a b","kind":"activity","at":1}"#,
        r#"{"v":1,"from":"é","kind":"activity","at":1}"#,
        r#"{"v":1,"from":"a\"b","kind":"activity","at":1}"#,              // escapes
        r#"{"v":1,"from":"t","kind":"activ\u0069ty","at":1}"#,
        "{\"v\":1,\"from\":\"t\u{1}\",\"kind\":\"activity\",\"at\":1}",   // control character
        r#"{"v":1,"from":"t","kind":"activity","at":1},"#,                // trailing garbage
        r#"{"v":1,"from":"t","kind":"activity","at":1}{}"#,
        r#"{"v":1,"from":"t","kind":"activity","at":1,}"#,
        r#"{"v":1,,"from":"t","kind":"activity","at":1}"#,
        r#"{"v":1 "from":"t","kind":"activity","at":1}"#,
        r#"{"v"=1,"from":"t","kind":"activity","at":1}"#,
        r#"{'v':1,'from':'t','kind':'activity','at':1}"#,
        r#"{v:1,from:"t",kind:"activity",at:1}"#,
        r#"{"v":1,"from":"t","kind":"activity","at":1"#,                  // truncated
        r#"{"v":1,"from":"t","kind":"activity","at":"#,
        r#"{"v":1,"from":"t","kind":"acti"#,
        "\u{feff}{\"v\":1,\"from\":\"t\",\"kind\":\"activity\",\"at\":1}",  // BOM
    ] {
        check(text, None);
    }
    let long_id = "x".repeat(MAX_TAB_ID_LEN + 1);
    check(&format!(r#"{{"v":1,"from":"{long_id}","kind":"activity","at":1}}"#), None);
    let padded = format!("{}{}", r#"{"v":1,"from":"t","kind":"activity","at":1}"#, " ".repeat(MAX_MESSAGE_LEN));
    check(&padded, None);
    check(&"[".repeat(100_000), None);
    check(&"{\"v\":1,".repeat(10_000), None);
}

#[test]
fn senders() {
    for (id, valid) in [
        ("t", true),
        ("Tab_1-x", true),
        ("", false),
        ("a b", false),
        ("a.b", false),
        ("a\"", false),
        ("a\\", false),
        ("é", false),
        ("\n", false),
    ] {
        assert_eq!(is_valid_tab_id(id), valid, "{id:?}");
        let text = encode(&Activity { at_ms: 1 }, id);
        assert!(
            serde_json::from_str::<serde_json::Value>(&text).is_ok(),
            "always well-formed: {text}"
        );
        assert_eq!(decode(&text).is_some(), valid, "{text}");
    }
}
