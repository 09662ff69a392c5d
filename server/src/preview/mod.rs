//! The admin's preview: what keeps sessions alive, and what a draft of the settings would change.
//!
//! The server already sees every API call of every session and decides idle deadlines with the
//! core. It keeps a bounded [`History`] of the last day (per session: the calls as API
//! templates with their times; per user: the routing status changes), and
//! `POST /api/v2/inactivity/preview` replays it ([`replay()`]) under the current settings and under a
//! [`Draft`], with the same core as enforcement, changing nothing.
//!
//! The parts, one concept each: [`templates`] (request path → catalog template), [`outside`]
//! (the bounded table of paths outside the catalog), [`history`]
//! (the bounded record), [`mod@replay`] (the pure replay), [`draft`] (the request, checked like a
//! save), [`gate`] (one replay at a time).

pub mod draft;
pub mod gate;
pub mod history;
pub mod outside;
pub mod replay;
pub mod templates;

pub use draft::{parse_draft, Draft, MAX_WINDOW_HOURS};
pub use gate::ReplayGate;
pub use history::{
    History, HistoryLimits, SessionId, SessionRecord, SessionUser, Snapshot, Timeline, DAY_MS,
    PART_CALLS,
};
pub use outside::{MAX_EXTRA_PATHS, MAX_EXTRA_PATHS_PER_USER, MAX_EXTRA_PATH_BYTES};
pub use replay::{replay, replay_in_parts, Preview, Replay, Resetter, SignedOut, MAX_RESETTERS};
pub use templates::{read_catalog, CatalogError, Template, TemplateId, Templates, OUTSIDE_CATALOG};
