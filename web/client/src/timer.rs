//! The one timer (DESIGN invariant 3): armed at the core's next deadline, re-armed only when that
//! deadline moves. Activity never touches it; the core decides when a deadline changes.

use gloo_timers::callback::Timeout;

/// The largest delay `setTimeout` honours (2^31 − 1 ms); longer waits re-arm on wake-up.
const MAX_DELAY_MS: u64 = i32::MAX as u64;

/// A single timer that fires at an absolute wall-clock deadline.
#[derive(Default)]
pub struct OneTimer {
    armed: Option<(u64, Timeout)>,
}

impl OneTimer {
    /// Arms the timer at `deadline_ms` (or disarms it for `None`). A call with the deadline the
    /// timer already has is a no-op, so this is cheap to call after every event.
    pub fn arm_at(
        &mut self,
        deadline_ms: Option<u64>,
        now_ms: u64,
        on_fire: impl FnOnce() + 'static,
    ) {
        if self.armed.as_ref().map(|(at, _)| *at) == deadline_ms {
            return;
        }
        if let Some((_, old)) = self.armed.take() {
            old.cancel();
        }
        if let Some(at) = deadline_ms {
            let delay = at.saturating_sub(now_ms).min(MAX_DELAY_MS) as u32;
            self.armed = Some((at, Timeout::new(delay, on_fire)));
        }
    }

    /// Forgets the armed deadline once it fired, so the next `arm_at` arms again.
    pub fn fired(&mut self) {
        if let Some((_, t)) = self.armed.take() {
            // Already fired: dropping would clear a spent id; forget the handle instead.
            t.forget();
        }
    }

    /// Disarms the timer.
    pub fn cancel(&mut self) {
        if let Some((_, t)) = self.armed.take() {
            t.cancel();
        }
    }
}
