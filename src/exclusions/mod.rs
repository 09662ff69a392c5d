//! The exclusion list, compiled into a matcher whose cost per request does not grow with the
//! number of entries (docs/rules.md §4).
//!
//! An entry is a path template: `api/v2/users/me`, `api/v2/users/{userId}/presences/{sourceId}`.
//! A leading `/` is optional; `{name}` matches exactly one non-empty segment; literal segments are
//! compared after the same normalization as request paths ([`crate::url`]): ASCII
//! case-insensitively, with `%XX` of unreserved characters decoded. There are no regular
//! expressions and no wildcards.
//!
//! # How it matches
//!
//! The entries form a segment trie (a literal child per distinct segment, one `{param}` child).
//! A trie with `{param}` children is a nondeterministic automaton: a segment may follow both a
//! literal and a parameter edge. [`Exclusions::compile`] determinizes it (subset construction),
//! so [`Exclusions::matches`] walks each path segment once — one hash lookup of the segment, one
//! of the transition — with no backtracking. Each accepting state knows its answer in advance:
//! when several entries match a path, the most specific one wins (the one with a literal segment
//! where the other has a parameter, at the first position where they differ).
//!
//! Determinizing is the `dfa` feature of the core (on by default: the server, the admin entry,
//! the benchmarks). The client entry is built without it, to keep every web client's download
//! small: it walks the trie itself, stepping the set of trie nodes a path prefix reaches — the
//! same trie, the same specificity rule, one pass over the segments without backtracking, and for
//! the at most 200 entries of a valid list the set stays tiny. A trie node keeps its literal
//! children in a `Vec` sorted by label, so a step is a binary search and the client carries no
//! hash map.
//!
//! Determinizing can, for contrived lists only (literals and parameters interleaved at many
//! depths), produce very many states. Compilation therefore has a budget; a state beyond it is
//! left unexpanded and, if a request ever reaches it, matching continues by stepping the set of
//! trie nodes it stands for — still one pass over the segments without backtracking, bounded by
//! the number of live trie nodes. Real lists (the platform's whole API catalog) stay well inside
//! the budget.

use alloc::{boxed::Box, string::String, vec, vec::Vec};

#[cfg(feature = "dfa")]
use crate::map::Map as HashMap;
#[cfg(feature = "dfa")]
use crate::sort::sort;
use crate::sort::sort_by;

mod entry;

pub use entry::EntryError;
use entry::{parse_entry, Segment};

/// A trie node: the nondeterministic automaton.
#[derive(Debug, Clone, Default)]
struct Node {
    /// The literal children, sorted by label (see [`Node::search`]; a binary search per step:
    /// no hash map in the client's download).
    literal: Vec<(String, u32)>,
    param: Option<u32>,
    accept: Option<u32>,
}

impl Node {
    /// The literal child labelled `segment`.
    fn child(&self, segment: &str) -> Option<u32> {
        let i = self.search(segment).ok()?;
        self.literal.get(i).map(|(_, child)| *child)
    }

    /// Where `segment` is among the literal labels (`Err`: where it would go). They are
    /// ordered by length first: most labels differ in length, which one comparison settles.
    fn search(&self, segment: &str) -> Result<usize, usize> {
        self.literal.binary_search_by(|(label, _)| {
            label
                .len()
                .cmp(&segment.len())
                .then_with(|| label.as_bytes().cmp(segment.as_bytes()))
        })
    }
}

/// A state of the determinized automaton.
#[derive(Debug, Clone, Default)]
struct State {
    /// The transition for a segment that is none of this state's literal labels.
    other: Option<u32>,
    /// The entry a path ending here matches (the most specific one).
    accept: Option<u32>,
    /// For a state left unexpanded by the compile budget: the trie nodes it stands for.
    pending: Option<Box<[u32]>>,
}

