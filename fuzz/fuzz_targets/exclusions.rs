//! Exclusion entries: lines of text, the last one a request path, the others entries. Never a
//! panic; a compiled list matches exactly what a plain reference matches; a refused list names
//! each bad entry once, in order, with a code and a message.
#![no_main]

mod common;

use inactivity_core::exclusions::{EntryError, Exclusions};
use inactivity_core::url::normalize_api_path;
use libfuzzer_sys::fuzz_target;

/// Of the entries matching `path`, the most specific (literal beats parameter at the first
/// position where they differ).
fn reference<'a>(entries: &'a [String], path: &str) -> Option<&'a str> {
    let segments: Vec<&str> = path.split('/').filter(|s| !s.is_empty()).collect();
    let mut best: Option<(Vec<bool>, &str)> = None;
    for entry in entries {
        let template: Vec<&str> = entry.split(['/', '\\']).filter(|s| !s.is_empty()).collect();
        if template.len() != segments.len() {
            continue;
        }
        let shape: Vec<bool> = template.iter().map(|t| t.starts_with('{')).collect();
        let hit = template
            .iter()
            .zip(&segments)
            .all(|(t, s)| t.starts_with('{') || normalize_api_path(t) == *s);
        if hit && best.as_ref().is_none_or(|(b, _)| shape < *b) {
            best = Some((shape, entry));
        }
    }
    best.map(|(_, e)| e)
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let mut lines: Vec<String> = text.split('\n').map(str::to_owned).collect();
    let request = if lines.len() > 1 {
        lines.pop().unwrap_or_default()
    } else {
        String::new()
    };
    let entries = lines;
    match Exclusions::compile(&entries) {
        Ok(list) => {
            assert_eq!(list.entries(), entries.as_slice());
            let path = normalize_api_path(&request);
            let got = list.matches(&path);
            assert_eq!(got, reference(&entries, &path), "{path:?} in {entries:?}");
            // An entry matches itself with its parameters filled in.
            for e in &entries {
                let filled: Vec<String> = e
                    .split(['/', '\\'])
                    .filter(|s| !s.is_empty())
                    .map(|s| {
                        if s.starts_with('{') {
                            "p".to_owned()
                        } else {
                            s.to_owned()
                        }
                    })
                    .collect();
                let instance = normalize_api_path(&filled.join("/"));
                assert!(list.matches(&instance).is_some(), "{e:?} / {instance:?}");
            }
        }
        Err(errors) => {
            assert!(!errors.is_empty());
            let mut last = None;
            for (i, e) in &errors {
                assert!(*i < entries.len());
                assert!(last < Some(*i), "one error per entry, in order: {errors:?}");
                last = Some(*i);
                assert!(e.to_string().len() > 10 && !e.code().is_empty());
                if let EntryError::Duplicate { first } = e {
                    assert!(first < i);
                }
            }
        }
    }
});
