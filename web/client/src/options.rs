//! `InactivityTracker.start(options)`: the options object, checked field by field. Every
//! mistake throws a `TypeError`/`RangeError` naming the option and the fix; nothing starts.

use alloc::{string::String, vec::Vec};

use js_sys::{Array, Function, Object, Reflect};
use wasm_bindgen::{JsCast, JsValue};

use inactivity_bridge::error::{describe, JsError};
use inactivity_bridge::read::{read_value, string_array};
use inactivity_core::idle::{
    check_max_hold_seconds, DEFAULT_MAX_HOLD_MS, MAX_MAX_HOLD_SECONDS, MIN_MAX_HOLD_SECONDS,
};
use inactivity_core::json::format_number;
use inactivity_core::policy::{ErrorKind, Policy};
use inactivity_core::text::{concat, dec};
use inactivity_core::url::origin_of;

/// Every option `start()` understands; anything else is a typo the caller wants to hear about.
const KNOWN: &[&str] = &[
    "policy",
    "user",
    "loginUrl",
    "apiBases",
    "warningSeconds",
    "accessToken",
    "onWarning",
    "onWarningCleared",
    "onLogout",
    "onActivity",
    "beforeLogout",
    "beforeLogoutTimeoutMs",
    "clearTokens",
    "embed",
    "ledgerSize",
    "requestTimeoutMs",
    "maxHoldSeconds",
];

/// The options that are callbacks, in the order `parse` takes them apart.
const FUNCTIONS: [&str; 7] = [
    "accessToken",
    "onWarning",
    "onWarningCleared",
    "onLogout",
    "onActivity",
    "beforeLogout",
    "clearTokens",
];

/// The numeric options: name, least, most, default (warning 60 s; hooks bounded at 3 s; a
/// 100-entry ledger; the tracker's own calls bounded at 5 s).
const NUMBERS: [(&str, f64, f64, f64); 4] = [
    ("warningSeconds", 0.0, 28_800.0, 60.0),
    ("beforeLogoutTimeoutMs", 0.0, 60_000.0, 3_000.0),
    ("ledgerSize", 1.0, 10_000.0, 100.0),
    ("requestTimeoutMs", 100.0, 60_000.0, 5_000.0),
];

/// The signed-in user: the id (for routing status and presence) and the group ids (for bundles).
#[derive(Debug, Clone)]
pub struct User {
    /// The platform user id.
    pub id: String,
    /// The ids of the user's groups.
    pub groups: Vec<String>,
}

/// Checked options.
pub struct Options {
    /// The policy as given (`None`: fetched from the API).
    pub policy: Option<Policy>,
    /// The user as given (`None`: fetched from the API).
    pub user: Option<User>,
    /// Where an idle user is sent (the tracker adds `state`).
    pub login_url: String,
    /// URL prefixes of the platform API (empty: same origin under `/api/`).
    pub api_bases: Vec<String>,
    /// How long before expiry the warning shows (0: no warning).
    pub warning_ms: u64,
    /// Returns the current access token for the tracker's own calls.
    pub access_token: Option<Function>,
    /// `onWarning(remainingMs)`.
    pub on_warning: Option<Function>,
    /// `onWarningCleared()`: activity (here or in another tab) after a warning.
    pub on_warning_cleared: Option<Function>,
    /// `onLogout(reason)`.
    pub on_logout: Option<Function>,
    /// `onActivity(entry)`.
    pub on_activity: Option<Function>,
    /// `beforeLogout(reason)`, awaited for at most `before_logout_timeout_ms`.
    pub before_logout: Option<Function>,
    /// The bound on `beforeLogout`.
    pub before_logout_timeout_ms: u32,
    /// `clearTokens()`.
    pub clear_tokens: Option<Function>,
    /// Allowed parent origins when embedded in an iframe.
    pub parent_origins: Vec<String>,
    /// How many requests the ledger keeps.
    pub ledger_size: usize,
    /// The bound on each of the tracker's own HTTP calls.
    pub request_timeout_ms: u32,
    /// How long a hold lasts at most (`maxHoldSeconds`, default 4 hours).
    pub max_hold_ms: u64,
}

fn field(object: &JsValue, name: &str) -> Result<Option<JsValue>, JsError> {
    let value = Reflect::get(object, &JsValue::from_str(name))
        .map_err(|_| JsError::Type(concat(&["option \"", name, "\" could not be read"])))?;
    Ok(if value.is_undefined() || value.is_null() {
        None
    } else {
        Some(value)
    })
}

fn string(object: &JsValue, name: &str, example: &str) -> Result<Option<String>, JsError> {
    match field(object, name)? {
        None => Ok(None),
        Some(v) => v.as_string().map(Some).ok_or_else(|| {
            JsError::Type(concat(&[
                "option \"",
                name,
                "\" must be a string such as ",
                example,
                "; got ",
                describe(&v),
            ]))
        }),
    }
}

