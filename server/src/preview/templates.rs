//! API path templates: which template of the API catalog a request path is an instance of.
//!
//! The history keeps a template per call, not the request path: for an API of the catalog the
//! ids of users, conversations or queues in the path are not kept, and a call costs a 16-bit
//! number. The catalog's templates
//! (and the default APIs, which the catalog lacks) are compiled into the core's exclusion
//! matcher, which picks the most specific one (`api/v2/users/me` before `api/v2/users/{userId}`).
//! A path outside the catalog is kept as its normalized path, up to [`MAX_EXTRA_PATHS`] distinct
//! ones; further ones share one template, [`OUTSIDE_CATALOG`], which no exclusion entry can match.

use std::collections::HashMap;
use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use serde_json::Value;

use crate::tracker_core::{normalize_api_path, Exclusions};

/// The most distinct paths outside the catalog that get a template of their own.
pub const MAX_EXTRA_PATHS: usize = 1024;

/// The shared template of the paths outside the catalog beyond [`MAX_EXTRA_PATHS`]. Its calls
/// count as activity under every policy: no entry can be judged against a path not kept.
pub const OUTSIDE_CATALOG: &str = "(other API paths outside the catalog)";

/// A template's number.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct TemplateId(pub u16);

/// One template.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Template {
    /// As the catalog writes it (`api/v2/users/{userId}`), or a normalized path outside it.
    pub path: Box<str>,
    /// The form exclusion matchers are run against (normalized like a request path).
    pub key: Box<str>,
    /// [`OUTSIDE_CATALOG`]: counted under every policy.
    pub overflow: bool,
}

/// The compiled catalog and the paths seen outside it.
#[derive(Debug, Clone)]
pub struct Templates {
    matcher: Exclusions,
    by_entry: HashMap<Box<str>, u16>,
    extras: HashMap<Box<str>, u16>,
    list: Vec<Arc<Template>>,
    overflow: Option<u16>,
}

/// Why the API catalog cannot be used.
#[derive(Debug)]
pub struct CatalogError {
    /// The catalog file.
    pub path: PathBuf,
    /// What is wrong with it.
    pub reason: String,
}

impl fmt::Display for CatalogError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "the API catalog {} cannot be used: {}",
            self.path.display(),
            self.reason
        )
    }
}

impl std::error::Error for CatalogError {}

/// Reads the catalog file: a JSON array of path templates, or `{ "paths": [...] }`.
pub fn read_catalog(path: &Path) -> Result<Vec<String>, CatalogError> {
    let error = |reason: String| CatalogError {
        path: path.to_owned(),
        reason,
    };
    let bytes = std::fs::read(path).map_err(|e| error(format!("it cannot be read ({e})")))?;
    let value: Value =
        serde_json::from_slice(&bytes).map_err(|e| error(format!("it is not JSON ({e})")))?;
    let list = match value {
        Value::Array(list) => list,
        Value::Object(mut map) => match map.remove("paths") {
            Some(Value::Array(list)) => list,
            _ => return Err(error("an object must hold an array \"paths\"".into())),
        },
        _ => return Err(error("it must be an array of API path templates".into())),
    };
    list.into_iter()
        .enumerate()
        .map(|(i, v)| match v {
            Value::String(s) => Ok(s),
            _ => Err(error(format!("entry [{i}] is not a string"))),
        })
        .collect()
}

impl Templates {
    /// Compiles these templates (the catalog and any others, e.g. the default APIs). Entries
    /// that repeat an earlier one (also with other parameter names) are dropped; an entry that
    /// is not a valid template is an error naming it.
    pub fn new(entries: impl IntoIterator<Item = String>) -> Result<Self, String> {
        let mut entries: Vec<String> = entries.into_iter().collect();
        let matcher = loop {
            match Exclusions::compile(&entries) {
                Ok(matcher) => break matcher,
                Err(errors) => {
                    if let Some((i, e)) = errors
                        .iter()
                        .find(|(_, e)| e.code() != "exclusion-duplicate")
                    {
                        return Err(format!("entry \"{}\" {e}", entries[*i]));
                    }
                    let drop: std::collections::HashSet<usize> =
                        errors.iter().map(|(i, _)| *i).collect();
                    entries = entries
                        .into_iter()
                        .enumerate()
                        .filter(|(i, _)| !drop.contains(i))
                        .map(|(_, e)| e)
                        .collect();
                }
            }
        };
        if entries.len() + MAX_EXTRA_PATHS + 1 > usize::from(u16::MAX) {
            return Err(format!(
                "{} templates are more than the history can number",
                entries.len()
            ));
        }
        let mut templates = Self {
            matcher,
            by_entry: HashMap::with_capacity(entries.len()),
            extras: HashMap::new(),
            list: Vec::with_capacity(entries.len()),
            overflow: None,
        };
        for entry in entries {
            let id = templates.push(Template {
                key: normalize_api_path(&entry).into(),
                path: entry.clone().into(),
                overflow: false,
            });
            templates.by_entry.insert(entry.into(), id);
        }
        Ok(templates)
    }

