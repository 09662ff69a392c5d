//! The organization's settings, their validation with the core, and their file.
//!
//! The file `<data-dir>/settings.json` holds the platform's own JSON, as the admin sent it:
//! `{ "version": 1, "idleTokenTimeout": {…}, "authSettings": {…}, "hipaa": false }`. It is
//! written atomically (temporary file in the same directory, fsync, rename, fsync of the
//! directory), so a crash leaves either the old or the new settings. A file that cannot be read
//! or does not hold valid settings stops the start-up: it is never silently reset.

use std::fmt;
use std::fs::{self, File, OpenOptions};
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use crate::tracker_core::{normalize_api_path, policy, Policy, PolicyJson, Resolution};
use serde_json::{json, Map, Value};

use crate::demo;
use crate::error::FieldError;

/// The version of the settings file format.
const FILE_VERSION: u64 = 1;

/// The organization's inactivity settings, kept in the platform's JSON shapes.
#[derive(Debug, Clone, PartialEq)]
pub struct Settings {
    /// `IdleTokenTimeout`, as last PUT (unknown fields kept).
    pub idle_token_timeout: Value,
    /// The authentication settings object (`inactivityTimeoutExclusions` and any other field).
    pub auth_settings: Map<String, Value>,
    /// Whether the organization is HIPAA-compliant.
    pub hipaa: bool,
}

impl Default for Settings {
    fn default() -> Self {
        let Value::Object(auth_settings) = demo::default_auth_settings() else {
            unreachable!("the default authentication settings are an object")
        };
        Self {
            idle_token_timeout: demo::default_idle_token_timeout(),
            auth_settings,
            hipaa: false,
        }
    }
}

impl Settings {
    /// The policy JSON the core reads: `{ idleTokenTimeout, authSettings, hipaa }`.
    pub fn policy_json(&self) -> Value {
        json!({
            "idleTokenTimeout": self.idle_token_timeout,
            "authSettings": self.auth_settings,
            "hipaa": self.hipaa,
        })
    }

    /// Every rule of the core's validator that these settings break, with JSON paths.
    pub fn validate(&self) -> Vec<FieldError> {
        match to_core(&self.policy_json()) {
            Ok(value) => policy::validate(&value)
                .iter()
                .map(|e| FieldError::new(e.path.clone(), e.code(), e.message()))
                .collect(),
            Err(e) => vec![e],
        }
    }

    /// The settings compiled by the core (validation, the exclusion matcher).
    ///
    /// `Policy::parse` accepts a HIPAA organization whose timeout exceeds 15 minutes (resolution
    /// caps it); every other broken rule is an error.
    pub fn compile(&self) -> Result<Policy, Vec<FieldError>> {
        let value = to_core(&self.policy_json()).map_err(|e| vec![e])?;
        Policy::parse(&value).map_err(|errors| {
            errors
                .iter()
                .map(|e| FieldError::new(e.path.clone(), e.code(), e.message()))
                .collect()
        })
    }

    fn to_file_json(&self) -> Value {
        json!({
            "version": FILE_VERSION,
            "idleTokenTimeout": self.idle_token_timeout,
            "authSettings": self.auth_settings,
            "hipaa": self.hipaa,
        })
    }

    fn from_file_json(value: Value) -> Result<Self, String> {
        let Value::Object(mut top) = value else {
            return Err("the top level must be a JSON object".into());
        };
        match top.get("version") {
            Some(Value::Number(n)) if n.as_u64() == Some(FILE_VERSION) => {}
            Some(other) => {
                return Err(format!(
                    "\"version\" must be {FILE_VERSION}; got {other} (a file from another version of the server?)"
                ))
            }
            None => return Err("\"version\" is missing".into()),
        }
        let idle_token_timeout = top
            .remove("idleTokenTimeout")
            .ok_or("\"idleTokenTimeout\" is missing")?;
        let auth_settings = match top.remove("authSettings") {
            Some(Value::Object(map)) => map,
            Some(_) => return Err("\"authSettings\" must be an object".into()),
            None => return Err("\"authSettings\" is missing".into()),
        };
        let hipaa = match top.remove("hipaa") {
            Some(Value::Bool(b)) => b,
            Some(_) => return Err("\"hipaa\" must be true or false".into()),
            None => return Err("\"hipaa\" is missing".into()),
        };
        Ok(Self {
            idle_token_timeout,
            auth_settings,
            hipaa,
        })
    }
}

/// Converts serde_json's tree to the core's.
fn to_core(value: &Value) -> Result<PolicyJson, FieldError> {
    serde_json::from_value(value.clone()).map_err(|e| {
        FieldError::new(
            "",
            "unreadable",
            format!("could not be read as a JSON policy: {e}"),
        )
    })
}

/// The settings and their compiled policy, always in step.
#[derive(Debug)]
pub struct Effective {
    /// The settings as stored.
    pub settings: Settings,
    /// The core's compiled policy of those settings.
    pub policy: Policy,
}

impl Effective {
    /// Compiles settings; fails on any broken rule except the HIPAA cap (see [`Settings::compile`]).
    pub fn new(settings: Settings) -> Result<Self, Vec<FieldError>> {
        let policy = settings.compile()?;
        Ok(Self { settings, policy })
    }

