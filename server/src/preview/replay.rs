//! The replay: each session of a [`Snapshot`] run again under the current settings and under a
//! draft, with the same core as enforcement — the timeout from `policy::resolve`, counted or not
//! from the policy's exclusion matcher, the deadline from [`SessionIdle`] (the core's idle
//! machine).
//!
//! Cost: the matchers run once per template (not per call) and per part, the resolution once per
//! session, and each call is one table look-up and one step of each of the two idle machines. So
//! a replay is linear in the number of calls, whatever the number of exclusion entries.
//!
//! The server replays in parts ([`replay_in_parts`]): a part of the window's sessions is copied
//! under the lock and replayed outside it, then the next, so that a preview never holds a copy of
//! the whole day (at the history's bounds, 400 MB).

use std::cmp::Reverse;
use std::collections::HashMap;

use super::history::{SessionId, SessionRecord, Snapshot};
use crate::idle::SessionIdle;
use crate::tracker_core::{policy, Policy};

/// The most resetters a preview lists (those with the most calls).
pub const MAX_RESETTERS: usize = 100;

/// What a draft would have done over the window.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Preview {
    /// How many sessions were signed in at some moment of the window.
    pub sessions: usize,
    /// The sessions the draft would have signed out and the current settings did not, by time.
    pub signed_out: Vec<SignedOut>,
    /// The templates whose calls in the window reset idle deadlines under the current settings,
    /// most calls first (at most [`MAX_RESETTERS`]).
    pub resetters: Vec<Resetter>,
}

/// A session the draft would have signed out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignedOut {
    /// The session's user.
    pub user_id: String,
    /// When the draft's deadline would have passed (ms since the epoch).
    pub at_ms: u64,
    /// Whether the user was On Queue at that moment.
    pub on_queue: bool,
}

/// A template whose calls keep sessions alive.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Resetter {
    /// The template (`api/v2/routing/queues`).
    pub path: String,
    /// Its counted calls in the window.
    pub calls: u64,
    /// How many sessions made them.
    pub sessions: u64,
    /// Whether the draft excludes it.
    pub excluded_by_draft: bool,
}

/// Whether a template's calls count under a policy: `None` until first needed.
struct Counts {
    decided: Vec<Option<bool>>,
}

impl Counts {
    fn new(len: usize) -> Self {
        Self {
            decided: vec![None; len],
        }
    }

    /// Whether calls of `template` count as activity under `policy` (excluded ones do not; the
    /// overflow template counts under every policy).
    fn counted(&mut self, snapshot: &Snapshot, policy: &Policy, template: u16) -> bool {
        let i = usize::from(template);
        if let Some(Some(known)) = self.decided.get(i) {
            return *known;
        }
        let counted = snapshot
            .templates
            .get(i)
            .is_none_or(|t| t.overflow || policy.exclusions().matches(&t.key).is_none());
        if let Some(slot) = self.decided.get_mut(i) {
            *slot = Some(counted);
        }
        counted
    }
}

/// Per template: counted calls in the window under the current settings, and in how many sessions.
struct Tally {
    calls: Vec<u64>,
    sessions: Vec<u64>,
    last_session: Vec<usize>,
}

/// The template a call of number `template` at `at` was made to: a call made before the number's
/// template took it was a call of an evicted path, which counts as the shared template outside
/// the catalog (`templates.rs`).
fn template_at(snapshot: &Snapshot, template: u16, at: u64) -> u16 {
    match snapshot.templates.get(usize::from(template)) {
        Some(t) if at < t.since_ms => snapshot.overflow,
        _ => template,
    }
}

/// One session under one policy: whether (and when) its deadline passed by its end. Calls that
/// count and land while the session is alive are passed to `on_counted`.
fn run(
    snapshot: &Snapshot,
    session: &SessionRecord,
    timeout: Option<u32>,
    mut counted: impl FnMut(u16) -> bool,
    mut on_counted: impl FnMut(u64, u16),
) -> Option<u64> {
    let mut idle = SessionIdle::start(timeout, session.from_ms);
    for (offset, template) in session.times.iter().zip(&session.templates) {
        let at = session.base_ms.saturating_add(u64::from(*offset));
        let template = template_at(snapshot, *template, at);
        if at < session.from_ms || !counted(template) {
            continue;
        }
        if idle.activity(timeout, at) {
            on_counted(at, template);
        }
    }
    if idle.expired(session.end_ms) {
        idle.deadline_ms()
    } else {
        None
    }
}

/// Replays every session of the snapshot under `current` and under `draft`.
pub fn replay(snapshot: &Snapshot, current: &Policy, draft: &Policy) -> Preview {
    let mut replay = Replay::new(current, draft);
    replay.add(snapshot);
    replay.finish()
}

