//! The bounded history the preview replays: per session (access token), its API calls of the
//! last day as path templates with their times, and its users' routing status changes.
//!
//! Bounds (see [`HistoryLimits`]): at most `sessions` sessions (the oldest sign-in is dropped
//! first), `calls_per_session` calls per session and `routing_changes_per_user` status changes
//! per user (the oldest dropped first, *before* the new one is added: no queue ever holds, or
//! takes room for, more than its bound — `crate::bounded`), nothing older than `keep_ms`, and a
//! user's routing changes only while a session of theirs is kept. A call costs 6 bytes (a
//! 32-bit time since the sign-in and a 16-bit template). What the history takes at the default
//! bounds is measured, not computed: `examples/history_memory.rs`, its figures in
//! `server/README.md` (418 MB, 252 MB of it the calls).
//!
//! When calls are dropped from the front of a session, the session's replay starts at the
//! newest dropped call, taken as activity (it was a call; whether a draft would count it is
//! no longer known). Times are kept non-decreasing per session (a clock stepping back is
//! taken as no time passing).

use std::collections::{BTreeMap, HashMap, VecDeque};
use std::ops::Bound;
use std::sync::Arc;

use super::templates::{Template, TemplateId, Templates};
use crate::bounded::{grow_within, push_bounded};

/// One day, in milliseconds.
pub const DAY_MS: u64 = 24 * 60 * 60 * 1000;

/// The most calls a part of a replay copies at a time ([`History::snapshot_part`]): 65,536, about
/// 400 KB.
pub const PART_CALLS: usize = 65_536;

/// A session's number (the server numbers its access tokens).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct SessionId(pub u64);

/// The user a session belongs to: what the replay needs to resolve a timeout.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionUser {
    /// The user id (reported by the preview).
    pub id: String,
    /// The user's group ids (for the timeout resolution).
    pub groups: Vec<String>,
}

/// The bounds of the history.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HistoryLimits {
    /// The most sessions kept; beyond it the session signed in first is dropped.
    pub sessions: usize,
    /// The most calls kept per session; beyond it the oldest call is dropped.
    pub calls_per_session: usize,
    /// The most routing status changes kept per user; beyond it the oldest is dropped.
    pub routing_changes_per_user: usize,
    /// How long anything is kept, in milliseconds.
    pub keep_ms: u64,
}

impl Default for HistoryLimits {
    /// 10,000 sessions, 4,096 calls per session, 1,024 routing changes per user, one day.
    fn default() -> Self {
        Self {
            sessions: 10_000,
            calls_per_session: 4_096,
            routing_changes_per_user: 1_024,
            keep_ms: DAY_MS,
        }
    }
}

#[derive(Debug, Clone)]
struct Session {
    user: Arc<SessionUser>,
    /// The sign-in: call times are kept as milliseconds since it.
    base_ms: u64,
    /// Where the replay starts: the sign-in, or the newest call dropped.
    from_ms: u64,
    /// When the token stops working regardless of activity.
    expires_ms: u64,
    /// When it was revoked (idle or signed out), if it was.
    ended_ms: Option<u64>,
    times: VecDeque<u32>,
    templates: VecDeque<u16>,
}

impl Session {
    fn end_ms(&self) -> u64 {
        self.ended_ms
            .map_or(self.expires_ms, |e| e.min(self.expires_ms))
    }

    fn time(&self, offset: u32) -> u64 {
        self.base_ms.saturating_add(u64::from(offset))
    }

    fn drop_first(&mut self) {
        if let (Some(offset), Some(_)) = (self.times.pop_front(), self.templates.pop_front()) {
            self.from_ms = self.from_ms.max(self.time(offset));
        }
    }
}

/// A user's routing status over time (On Queue or not).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Timeline {
    /// The status before the first kept change.
    before: bool,
    /// (time, On Queue) changes, oldest first.
    changes: VecDeque<(u64, bool)>,
    /// How many kept sessions belong to the user.
    sessions: usize,
}

impl Timeline {
    /// Whether the user was On Queue at `at_ms`.
    pub fn on_queue_at(&self, at_ms: u64) -> bool {
        let after = self.changes.partition_point(|(t, _)| *t <= at_ms);
        match after.checked_sub(1) {
            Some(i) => self.changes[i].1,
            None => self.before,
        }
    }

    fn now(&self) -> bool {
        self.changes.back().map_or(self.before, |c| c.1)
    }

    fn drop_first(&mut self) {
        if let Some((_, status)) = self.changes.pop_front() {
            self.before = status;
        }
    }
}

/// The history of every session the server has seen in the last day, within its limits.
#[derive(Debug, Clone)]
pub struct History {
    templates: Templates,
    limits: HistoryLimits,
    sessions: BTreeMap<SessionId, Session>,
    routing: HashMap<String, Timeline>,
}

