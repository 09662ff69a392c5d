//! API path templates: which template of the API catalog a request path is an instance of.
//!
//! The history keeps a template per call, not the request path: for an API of the catalog the
//! ids of users, conversations or queues in the path are not kept, and a call costs a 16-bit
//! number. The catalog's templates
//! (and the default APIs, which the catalog lacks) are compiled into the core's exclusion
//! matcher, which picks the most specific one (`api/v2/users/me` before `api/v2/users/{userId}`).
//! A path outside the catalog (a custom API an admin may exclude) is kept as its normalized path,
//! within the bounds of [`super::outside`] (length, count, per user; evicted oldest first); a
//! path not kept shares one template, [`OUTSIDE_CATALOG`], which no exclusion entry can match.
//! An evicted path's calls stay in the history with its number, now the new path's: the template
//! says since when it holds the number ([`Template::since_ms`]), and a replay takes an older
//! call of that number as a call of [`OUTSIDE_CATALOG`] (counted under every policy).

use std::collections::HashMap;
use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use serde_json::Value;

use super::outside::{OutsidePaths, Place, MAX_EXTRA_PATHS};
use crate::tracker_core::{normalize_api_path, Exclusions};

/// The shared template of the paths outside the catalog that are not kept (too long, or evicted).
/// Its calls count as activity under every policy: no entry can be judged against a path not kept.
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
    /// Since when (ms since the epoch, history time) the template holds its number: a call of this
    /// number made before was a call of an evicted path (0 for the catalog's).
    pub since_ms: u64,
}

/// The compiled catalog and the paths seen outside it.
#[derive(Debug, Clone)]
pub struct Templates {
    matcher: Exclusions,
    by_entry: HashMap<Box<str>, u16>,
    /// The kept paths outside the catalog, by place (their number − `first_extra`).
    outside: OutsidePaths,
    list: Vec<Arc<Template>>,
    overflow: u16,
    first_extra: u16,
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
            outside: OutsidePaths::default(),
            list: Vec::with_capacity(entries.len() + 1),
            overflow: 0,
            first_extra: 0,
        };
        for entry in entries {
            let id = templates.push(Template {
                key: normalize_api_path(&entry).into(),
                path: entry.clone().into(),
                overflow: false,
                since_ms: 0,
            });
            templates.by_entry.insert(entry.into(), id);
        }
        templates.overflow = templates.push(Template {
            path: OUTSIDE_CATALOG.into(),
            key: "".into(),
            overflow: true,
            since_ms: 0,
        });
        templates.first_extra = templates.overflow + 1;
        Ok(templates)
    }

    fn push(&mut self, template: Template) -> u16 {
        let id = self.list.len() as u16;
        self.list.push(Arc::new(template));
        id
    }

    /// The template of a request path (any form: it is normalized here) for a call at `at_ms`
    /// (history time: never earlier than the calls recorded before it) by the user `caller`. A
    /// path outside the catalog gets a template of its own while [`super::outside`] keeps it.
    pub fn template_of(&mut self, request_path: &str, at_ms: u64, caller: &str) -> TemplateId {
        let key = normalize_api_path(request_path);
        if let Some(entry) = self.matcher.matches(&key) {
            if let Some(id) = self.by_entry.get(entry) {
                return TemplateId(*id);
            }
        }
        // A place is < MAX_EXTRA_PATHS, and `Templates::new` checked that every number fits a u16.
        let number = |place: usize| usize::from(self.first_extra) + place;
        let id = match self.outside.place(&key, at_ms, caller) {
            Place::Kept(place) => number(place),
            Place::Taken(place) => {
                let template = Arc::new(Template {
                    path: key.as_str().into(),
                    key: key.into(),
                    overflow: false,
                    since_ms: at_ms,
                });
                let id = number(place);
                match self.list.get_mut(id) {
                    Some(evicted) => *evicted = template,
                    None => self.list.push(template),
                }
                id
            }
            Place::NotKept => return TemplateId(self.overflow),
        };
        TemplateId(id as u16)
    }

    /// The number of [`OUTSIDE_CATALOG`].
    pub fn overflow(&self) -> TemplateId {
        TemplateId(self.overflow)
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
    use crate::preview::outside::{MAX_EXTRA_PATHS_PER_USER, MAX_EXTRA_PATH_BYTES};

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
        assert_eq!(t.len(), 4 + 1, "the catalog's four and the shared template");
        let path = |t: &mut Templates, p: &str| {
            let id = t.template_of(p, 0, "agent");
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
    fn a_path_outside_the_catalog_is_numbered_and_its_number_can_change_hands() {
        let mut t = templates();
        let path = |t: &Templates, id| t.get(id).unwrap().path.to_string();
        let a = t.template_of("/api/v2/custom/poller", 10, "agent");
        assert_eq!(t.template_of("/api/v2/Custom/Poller/", 11, "admin"), a);
        assert_eq!(path(&t, a), "api/v2/custom/poller");
        assert_eq!(t.get(a).unwrap().since_ms, 10);
        assert_eq!(
            t.len(),
            4 + 1 + 1,
            "the catalog's four, the shared template, the path"
        );
        // One user's new paths beyond their cap take their own places, oldest first: the
        // agent's first path gives its number to the newest.
        for i in 1..=MAX_EXTRA_PATHS_PER_USER as u64 {
            t.template_of(&format!("/api/v2/junk/{i}"), 20 + i, "agent");
        }
        let newest = format!("api/v2/junk/{MAX_EXTRA_PATHS_PER_USER}");
        assert_eq!(path(&t, a), newest);
        assert_eq!(
            t.get(a).unwrap().since_ms,
            20 + MAX_EXTRA_PATHS_PER_USER as u64
        );
        assert_eq!(t.len(), 4 + 1 + MAX_EXTRA_PATHS_PER_USER);
    }

    #[test]
    fn a_path_not_kept_shares_the_template_outside_the_catalog() {
        let mut t = templates();
        let long = format!("/api/v2/{}", "a".repeat(MAX_EXTRA_PATH_BYTES));
        let id = t.template_of(&long, 0, "agent");
        assert_eq!(id, t.overflow());
        assert!(t.get(id).unwrap().overflow);
        assert_eq!(t.get(id).unwrap().path.as_ref(), OUTSIDE_CATALOG);
        // Catalog paths are never cut: a long id in a template's parameter still matches it.
        let user = format!("/api/v2/users/{}", "7".repeat(1_000));
        let id = t.template_of(&user, 0, "agent");
        assert_eq!(t.get(id).unwrap().path.as_ref(), "api/v2/users/{userId}");
    }

    #[test]
    fn an_invalid_template_is_named() {
        let e = Templates::new(["api/v2/{x".to_owned()]).unwrap_err();
        assert!(e.contains("api/v2/{x"), "{e}");
    }
}
