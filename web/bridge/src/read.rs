//! Reading JS values given by the app or the platform API: a policy, an array of strings.
//!
//! Reading a JS value is done by hand ([`read_value`]) rather than through serde: every property
//! read goes through `Reflect` with exceptions caught, so a throwing getter, a hostile `Proxy`,
//! a cyclic object, a 100 000-level nesting or a sparse `new Array(4e9)` becomes an `unreadable`
//! error with the path where it happened — never an exception out of `validatePolicy`, never a
//! hang, never a stack overflow.

use alloc::string::String;
use alloc::vec::Vec;

use js_sys::Reflect;
use wasm_bindgen::prelude::*;

use crate::error::{describe, JsError};
use inactivity_core::json::{format_number, Value, MAX_DEPTH};
use inactivity_core::policy::{ErrorKind, PolicyError};
use inactivity_core::text::{concat, dec};

/// The most values (of any kind, nested included) read from one JS value.
const MAX_VALUES: usize = 1_000_000;

#[wasm_bindgen]
extern "C" {
    /// `Array.isArray`, which throws for a revoked `Proxy`.
    #[wasm_bindgen(catch, js_namespace = Array, js_name = isArray)]
    pub fn is_array(value: &JsValue) -> Result<bool, JsValue>;

    /// `Number(value)`, for BigInts.
    #[wasm_bindgen(catch, js_name = Number)]
    fn to_number(value: &JsValue) -> Result<f64, JsValue>;

    /// `String(value)`, for exception messages.
    #[wasm_bindgen(catch, js_name = String)]
    fn to_js_string(value: &JsValue) -> Result<String, JsValue>;
}

/// Where reading a JS value failed, and why.
struct Unreadable {
    /// The JSON path, built while unwinding.
    path: String,
    reason: String,
}

impl Unreadable {
    fn new(reason: impl Into<String>) -> Unreadable {
        Unreadable {
            path: String::new(),
            reason: reason.into(),
        }
    }

    /// Prepends an object key to the path (cut to 100 characters: keys are input too).
    fn in_key(mut self, key: &str) -> Unreadable {
        let mut path: String = key.chars().take(100).collect();
        if path.len() < key.len() {
            path.push('…');
        }
        if !self.path.is_empty() && !self.path.starts_with('[') {
            path.push('.');
        }
        path.push_str(&self.path);
        self.path = path;
        self
    }

    /// Prepends an array index to the path.
    fn in_index(mut self, index: u32) -> Unreadable {
        let dot = if self.path.is_empty() || self.path.starts_with('[') {
            ""
        } else {
            "."
        };
        self.path = concat(&["[", &dec(u64::from(index)), "]", dot, &self.path]);
        self
    }

    fn into_error(self) -> PolicyError {
        PolicyError::new(
            self.path,
            ErrorKind::Unreadable {
                reason: self.reason,
            },
        )
    }
}

/// A thrown JS value as text, whatever it is.
pub fn exception_text(e: &JsValue) -> String {
    let text = to_js_string(e).unwrap_or_else(|_| String::from("an exception"));
    text.chars().take(200).collect()
}

/// Reads any JS value as a JSON tree, the way `JSON.stringify` sees data, but with exact types
/// (`NaN` stays a number, so it is reported as "not a whole number"). `undefined`, functions and
/// symbols read as `null` (`JSON.stringify` drops them); BigInts as numbers; only own string keys
/// of objects are read.
pub fn read_value(value: &JsValue) -> Result<Value, PolicyError> {
    let mut budget = MAX_VALUES;
    read(value, 0, &mut budget).map_err(Unreadable::into_error)
}