    /// The timeout that applies to a user in these groups, and why.
    pub fn resolve(&self, groups: &[String]) -> Resolution {
        policy::resolve(&self.policy, groups)
    }

    /// The exclusion entry that matches this request path (any form; it is normalized here).
    pub fn excluded_by(&self, request_path: &str) -> Option<String> {
        let api_path = normalize_api_path(request_path);
        self.policy
            .exclusions()
            .matches(&api_path)
            .map(str::to_owned)
    }

    /// Whether an idle timeout applies to the organization (org-wide, group bundles or HIPAA):
    /// then the authorization-code grant issues no refresh token.
    pub fn timeout_enabled(&self) -> bool {
        self.policy.timeout_enabled() || self.settings.hipaa
    }
}

/// Why the settings file could not be used. Start-up stops with this message.
#[derive(Debug)]
pub enum SettingsFileError {
    /// The file exists but could not be read.
    Read {
        /// The file.
        path: PathBuf,
        /// The I/O error.
        source: io::Error,
    },
    /// The file is not JSON, or not the settings format.
    Corrupt {
        /// The file.
        path: PathBuf,
        /// What is wrong.
        reason: String,
    },
    /// The file's settings break the rules of the validator.
    Invalid {
        /// The file.
        path: PathBuf,
        /// The broken rules.
        errors: Vec<FieldError>,
    },
    /// The defaults could not be written on first start.
    Write {
        /// The file.
        path: PathBuf,
        /// The I/O error.
        source: io::Error,
    },
}

impl fmt::Display for SettingsFileError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SettingsFileError::Read { path, source } => write!(
                f,
                "cannot read the settings file {}: {source}",
                path.display()
            ),
            SettingsFileError::Corrupt { path, reason } => write!(
                f,
                "the settings file {} is corrupt: {reason}. It was left untouched; fix it, or move it \
                 away to start with the default settings",
                path.display()
            ),
            SettingsFileError::Invalid { path, errors } => {
                write!(
                    f,
                    "the settings file {} holds invalid settings:",
                    path.display()
                )?;
                for e in errors {
                    write!(f, " {}: {};", e.path, e.message)?;
                }
                write!(
                    f,
                    " it was left untouched; fix it, or move it away to start with the default settings"
                )
            }
            SettingsFileError::Write { path, source } => write!(
                f,
                "cannot write the settings file {}: {source}",
                path.display()
            ),
        }
    }
}

impl std::error::Error for SettingsFileError {}

/// The settings file in a data directory.
#[derive(Debug, Clone)]
pub struct SettingsFile {
    path: PathBuf,
}

impl SettingsFile {
    /// `<data_dir>/settings.json`.
    pub fn in_dir(data_dir: &Path) -> Self {
        Self {
            path: data_dir.join("settings.json"),
        }
    }

    /// The file's path.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Loads the settings; on first start (no file) writes and returns the defaults.
    pub fn load_or_init(&self) -> Result<Effective, SettingsFileError> {
        let bytes = match fs::read(&self.path) {
            Ok(bytes) => bytes,
            Err(e) if e.kind() == io::ErrorKind::NotFound => {
                let effective =
                    Effective::new(Settings::default()).expect("the default settings are valid");
                self.save(&effective.settings)
                    .map_err(|source| SettingsFileError::Write {
                        path: self.path.clone(),
                        source,
                    })?;
                return Ok(effective);
            }
            Err(source) => {
                return Err(SettingsFileError::Read {
                    path: self.path.clone(),
                    source,
                })
            }
        };
        let corrupt = |reason: String| SettingsFileError::Corrupt {
            path: self.path.clone(),
            reason,
        };
        let value: Value = serde_json::from_slice(&bytes)
            .map_err(|e| corrupt(format!("it is not valid JSON ({e})")))?;
        let settings = Settings::from_file_json(value).map_err(corrupt)?;
        Effective::new(settings).map_err(|errors| SettingsFileError::Invalid {
            path: self.path.clone(),
            errors,
        })
    }

    /// Writes the settings atomically: a temporary file in the same directory, fsync, rename
    /// over the old file, fsync of the directory.
    pub fn save(&self, settings: &Settings) -> io::Result<()> {
        let dir = self
            .path
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
            .unwrap_or(Path::new("."));
        fs::create_dir_all(dir)?;
        let mut bytes = serde_json::to_vec_pretty(&settings.to_file_json())?;
        bytes.push(b'\n');
        let tmp = dir.join(format!(
            ".settings.json.{}.{}.tmp",
            std::process::id(),
            crate::token::random_hex(4)
        ));
        let result = (|| {
            let mut file = OpenOptions::new().write(true).create_new(true).open(&tmp)?;
            file.write_all(&bytes)?;
            file.sync_all()?;
            drop(file);
            fs::rename(&tmp, &self.path)?;
            File::open(dir)?.sync_all()
        })();
        if result.is_err() {
            let _ = fs::remove_file(&tmp);
        }
        result
    }
}
