//! Fuzzing cross-tab messages: every message round-trips in any key order
//! and spacing; one mutation — each way a message can be wrong — makes it ignored; a hostile
//! sender id never breaks the JSON; times from the future (in storage or in messages, holds
//! included) never keep a session alive and never end one. The channel is untrusted and `decode` answers `None` for
//! anything that is not exactly a message (there is no error to show: another tab's garbage is
//! dropped, not reported). The long run is `npm run fuzz` (fuzz/, target `tabs`).
#![cfg(not(target_arch = "wasm32"))]

use inactivity_core::idle::{
    HoldEndReason, HoldId, IdleConfig, IdleMachine, FUTURE_TOLERANCE_MS, MAX_HOLD_LABEL_CHARS,
};
use inactivity_core::reason::LogoutReason;
use inactivity_core::tabs::{decode, encode, TabMessage, MAX_MESSAGE_LEN};
use inactivity_core::tabs::{Calls, LogoutRecord, Shared, TabSync};
use proptest::prelude::*;

/// What one tab sees, `after_ms` after the previous event.
#[derive(Debug, Clone)]
enum Seen {
    /// A counted request here.
    Local,
    /// A wake-up with this shared state (times as offsets from now).
    Wake {
        last_activity: Option<i64>,
        record: Option<i64>,
    },
    /// Another tab's activity message.
    Message(i64),
    /// Another tab's hold announcement, its start or its send time from the future.
    FutureHold { since: i64, at: i64 },
}

/// An offset from now: mostly the past, often the far future, sometimes just within the
/// tolerance.
fn offset() -> impl Strategy<Value = i64> {
    prop_oneof![
        -600_000i64..=0,
        1i64..=FUTURE_TOLERANCE_MS as i64,
        (FUTURE_TOLERANCE_MS as i64 + 1)..36_000_000,
        Just(i64::MAX / 4),
    ]
}

/// An offset beyond the tolerance.
fn future() -> impl Strategy<Value = i64> {
    prop_oneof![
        (FUTURE_TOLERANCE_MS as i64 + 1)..36_000_000,
        Just(i64::MAX / 4),
    ]
}

fn seen() -> impl Strategy<Value = (u64, Seen)> {
    (
        0u64..120_000,
        prop_oneof![
            Just(Seen::Local),
            (
                proptest::option::of(offset()),
                proptest::option::of(offset())
            )
                .prop_map(|(last_activity, record)| Seen::Wake {
                    last_activity,
                    record
                }),
            offset().prop_map(Seen::Message),
            (future(), offset(), any::<bool>()).prop_map(|(f, o, which)| {
                let (since, at) = if which { (f, o) } else { (o, f) };
                Seen::FutureHold { since, at }
            }),
        ],
    )
}

fn at(now: u64, offset: i64) -> u64 {
    now.saturating_add_signed(offset)
}

fn message() -> impl Strategy<Value = TabMessage> {
    prop_oneof![
        prop_oneof![
            any::<u64>(),
            Just(0),
            Just(u64::MAX),
            1_600_000_000_000u64..1_900_000_000_000
        ]
        .prop_map(|at_ms| TabMessage::Activity { at_ms }),
        any::<u64>().prop_map(|last_activity_ms| TabMessage::Hello { last_activity_ms }),
        prop::sample::select(LogoutReason::ALL.to_vec())
            .prop_map(|reason| TabMessage::Logout { reason }),
        (any::<u32>(), any::<u64>(), any::<u64>(), label()).prop_map(
            |(hold, since_ms, at_ms, label)| {
                TabMessage::Hold {
                    hold: HoldId(hold),
                    since_ms,
                    at_ms,
                    label,
                }
            }
        ),
        (
            any::<u32>(),
            prop::sample::select(HoldEndReason::ALL.to_vec())
        )
            .prop_map(|(hold, reason)| TabMessage::Release {
                hold: HoldId(hold),
                reason
            }),
        Just(TabMessage::Goodbye),
    ]
}

/// A valid hold label: quotes and backslashes (escaped on the wire), any script, up to the limit.
fn label() -> impl Strategy<Value = String> {
    prop_oneof![
        "[A-Za-z0-9 ]{0,20}[A-Za-z0-9]",
        "[\"\\\\a-z]{1,30}",
        "\\PC{1,100}",
        Just("é".repeat(MAX_HOLD_LABEL_CHARS)),
        Just("😀".repeat(MAX_HOLD_LABEL_CHARS)),
    ]
    .prop_filter("a valid label", |l| {
        inactivity_core::idle::check_label(l).is_ok()
    })
}