fn read(value: &JsValue, depth: usize, budget: &mut usize) -> Result<Value, Unreadable> {
    *budget = budget.checked_sub(1).ok_or_else(|| {
        Unreadable::new(concat(&[
            "has more than ",
            &dec(MAX_VALUES as u64),
            " values",
        ]))
    })?;
    if value.is_null() || value.is_undefined() || value.is_function() || value.is_symbol() {
        return Ok(Value::Null);
    }
    if let Some(b) = value.as_bool() {
        return Ok(Value::Bool(b));
    }
    if let Some(n) = value.as_f64() {
        return Ok(Value::Number(n));
    }
    if let Some(s) = value.as_string() {
        return Ok(Value::String(s));
    }
    if value.is_bigint() {
        return to_number(value).map(Value::Number).map_err(|e| {
            Unreadable::new(concat(&[
                "a BigInt could not be read: ",
                &exception_text(&e),
            ]))
        });
    }
    if !value.is_object() {
        return Ok(Value::Null);
    }
    if depth >= MAX_DEPTH {
        return Err(Unreadable::new(concat(&[
            "nested more than ",
            &dec(MAX_DEPTH as u64),
            " levels deep (or cyclic)",
        ])));
    }
    let threw = |e: JsValue| Unreadable::new(concat(&["reading it threw ", &exception_text(&e)]));
    if is_array(value).map_err(threw)? {
        let length = Reflect::get(value, &JsValue::from_str("length")).map_err(threw)?;
        let length = length.as_f64().unwrap_or(0.0);
        if length > *budget as f64 {
            return Err(Unreadable::new(too_large(
                "an array with ",
                &format_number(length),
                " elements",
            )));
        }
        let length = length as u32; // checked: at most MAX_VALUES
        let mut items = Vec::with_capacity(length.min(1024) as usize);
        for i in 0..length {
            let item = Reflect::get_u32(value, i).map_err(|e| threw(e).in_index(i))?;
            items.push(read(&item, depth + 1, budget).map_err(|u| u.in_index(i))?);
        }
        return Ok(Value::Array(items));
    }
    let keys = Reflect::own_keys(value).map_err(threw)?;
    if f64::from(keys.length()) > *budget as f64 {
        return Err(Unreadable::new(too_large(
            "an object with ",
            &dec(u64::from(keys.length())),
            " keys",
        )));
    }
    let mut members = Vec::with_capacity(keys.length().min(64) as usize);
    for key in keys.iter() {
        let Some(name) = key.as_string() else {
            continue; // a symbol key: not data
        };
        let member = Reflect::get(value, &key).map_err(|e| threw(e).in_key(&name))?;
        let member = read(&member, depth + 1, budget).map_err(|u| u.in_key(&name))?;
        members.push((name, member));
    }
    Ok(Value::Object(members))
}

/// "`what``count``unit` is too large (at most … values in all)".
fn too_large(what: &str, count: &str, unit: &str) -> String {
    concat(&[
        what,
        count,
        unit,
        " is too large (at most ",
        &dec(MAX_VALUES as u64),
        " values in all)",
    ])
}

/// An array of strings, or a `TypeError`/`RangeError` that names it: `head` + `tail` is the
/// array's name in messages and `head[i]` + `tail` an element's (e.g. `option "user.groups` and
/// `"` give `option "user.groups[0]"`).
pub fn string_array(
    value: &JsValue,
    head: &str,
    tail: &str,
    max: u32,
) -> Result<Vec<String>, JsError> {
    let threw = |e: JsValue| {
        JsError::Type(concat(&[
            head,
            tail,
            " could not be read: ",
            &exception_text(&e),
        ]))
    };
    if !is_array(value).map_err(threw)? {
        return Err(JsError::Type(concat(&[
            head,
            tail,
            " must be an array of strings; got ",
            describe(value),
        ])));
    }
    let length = Reflect::get(value, &JsValue::from_str("length"))
        .map_err(threw)?
        .as_f64()
        .unwrap_or(0.0);
    if length > f64::from(max) {
        return Err(JsError::Range(concat(&[
            head,
            tail,
            " has ",
            &format_number(length),
            " entries; at most ",
            &dec(u64::from(max)),
            " are allowed",
        ])));
    }
    (0..length as u32)
        .map(|i| {
            let item = Reflect::get_u32(value, i).map_err(threw)?;
            item.as_string().ok_or_else(|| {
                JsError::Type(concat(&[
                    head,
                    "[",
                    &dec(u64::from(i)),
                    "]",
                    tail,
                    " must be a string; got ",
                    describe(&item),
                ]))
            })
        })
        .collect()
}