/// The compiled exclusion list.
///
/// ```
/// use inactivity_core::exclusions::Exclusions;
///
/// let list = Exclusions::compile(&[
///     "api/v2/users/{userId}".to_owned(),
///     "/api/v2/Users/me".to_owned(),
/// ]).unwrap();
/// assert_eq!(list.matches("api/v2/users/me"), Some("/api/v2/Users/me")); // the literal wins
/// assert_eq!(list.matches("api/v2/users/42"), Some("api/v2/users/{userId}"));
/// assert_eq!(list.matches("api/v2/users/42/presences"), None);
/// ```
#[derive(Debug, Clone, Default)]
pub struct Exclusions {
    /// The entries as the admin wrote them.
    entries: Vec<String>,
    /// Every literal label of the automaton, numbered.
    #[cfg(feature = "dfa")]
    labels: HashMap<Box<str>, u32>,
    /// (state, label) → state.
    #[cfg(feature = "dfa")]
    transitions: HashMap<(u32, u32), u32>,
    /// The states; 0 is the start. Empty when there are no entries.
    states: Vec<State>,
    /// The trie, kept only when some state was left unexpanded.
    nodes: Vec<Node>,
    /// The specificity rank of each entry (lower is more specific), kept with `nodes`.
    rank: Vec<u32>,
}

/// The most states compile creates beyond the trie's size (see the module docs).
#[cfg(feature = "dfa")]
const STATE_BUDGET_BASE: usize = 4096;
/// The most trie-node visits compile spends on determinizing.
#[cfg(feature = "dfa")]
const WORK_BUDGET: usize = 4_000_000;

impl Exclusions {
    /// Compiles `entries` (any number: the 200-entry and 512-character limits are policy rules,
    /// checked by [`crate::policy::validate`]).
    ///
    /// On failure, returns every invalid entry with its index and problem, in index order:
    /// syntax errors, and duplicates after normalization ([`EntryError::Duplicate`] at the later
    /// entry).
    pub fn compile(entries: &[String]) -> Result<Exclusions, Vec<(usize, EntryError)>> {
        let (mut compiled, nodes) = Exclusions::trie(entries)?;
        if compiled.entries.is_empty() {
            return Ok(compiled);
        }
        #[cfg(feature = "dfa")]
        let complete = compiled.determinize(&nodes);
        #[cfg(not(feature = "dfa"))]
        let complete = compiled.undeterminized(&nodes);
        if complete {
            compiled.rank = Vec::new();
        } else {
            compiled.nodes = nodes;
        }
        Ok(compiled)
    }

    /// Compiles `entries` without determinizing — what the client entry does (without the
    /// `dfa` feature, [`Exclusions::compile`] is this): matching walks the trie.
    pub fn compile_trie(entries: &[String]) -> Result<Exclusions, Vec<(usize, EntryError)>> {
        let (mut compiled, nodes) = Exclusions::trie(entries)?;
        if !compiled.entries.is_empty() {
            compiled.undeterminized(&nodes);
            compiled.nodes = nodes;
        }
        Ok(compiled)
    }

    /// The entries' trie and their specificity ranks; no states yet.
    #[allow(clippy::type_complexity)]
    fn trie(entries: &[String]) -> Result<(Exclusions, Vec<Node>), Vec<(usize, EntryError)>> {
        let mut errors = Vec::new();
        let mut nodes = vec![Node::default()];
        let mut shapes: Vec<Vec<bool>> = Vec::with_capacity(entries.len());
        for (i, entry) in entries.iter().enumerate() {
            let segments = match parse_entry(entry) {
                Ok(s) => s,
                Err(e) => {
                    errors.push((i, e));
                    shapes.push(Vec::new());
                    continue;
                }
            };
            shapes.push(segments.iter().map(|s| *s == Segment::Param).collect());
            let mut at = 0usize;
            for segment in segments {
                let next = u32::try_from(nodes.len()).unwrap_or(u32::MAX);
                let Some(node) = nodes.get_mut(at) else { break };
                let child = match segment {
                    Segment::Literal(label) => match node.search(&label) {
                        Ok(i) => node.literal.get(i).map_or(next, |(_, child)| *child),
                        Err(i) => {
                            node.literal.insert(i, (label, next));
                            next
                        }
                    },
                    Segment::Param => *node.param.get_or_insert(next),
                };
                if child == next {
                    nodes.push(Node::default());
                }
                at = child as usize;
            }
            if let Some(node) = nodes.get_mut(at) {
                match node.accept {
                    Some(first) => errors.push((
                        i,
                        EntryError::Duplicate {
                            first: first as usize,
                        },
                    )),
                    None => node.accept = Some(u32::try_from(i).unwrap_or(u32::MAX)),
                }
            }
        }
        if !errors.is_empty() {
            return Err(errors);
        }
        if entries.is_empty() {
            return Ok((Exclusions::default(), nodes));
        }
        // Specificity: a literal beats a parameter at the first position where two templates
        // differ, so rank entries by their shapes (false = literal < true = parameter).
        let mut order: Vec<u32> = Vec::with_capacity(entries.len());
        let mut rank: Vec<u32> = Vec::with_capacity(entries.len());
        for i in 0..u32::try_from(entries.len()).unwrap_or(u32::MAX) {
            order.push(i);
            rank.push(0);
        }
        // A stable sort: ties keep the entries' order.
        sort_by(&mut order, |a, b| {
            shapes.get(*a as usize) < shapes.get(*b as usize)
        });
        for (r, i) in (0u32..).zip(&order) {
            if let Some(slot) = rank.get_mut(*i as usize) {
                *slot = r;
            }
        }
        let compiled = Exclusions {
            entries: entries.to_vec(),
            rank,
            ..Exclusions::default()
        };
        Ok((compiled, nodes))
    }

