//! What the machine tells the layer: its actions and its state.

#![deny(
    clippy::arithmetic_side_effects,
    clippy::indexing_slicing,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic
)]

use crate::reason::LogoutReason;

use super::hold::{HoldEndReason, HoldInfo};

#[cfg(doc)]
use super::{IdleMachine, SERVER_CHECK_WAIT_MS};

/// What the browser layer must do. Each variant is one instruction; see
/// [`IdleMachine::poll_action`]. (Not `Copy`: the hold events carry their label.)
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Action {
    /// Ask the server for its idle deadline without resetting it
    /// (`GET /api/v2/tokens/me?preserveIdleTTL=true` → `dateTokenIdles`) and report the answer
    /// with [`IdleMachine::handle_server_deadline`] — `None` on any failure. Not a counted
    /// activity. The machine warns anyway if no answer comes within [`SERVER_CHECK_WAIT_MS`].
    CheckServerDeadline,
    /// Show the warning (or update its countdown, when already shown): the user will be logged
    /// out in `remaining_ms` unless there is activity.
    Warn {
        /// Milliseconds left until expiry, at the `now_ms` of the call that produced the action.
        remaining_ms: u64,
    },
    /// Hide the warning: activity (here, in another tab, or on the server) moved the deadline,
    /// or a hold began. Only emitted after a [`Action::Warn`] that was actually polled.
    WarningCleared,
    /// A hold of this tab is active and the server has counted no call for half a timeout:
    /// make one API call of the tracker's own that the server counts as activity (the same as
    /// "Stay signed in"), so the server's own idle deadline does not run out during the hold.
    /// The machine already counted it (as activity at the `now_ms` that produced it): do not
    /// feed it back. Emitted at most once per half timeout while held, however far time
    /// jumps — and once more when the last hold of this tab is released or expires, so that
    /// the server's deadline too runs from the end of the hold.
    KeepAlive,
    /// This tab is held only by other tabs' holds, and its own timeout has passed since the last
    /// activity it knows of (or since the last such check): ask the server for its idle deadline
    /// without resetting it (`GET /api/v2/tokens/me?preserveIdleTTL=true`, not counted) and
    /// report it with [`IdleMachine::handle_hold_verdict`]; a 401 is a logout for
    /// [`LogoutReason::ServerRevoked`](crate::reason::LogoutReason::ServerRevoked). Another
    /// tab's hold is believed only as long as the server agrees: a real hold keeps the server's
    /// deadline alive with its keep-alives, a forged or stale hold message does not. Emitted at
    /// most once per timeout while so held, however far time jumps.
    VerifyHold,
    /// A hold began — in this tab or (`hold.tab` is `Some`) in another tab of the session: for
    /// the activity log and the embedding page. Any warning shown is cleared first.
    HoldBegan {
        /// The hold.
        hold: HoldInfo,
    },
    /// A hold ended: for the activity log and the embedding page. When no other hold is active,
    /// the idle timer runs from `at_ms`.
    HoldEnded {
        /// The hold.
        hold: HoldInfo,
        /// When it ended (ms since the epoch; in the past when the machine learns of it late).
        at_ms: u64,
        /// Why: released, expired (the max hold duration), or its tab went away.
        reason: HoldEndReason,
    },
    /// Log out now. Emitted exactly once per machine, ever; nothing follows it. It supersedes
    /// any action not yet polled (but the hold events before it), so the layer must also hide a
    /// visible warning. The holds end with the session, without events of their own.
    Logout {
        /// Why.
        reason: LogoutReason,
    },
}

/// Where the machine is; see [`IdleMachine::state`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IdleState {
    /// Counting down to the warning point (or to expiry when there is no warning), or no
    /// timeout applies.
    Active,
    /// A hold is active (here or in another tab): no countdown, no warning, no idle logout.
    Held,
    /// At the warning point; waiting (boundedly) for the server's deadline.
    AwaitingServer,
    /// The warning is shown; counting down to expiry.
    Warning,
    /// Logged out, for good.
    LoggedOut(LogoutReason),
}