    fn push(&mut self, template: Template) -> u16 {
        let id = self.list.len() as u16;
        self.list.push(Arc::new(template));
        id
    }

    /// The template of a request path (any form: it is normalized here). A new path outside
    /// the catalog gets its own template while there is room (see the module docs).
    pub fn template_of(&mut self, request_path: &str) -> TemplateId {
        let key = normalize_api_path(request_path);
        if let Some(entry) = self.matcher.matches(&key) {
            if let Some(id) = self.by_entry.get(entry) {
                return TemplateId(*id);
            }
        }
        if let Some(id) = self.extras.get(key.as_str()) {
            return TemplateId(*id);
        }
        if self.extras.len() < MAX_EXTRA_PATHS {
            let id = self.push(Template {
                path: key.clone().into(),
                key: key.clone().into(),
                overflow: false,
            });
            self.extras.insert(key.into(), id);
            return TemplateId(id);
        }
        let id = match self.overflow {
            Some(id) => id,
            None => {
                let id = self.push(Template {
                    path: OUTSIDE_CATALOG.into(),
                    key: "".into(),
                    overflow: true,
                });
                self.overflow = Some(id);
                id
            }
        };
        TemplateId(id)
    }

    /// A template by its number.
    pub fn get(&self, id: TemplateId) -> Option<&Template> {
        self.list.get(usize::from(id.0)).map(|t| &**t)
    }

    /// Every template so far, numbered by position (for a replay that outlives the lock).
    pub fn all(&self) -> Vec<Arc<Template>> {
        self.list.clone()
    }

    /// How many templates there are.
    pub fn len(&self) -> usize {
        self.list.len()
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.list.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn templates() -> Templates {
        Templates::new(
            [
                "api/v2/users/{userId}",
                "api/v2/users/me",
                "api/v2/users/{userId}/presences/{sourceId}",
                "api/v2/users/{userId}/presences/purecloud",
                "api/v2/users/{id}", // the same as the first: dropped
            ]
            .map(String::from),
        )
        .unwrap()
    }

    #[test]
    fn the_most_specific_template_wins() {
        let mut t = templates();
        assert_eq!(t.len(), 4);
        let path = |t: &mut Templates, p: &str| {
            let id = t.template_of(p);
            t.get(id).unwrap().path.to_string()
        };
        assert_eq!(path(&mut t, "/api/v2/users/me"), "api/v2/users/me");
        assert_eq!(path(&mut t, "/api/v2/Users/42/"), "api/v2/users/{userId}");
        assert_eq!(
            path(&mut t, "/api/v2/users/42/presences/purecloud"),
            "api/v2/users/{userId}/presences/purecloud"
        );
        assert_eq!(
            path(&mut t, "/api/v2/users/42/presences/x"),
            "api/v2/users/{userId}/presences/{sourceId}"
        );
    }

    #[test]
    fn paths_outside_the_catalog_are_bounded() {
        let mut t = templates();
        let a = t.template_of("/api/v2/featuretoggles");
        assert_eq!(t.template_of("/api/v2/FeatureToggles/"), a);
        assert_eq!(t.get(a).unwrap().path.as_ref(), "api/v2/featuretoggles");
        for i in 1..MAX_EXTRA_PATHS {
            t.template_of(&format!("/api/v2/other/{i}"));
        }
        assert_eq!(t.len(), 4 + MAX_EXTRA_PATHS);
        let over = t.template_of("/api/v2/one/more");
        assert_eq!(t.template_of("/api/v2/and/another"), over);
        assert!(t.get(over).unwrap().overflow);
        assert_eq!(t.len(), 4 + MAX_EXTRA_PATHS + 1);
    }

    #[test]
    fn an_invalid_template_is_named() {
        let e = Templates::new(["api/v2/{x".to_owned()]).unwrap_err();
        assert!(e.contains("api/v2/{x"), "{e}");
    }
}
