//! Helpers shared by the native integration tests.

use inactivity_core::url::normalize_api_path;

/// A plain reference: try every entry; of those that match, the most specific (a literal where
/// the other has a parameter, at the first difference).
pub fn naive<'a>(entries: &'a [String], path: &str) -> Option<&'a str> {
    let segments: Vec<&str> = path.split('/').filter(|s| !s.is_empty()).collect();
    let mut best: Option<(Vec<bool>, &str)> = None;
    for entry in entries {
        let template: Vec<&str> = entry.split(['/', '\\']).filter(|s| !s.is_empty()).collect();
        if template.len() != segments.len() {
            continue;
        }
        let shape: Vec<bool> = template.iter().map(|t| t.starts_with('{')).collect();
        let ok = template
            .iter()
            .zip(&segments)
            .all(|(t, s)| t.starts_with('{') || normalize_api_path(t) == *s);
        if ok && best.as_ref().is_none_or(|(b, _)| shape < *b) {
            best = Some((shape, entry));
        }
    }
    best.map(|(_, e)| e)
}
