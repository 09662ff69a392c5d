//! The admin's preview: what keeps sessions alive, and what a draft of the settings would change.
//!
//! The server already sees every API call of every session and decides idle deadlines with the
//! core. It keeps a bounded [`History`] of the last day (per session: the calls as API
//! templates with their times; per user: the routing status changes), and
//! `POST /api/v2/inactivity/preview` replays it ([`replay()`]) under the current settings and under a
//! [`Draft`], with the same core as enforcement, changing nothing.
//!
//! The parts, one concept each: [`templates`] (request path → catalog template), [`history`]
//! (the bounded record), [`mod@replay`] (the pure replay), [`draft`] (the request, checked like a
//! save).

pub mod draft;
pub mod history;
pub mod replay;
pub mod templates;

pub use draft::{parse_draft, Draft, MAX_WINDOW_HOURS};
pub use history::{
    History, HistoryLimits, SessionId, SessionRecord, SessionUser, Snapshot, Timeline, DAY_MS,
};
pub use replay::{replay, Preview, Resetter, SignedOut, MAX_RESETTERS};
pub use templates::{read_catalog, CatalogError, Template, TemplateId, Templates};