/// Replays the window part by part: `copy_part(after)` copies the window's sessions numbered
/// after `after` (from the first when `None`) that fit in a part (`History::snapshot_part`, under
/// the server's lock, taken and released for each part), until a part is empty. So a preview
/// holds one part of the history at a time, never a copy of the whole day, and the lock is held
/// for one part's copy at a time.
pub fn replay_in_parts(
    mut copy_part: impl FnMut(Option<SessionId>) -> Snapshot,
    current: &Policy,
    draft: &Policy,
) -> Preview {
    let mut replay = Replay::new(current, draft);
    let mut after = None;
    loop {
        let part = copy_part(after);
        let Some(last) = part.sessions.last() else {
            break;
        };
        after = Some(last.id);
        replay.add(&part);
    }
    replay.finish()
}

/// A replay under way: parts of the window go in ([`Replay::add`]), the preview comes out
/// ([`Replay::finish`]).
pub struct Replay<'a> {
    current: &'a Policy,
    draft: &'a Policy,
    sessions: usize,
    signed_out: Vec<SignedOut>,
    /// Per template path: counted calls in the window, sessions, excluded by the draft.
    resetters: HashMap<String, Resetter>,
}

impl<'a> Replay<'a> {
    /// A replay of nothing yet.
    pub fn new(current: &'a Policy, draft: &'a Policy) -> Self {
        Self {
            current,
            draft,
            sessions: 0,
            signed_out: Vec::new(),
            resetters: HashMap::new(),
        }
    }

    /// Replays the sessions of a part (sessions no other part holds).
    pub fn add(&mut self, snapshot: &Snapshot) {
        let (current, draft) = (self.current, self.draft);
        // Template numbers hold for one part: a path evicted between two parts leaves its number
        // to another (`templates.rs`). So decisions and tallies are per part, merged by path.
        let n = snapshot.templates.len();
        let mut by_current = Counts::new(n);
        let mut by_draft = Counts::new(n);
        let mut tally = Tally {
            calls: vec![0; n],
            sessions: vec![0; n],
            last_session: vec![usize::MAX; n],
        };
        for (index, session) in snapshot.sessions.iter().enumerate() {
            let groups = &session.user.groups;
            let current_timeout = policy::resolve(current, groups).timeout_seconds;
            let draft_timeout = policy::resolve(draft, groups).timeout_seconds;
            let current_end = run(
                snapshot,
                session,
                current_timeout,
                |t| by_current.counted(snapshot, current, t),
                |at, t| {
                    let i = usize::from(t);
                    if at >= snapshot.window_start_ms && i < n {
                        tally.calls[i] += 1;
                        if tally.last_session[i] != index {
                            tally.last_session[i] = index;
                            tally.sessions[i] += 1;
                        }
                    }
                },
            );
            let draft_end = run(
                snapshot,
                session,
                draft_timeout,
                |t| by_draft.counted(snapshot, draft, t),
                |_, _| {},
            );
            if let (Some(at_ms), None) = (draft_end, current_end) {
                let on_queue = snapshot
                    .routing
                    .get(&session.user.id)
                    .is_some_and(|t| t.on_queue_at(at_ms));
                self.signed_out.push(SignedOut {
                    user_id: session.user.id.clone(),
                    at_ms,
                    on_queue,
                });
            }
        }
        self.sessions += snapshot.sessions.len();
        for (i, template) in snapshot.templates.iter().enumerate() {
            if tally.calls[i] == 0 {
                continue;
            }
            let excluded_by_draft = !by_draft.counted(snapshot, draft, i as u16);
            let entry = self
                .resetters
                .entry(template.path.to_string())
                .or_insert_with(|| Resetter {
                    path: template.path.to_string(),
                    calls: 0,
                    sessions: 0,
                    excluded_by_draft,
                });
            entry.calls += tally.calls[i];
            entry.sessions += tally.sessions[i];
        }
    }

    /// The preview of every part added.
    pub fn finish(self) -> Preview {
        let mut signed_out = self.signed_out;
        signed_out.sort_by_key(|s| s.at_ms);
        let mut resetters: Vec<Resetter> = self.resetters.into_values().collect();
        resetters.sort_by(|a, b| {
            (Reverse(a.calls), Reverse(a.sessions), &a.path).cmp(&(
                Reverse(b.calls),
                Reverse(b.sessions),
                &b.path,
            ))
        });
        resetters.truncate(MAX_RESETTERS);
        Preview {
            sessions: self.sessions,
            signed_out,
            resetters,
        }
    }
}
