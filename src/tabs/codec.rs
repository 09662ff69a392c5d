//! Cross-tab messages: a versioned wire codec.
//!
//! Tabs of the same client and user share one idle timer by telling each other about activity
//! and logouts (over `BroadcastChannel`, or `localStorage` events where it is missing). The
//! channel is an untrusted input: [`decode`] accepts exactly the flat JSON objects [`encode`]
//! writes — version [`PROTOCOL_VERSION`], known keys once each, the fields the kind needs and no
//! others, within [`MAX_MESSAGE_LEN`] bytes — and returns `None` for anything else, never
//! panicking. The crate has no JSON dependency at run time, so the parser is a small
//! hand-written one for this one shape (fuzzed by the property tests).
//!
//! | message | wire form |
//! | --- | --- |
//! | [`TabMessage::Activity`] | `{"v":1,"from":"<tab id>","kind":"activity","at":1700000000000}` |
//! | [`TabMessage::Logout`] | `{"v":1,"from":"<tab id>","kind":"logout","reason":"idle"}` |
//! | [`TabMessage::Hello`] | `{"v":1,"from":"<tab id>","kind":"hello","at":1700000000000}` |
//! | [`TabMessage::Hold`] | `{"v":1,"from":"<tab id>","kind":"hold","hold":3,"since":1700000000000,"at":1700000060000,"label":"Call 42"}` |
//! | [`TabMessage::Release`] | `{"v":1,"from":"<tab id>","kind":"release","hold":3,"reason":"released"}` |
//! | [`TabMessage::Goodbye`] | `{"v":1,"from":"<tab id>","kind":"goodbye"}` |
//!
//! The hold kinds were added to version 1 without changing it: a tab of an older release drops
//! them as unknown (it then warns during another tab's hold) but still understands activity and
//! logouts — a new version number would have cut it off from those too. The label is the only
//! string that may carry escapes, and only `\"` and `\\`; it must pass
//! [`check_label`].
//!
//! A tab id is 1–[`MAX_TAB_ID_LEN`] characters of `[A-Za-z0-9_-]` (see [`is_valid_tab_id`]).
//!
//! ```
//! use inactivity_core::tabs::{decode, encode, TabMessage};
//! let text = encode(&TabMessage::Activity { at_ms: 1_700_000_000_000 }, "tab-1");
//! assert_eq!(text, r#"{"v":1,"from":"tab-1","kind":"activity","at":1700000000000}"#);
//! assert_eq!(decode(&text), Some(("tab-1".to_owned(), TabMessage::Activity { at_ms: 1_700_000_000_000 })));
//! assert_eq!(decode(r#"{"v":2,"from":"tab-1","kind":"activity","at":1}"#), None);
//! ```

#![deny(
    clippy::arithmetic_side_effects,
    clippy::indexing_slicing,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic
)]

use alloc::{borrow::ToOwned, string::String};

use crate::idle::{check_label, HoldEndReason, HoldId};
use crate::reason::LogoutReason;
use crate::text::{all_bytes, push_dec, push_json_string};

/// The version of the wire format; a message of any other version is ignored.
pub const PROTOCOL_VERSION: u32 = 1;

/// The longest message [`decode`] reads, in bytes; anything longer is ignored unread. (The
/// longest valid one, a hold with a label of 100 four-byte characters, is about 600.)
pub const MAX_MESSAGE_LEN: usize = 1024;

/// The longest tab id, in bytes.
pub const MAX_TAB_ID_LEN: usize = 64;

/// At most one activity broadcast per tab per this interval (see `TabSync`).
pub const ACTIVITY_BROADCAST_INTERVAL_MS: u64 = 1_000;

/// A message from one tab to the others.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TabMessage {
    /// The sender saw counted activity at `at_ms`: feed it to
    /// `IdleMachine::handle_remote_activity` (which ignores it when older than what it knows,
    /// and when in the future: invalid).
    Activity {
        /// When (ms since the epoch).
        at_ms: u64,
    },
    /// The sender logged out: every other tab logs out with [`LogoutReason::OtherTab`]. The
    /// sender's own reason is carried for diagnostics.
    Logout {
        /// Why the sender logged out.
        reason: LogoutReason,
    },
    /// A tab just started (or woke up), knowing `last_activity_ms` (`0`: nothing, e.g. storage
    /// denied). A tab that knows a later activity answers with [`TabMessage::Activity`], so the
    /// newcomer catches up with the shared last activity. A hello is **not** activity: never
    /// feed it to `handle_remote_activity` — opening a tab must not extend the session.
    Hello {
        /// The newcomer's last activity (ms since the epoch).
        last_activity_ms: u64,
    },
    /// The sender holds the session (a call in progress) since `since_ms`: announced when the
    /// hold begins, again every `HOLD_REFRESH_MS` while it lasts and in answer to a hello.
    /// Feed it to `IdleMachine::handle_remote_hold`: each announcement renews the hold's lease
    /// from `at_ms`, so a tab that went away without a goodbye stops holding the others.
    Hold {
        /// The hold's number in the sender.
        hold: HoldId,
        /// When it began (ms since the epoch).
        since_ms: u64,
        /// When this announcement was sent (ms since the epoch). It also keeps two
        /// announcements of one hold from being the same text (a `storage` event fires only
        /// when the value changes).
        at_ms: u64,
        /// What it is for.
        label: String,
    },
    /// The sender's hold ended (released, or at its max duration): feed it to
    /// `IdleMachine::handle_remote_release`.
    Release {
        /// The hold's number in the sender.
        hold: HoldId,
        /// Why it ended.
        reason: HoldEndReason,
    },
    /// The sender is going away (`pagehide`): its holds end (`IdleMachine::handle_tab_gone`).
    Goodbye,
}

