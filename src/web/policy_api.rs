//! The policy functions of the JS API (DESIGN §5): `validatePolicy`, `resolveTimeout` and
//! `classifyRequest`. Decisions are the core's ([`crate::core::policy`], [`crate::core::url`],
//! [`crate::core::classify`]); this file only converts JS values in and out.
//!
//! Reading a JS value is done by hand ([`read_value`]) rather than through serde: every property
//! read goes through `Reflect` with exceptions caught, so a throwing getter, a hostile `Proxy`,
//! a cyclic object, a 100 000-level nesting or a sparse `new Array(4e9)` becomes an `unreadable`
//! error with the path where it happened — never an exception out of `validatePolicy`, never a
//! hang, never a stack overflow.

use js_sys::Reflect;
use serde::Serialize;
use wasm_bindgen::prelude::*;

use super::types::ClassifyOptions;

use super::error::{describe, JsError};
use crate::core::classify::classify;
use crate::core::json::{format_number, Value, MAX_DEPTH};
use crate::core::policy::{resolve, validate, ErrorKind, Policy, PolicyError, Source};
use crate::core::url::ApiScope;

/// The most values (of any kind, nested included) read from one JS value.
const MAX_VALUES: usize = 1_000_000;
/// The most group ids `resolveTimeout` accepts.
const MAX_GROUP_IDS: u32 = 100_000;
/// How many policy errors a thrown message lists.
const ERRORS_IN_MESSAGE: usize = 3;

