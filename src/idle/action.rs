//! What the machine tells the browser layer to do, and where it is.
#![deny(
    clippy::arithmetic_side_effects,
    clippy::indexing_slicing,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic
)]

use crate::reason::LogoutReason;

/// What the browser layer must do. Each variant is one instruction; see
/// [`IdleMachine::poll_action`](super::IdleMachine::poll_action).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    /// Ask the server for its idle deadline without resetting it
    /// (`GET /api/v2/tokens/me?preserveIdleTTL=true` → `dateTokenIdles`) and report the answer
    /// with [`IdleMachine::handle_server_deadline`](super::IdleMachine::handle_server_deadline) — `None` on any failure. Not a counted
    /// activity. The machine warns anyway if no answer comes within [`SERVER_CHECK_WAIT_MS`](super::SERVER_CHECK_WAIT_MS).
    CheckServerDeadline,
    /// Show the warning (or update its countdown, when already shown): the user will be logged
    /// out in `remaining_ms` unless there is activity.
    Warn {
        /// Milliseconds left until expiry, at the `now_ms` of the call that produced the action.
        remaining_ms: u64,
    },
    /// Hide the warning: activity (here, in another tab, or on the server) moved the deadline.
    /// Only emitted after a [`Action::Warn`] that was actually polled.
    WarningCleared,
    /// Log out now. Emitted exactly once per machine, ever; nothing follows it. It supersedes
    /// any action not yet polled, so the layer must also hide a visible warning.
    Logout {
        /// Why.
        reason: LogoutReason,
    },
}

/// Where the machine is; see [`IdleMachine::state`](super::IdleMachine::state).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IdleState {
    /// Counting down to the warning point (or to expiry when there is no warning), or no
    /// timeout applies.
    Active,
    /// At the warning point; waiting (boundedly) for the server's deadline.
    AwaitingServer,
    /// The warning is shown; counting down to expiry.
    Warning,
    /// Logged out, for good.
    LoggedOut(LogoutReason),
}