    /// One start state standing for the trie's root: matching steps trie nodes from there.
    /// Returns `false` (not determinized).
    #[cfg_attr(feature = "dfa", allow(dead_code))]
    fn undeterminized(&mut self, nodes: &[Node]) -> bool {
        self.states.push(State {
            accept: self.best(nodes, &[0]),
            pending: Some(Box::new([0])),
            ..State::default()
        });
        false
    }

    /// Subset construction from the trie `nodes`. Returns whether every state was expanded.
    #[cfg(feature = "dfa")]
    fn determinize(&mut self, nodes: &[Node]) -> bool {
        let budget = STATE_BUDGET_BASE + 2 * nodes.len();
        let mut work = 0usize;
        let mut complete = true;
        let mut sets: Vec<Vec<u32>> = vec![vec![0]];
        let mut ids: HashMap<Vec<u32>, u32> = HashMap::default();
        ids.insert(vec![0], 0);
        self.states.push(State {
            accept: self.best(nodes, &[0]),
            ..State::default()
        });
        let mut s = 0usize;
        while let Some(set) = sets.get(s).cloned() {
            let members: Vec<&Node> = set.iter().filter_map(|n| nodes.get(*n as usize)).collect();
            let mut params: Vec<u32> = members.iter().filter_map(|n| n.param).collect();
            sort(&mut params);
            params.dedup();
            let mut targets: HashMap<&str, Vec<u32>> = HashMap::default();
            for node in &members {
                work += 1 + node.literal.len();
                for (label, child) in &node.literal {
                    targets
                        .entry(&**label)
                        .or_insert_with(|| params.clone())
                        .push(*child);
                }
            }
            let mut targets: Vec<(&str, Vec<u32>)> = targets.into_iter().collect();
            for (_, t) in &mut targets {
                sort(t);
                t.dedup();
            }
            let new = targets
                .iter()
                .map(|(_, t)| t)
                .chain((!params.is_empty()).then_some(&params))
                .filter(|t| !ids.contains_key(*t))
                .count();
            if !complete || sets.len() + new > budget || work > WORK_BUDGET {
                complete = false;
                if let Some(state) = self.states.get_mut(s) {
                    state.pending = Some(set.into_boxed_slice());
                }
                s += 1;
                continue;
            }
            let mut intern = |t: Vec<u32>, this: &mut Exclusions| -> u32 {
                if let Some(id) = ids.get(&t) {
                    return *id;
                }
                let id = u32::try_from(sets.len()).unwrap_or(u32::MAX);
                this.states.push(State {
                    accept: this.best(nodes, &t),
                    ..State::default()
                });
                ids.insert(t.clone(), id);
                sets.push(t);
                id
            };
            let this_state = u32::try_from(s).unwrap_or(u32::MAX);
            if !params.is_empty() {
                let other = intern(params, self);
                if let Some(state) = self.states.get_mut(s) {
                    state.other = Some(other);
                }
            }
            for (label, t) in targets {
                let target = intern(t, self);
                let next_label = u32::try_from(self.labels.len()).unwrap_or(u32::MAX);
                let label = *self.labels.entry(label.into()).or_insert(next_label);
                self.transitions.insert((this_state, label), target);
            }
            s += 1;
        }
        complete
    }