/// What a replay needs, copied out of the history (so the replay runs without the lock).
#[derive(Debug, Clone)]
pub struct Snapshot {
    /// The end of the window (now).
    pub now_ms: u64,
    /// The start of the window.
    pub window_start_ms: u64,
    /// Every template, by number.
    pub templates: Vec<Arc<Template>>,
    /// The number of the template that calls of evicted paths count as (outside the catalog).
    pub overflow: u16,
    /// The sessions signed in at some moment of the window, oldest sign-in first.
    pub sessions: Vec<SessionRecord>,
    /// The routing status over time of those sessions' users, by user id.
    pub routing: HashMap<String, Timeline>,
}

/// One session of a [`Snapshot`].
#[derive(Debug, Clone)]
pub struct SessionRecord {
    /// Its number.
    pub id: SessionId,
    /// Whose.
    pub user: Arc<SessionUser>,
    /// Where the replay starts (the sign-in, or the newest dropped call): activity.
    pub from_ms: u64,
    /// Where it stops: revoked, expired, or now.
    pub end_ms: u64,
    /// The sign-in, the origin of `times`.
    pub base_ms: u64,
    /// The calls' times, in milliseconds since `base_ms`, non-decreasing.
    pub times: Vec<u32>,
    /// The calls' templates.
    pub templates: Vec<u16>,
}

impl History {
    /// An empty history over these templates.
    pub fn new(templates: Templates, limits: HistoryLimits) -> Self {
        Self {
            templates,
            limits,
            sessions: BTreeMap::new(),
            routing: HashMap::new(),
        }
    }

    /// A session signs in at `now_ms` (its user On Queue or not at that moment); its token
    /// stops working at `expires_ms` at the latest. Session ids must grow: the smallest is the
    /// oldest, dropped first when the history is full.
    pub fn start_session(
        &mut self,
        id: SessionId,
        user: Arc<SessionUser>,
        on_queue: bool,
        now_ms: u64,
        expires_ms: u64,
    ) {
        let timeline = self
            .routing
            .entry(user.id.clone())
            .or_insert_with(|| Timeline {
                before: on_queue,
                ..Timeline::default()
            });
        timeline.sessions += 1;
        if timeline.now() != on_queue {
            Self::push_change(timeline, self.limits, on_queue, now_ms);
        }
        let session = Session {
            user,
            base_ms: now_ms,
            from_ms: now_ms,
            expires_ms,
            ended_ms: None,
            times: VecDeque::new(),
            templates: VecDeque::new(),
        };
        // Drop before adding: never one session more than the bound, even for a moment.
        if let Some(old) = self.sessions.remove(&id) {
            self.release_user(&old.user.id);
        }
        while self.sessions.len() >= self.limits.sessions.max(1) {
            match self.sessions.pop_first() {
                Some((_, dropped)) => self.release_user(&dropped.user.id),
                None => break,
            }
        }
        self.sessions.insert(id, session);
    }

    /// An API call of a session at `now_ms` (counted or excluded: the replay decides again).
    /// Unknown sessions are ignored.
    pub fn record_call(&mut self, id: SessionId, request_path: &str, now_ms: u64) {
        let Some(session) = self.sessions.get_mut(&id) else {
            return;
        };
        let last = session.times.back().copied().unwrap_or(0);
        let offset = u32::try_from(now_ms.saturating_sub(session.base_ms))
            .unwrap_or(u32::MAX)
            .max(last);
        let TemplateId(template) =
            self.templates
                .template_of(request_path, session.time(offset), &session.user.id);
        // Drop before push, and grow to the bound but never past it (`crate::bounded`).
        let limit = self.limits.calls_per_session.max(1);
        while session.times.len() >= limit {
            session.drop_first();
        }
        grow_within(&mut session.times, limit);
        grow_within(&mut session.templates, limit);
        session.times.push_back(offset);
        session.templates.push_back(template);
    }

    /// A session ended at `now_ms` (revoked: idle or signed out).
    pub fn end_session(&mut self, id: SessionId, now_ms: u64) {
        if let Some(session) = self.sessions.get_mut(&id) {
            session.ended_ms.get_or_insert(now_ms);
        }
    }

    /// A user's routing status changed at `now_ms`. Kept only while a session of the user is.
    pub fn routing_changed(&mut self, user_id: &str, on_queue: bool, now_ms: u64) {
        if let Some(timeline) = self.routing.get_mut(user_id) {
            if timeline.now() != on_queue {
                Self::push_change(timeline, self.limits, on_queue, now_ms);
            }
        }
    }