fn function(object: &JsValue, name: &str) -> Result<Option<Function>, JsError> {
    match field(object, name)? {
        None => Ok(None),
        Some(v) => v.dyn_into::<Function>().map(Some).map_err(|v| {
            JsError::Type(concat(&[
                "option \"",
                name,
                "\" must be a function; got ",
                describe(&v),
            ]))
        }),
    }
}

fn number(object: &JsValue, name: &str, min: f64, max: f64) -> Result<Option<f64>, JsError> {
    match field(object, name)? {
        None => Ok(None),
        Some(v) => {
            let n = v.as_f64().ok_or_else(|| {
                JsError::Type(concat(&[
                    "option \"",
                    name,
                    "\" must be a number; got ",
                    describe(&v),
                ]))
            })?;
            if !n.is_finite() || n < min || n > max {
                return Err(JsError::Range(concat(&[
                    "option \"",
                    name,
                    "\" must be between ",
                    &format_number(min),
                    " and ",
                    &format_number(max),
                    "; got ",
                    &format_number(n),
                ])));
            }
            Ok(Some(n))
        }
    }
}

fn strings(value: &JsValue, name: &str) -> Result<Vec<String>, JsError> {
    string_array(value, &concat(&["option \"", name]), "\"", 10_000)
}

pub(super) fn check_login_url(url: &str) -> Result<(), JsError> {
    let trimmed = url.trim();
    if trimmed.is_empty() {
        return Err(JsError::Range(
            "option \"loginUrl\" must not be empty: give the URL of the login page, e.g. \"/login\""
                .into(),
        ));
    }
    if url.chars().any(|c| c.is_control()) {
        return Err(JsError::Range(
            "option \"loginUrl\" must not contain control characters".into(),
        ));
    }
    // A scheme, if any, must be http or https: never `javascript:` or `data:`.
    if let Some(colon) = trimmed.bytes().position(|b| b == b':') {
        let scheme = trimmed.get(..colon).unwrap_or_default();
        let is_scheme = !scheme.is_empty()
            && scheme
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'+' | b'-' | b'.'));
        if is_scheme
            && !scheme.eq_ignore_ascii_case("http")
            && !scheme.eq_ignore_ascii_case("https")
        {
            return Err(JsError::Range(concat(&[
                "option \"loginUrl\" must be an http(s) URL or a path; \"",
                scheme,
                ":\" URLs are not allowed",
            ])));
        }
    }
    Ok(())
}

fn parse_user(value: &JsValue) -> Result<User, JsError> {
    if !value.is_object() || Array::is_array(value) {
        return Err(JsError::Type(concat(&[
            "option \"user\" must be an object { id, groups }; got ",
            describe(value),
        ])));
    }
    let id = string(value, "id", "\"<user id>\"")?
        .filter(|id| !id.trim().is_empty())
        .ok_or_else(|| {
            JsError::Type("option \"user.id\" must be the user's id (a non-empty string)".into())
        })?;
    let groups = match field(value, "groups")? {
        None => Vec::new(),
        Some(v) => strings(&v, "user.groups")?,
    };
    Ok(User { id, groups })
}

/// Parses a policy given as the platform's JSON (`Policy` in README's API), read defensively
/// (throwing getters, proxies, cycles and huge arrays become errors, never a hang or a crash).
/// An invalid policy is named by its first error's path and code: the sentences that explain
/// each error live in the admin entry (`validatePolicy`), not in every client.
pub fn parse_policy(value: &JsValue, head: &str) -> Result<Policy, JsError> {
    let tree = read_value(value).map_err(|e| {
        let reason = match &e.kind {
            ErrorKind::Unreadable { reason } => reason.as_str(),
            _ => "",
        };
        JsError::Type(concat(&[
            head,
            " could not be read",
            &at(&e.path),
            ": ",
            reason,
        ]))
    })?;
    Policy::parse(&tree).map_err(|errors| {
        let Some(first) = errors.first() else {
            return JsError::Range(concat(&[head, " is not a valid policy"]));
        };
        let mut message = concat(&[
            head,
            " is not a valid policy: ",
            first.code(),
            &at(&first.path),
        ]);
        if errors.len() > 1 {
            message.push_str(" (and ");
            message.push_str(&dec((errors.len() - 1) as u64));
            message.push_str(" more)");
        }
        message.push_str("; validatePolicy from \"inactivity-timeout/admin\" explains each error");
        if matches!(
            first.kind,
            ErrorKind::WrongType { .. } | ErrorKind::Missing { .. }
        ) {
            JsError::Type(message)
        } else {
            JsError::Range(message)
        }
    })
}

/// An entry of `embed.parentOrigins` must be a serialized `http(s)` origin — scheme, host,
/// optional port; no path, no `"null"`, no `"*"` — exactly as the browser reports a message's
/// origin, since that is what it is compared with.
fn check_origin(i: usize, entry: &str) -> Result<(), JsError> {
    let serialized = origin_of(entry);
    if serialized.as_deref() == Some(entry) {
        return Ok(());
    }
    let mut message = concat(&[
        "option \"embed.parentOrigins[",
        &dec(i as u64),
        "]\" must be an origin: scheme, host and optional port, e.g. \"https://crm.example.com\"; got \"",
        entry,
        "\"",
    ]);
    if let Some(serialized) = serialized {
        message.push_str(" (did you mean \"");
        message.push_str(&serialized);
        message.push_str("\"?)");
    }
    Err(JsError::Range(message))
}

