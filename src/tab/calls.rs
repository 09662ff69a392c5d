//! The tracker's own calls in flight, each with what it is for, and what an answer means.

#![deny(
    clippy::arithmetic_side_effects,
    clippy::indexing_slicing,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic
)]

use alloc::vec::Vec;

use crate::json::{parse, Value};
use crate::logout::StepOutcome;

use super::output::CallId;
use super::settings::Part;

/// What a call of the tracker's own is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Purpose {
    /// A part of the settings (or the user).
    Settings(Part),
    /// The presence definitions, for the Offline one the logout sets.
    PresenceDefinitions,
    /// The server's idle deadline, asked at the warning point.
    ServerDeadline,
    /// Whether the token is alive after an app call got a 401.
    Verify,
    /// The server's idle deadline, asked by a tab held only by another tab's hold.
    HoldCheck,
    /// A counted call keeping the server's deadline alive during (or at the end of) a hold.
    KeepAlive,
    /// `staySignedIn()`.
    Stay,
    /// The logout plan's pending call.
    Logout,
}

/// How a call came back, as the driver reports it.
#[derive(Debug, Clone, PartialEq)]
pub enum Answer {
    /// An HTTP answer: its status and its body, read as JSON (`Value::Null` when it is not).
    Status(u16, Value),
    /// No answer: network error, refused, or none within its bound.
    Failed,
}

impl Answer {
    /// The answer to report from the driver's `status` (`None`: no answer) and body text.
    pub fn new(status: Option<u16>, body: &str) -> Answer {
        match status {
            Some(status) => Answer::Status(status, parse(body).unwrap_or(Value::Null)),
            None => Answer::Failed,
        }
    }

    /// Whether the token is dead: the server answered 401.
    pub fn unauthorized(&self) -> bool {
        matches!(self, Answer::Status(401, _))
    }

    /// The body of a 2xx answer.
    pub fn ok(&self) -> Option<&Value> {
        match self {
            Answer::Status(200..=299, body) => Some(body),
            _ => None,
        }
    }

    /// The status, when there was an answer.
    pub fn status(&self) -> Option<u16> {
        match self {
            Answer::Status(status, _) => Some(*status),
            Answer::Failed => None,
        }
    }

    /// The outcome of a logout step's call.
    pub fn outcome(self) -> StepOutcome {
        match self {
            Answer::Status(200..=299, body) => StepOutcome::Response(body),
            Answer::Status(401, _) => StepOutcome::Unauthorized,
            _ => StepOutcome::Failed,
        }
    }
}

/// The calls in flight.
#[derive(Debug, Clone, Default)]
pub struct Calls {
    next: u32,
    pending: Vec<(CallId, Purpose)>,
}

impl Calls {
    /// A number for a new call for `purpose`.
    pub fn open(&mut self, purpose: Purpose) -> CallId {
        let id = CallId(self.next);
        self.next = self.next.wrapping_add(1);
        self.pending.push((id, purpose));
        id
    }

    /// What call `id` was for, once (a second answer is ignored).
    pub fn close(&mut self, id: CallId) -> Option<Purpose> {
        let at = self.pending.iter().position(|(i, _)| *i == id)?;
        Some(self.pending.swap_remove(at).1)
    }

    /// Whether a call for `purpose` is in flight.
    pub fn in_flight(&self, purpose: &Purpose) -> bool {
        self.pending.iter().any(|(_, p)| p == purpose)
    }
}