    fn push_change(timeline: &mut Timeline, limits: HistoryLimits, on_queue: bool, now_ms: u64) {
        let at = timeline.changes.back().map_or(now_ms, |c| c.0.max(now_ms));
        let limit = limits.routing_changes_per_user;
        if let Some((_, status)) = push_bounded(&mut timeline.changes, limit, (at, on_queue)) {
            timeline.before = status;
        }
    }

    fn release_user(&mut self, user_id: &str) {
        if let Some(timeline) = self.routing.get_mut(user_id) {
            timeline.sessions = timeline.sessions.saturating_sub(1);
            if timeline.sessions == 0 {
                self.routing.remove(user_id);
            }
        }
    }

    /// Forgets what is older than the limit's `keep_ms` at `now_ms`: calls and routing changes
    /// before it, and sessions that ended before it.
    pub fn forget_old(&mut self, now_ms: u64) {
        let horizon = now_ms.saturating_sub(self.limits.keep_ms);
        let gone: Vec<SessionId> = self
            .sessions
            .iter()
            .filter(|(_, s)| s.end_ms() < horizon)
            .map(|(id, _)| *id)
            .collect();
        for id in gone {
            if let Some(session) = self.sessions.remove(&id) {
                self.release_user(&session.user.id);
            }
        }
        for session in self.sessions.values_mut() {
            while session
                .times
                .front()
                .is_some_and(|t| session.time(*t) < horizon)
            {
                session.drop_first();
            }
        }
        for timeline in self.routing.values_mut() {
            while timeline.changes.front().is_some_and(|c| c.0 < horizon) {
                timeline.drop_first();
            }
        }
    }

    /// A copy of what a replay of the window `[window_start_ms, now_ms]` needs: the sessions
    /// signed in at some moment of it, and their users' routing status. As large as the calls it
    /// holds: the server replays in parts instead ([`History::snapshot_part`]).
    pub fn snapshot(&self, window_start_ms: u64, now_ms: u64) -> Snapshot {
        self.snapshot_part(window_start_ms, now_ms, None, usize::MAX)
    }

    /// A part of [`History::snapshot`]: the window's sessions numbered after `after` (from the
    /// first when `None`), oldest first, as many as fit in `max_calls` calls (at least one).
    /// An empty part means the window's sessions are all done.
    pub fn snapshot_part(
        &self,
        window_start_ms: u64,
        now_ms: u64,
        after: Option<SessionId>,
        max_calls: usize,
    ) -> Snapshot {
        let from = after.map_or(Bound::Unbounded, Bound::Excluded);
        let mut calls = 0usize;
        let sessions: Vec<SessionRecord> = self
            .sessions
            .range((from, Bound::Unbounded))
            .filter(|(_, s)| s.base_ms <= now_ms && s.end_ms() >= window_start_ms)
            .take_while(|(_, s)| {
                let fits = calls == 0 || calls.saturating_add(s.times.len()) <= max_calls;
                calls = calls.saturating_add(s.times.len().max(1));
                fits
            })
            .map(|(id, s)| SessionRecord {
                id: *id,
                user: s.user.clone(),
                from_ms: s.from_ms,
                end_ms: s.end_ms().min(now_ms),
                base_ms: s.base_ms,
                times: s.times.iter().copied().collect(),
                templates: s.templates.iter().copied().collect(),
            })
            .collect();
        let mut routing = HashMap::new();
        for s in &sessions {
            if let Some(t) = self.routing.get(&s.user.id) {
                routing
                    .entry(s.user.id.clone())
                    .or_insert_with(|| t.clone());
            }
        }
        Snapshot {
            now_ms,
            window_start_ms,
            templates: self.templates.all(),
            overflow: self.templates.overflow().0,
            sessions,
            routing,
        }
    }

    /// How many sessions are kept.
    pub fn session_count(&self) -> usize {
        self.sessions.len()
    }

    /// How many calls are kept for a session (`None`: the session is not kept).
    pub fn call_count(&self, id: SessionId) -> Option<usize> {
        self.sessions.get(&id).map(|s| s.times.len())
    }

    /// How many users have routing changes kept.
    pub fn routing_user_count(&self) -> usize {
        self.routing.len()
    }

    /// A kept session's first kept call and its template's path, and where its replay starts.
    pub fn first_call(&self, id: SessionId) -> Option<(u64, &str, u64)> {
        let s = self.sessions.get(&id)?;
        let offset = *s.times.front()?;
        let template = self.templates.get(TemplateId(*s.templates.front()?))?;
        Some((s.time(offset), &template.path, s.from_ms))
    }

    /// The limits.
    pub fn limits(&self) -> HistoryLimits {
        self.limits
    }

    /// The templates seen so far.
    pub fn templates(&self) -> &Templates {
        &self.templates
    }
}
