//! Timers: the one idle timer (the "one timer" invariant of ARCHITECTURE.md), armed at the
//! core's next deadline and re-armed only when that deadline moves, and [`Timeout`], the RAII
//! handle for a bounded wait (a call's deadline, the wait for the logout lock).

use wasm_bindgen::prelude::*;

/// The largest delay `setTimeout` honours (2^31 − 1 ms); longer waits re-arm on wake-up.
const MAX_DELAY_MS: u64 = i32::MAX as u64;

#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(js_name = setTimeout)]
    fn set_timeout(handler: &JsValue, ms: i32) -> JsValue;
    #[wasm_bindgen(js_name = clearTimeout)]
    fn clear_timeout(id: &JsValue);
}

/// A callback that runs once after a delay, unless the handle is dropped first (that cancels
/// it). Dropping it after it ran, even from inside the callback, frees the closure: nothing leaks.
#[must_use = "dropping the timeout cancels it"]
pub struct Timeout {
    id: JsValue,
    _callback: Closure<dyn FnMut()>,
}

impl Timeout {
    /// Runs `callback` after `ms` milliseconds.
    pub fn new(ms: u32, callback: impl FnOnce() + 'static) -> Timeout {
        let callback = Closure::once(callback);
        let delay = i32::try_from(ms).unwrap_or(i32::MAX);
        let id = set_timeout(callback.as_ref(), delay);
        Timeout {
            id,
            _callback: callback,
        }
    }
}

impl Drop for Timeout {
    fn drop(&mut self) {
        // Clearing a spent id is a no-op.
        clear_timeout(&self.id);
    }
}

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
        // Dropping the old handle cancels it.
        self.armed = deadline_ms.map(|at| {
            let delay = at.saturating_sub(now_ms).min(MAX_DELAY_MS) as u32;
            (at, Timeout::new(delay, on_fire))
        });
    }

    /// Forgets the armed deadline once it fired, so the next `arm_at` arms again (and frees the
    /// spent callback).
    pub fn fired(&mut self) {
        self.armed = None;
    }

    /// Disarms the timer.
    pub fn cancel(&mut self) {
        self.armed = None;
    }
}
