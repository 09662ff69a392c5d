//! Building plain JS values (objects, numbers, `null`) for what the API returns, by hand: no
//! serde in the client.

use js_sys::{Object, Reflect};
use wasm_bindgen::JsValue;

/// A plain object with these members.
pub fn object(members: &[(&str, JsValue)]) -> JsValue {
    let object = Object::new();
    for (key, value) in members {
        // Setting a data property on a fresh plain object cannot fail.
        let _ = Reflect::set(&object, &JsValue::from_str(key), value);
    }
    object.into()
}

/// A string, or `null`.
pub fn str_or_null(value: Option<&str>) -> JsValue {
    value.map_or(JsValue::NULL, JsValue::from_str)
}

/// A number, or `null`.
pub fn num_or_null(value: Option<f64>) -> JsValue {
    value.map_or(JsValue::NULL, JsValue::from_f64)
}

/// A member of `value` as a string, if it is one (never throws).
pub fn string_field(value: &JsValue, key: &str) -> Option<alloc::string::String> {
    Reflect::get(value, &JsValue::from_str(key))
        .ok()?
        .as_string()
}
