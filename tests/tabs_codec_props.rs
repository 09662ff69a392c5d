//! Fuzzing the cross-tab decoder: no input panics it; every message round-trips; serde_json
//! agrees with it on well-formed objects in any key order; mutations never panic.
#![cfg(not(target_arch = "wasm32"))]

use inactivity_core::idle::{HoldEndReason, HoldId};
use inactivity_core::reason::LogoutReason;
use inactivity_core::tabs::{decode, encode, TabMessage};
use proptest::prelude::*;

fn message() -> impl Strategy<Value = TabMessage> {
    prop_oneof![
        any::<u64>().prop_map(|at_ms| TabMessage::Activity { at_ms }),
        any::<u64>().prop_map(|last_activity_ms| TabMessage::Hello { last_activity_ms }),
        prop::sample::select(LogoutReason::ALL.to_vec())
            .prop_map(|reason| TabMessage::Logout { reason }),
        (
            any::<u32>(),
            any::<u64>(),
            any::<u64>(),
            "[ -~é😀]{0,99}[!-~é😀]"
        )
            .prop_map(|(hold, since_ms, at_ms, label)| TabMessage::Hold {
                hold: HoldId(hold),
                since_ms,
                at_ms,
                label
            }),
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

proptest! {
    #![proptest_config(ProptestConfig { cases: 5_000, ..ProptestConfig::default() })]

    #[test]
    fn round_trip(msg in message(), sender in "[A-Za-z0-9_-]{1,64}") {
        let text = encode(&msg, &sender);
        prop_assert_eq!(decode(&text), Some((sender, msg)));
    }

    #[test]
    fn arbitrary_text_never_panics(text in any::<String>()) {
        let _ = decode(&text);
    }

    #[test]
    fn json_like_text_never_panics(text in r#"[{}\[\]":,0-9a-z \\.\-]{0,120}"#) {
        let _ = decode(&text);
    }

    #[test]
    fn mutations_never_panic_and_never_invent(
        msg in message(), sender in "[a-z0-9]{1,8}", at in any::<prop::sample::Index>(),
        byte in any::<u8>(), op in 0u8..3,
    ) {
        let mut bytes = encode(&msg, &sender).into_bytes();
        let i = at.index(bytes.len() + 1);
        match op {
            0 => bytes.insert(i, byte),
            1 if i < bytes.len() => { bytes.remove(i); }
            _ if i < bytes.len() => bytes[i] = byte,
            _ => {}
        }
        if let Ok(text) = String::from_utf8(bytes) {
            if let Some((from, decoded)) = decode(&text) {
                // Whatever survives a one-byte edit is still a well-formed message.
                let value: serde_json::Value = serde_json::from_str(&text).expect("decoded text is JSON");
                prop_assert_eq!(value["from"].as_str(), Some(from.as_str()));
                prop_assert_eq!(value["v"].as_u64(), Some(1));
                let _ = decoded;
            }
        }
    }

    /// serde_json writes keys sorted (`at`, `from`, `kind`, `v`): another order than ours.
    #[test]
    fn serde_json_objects_decode(msg in message(), sender in "[A-Za-z0-9_-]{1,64}", pretty in any::<bool>()) {
        let mut value = serde_json::json!({ "v": 1, "from": sender });
        match msg.clone() {
            TabMessage::Activity { at_ms } => { value["kind"] = "activity".into(); value["at"] = at_ms.into(); }
            TabMessage::Hello { last_activity_ms } => { value["kind"] = "hello".into(); value["at"] = last_activity_ms.into(); }
            TabMessage::Logout { reason } => { value["kind"] = "logout".into(); value["reason"] = reason.as_str().into(); }
            TabMessage::Hold { hold, since_ms, at_ms, ref label } => {
                value["kind"] = "hold".into();
                value["hold"] = hold.0.into();
                value["since"] = since_ms.into();
                value["at"] = at_ms.into();
                value["label"] = label.as_str().into();
            }
            TabMessage::Release { hold, reason } => {
                value["kind"] = "release".into();
                value["hold"] = hold.0.into();
                value["reason"] = reason.as_str().into();
            }
            TabMessage::Goodbye => value["kind"] = "goodbye".into(),
        }
        let text = if pretty { serde_json::to_string_pretty(&value).unwrap() } else { value.to_string() };
        prop_assert_eq!(decode(&text), Some((sender, msg)));
    }
}