#[wasm_bindgen]
extern "C" {
    /// `Array.isArray`, which throws for a revoked `Proxy`.
    #[wasm_bindgen(catch, js_namespace = Array, js_name = isArray)]
    fn is_array(value: &JsValue) -> Result<bool, JsValue>;

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
        let key: String = if key.chars().count() > 100 {
            key.chars().take(100).chain(std::iter::once('…')).collect()
        } else {
            key.to_owned()
        };
        let key = key.as_str();
        self.path = if self.path.is_empty() {
            key.to_owned()
        } else if self.path.starts_with('[') {
            format!("{key}{}", self.path)
        } else {
            format!("{key}.{}", self.path)
        };
        self
    }

    /// Prepends an array index to the path.
    fn in_index(mut self, index: u32) -> Unreadable {
        self.path = if self.path.is_empty() || self.path.starts_with('[') {
            format!("[{index}]{}", self.path)
        } else {
            format!("[{index}].{}", self.path)
        };
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
fn exception_text(e: &JsValue) -> String {
    let text = to_js_string(e).unwrap_or_else(|_| "an exception".to_owned());
    text.chars().take(200).collect()
}

/// Reads any JS value as a JSON tree, the way `JSON.stringify` sees data, but with exact types
/// (`NaN` stays a number, so it is reported as "not a whole number"). `undefined`, functions and
/// symbols read as `null` (`JSON.stringify` drops them); BigInts as numbers; only own string keys
/// of objects are read.
pub(crate) fn read_value(value: &JsValue) -> Result<Value, PolicyError> {
    let mut budget = MAX_VALUES;
    read(value, 0, &mut budget).map_err(Unreadable::into_error)
}

fn read(value: &JsValue, depth: usize, budget: &mut usize) -> Result<Value, Unreadable> {
    *budget = budget
        .checked_sub(1)
        .ok_or_else(|| Unreadable::new(format!("has more than {MAX_VALUES} values")))?;
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
            Unreadable::new(format!(
                "a BigInt could not be read: {}",
                exception_text(&e)
            ))
        });
    }
    if !value.is_object() {
        return Ok(Value::Null);
    }
    if depth >= MAX_DEPTH {
        return Err(Unreadable::new(format!(
            "nested more than {MAX_DEPTH} levels deep (or cyclic)"
        )));
    }
    let threw = |e: JsValue| Unreadable::new(format!("reading it threw {}", exception_text(&e)));
    if is_array(value).map_err(threw)? {
        let length = Reflect::get(value, &JsValue::from_str("length")).map_err(threw)?;
        let length = length.as_f64().unwrap_or(0.0);
        if length > *budget as f64 {
            return Err(Unreadable::new(format!(
                "an array with {} elements is too large (at most {MAX_VALUES} values in all)",
                format_number(length)
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
        return Err(Unreadable::new(format!(
            "an object with {} keys is too large (at most {MAX_VALUES} values in all)",
            keys.length()
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

/// One error as JS sees it.
#[derive(Serialize)]
struct ErrorOut {
    path: String,
    code: &'static str,
    message: String,
}

/// `validatePolicy`'s result.
#[derive(Serialize)]
struct ValidationOut {
    valid: bool,
    errors: Vec<ErrorOut>,
}

/// `resolveTimeout`'s result: the resolution and its explanation. (Fields listed rather than
/// `#[serde(flatten)]`, which costs kilobytes of wasm.)
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ResolutionOut<'a> {
    timeout_seconds: Option<u32>,
    source: Source,
    bundle_priority: Option<u32>,
    group_id: Option<&'a str>,
    hipaa_capped: bool,
    explanation: String,
}

/// Plain JS objects and `null` (STYLE #6).
fn to_js<T: Serialize>(value: &T) -> Result<JsValue, JsError> {
    value
        .serialize(&serde_wasm_bindgen::Serializer::json_compatible())
        .map_err(|e| JsError::Type(format!("could not build the result: {e}")))
}

/// Checks a policy (DESIGN §5 `Policy`: the platform's own JSON) against every rule of DESIGN §2,
/// the HIPAA cap included. Never throws, whatever it is given: a value that is not a policy at
/// all is an invalid policy.
///
/// Returns `{ valid, errors: [{ path, code, message }] }` (at most 100 errors plus one
/// `too-many-errors` entry); `path` is like
/// `"idleTokenTimeout.inactivityTimeoutGroupBundles[1].timeoutSeconds"`, `""` for the policy
/// itself.
#[wasm_bindgen(js_name = validatePolicy, unchecked_return_type = "ValidationResult")]
pub fn validate_policy(
    #[wasm_bindgen(unchecked_param_type = "unknown")] policy: JsValue,
) -> JsValue {
    let errors = match read_value(&policy) {
        Ok(tree) => validate(&tree),
        Err(e) => vec![e],
    };
    let out = ValidationOut {
        valid: errors.is_empty(),
        errors: errors
            .iter()
            .map(|e| ErrorOut {
                path: e.path.clone(),
                code: e.code(),
                message: e.message(),
            })
            .collect(),
    };
    // Serializing strings and booleans cannot fail; `null` is the fallback all the same.
    to_js(&out).unwrap_or(JsValue::NULL)
}

/// Parses a policy for `resolveTimeout`/`classifyRequest`: a `TypeError` when it is not an object
/// or has a field of the wrong type or a missing one, else a `RangeError`; the message lists the
/// first errors with their paths.
pub(crate) fn parse_policy(policy: &JsValue, function: &str) -> Result<Policy, JsError> {
    let tree =
        read_value(policy).map_err(|e| JsError::Type(format!("{function}: {}", e.with_path())))?;
    Policy::parse(&tree).map_err(|errors| {
        let typed = errors.first().is_some_and(|e| {
            matches!(
                e.kind,
                ErrorKind::WrongType { .. } | ErrorKind::Missing { .. }
            )
        });
        let listed: Vec<String> = errors
            .iter()
            .take(ERRORS_IN_MESSAGE)
            .map(PolicyError::with_path)
            .collect();
        let more = errors.len().saturating_sub(ERRORS_IN_MESSAGE);
        let tail = if more > 0 {
            format!(" (and {more} more: validatePolicy lists them all)")
        } else {
            String::new()
        };
        let message = format!("{function}: invalid policy: {}{tail}", listed.join("; "));
        if typed {
            JsError::Type(message)
        } else {
            JsError::Range(message)
        }
    })
}

/// An array of strings, or a `TypeError`/`RangeError` naming `what`.
fn string_array(value: &JsValue, what: &str, max: u32) -> Result<Vec<String>, JsError> {
    let threw =
        |e: JsValue| JsError::Type(format!("{what} could not be read: {}", exception_text(&e)));
    if !is_array(value).map_err(threw)? {
        return Err(JsError::Type(format!(
            "{what} must be an array of strings; got {}",
            describe(value)
        )));
    }
    let length = Reflect::get(value, &JsValue::from_str("length"))
        .map_err(threw)?
        .as_f64()
        .unwrap_or(0.0);
    if length > f64::from(max) {
        return Err(JsError::Range(format!(
            "{what} has {} entries; at most {max} are allowed",
            format_number(length)
        )));
    }
    (0..length as u32)
        .map(|i| {
            let item = Reflect::get_u32(value, i).map_err(threw)?;
            item.as_string().ok_or_else(|| {
                JsError::Type(format!(
                    "{what}[{i}] must be a string; got {}",
                    describe(&item)
                ))
            })
        })
        .collect()
}

/// The effective timeout of a user in `groupIds` (DESIGN §2): the highest-priority group bundle
/// holding one of the groups, else the org-wide timeout, else the HIPAA 15-minute default, else
/// none; capped to 15 minutes for a HIPAA organization (`hipaaCapped: true`).
///
/// Returns `{ timeoutSeconds, source, bundlePriority, groupId, hipaaCapped, explanation }`.
/// Throws a `TypeError` for input of the wrong type and a `RangeError` for a policy that breaks
/// a rule (other than the HIPAA cap, which is applied here).
#[wasm_bindgen(js_name = resolveTimeout, unchecked_return_type = "Resolution & { explanation: string }")]
pub fn resolve_timeout(
    #[wasm_bindgen(unchecked_param_type = "Policy")] policy: JsValue,
    #[wasm_bindgen(js_name = groupIds, unchecked_param_type = "string[]")] group_ids: JsValue,
) -> Result<JsValue, JsValue> {
    let policy = parse_policy(&policy, "resolveTimeout")?;
    let groups = string_array(&group_ids, "resolveTimeout: groupIds", MAX_GROUP_IDS)?;
    let resolution = resolve(&policy, &groups);
    let out = ResolutionOut {
        timeout_seconds: resolution.timeout_seconds,
        source: resolution.source,
        bundle_priority: resolution.bundle_priority,
        group_id: resolution.group_id.as_deref(),
        hipaa_capped: resolution.hipaa_capped,
        explanation: resolution.explain(),
    };
    Ok(to_js(&out)?)
}

/// A request URL from a string, a `URL` (its `href`) or a `Request` (its `url`).
fn request_url(url: &JsValue) -> Result<String, JsError> {
    if let Some(s) = url.as_string() {
        return Ok(s);
    }
    if url.is_object() {
        for key in ["href", "url"] {
            if let Ok(v) = Reflect::get(url, &JsValue::from_str(key)) {
                if let Some(s) = v.as_string() {
                    return Ok(s);
                }
            }
        }
    }
    Err(JsError::Type(format!(
        "classifyRequest: url must be a string (or a URL or Request); got {}",
        describe(url)
    )))
}

/// `document.baseURI`, when there is a document.
fn document_base() -> Option<String> {
    web_sys::window()?.document()?.base_uri().ok()?
}

/// The scope from `options` (`{ base?, apiBases? }`).
fn scope(options: &JsValue) -> Result<ApiScope, JsError> {
    let threw = |e: JsValue| {
        JsError::Type(format!(
            "classifyRequest: options could not be read: {}",
            exception_text(&e)
        ))
    };
    let (base, api_bases) = if options.is_undefined() || options.is_null() {
        (None, Vec::new())
    } else if options.is_object() && !is_array(options).map_err(threw)? {
        let base = Reflect::get(options, &JsValue::from_str("base")).map_err(threw)?;
        let base = if base.is_undefined() || base.is_null() {
            None
        } else {
            Some(base.as_string().ok_or_else(|| {
                JsError::Type(format!(
                    "classifyRequest: options.base must be a URL string, e.g. \"https://apps.example.com/\"; got {}",
                    describe(&base)
                ))
            })?)
        };
        let bases = Reflect::get(options, &JsValue::from_str("apiBases")).map_err(threw)?;
        let bases = if bases.is_undefined() || bases.is_null() {
            Vec::new()
        } else {
            string_array(&bases, "classifyRequest: options.apiBases", 1000)?
        };
        (base, bases)
    } else {
        return Err(JsError::Type(format!(
            "classifyRequest: options must be an object {{ base?, apiBases? }}; got {}",
            describe(options)
        )));
    };
    let base =
        match base.or_else(document_base) {
            Some(base) => base,
            None => return Err(JsError::Type(
                "classifyRequest: there is no document.baseURI here (a worker?): pass options.base"
                    .into(),
            )),
        };
    ApiScope::new(&base, &api_bases).map_err(|e| JsError::Range(format!("classifyRequest: {e}")))
}

/// Whether a request to `url` counts as user activity: an API call (resolved against
/// `options.base`, default `document.baseURI`; under `options.apiBases`, default same origin and
/// `/api/`) that is not on the policy's exclusion list.
///
/// Returns `{ activity, excludedBy, path }`: not an API call → `activity: false, excludedBy:
/// null, path: null`. Throws a `TypeError`/`RangeError` for an invalid policy, url or options.
#[wasm_bindgen(js_name = classifyRequest, unchecked_return_type = "Classification")]
pub fn classify_request(
    #[wasm_bindgen(unchecked_param_type = "Policy")] policy: JsValue,
    #[wasm_bindgen(unchecked_param_type = "string | URL | Request")] url: JsValue,
    options: Option<ClassifyOptions>,
) -> Result<JsValue, JsValue> {
    let policy = parse_policy(&policy, "classifyRequest")?;
    let url = request_url(&url)?;
    let scope = scope(&options.map_or(JsValue::UNDEFINED, JsValue::from))?;
    Ok(to_js(&classify(&policy, &scope, &url))?)
}
