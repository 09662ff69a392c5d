//! One conversion to JS errors: a real `TypeError` or `RangeError` with a sentence
//! that names what is wrong and how to fix it.

use alloc::string::String;

use wasm_bindgen::JsValue;

/// An error the JS API throws.
#[derive(Debug)]
pub enum JsError {
    /// The wrong type of value (a `TypeError`).
    Type(String),
    /// A value of the right type but out of its allowed range or shape (a `RangeError`).
    Range(String),
}

impl From<JsError> for JsValue {
    fn from(error: JsError) -> JsValue {
        match error {
            JsError::Type(message) => js_sys::TypeError::new(&message).into(),
            JsError::Range(message) => js_sys::RangeError::new(&message).into(),
        }
    }
}

/// A short description of a JS value's type for messages: "a number", "null", "an array"…
pub fn describe(value: &JsValue) -> &'static str {
    if value.is_null() {
        "null"
    } else if value.is_undefined() {
        "undefined"
    } else if value.as_bool().is_some() {
        "a boolean"
    } else if value.as_f64().is_some() {
        "a number"
    } else if value.is_string() {
        "a string"
    } else if js_sys::Array::is_array(value) {
        "an array"
    } else if value.is_function() {
        "a function"
    } else if value.is_object() {
        "an object"
    } else {
        "an unsupported value"
    }
}