/// Whether `id` can name a sender: 1–[`MAX_TAB_ID_LEN`] characters of `[A-Za-z0-9_-]`.
pub fn is_valid_tab_id(id: &str) -> bool {
    !id.is_empty()
        && id.len() <= MAX_TAB_ID_LEN
        && all_bytes(id.as_bytes(), |b| {
            b.is_ascii_alphanumeric() || b == b'-' || b == b'_'
        })
}

/// The wire form of `msg` from `sender`: compact JSON, always well-formed (the sender is
/// escaped). Receivers drop it if `sender` is not a valid tab id ([`is_valid_tab_id`]).
pub fn encode(msg: &TabMessage, sender: &str) -> String {
    let mut out = String::with_capacity(96);
    out.push_str("{\"v\":");
    push_dec(&mut out, u64::from(PROTOCOL_VERSION));
    out.push_str(",\"from\":");
    push_json_string(&mut out, sender);
    match msg {
        TabMessage::Activity { at_ms } => {
            out.push_str(",\"kind\":\"activity\",\"at\":");
            push_dec(&mut out, *at_ms);
        }
        TabMessage::Logout { reason } => {
            out.push_str(",\"kind\":\"logout\",\"reason\":\"");
            out.push_str(reason.as_str());
            out.push('"');
        }
        TabMessage::Hello { last_activity_ms } => {
            out.push_str(",\"kind\":\"hello\",\"at\":");
            push_dec(&mut out, *last_activity_ms);
        }
        TabMessage::Hold {
            hold,
            since_ms,
            at_ms,
            label,
        } => {
            out.push_str(",\"kind\":\"hold\",\"hold\":");
            push_dec(&mut out, u64::from(hold.0));
            out.push_str(",\"since\":");
            push_dec(&mut out, *since_ms);
            out.push_str(",\"at\":");
            push_dec(&mut out, *at_ms);
            out.push_str(",\"label\":");
            push_json_string(&mut out, label);
        }
        TabMessage::Release { hold, reason } => {
            out.push_str(",\"kind\":\"release\",\"hold\":");
            push_dec(&mut out, u64::from(hold.0));
            out.push_str(",\"reason\":\"");
            out.push_str(reason.as_str());
            out.push('"');
        }
        TabMessage::Goodbye => out.push_str(",\"kind\":\"goodbye\""),
    }
    out.push('}');
    out
}

/// The sender and the message in `text`, or `None` when `text` is not exactly a message of
/// this version: malformed JSON, another shape, unknown or repeated keys, a missing or
/// superfluous field, an invalid tab id, reason or label, a number out of range, more than
/// [`MAX_MESSAGE_LEN`] bytes. Whitespace between tokens is allowed; string escapes are not,
/// except `\"` and `\\` in a label.
pub fn decode(text: &str) -> Option<(String, TabMessage)> {
    if text.len() > MAX_MESSAGE_LEN {
        return None;
    }
    let f = Parser::new(text).object()?;
    if f.seen & ALWAYS != ALWAYS || f.v != u64::from(PROTOCOL_VERSION) || !is_valid_tab_id(f.from) {
        return None;
    }
    // A hold number that does not fit is no message, whatever the kind (0 when absent).
    let hold = HoldId(u32::try_from(f.hold).ok()?);
    // Each kind has exactly its fields besides the three every message has.
    let msg = match (f.kind, f.seen & !ALWAYS) {
        ("activity", AT) => TabMessage::Activity { at_ms: f.at },
        ("hello", AT) => TabMessage::Hello {
            last_activity_ms: f.at,
        },
        ("logout", REASON) => TabMessage::Logout {
            reason: LogoutReason::parse(f.reason)?,
        },
        ("hold", HOLD_FIELDS) => {
            check_label(&f.label).ok()?;
            TabMessage::Hold {
                hold,
                since_ms: f.since,
                at_ms: f.at,
                label: f.label,
            }
        }
        ("release", RELEASE_FIELDS) => TabMessage::Release {
            hold,
            reason: HoldEndReason::parse(f.reason)?,
        },
        ("goodbye", 0) => TabMessage::Goodbye,
        _ => return None,
    };
    Some((f.from.to_owned(), msg))
}