/// `label` as a JSON string literal, the way `encode` escapes it.
fn json_label(label: &str) -> String {
    format!("\"{}\"", label.replace('\\', "\\\\").replace('"', "\\\""))
}

/// The fields of a message as (key, raw JSON value), in our order.
fn fields(msg: &TabMessage, from: &str) -> Vec<(String, String)> {
    let mut f = vec![
        ("v".to_owned(), "1".to_owned()),
        ("from".to_owned(), format!("\"{from}\"")),
    ];
    match msg {
        TabMessage::Activity { at_ms } => {
            f.push(("kind".into(), "\"activity\"".into()));
            f.push(("at".into(), at_ms.to_string()));
        }
        TabMessage::Hello { last_activity_ms } => {
            f.push(("kind".into(), "\"hello\"".into()));
            f.push(("at".into(), last_activity_ms.to_string()));
        }
        TabMessage::Logout { reason } => {
            f.push(("kind".into(), "\"logout\"".into()));
            f.push(("reason".into(), format!("\"{}\"", reason.as_str())));
        }
        TabMessage::Hold {
            hold,
            since_ms,
            at_ms,
            label,
        } => {
            f.push(("kind".into(), "\"hold\"".into()));
            f.push(("hold".into(), hold.0.to_string()));
            f.push(("since".into(), since_ms.to_string()));
            f.push(("at".into(), at_ms.to_string()));
            f.push(("label".into(), json_label(label)));
        }
        TabMessage::Release { hold, reason } => {
            f.push(("kind".into(), "\"release\"".into()));
            f.push(("hold".into(), hold.0.to_string()));
            f.push(("reason".into(), format!("\"{}\"", reason.as_str())));
        }
        TabMessage::Goodbye => f.push(("kind".into(), "\"goodbye\"".into())),
    }
    f
}

/// Writes the fields as a JSON object with `ws` (JSON whitespace) around every token.
fn render(fields: &[(String, String)], ws: &[&str]) -> String {
    let mut k = 0;
    let mut w = || {
        k += 1;
        ws[k % ws.len()]
    };
    let mut out = format!("{}{{", w());
    for (i, (key, value)) in fields.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        out.push_str(&format!("{}\"{key}\"{}:{}{value}{}", w(), w(), w(), w()));
    }
    out.push('}');
    out.push_str(w());
    out
}

fn whitespace() -> impl Strategy<Value = Vec<&'static str>> {
    prop::collection::vec(
        prop::sample::select(vec!["", "", " ", "\t", "\n", "\r\n", "  "]),
        1..8,
    )
}

