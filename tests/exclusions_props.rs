//! Property tests: the compiled matcher agrees with a plain reference on random templates and
//! paths, including lists that exceed the determinization budget.
#![cfg(not(target_arch = "wasm32"))]

use inactivity_core::exclusions::Exclusions;
use inactivity_core::url::normalize_api_path;
use proptest::prelude::*;

mod common;
use common::naive;

/// A small alphabet so that templates overlap a lot; `%61` and `A` normalize to `a`.
fn segment() -> impl Strategy<Value = String> {
    prop::sample::select(vec!["a", "b", "c", "A", "%61", "{x}", "{y}", "{x}"])
        .prop_map(str::to_owned)
}

fn template() -> impl Strategy<Value = String> {
    (
        prop::collection::vec(segment(), 1..6),
        any::<bool>(),
        any::<bool>(),
    )
        .prop_map(|(segments, lead, trail)| {
            format!(
                "{}{}{}",
                if lead { "/" } else { "" },
                segments.join("/"),
                if trail { "/" } else { "" }
            )
        })
}

fn path() -> impl Strategy<Value = String> {
    prop::collection::vec(prop::sample::select(vec!["a", "b", "c", "d"]), 0..7)
        .prop_map(|s| s.join("/"))
}

/// Compiles `entries` after removing duplicates (which compile rightly rejects).
fn compile_unique(mut entries: Vec<String>) -> (Vec<String>, Exclusions) {
    loop {
        match Exclusions::compile(&entries) {
            Ok(c) => return (entries, c),
            Err(errors) => {
                let mut drop: Vec<usize> = errors.into_iter().map(|(i, _)| i).collect();
                drop.sort_unstable();
                for i in drop.into_iter().rev() {
                    entries.remove(i);
                }
            }
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(3000))]

    #[test]
    fn compiled_matcher_equals_reference(entries in prop::collection::vec(template(), 0..40), paths in prop::collection::vec(path(), 1..20)) {
        let (entries, compiled) = compile_unique(entries);
        for p in &paths {
            prop_assert_eq!(compiled.matches(p), naive(&entries, p), "path {:?} entries {:?}", p, entries);
            let trie = Exclusions::compile_trie(&entries).unwrap();
            prop_assert_eq!(trie.matches(p), naive(&entries, p), "trie: path {:?} entries {:?}", p, entries);
        }
        // Every entry matches its own instantiation.
        for e in &entries {
            let instance = normalize_api_path(&e.replace("{x}", "z").replace("{y}", "w"));
            prop_assert!(compiled.matches(&instance).is_some(), "{} / {}", e, instance);
            prop_assert_eq!(compiled.matches(&instance), naive(&entries, &instance));
        }
    }

}

proptest! {
    // Each case determinizes up to the budget: fewer cases.
    #![proptest_config(ProptestConfig::with_cases(48))]

    #[test]
    fn beyond_the_budget_still_equals_reference(width in 14usize..18, picks in prop::collection::vec(any::<bool>(), 18), end in 0usize..18) {
        // Entry j: a literal at position j, parameters elsewhere: 2^width DFA states in full.
        let entries: Vec<String> = (0..width)
            .map(|j| {
                let mut s: Vec<String> = (0..width).map(|i| if i == j { "a".into() } else { format!("{{p{i}}}") }).collect();
                s.push(format!("e{j}"));
                s.join("/")
            })
            .collect();
        let compiled = Exclusions::compile(&entries).unwrap();
        let mut p: Vec<String> = (0..width).map(|i| if picks[i] { "a".into() } else { "b".into() }).collect();
        p.push(format!("e{end}"));
        let p = p.join("/");
        prop_assert_eq!(compiled.matches(&p), naive(&entries, &p));
    }

    #[test]
    fn arbitrary_entries_never_panic(entries in prop::collection::vec("\\PC{0,16}", 0..10), p in "\\PC{0,30}") {
        if let Ok(c) = Exclusions::compile(&entries) {
            let _ = c.matches(&p);
            let _ = c.matches(&normalize_api_path(&p));
        }
    }
}
