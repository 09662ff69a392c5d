//! The policy functions of the admin entry (`inactivity-timeout/admin`): `validatePolicy` with
//! the validator's full messages, `resolveTimeout` and `classifyRequest`. Decisions are the
//! core's ([`inactivity_core::policy`], [`inactivity_core::url`], [`inactivity_core::classify`]);
//! this file only converts JS values in and out.

use js_sys::Reflect;
use serde::Serialize;
use wasm_bindgen::prelude::*;

use crate::types::ClassifyOptions;
use inactivity_bridge::error::{describe, JsError};
use inactivity_bridge::read::{exception_text, is_array, read_value, string_array};
use inactivity_core::classify::classify;
use inactivity_core::policy::{resolve, validate, ErrorKind, Policy, PolicyError, Source};
use inactivity_core::url::ApiScope;

/// The most group ids `resolveTimeout` accepts.
const MAX_GROUP_IDS: u32 = 100_000;
/// How many policy errors a thrown message lists.
const ERRORS_IN_MESSAGE: usize = 3;

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

/// `classifyRequest`'s result.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ClassificationOut<'a> {
    activity: bool,
    excluded_by: Option<&'a str>,
    path: Option<&'a str>,
}

/// Plain JS objects and `null`.
fn to_js<T: Serialize>(value: &T) -> Result<JsValue, JsError> {
    value
        .serialize(&serde_wasm_bindgen::Serializer::json_compatible())
        .map_err(|e| JsError::Type(format!("could not build the result: {e}")))
}

/// Checks a policy (the platform's own JSON, docs/rules.md §3) against every rule of docs/rules.md §2,
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
fn parse_policy(policy: &JsValue, function: &str) -> Result<Policy, JsError> {
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

/// The effective timeout of a user in `groupIds` (docs/rules.md §2): the highest-priority group bundle
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
    let groups = string_array(&group_ids, "resolveTimeout: groupIds", "", MAX_GROUP_IDS)?;
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
            string_array(&bases, "classifyRequest: options.apiBases", "", 1000)?
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
    let c = classify(Some(&policy), &scope, &url);
    Ok(to_js(&ClassificationOut {
        activity: c.is_activity(),
        excluded_by: c.excluded_by(),
        path: c.path(),
    })?)
}