/// One way a message can be wrong.
#[derive(Debug, Clone)]
enum Mutation {
    /// Replace the value of this key with this raw JSON.
    Value(&'static str, &'static str),
    /// Drop this key.
    Drop(&'static str),
    /// Add this field (raw JSON value).
    Add(&'static str, &'static str),
    /// The field at this index twice.
    Repeat(usize),
    /// Text after the object.
    Trailing(&'static str),
    /// A sender id that is not one.
    Sender(&'static str),
    /// Longer than the limit, with valid-looking padding.
    Overlong,
}

fn mutation() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        prop::sample::select(vec![
            ("v", "2"),
            ("v", "0"),
            ("v", "\"1\""),
            ("v", "1.0"),
            ("v", "01"),
            ("v", "-1"),
            ("v", "1e0"),
            ("v", "null"),
            ("v", "true"),
            ("v", "[1]"),
            ("kind", "\"Activity\""),
            ("kind", "\"idle\""),
            ("kind", "1"),
            ("kind", "\"activ\\u0069ty\""),
            ("at", "-1"),
            ("at", "1.5"),
            ("at", "1e3"),
            ("at", "18446744073709551616"),
            ("at", "007"),
            ("at", "\"1\""),
            ("at", "null"),
            ("at", "99999999999999999999999"),
            ("reason", "\"IDLE\""),
            ("reason", "\"timeout\""),
            ("reason", "\"\""),
            ("reason", "1"),
            ("reason", "\"id\\u006ce\""),
            ("from", "\"\""),
            ("from", "1"),
            ("from", "null"),
            ("hold", "-1"),
            ("hold", "4294967296"),
            ("hold", "1.0"),
            ("hold", "\"1\""),
            ("since", "-1"),
            ("since", "1e3"),
            ("since", "null"),
            ("label", "\"\""),
            ("label", "\"  \""),
            ("label", "1"),
            ("label", "null"),
            ("label", "\"a\\u0062\""),
            ("label", "\"a\\tb\""),
            ("label", "\"a\\/b\""),
            ("label", "\"a\u{1}b\""),
            ("label", "\"a\\\""),
            ("reason", "\"gone\""),
            ("reason", "\"Released\""),
        ])
        .prop_map(|(k, v)| Mutation::Value(k, v)),
        prop::sample::select(vec![
            "v", "from", "kind", "at", "reason", "hold", "since", "label"
        ])
        .prop_map(Mutation::Drop),
        prop::sample::select(vec![
            ("extra", "1"),
            ("__proto__", "{}"),
            ("reason", "\"idle\""),
            ("at", "1"),
            ("V", "1"),
            ("hold", "1"),
            ("since", "1"),
            ("label", "\"x\""),
        ])
        .prop_map(|(k, v)| Mutation::Add(k, v)),
        (0usize..7).prop_map(Mutation::Repeat),
        prop::sample::select(vec![",", "}", "x", "{}", "\u{0}", "//"]).prop_map(Mutation::Trailing),
        prop::sample::select(vec![
            "a b",
            "tab\u{0}",
            "x\"y",
            "é",
            "<script>",
            "a.b",
            "a/b",
            "t\\u0031",
            "0123456789012345678901234567890123456789012345678901234567890123456789",
        ])
        .prop_map(Mutation::Sender),
        Just(Mutation::Overlong),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 4_000, failure_persistence: None, ..ProptestConfig::default() })]

    /// Messages come back in any key order and spacing.
    #[test]
    fn messages_round_trip_in_any_order(msg in message(), from in "[A-Za-z0-9_-]{1,64}", ws in whitespace(), order in Just((0usize..7).collect::<Vec<_>>()).prop_shuffle()) {
        prop_assert_eq!(decode(&encode(&msg, &from)), Some((from.clone(), msg.clone())));
        let f = fields(&msg, &from);
        let shuffled: Vec<(String, String)> = order.iter().filter(|&&i| i < f.len()).map(|&i| f[i].clone()).collect();
        let text = render(&shuffled, &ws);
        if text.len() <= MAX_MESSAGE_LEN {
            prop_assert_eq!(decode(&text), Some((from, msg)), "{:?}", text);
        } else {
            prop_assert_eq!(decode(&text), None);
        }
    }

    /// One mutation and the message is ignored.
    #[test]
    fn one_mutation_is_ignored(msg in message(), from in "[a-z0-9]{1,12}", ws in whitespace(), m in mutation()) {
        let mut f = fields(&msg, &from);
        let set = |f: &mut Vec<(String, String)>, key: &str, value: String| -> bool {
            match f.iter_mut().find(|(k, _)| k == key) {
                Some(slot) => { slot.1 = value; true }
                None => false,
            }
        };
        let mut trailing = "";
        match &m {
            Mutation::Value(key, value) => {
                // A key the message does not have: add it instead (a superfluous field).
                if !set(&mut f, key, (*value).to_owned()) {
                    f.push(((*key).to_owned(), (*value).to_owned()));
                }
            }
            Mutation::Drop(key) => {
                if f.iter().any(|(k, _)| k == key) {
                    f.retain(|(k, _)| k != key);
                } else {
                    f.push(((*key).to_owned(), "\"x\"".to_owned()));
                }
            }
            Mutation::Add(key, value) => {
                if f.iter().any(|(k, _)| k == key) {
                    let again = f.iter().find(|(k, _)| k == key).unwrap().clone();
                    f.push(again);
                } else {
                    f.push(((*key).to_owned(), (*value).to_owned()));
                }
            }
            Mutation::Repeat(i) => {
                let again = f[*i % f.len()].clone();
                f.push(again);
            }
            Mutation::Trailing(t) => trailing = t,
            Mutation::Sender(s) => { set(&mut f, "from", format!("\"{s}\"")); }
            Mutation::Overlong => {
                let pad = format!("\"{}\"", "a".repeat(MAX_MESSAGE_LEN));
                set(&mut f, "from", pad);
            }
        }
        let text = format!("{}{trailing}", render(&f, &ws));
        prop_assert_eq!(decode(&text), None, "{:?}: {:?}", m, text);
    }

    /// Whatever the sender string, `encode` writes JSON that serde_json reads back with that
    /// sender; `decode` takes it only when the sender is a valid tab id.
    #[test]
    fn hostile_senders_never_break_the_json(msg in message(), from in "\\PC{0,20}|[\\x00-\\x1f\"\\\\]{1,8}") {
        let text = encode(&msg, &from);
        let value: serde_json::Value = serde_json::from_str(&text).expect("well-formed JSON");
        prop_assert_eq!(value["from"].as_str(), Some(from.as_str()));
        let valid = !from.is_empty() && from.len() <= 64 && from.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
        let decoded = decode(&text);
        if valid && text.len() <= MAX_MESSAGE_LEN {
            prop_assert_eq!(decoded, Some((from, msg)));
        } else {
            prop_assert_eq!(decoded, None);
        }
    }

    /// Whatever mix of valid times and times from the future a tab sees, its last activity never
    /// passes the latest valid one, it only logs out "other-tab" on a valid record, and without
    /// valid activity it expires on time.
    #[test]
    fn times_from_the_future_never_keep_a_session_alive_nor_end_it(events in prop::collection::vec(seen(), 1..40)) {
        const TIMEOUT: u64 = 300_000;
        let start = 1_700_000_000_000u64;
        let mut machine = IdleMachine::new(IdleConfig::new(Some(TIMEOUT)).with_warning_ms(0), start);
        let mut sync = TabSync::new(7, start);
        let mut now = start;
        let mut latest_valid = start;
        let mut valid_record = false;
        for (after, event) in &events {
            now += after;
            if machine.is_logged_out() {
                break;
            }
            match event {
                Seen::Local => {
                    sync.handle_local_activity(&mut machine, now);
                    if !machine.is_logged_out() {
                        latest_valid = latest_valid.max(now);
                    }
                }
                Seen::Wake { last_activity, record } => {
                    let last = last_activity.map(|o| at(now, o));
                    let record = record.map(|o| LogoutRecord { ended_ms: at(now, o), calls: Calls::Done });
                    if let Some(r) = record {
                        valid_record |= r.ended_ms >= start && r.ended_ms <= now + FUTURE_TOLERANCE_MS;
                    }
                    // Shared activity is applied before the deadlines (a frozen tab catching up).
                    if let Some(l) = last.filter(|&l| l <= now + FUTURE_TOLERANCE_MS) {
                        latest_valid = latest_valid.max(l.min(now));
                    }
                    let shared = Shared { last_activity_ms: last, record, storage: true, peers: true };
                    sync.handle_wake(&mut machine, &shared, now);
                }
                Seen::FutureHold { since, at: sent } => {
                    let hold = TabMessage::Hold { hold: HoldId(1), since_ms: at(now, *since), at_ms: at(now, *sent), label: "call".into() };
                    sync.handle_message(&encode(&hold, "other"), &mut machine, now);
                    prop_assert!(!machine.is_held(), "held by a hold from the future");
                }
                Seen::Message(o) => {
                    let a = at(now, *o);
                    let text = encode(&TabMessage::Activity { at_ms: a }, "other");
                    sync.handle_message(&text, &mut machine, now);
                    if a <= now + FUTURE_TOLERANCE_MS {
                        latest_valid = latest_valid.max(a.min(now));
                    }
                }
            }
            while sync.poll_output().is_some() {}
            prop_assert!(machine.last_activity_ms() <= latest_valid,
                "last activity {} beyond the latest valid {}", machine.last_activity_ms(), latest_valid);
            if machine.logout_reason() == Some(LogoutReason::OtherTab) {
                prop_assert!(valid_record, "logged out by a record from the future");
            }
        }
        // Left alone, the session expires a timeout after its last valid activity.
        if !machine.is_logged_out() {
            let end = machine.last_activity_ms() + TIMEOUT;
            prop_assert!(end <= latest_valid + TIMEOUT);
            let shared = Shared { storage: true, peers: true, ..Shared::default() };
            sync.handle_wake(&mut machine, &shared, end.max(now));
            prop_assert!(machine.is_logged_out());
        }
    }
}
