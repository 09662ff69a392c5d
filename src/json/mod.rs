//! A loose JSON tree, so that validation can report *every* error with its path — including values
//! of the wrong JSON type, which a typed `#[derive(Deserialize)]` would reject with one opaque error.
//!
//! [`Value`] deserializes from any self-describing serde format (`serde_json` on the server,
//! `serde-wasm-bindgen` in the browser) through `deserialize_any`. Nesting is limited to
//! [`MAX_DEPTH`] levels: deeper input is a deserialization error, never a stack overflow (a
//! cyclic JS object is "infinitely deep" and is rejected the same way).

use alloc::{borrow::ToOwned, string::String, vec::Vec};

use crate::text::{concat, push_dec};

use core::fmt;

mod parse;
#[cfg(feature = "serde")]
mod serde_impl;

pub use parse::{parse, MAX_TEXT_LEN};

/// The most levels of nested arrays and objects that [`Value`] accepts when deserializing (`[[]]`
/// is 2 levels).
///
/// A policy needs 4 levels; 64 leaves room for unknown fields while keeping recursion shallow.
pub const MAX_DEPTH: usize = 64;

/// A JSON value as a plain tree.
///
/// Objects keep their members in document order; when a key occurs twice, [`Value::get`] returns
/// the last one, as `JSON.parse` does.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    /// `null` (also what JS `undefined` deserializes to).
    Null,
    /// `true` or `false`.
    Bool(bool),
    /// A number. JSON has no NaN or infinities, but consumers must not assume that.
    Number(f64),
    /// A string.
    String(String),
    /// An array.
    Array(Vec<Value>),
    /// An object, members in document order.
    Object(Vec<(String, Value)>),
}

/// The JSON type of a [`Value`], used in error messages ("must be a number; got a string").
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum JsonType {
    /// `null`.
    Null,
    /// `true` or `false`.
    Boolean,
    /// A number.
    Number,
    /// A string.
    String,
    /// An array.
    Array,
    /// An object.
    Object,
}

impl JsonType {
    /// The type's name with an article, as used in sentences: "a number", "an object".
    pub fn with_article(self) -> &'static str {
        match self {
            JsonType::Null => "null",
            JsonType::Boolean => "a boolean (true or false)",
            JsonType::Number => "a number",
            JsonType::String => "a string",
            JsonType::Array => "an array",
            JsonType::Object => "an object",
        }
    }
}

impl fmt::Display for JsonType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.with_article())
    }
}

impl Value {
    /// The member `key` of an object (the last one if the key is repeated); `None` for a missing
    /// key or when `self` is not an object.
    pub fn get(&self, key: &str) -> Option<&Value> {
        match self {
            Value::Object(members) => members.iter().rev().find(|(k, _)| k == key).map(|(_, v)| v),
            _ => None,
        }
    }

    /// The member `key`, treating an explicit `null` like a missing member (optional fields).
    pub fn get_present(&self, key: &str) -> Option<&Value> {
        self.get(key).filter(|v| !v.is_null())
    }

    /// The JSON type of this value.
    pub fn json_type(&self) -> JsonType {
        match self {
            Value::Null => JsonType::Null,
            Value::Bool(_) => JsonType::Boolean,
            Value::Number(_) => JsonType::Number,
            Value::String(_) => JsonType::String,
            Value::Array(_) => JsonType::Array,
            Value::Object(_) => JsonType::Object,
        }
    }

    /// Whether this is `null`.
    pub fn is_null(&self) -> bool {
        matches!(self, Value::Null)
    }

    /// The boolean, if this is one.
    pub fn as_bool(&self) -> Option<bool> {
        match self {
            Value::Bool(b) => Some(*b),
            _ => None,
        }
    }

    /// The number, if this is one.
    pub fn as_f64(&self) -> Option<f64> {
        match self {
            Value::Number(n) => Some(*n),
            _ => None,
        }
    }

    /// The string, if this is one.
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Value::String(s) => Some(s),
            _ => None,
        }
    }

    /// The elements, if this is an array.
    pub fn as_array(&self) -> Option<&[Value]> {
        match self {
            Value::Array(items) => Some(items),
            _ => None,
        }
    }

    /// The members, if this is an object.
    pub fn as_object(&self) -> Option<&[(String, Value)]> {
        match self {
            Value::Object(members) => Some(members),
            _ => None,
        }
    }
}

/// Whether `n` is a whole number (finite, no fraction). Every `f64` of magnitude 2^52 or more is
/// whole; below that, a cast round-trips exactly when there is no fraction.
pub fn is_whole(n: f64) -> bool {
    n.is_finite() && (n.abs() >= 4_503_599_627_370_496.0 || n == (n as i64) as f64)
}

/// A number for messages, as an admin would write it: `1800`, `-3`, `1800.5` (at most 6
/// decimals), `NaN`, `Infinity`; magnitudes from 10^15 up as `1e15 or more`.
///
/// Written by hand because Rust's float formatting (Grisu/Dragon) would add tens of kilobytes
/// to the browser bundle.
pub fn format_number(n: f64) -> String {
    if n.is_nan() {
        return "NaN".to_owned();
    }
    let sign = if n < 0.0 { "-" } else { "" };
    let abs = n.abs();
    if abs == f64::INFINITY {
        return concat(&[sign, "Infinity"]);
    }
    if abs >= 1e15 {
        return if n > 0.0 {
            "1e15 or more"
        } else {
            "-1e15 or less"
        }
        .to_owned();
    }
    let mut int = abs as u64; // truncates; below 1e15, so exact
    let fraction = abs - int as f64;
    if fraction == 0.0 && int == 0 {
        return "0".to_owned();
    }
    let mut micros = (fraction * 1e6 + 0.5) as u64;
    if micros >= 1_000_000 {
        int += 1;
        micros = 0;
    }
    let mut out = String::from(sign);
    push_dec(&mut out, int);
    if fraction == 0.0 {
        return out;
    }
    if micros == 0 {
        // Not whole, but within a millionth of a whole number.
        out.push_str(".000000…");
        return out;
    }
    let mut digits = String::new();
    push_six_digits(&mut digits, micros);
    out.push('.');
    out.push_str(digits.trim_end_matches('0'));
    out
}

/// `n` (below 10^6) as six decimal digits, zero-padded.
fn push_six_digits(out: &mut String, n: u64) {
    let mut digits = String::new();
    push_dec(&mut digits, n);
    for _ in digits.len()..6 {
        out.push('0');
    }
    out.push_str(&digits);
}

impl From<&str> for Value {
    fn from(s: &str) -> Value {
        Value::String(s.to_owned())
    }
}

impl From<f64> for Value {
    fn from(n: f64) -> Value {
        Value::Number(n)
    }
}

impl From<bool> for Value {
    fn from(b: bool) -> Value {
        Value::Bool(b)
    }
}
