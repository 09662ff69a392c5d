//! Cross-tab messages: any text through `decode`. Never a panic; what is accepted is a JSON
//! object serde_json agrees with, and re-encodes to a message that decodes the same; fed to a
//! tab, an activity from the future (beyond the tolerance) never moves its last activity.
#![no_main]

mod common;

use inactivity_core::idle::{IdleConfig, IdleMachine, FUTURE_TOLERANCE_MS};
use inactivity_core::tabs::TabSync;
use inactivity_core::tabs::{decode, encode, TabMessage};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let Some((from, msg)) = decode(text) else {
        return;
    };
    let value: serde_json::Value = serde_json::from_str(text).expect("an accepted message is JSON");
    let object = value.as_object().expect("an object");
    assert_eq!(value["v"].as_u64(), Some(1));
    assert_eq!(value["from"].as_str(), Some(from.as_str()));
    let (kind, fields) = match msg {
        TabMessage::Activity { at_ms } => {
            assert_eq!(value["at"].as_u64(), Some(at_ms));
            ("activity", 4)
        }
        TabMessage::Hello { last_activity_ms } => {
            assert_eq!(value["at"].as_u64(), Some(last_activity_ms));
            ("hello", 4)
        }
        TabMessage::Logout { reason } => {
            assert_eq!(value["reason"].as_str(), Some(reason.as_str()));
            ("logout", 4)
        }
    };
    assert_eq!(value["kind"].as_str(), Some(kind));
    assert_eq!(object.len(), fields, "no other fields");
    let again = encode(&msg, &from);
    assert_eq!(decode(&again), Some((from.clone(), msg)));
    // Fed to a tab at a fixed "now": a time from the future is not activity.
    const NOW: u64 = 1_700_000_000_000;
    let mut machine = IdleMachine::new(IdleConfig::new(Some(300_000)), NOW - 60_000);
    let mut sync = TabSync::new(1, NOW - 60_000);
    sync.handle_message(text, &mut machine, NOW);
    if let TabMessage::Activity { at_ms } = msg {
        if at_ms > NOW + FUTURE_TOLERANCE_MS {
            assert_eq!(machine.last_activity_ms(), NOW - 60_000, "future activity ignored");
        }
    }
});