// The keys of a message, a bit each in `Fields::seen`.
const V: u8 = 1;
const FROM: u8 = 1 << 1;
const KIND: u8 = 1 << 2;
const AT: u8 = 1 << 3;
const REASON: u8 = 1 << 4;
const HOLD: u8 = 1 << 5;
const SINCE: u8 = 1 << 6;
const LABEL: u8 = 1 << 7;
/// The keys every message has.
const ALWAYS: u8 = V | FROM | KIND;
/// A hold's other keys.
const HOLD_FIELDS: u8 = AT | HOLD | SINCE | LABEL;
/// A release's other keys.
const RELEASE_FIELDS: u8 = HOLD | REASON;

/// The fields of a message object: which keys came (each at most once) and their values.
#[derive(Default)]
struct Fields<'a> {
    seen: u8,
    v: u64,
    from: &'a str,
    kind: &'a str,
    at: u64,
    reason: &'a str,
    hold: u64,
    since: u64,
    label: String,
}

/// A strict parser for one flat JSON object of string and non-negative integer values.
struct Parser<'a> {
    text: &'a str,
    pos: usize,
}

impl<'a> Parser<'a> {
    fn new(text: &'a str) -> Self {
        Parser { text, pos: 0 }
    }

    fn peek(&self) -> Option<u8> {
        self.text.as_bytes().get(self.pos).copied()
    }

    fn bump(&mut self) -> Option<u8> {
        let b = self.peek()?;
        self.pos = self.pos.checked_add(1)?;
        Some(b)
    }

    fn eat(&mut self, expected: u8) -> Option<()> {
        (self.bump()? == expected).then_some(())
    }

    fn skip_ws(&mut self) {
        while matches!(self.peek(), Some(b' ' | b'\t' | b'\n' | b'\r')) {
            self.pos = self.pos.saturating_add(1);
        }
    }

    /// `{ "key": value (, "key": value)* }` and nothing after it but whitespace.
    fn object(mut self) -> Option<Fields<'a>> {
        let mut fields = Fields::default();
        self.skip_ws();
        self.eat(b'{')?;
        loop {
            self.skip_ws();
            let key = self.string()?;
            self.skip_ws();
            self.eat(b':')?;
            self.skip_ws();
            let key = match key {
                "v" => {
                    fields.v = self.number()?;
                    V
                }
                "from" => {
                    fields.from = self.string()?;
                    FROM
                }
                "kind" => {
                    fields.kind = self.string()?;
                    KIND
                }
                "at" => {
                    fields.at = self.number()?;
                    AT
                }
                "reason" => {
                    fields.reason = self.string()?;
                    REASON
                }
                "hold" => {
                    fields.hold = self.number()?;
                    HOLD
                }
                "since" => {
                    fields.since = self.number()?;
                    SINCE
                }
                "label" => {
                    fields.label = self.label()?;
                    LABEL
                }
                _ => return None,
            };
            if fields.seen & key != 0 {
                return None;
            }
            fields.seen |= key;
            self.skip_ws();
            match self.bump()? {
                b',' => continue,
                b'}' => break,
                _ => return None,
            }
        }
        self.skip_ws();
        (self.pos == self.text.len()).then_some(fields)
    }

    /// A string without escapes or control characters.
    fn string(&mut self) -> Option<&'a str> {
        self.eat(b'"')?;
        let start = self.pos;
        loop {
            match self.bump()? {
                b'"' => break,
                b'\\' => return None,
                b if b < 0x20 => return None,
                _ => {}
            }
        }
        // `start` follows an ASCII quote and `pos - 1` is one: both are char boundaries.
        self.text.get(start..self.pos.checked_sub(1)?)
    }

    /// A label: a string whose only escapes are `\"` and `\\`, without control characters.
    fn label(&mut self) -> Option<String> {
        self.eat(b'"')?;
        let mut out = String::new();
        let mut start = self.pos;
        loop {
            let here = self.pos;
            match self.bump()? {
                b'"' => {
                    out.push_str(self.text.get(start..here)?);
                    return Some(out);
                }
                b'\\' => {
                    out.push_str(self.text.get(start..here)?);
                    match self.bump()? {
                        b'"' => out.push('"'),
                        b'\\' => out.push('\\'),
                        _ => return None,
                    }
                    start = self.pos;
                }
                b if b < 0x20 => return None,
                _ => {}
            }
        }
    }

    /// A non-negative integer in JSON syntax (no sign, fraction, exponent or leading zero)
    /// that fits in a `u64`.
    fn number(&mut self) -> Option<u64> {
        let first = self.bump()?;
        let mut value = u64::from(first.checked_sub(b'0').filter(|d| *d <= 9)?);
        if value == 0 {
            return (!matches!(self.peek(), Some(b'0'..=b'9' | b'.' | b'e' | b'E'))).then_some(0);
        }
        while let Some(b @ b'0'..=b'9') = self.peek() {
            self.pos = self.pos.saturating_add(1);
            value = value
                .checked_mul(10)?
                .checked_add(u64::from(b.checked_sub(b'0')?))?;
        }
        (!matches!(self.peek(), Some(b'.' | b'e' | b'E'))).then_some(value)
    }
}