    /// The most specific entry accepted by any of the trie nodes `set`.
    fn best(&self, nodes: &[Node], set: &[u32]) -> Option<u32> {
        let mut best: Option<(u32, u32)> = None;
        for entry in set.iter().filter_map(|n| nodes.get(*n as usize)?.accept) {
            let rank = self.rank.get(entry as usize).copied().unwrap_or(u32::MAX);
            // The first of equal ranks, as `min_by_key` keeps it.
            if best.is_none_or(|(r, _)| rank < r) {
                best = Some((rank, entry));
            }
        }
        best.map(|(_, entry)| entry)
    }

    /// The entry (as the admin wrote it) that excludes `api_path`, or `None`.
    ///
    /// `api_path` is a normalized path as [`crate::url::ApiScope::api_path`] or
    /// [`crate::url::normalize_api_path`] return it (`"api/v2/users/me"`); empty segments
    /// are skipped. Cost: one pass over the segments, independent of the number of entries.
    pub fn matches(&self, api_path: &str) -> Option<&str> {
        let mut state = 0u32;
        let mut segments = api_path.split('/').filter(|s| !s.is_empty());
        while let Some(segment) = segments.next() {
            let current = self.states.get(state as usize)?;
            if let Some(set) = &current.pending {
                return self.simulate(set, segment, segments);
            }
            // Without `dfa`, the one state is the trie's root, pending: the branch above.
            #[cfg(feature = "dfa")]
            let via_label = self
                .labels
                .get(segment)
                .and_then(|label| self.transitions.get(&(state, *label)))
                .copied();
            #[cfg(not(feature = "dfa"))]
            let via_label = None;
            state = via_label.or(current.other)?;
        }
        let entry = self.states.get(state as usize)?.accept?;
        self.entries.get(entry as usize).map(String::as_str)
    }

    /// Matching from an unexpanded state: steps the set of trie nodes, one segment at a time.
    fn simulate<'a>(
        &self,
        set: &[u32],
        first: &'a str,
        rest: impl Iterator<Item = &'a str>,
    ) -> Option<&str> {
        let mut current: Vec<u32> = set.to_vec();
        // Two buffers for the whole walk: no allocation per segment.
        let mut next = Vec::with_capacity(current.len());
        for segment in core::iter::once(first).chain(rest) {
            next.clear();
            for &n in &current {
                let Some(node) = self.nodes.get(n as usize) else {
                    continue;
                };
                // A set: each trie node once (the order does not matter).
                for child in [node.child(segment), node.param] {
                    match child {
                        Some(child) if !next.contains(&child) => next.push(child),
                        _ => {}
                    }
                }
            }
            if next.is_empty() {
                return None;
            }
            (current, next) = (next, current);
        }
        let entry = self.best(&self.nodes, &current)?;
        self.entries.get(entry as usize).map(String::as_str)
    }

    /// The entries as plain patterns for the shim's fail-closed fallback (which matches without
    /// Rust): each entry's normalized segments joined by `/`, a parameter written `*`
    /// (`api/v2/users/*/presences/*`).
    pub fn patterns(&self) -> Vec<String> {
        self.entries
            .iter()
            .filter_map(|entry| {
                let segments = parse_entry(entry).ok()?;
                let mut out = String::new();
                for (i, segment) in segments.iter().enumerate() {
                    if i > 0 {
                        out.push('/');
                    }
                    match segment {
                        Segment::Literal(label) => out.push_str(label),
                        Segment::Param => out.push('*'),
                    }
                }
                Some(out)
            })
            .collect()
    }

    /// The number of entries.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether there are no entries.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// The entries as the admin wrote them, in order.
    pub fn entries(&self) -> &[String] {
        &self.entries
    }

    /// The number of states of the compiled automaton (for benchmarks and tests).
    pub fn state_count(&self) -> usize {
        self.states.len()
    }

    /// Whether the whole automaton was determinized within the compile budget (always true for
    /// realistic lists; see the module docs).
    pub fn fully_determinized(&self) -> bool {
        self.nodes.is_empty()
    }
}
