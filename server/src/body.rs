//! Request bodies: JSON and forms, read within the body limit, with errors in the platform's shape.

use std::collections::HashMap;

use axum::body::Bytes;
use axum::extract::{FromRequest, Request};
use axum::http::{header, StatusCode};
use serde_json::{Map, Value};

use crate::error::{ApiError, FieldError};

/// A JSON request body, parsed into serde_json's tree (types are checked by each handler, so
/// that every wrong field can be reported with its path).
#[derive(Debug)]
pub struct JsonBody(pub Value);

async fn read_bytes<S: Send + Sync>(req: Request, state: &S) -> Result<Bytes, ApiError> {
    Bytes::from_request(req, state).await.map_err(|rejection| {
        if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE {
            ApiError::too_large()
        } else {
            ApiError::bad_request(format!("The request body could not be read: {rejection}."))
        }
    })
}

impl<S: Send + Sync> FromRequest<S> for JsonBody {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, ApiError> {
        let bytes = read_bytes(req, state).await?;
        if bytes.iter().all(u8::is_ascii_whitespace) {
            return Err(ApiError::bad_request(
                "The request body is empty; send a JSON object.",
            ));
        }
        serde_json::from_slice(&bytes)
            .map(JsonBody)
            .map_err(|e| ApiError::bad_request(format!("The request body is not valid JSON: {e}.")))
    }
}

impl JsonBody {
    /// The body as an object, or a 400 naming what it is instead.
    pub fn into_object(self) -> Result<Map<String, Value>, ApiError> {
        match self.0 {
            Value::Object(map) => Ok(map),
            other => Err(ApiError::invalid_field(
                "",
                "wrong-type",
                format!(
                    "The request body must be a JSON object; got {}.",
                    json_type(&other)
                ),
            )),
        }
    }
}

/// A JSON object request body (anything else is a 400 naming what it is instead).
#[derive(Debug)]
pub struct JsonObject(pub Map<String, Value>);

impl<S: Send + Sync> FromRequest<S> for JsonObject {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, ApiError> {
        JsonBody::from_request(req, state)
            .await?
            .into_object()
            .map(JsonObject)
    }
}

impl JsonObject {
    /// The body's fields, read by type.
    pub fn fields(&self) -> Fields<'_> {
        Fields {
            map: &self.0,
            path: String::new(),
        }
    }
}

/// The fields of a JSON object, read by type: a missing or mistyped field is a 400 naming its
/// path (`presenceDefinition.id`) and what it must be.
#[derive(Debug, Clone)]
pub struct Fields<'a> {
    map: &'a Map<String, Value>,
    path: String,
}

impl<'a> Fields<'a> {
    fn path_of(&self, key: &str) -> String {
        if self.path.is_empty() {
            key.to_owned()
        } else {
            format!("{}.{key}", self.path)
        }
    }

    /// A string field.
    pub fn string(&self, key: &str) -> Result<&'a str, ApiError> {
        match self.map.get(key) {
            Some(Value::String(s)) => Ok(s),
            other => Err(wrong_type(&self.path_of(key), "a string", other)),
        }
    }

    /// A boolean field.
    pub fn boolean(&self, key: &str) -> Result<bool, ApiError> {
        match self.map.get(key) {
            Some(Value::Bool(b)) => Ok(*b),
            other => Err(wrong_type(
                &self.path_of(key),
                "a boolean (true or false)",
                other,
            )),
        }
    }

    /// An object field, to read further.
    pub fn object(&self, key: &str) -> Result<Fields<'a>, ApiError> {
        match self.map.get(key) {
            Some(Value::Object(map)) => Ok(Fields {
                map,
                path: self.path_of(key),
            }),
            other => Err(wrong_type(&self.path_of(key), "an object", other)),
        }
    }
}

/// "a string", "an array", … for messages.
pub fn json_type(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean (true or false)",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

/// A wrong-type error for one field.
pub fn wrong_type(path: &str, expected: &str, got: Option<&Value>) -> ApiError {
    let message = match got {
        None | Some(Value::Null) => format!("{path} is required: add {expected}."),
        Some(v) => format!("{path} must be {expected}; got {}.", json_type(v)),
    };
    let code = if matches!(got, None | Some(Value::Null)) {
        "missing"
    } else {
        "wrong-type"
    };
    ApiError::invalid(message.clone(), vec![FieldError::new(path, code, message)])
}

/// A form body (`application/x-www-form-urlencoded`) or a JSON object of strings, as a map.
/// Repeated form keys keep the last value.
#[derive(Debug)]
pub struct FormOrJson(pub HashMap<String, String>);

impl<S: Send + Sync> FromRequest<S> for FormOrJson {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, ApiError> {
        let is_json = req
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| {
                v.trim_start()
                    .to_ascii_lowercase()
                    .starts_with("application/json")
            });
        let bytes = read_bytes(req, state).await?;
        if !is_json {
            return Ok(FormOrJson(
                form_urlencoded::parse(&bytes).into_owned().collect(),
            ));
        }
        let value: Value = serde_json::from_slice(&bytes).map_err(|e| {
            ApiError::bad_request(format!("The request body is not valid JSON: {e}."))
        })?;
        let Value::Object(map) = value else {
            return Err(ApiError::bad_request(
                "The request body must be a JSON object of strings.",
            ));
        };
        let mut fields = HashMap::new();
        for (key, value) in map {
            match value {
                Value::String(s) => {
                    fields.insert(key, s);
                }
                Value::Null => {}
                other => {
                    return Err(wrong_type(&key, "a string", Some(&other)));
                }
            }
        }
        Ok(FormOrJson(fields))
    }
}