/// " at `path`", or nothing for the policy itself.
fn at(path: &str) -> String {
    if path.is_empty() {
        String::new()
    } else {
        concat(&[" at ", path])
    }
}

/// Checks `options` as passed to `InactivityTracker.start`.
pub fn parse(options: &JsValue) -> Result<Options, JsError> {
    if !options.is_object() || Array::is_array(options) || options.is_function() {
        return Err(JsError::Type(concat(&[
            "InactivityTracker.start needs an options object { loginUrl, policy, user, … }; got ",
            describe(options),
        ])));
    }
    let object: &Object = options.unchecked_ref();
    for key in Object::keys(object).iter() {
        let key = key.as_string().unwrap_or_default();
        if !KNOWN.contains(&key.as_str()) {
            return Err(JsError::Type(concat(&[
                "unknown option \"",
                &key,
                "\"; the options are: ",
                &KNOWN.join(", "),
            ])));
        }
    }
    let login_url = string(options, "loginUrl", "\"/login\"")?.ok_or_else(|| {
        JsError::Type(
            "option \"loginUrl\" is required: the URL of the login page an idle user is sent to"
                .into(),
        )
    })?;
    check_login_url(&login_url)?;
    let policy = field(options, "policy")?
        .map(|v| parse_policy(&v, "option \"policy\""))
        .transpose()?;
    let user = field(options, "user")?
        .map(|v| parse_user(&v))
        .transpose()?;
    let api_bases = field(options, "apiBases")?
        .map(|v| strings(&v, "apiBases"))
        .transpose()?
        .unwrap_or_default();
    let parent_origins = match field(options, "embed")? {
        None => Vec::new(),
        Some(embed) => {
            let origins = field(&embed, "parentOrigins")?.ok_or_else(|| {
                JsError::Type(
                    "option \"embed.parentOrigins\" is required: the origins of the pages allowed to embed this client, e.g. [\"https://crm.example.com\"]"
                        .into(),
                )
            })?;
            let origins = strings(&origins, "embed.parentOrigins")?;
            for (i, entry) in origins.iter().enumerate() {
                check_origin(i, entry)?;
            }
            origins
        }
    };
    // The callbacks and the numbers, each kind read by one loop.
    let mut functions: [Option<Function>; FUNCTIONS.len()] = Default::default();
    for (slot, name) in functions.iter_mut().zip(FUNCTIONS) {
        *slot = function(options, name)?;
    }
    let mut numbers = [0.0; NUMBERS.len()];
    for (slot, (name, min, max, default)) in numbers.iter_mut().zip(NUMBERS) {
        *slot = number(options, name, min, max)?.unwrap_or(default);
    }
    let [access_token, on_warning, on_warning_cleared, on_logout, on_activity, before_logout, clear_tokens] =
        functions;
    let [warning_seconds, before_logout_timeout_ms, ledger_size, request_timeout_ms] = numbers;
    let max_hold_ms = max_hold_ms(options)?;
    Ok(Options {
        policy,
        user,
        login_url,
        api_bases,
        warning_ms: (warning_seconds * 1000.0) as u64,
        access_token,
        on_warning,
        on_warning_cleared,
        on_logout,
        on_activity,
        before_logout,
        before_logout_timeout_ms: before_logout_timeout_ms as u32,
        clear_tokens,
        parent_origins,
        ledger_size: ledger_size as usize,
        request_timeout_ms: request_timeout_ms as u32,
        max_hold_ms,
    })
}

/// `maxHoldSeconds`: a whole number of seconds within the core's bounds (default 4 hours).
fn max_hold_ms(options: &JsValue) -> Result<u64, JsError> {
    let (min, max) = (
        f64::from(MIN_MAX_HOLD_SECONDS),
        f64::from(MAX_MAX_HOLD_SECONDS),
    );
    // Anything but a number of seconds in range is a RangeError here, a string included: the
    // option is a bound, and every wrong bound is the same mistake.
    let seconds = number(options, "maxHoldSeconds", min, max).map_err(|e| match e {
        JsError::Type(message) => JsError::Range(message),
        other => other,
    })?;
    let Some(seconds) = seconds else {
        return Ok(DEFAULT_MAX_HOLD_MS);
    };
    // Within 60–28800 (checked above): exact as an integer when whole.
    if (seconds as u64) as f64 != seconds {
        return Err(JsError::Range(concat(&[
            "option \"maxHoldSeconds\" must be a whole number of seconds; got ",
            &format_number(seconds),
        ])));
    }
    check_max_hold_seconds(seconds as u64)
        .map_err(|e| JsError::Range(concat(&["option \"", e.message()])))
}
