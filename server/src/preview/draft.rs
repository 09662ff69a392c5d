//! The preview request: a draft of the settings in the platform's shapes, checked like a save.
//!
//! ```json
//! { "idleTokenTimeout": { … }, "inactivityTimeoutExclusions": [ … ], "hipaa": false, "windowHours": 24 }
//! ```
//!
//! `hipaa` (default: the organization's) and `windowHours` (1–24, default 24) are optional. The
//! draft is validated as the policy `{ idleTokenTimeout, authSettings: { inactivityTimeoutExclusions },
//! hipaa }` by the same validator as `PUT /api/v2/tokens/timeout`, so its errors carry the same
//! paths (`idleTokenTimeout.idleTokenTimeoutSeconds`, `authSettings.inactivityTimeoutExclusions[2]`).

use serde_json::{Map, Value};

use crate::body::json_type;
use crate::error::{ApiError, FieldError};
use crate::settings::Settings;
use crate::tracker_core::Policy;

/// The longest window a preview replays, in hours (the history keeps one day).
pub const MAX_WINDOW_HOURS: u64 = 24;

const FIELDS: [&str; 4] = [
    "idleTokenTimeout",
    "inactivityTimeoutExclusions",
    "hipaa",
    "windowHours",
];

/// A valid draft.
#[derive(Debug, Clone)]
pub struct Draft {
    /// The draft, compiled by the core.
    pub policy: Policy,
    /// How many hours back to replay.
    pub window_hours: u64,
}

/// Checks the request body; `org_hipaa` stands in for a missing `hipaa`. Every problem of the
/// request's shape is reported at once, then the validator's.
pub fn parse_draft(body: Value, org_hipaa: bool) -> Result<Draft, ApiError> {
    const LEAD: &str = "The draft cannot be previewed";
    let Value::Object(mut fields) = body else {
        return Err(ApiError::invalid_field(
            "",
            "wrong-type",
            format!(
                "{LEAD}: the request body must be a JSON object; got {}.",
                json_type(&body)
            ),
        ));
    };
    let mut problems = Vec::new();
    for key in fields.keys().filter(|k| !FIELDS.contains(&k.as_str())) {
        problems.push(FieldError::new(
            key.clone(),
            "unknown-field",
            format!(
                "{key} is not a field of a preview request; send idleTokenTimeout, \
                 inactivityTimeoutExclusions, and optionally hipaa and windowHours"
            ),
        ));
    }
    let window_hours = window_hours(fields.get("windowHours"), &mut problems);
    let hipaa = match fields.get("hipaa") {
        None | Some(Value::Null) => org_hipaa,
        Some(Value::Bool(b)) => *b,
        Some(other) => {
            problems.push(FieldError::new(
                "hipaa",
                "wrong-type",
                format!("hipaa must be true or false; got {}", json_type(other)),
            ));
            org_hipaa
        }
    };
    let mut required = |key: &str, what: &str| {
        let value = fields.remove(key).filter(|v| !v.is_null());
        if value.is_none() {
            problems.push(FieldError::new(
                key,
                "missing",
                format!("{key} is required: add {what}"),
            ));
        }
        value
    };
    let idle_token_timeout = required("idleTokenTimeout", "the draft's IdleTokenTimeout object");
    let exclusions = required(
        "inactivityTimeoutExclusions",
        "the draft's list of excluded API paths (an array, [] for none)",
    );
    let (Some(idle_token_timeout), Some(exclusions), true) =
        (idle_token_timeout, exclusions, problems.is_empty())
    else {
        let message = problems
            .iter()
            .map(|p| p.message.as_str())
            .collect::<Vec<_>>()
            .join("; ");
        return Err(ApiError::invalid(format!("{LEAD}: {message}."), problems));
    };
    let mut auth_settings = Map::new();
    auth_settings.insert("inactivityTimeoutExclusions".into(), exclusions);
    let settings = Settings {
        idle_token_timeout,
        auth_settings,
        hipaa,
    };
    let errors = settings.validate();
    if !errors.is_empty() {
        return Err(ApiError::rules_broken(LEAD, errors));
    }
    let policy = settings
        .compile()
        .map_err(|errors| ApiError::rules_broken(LEAD, errors))?;
    Ok(Draft {
        policy,
        window_hours,
    })
}

/// `windowHours`: a whole number of hours from 1 to [`MAX_WINDOW_HOURS`]; absent: the maximum.
fn window_hours(value: Option<&Value>, problems: &mut Vec<FieldError>) -> u64 {
    match value {
        None | Some(Value::Null) => MAX_WINDOW_HOURS,
        Some(v) => match v.as_u64() {
            Some(h) if (1..=MAX_WINDOW_HOURS).contains(&h) => h,
            _ => {
                let got = if v.is_number() {
                    v.to_string()
                } else {
                    json_type(v).to_owned()
                };
                problems.push(FieldError::new(
                    "windowHours",
                    "out-of-range",
                    format!(
                        "windowHours must be a whole number of hours from 1 to {MAX_WINDOW_HOURS}; got {got}"
                    ),
                ));
                MAX_WINDOW_HOURS
            }
        },
    }
}
