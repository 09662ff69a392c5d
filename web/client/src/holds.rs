//! Holds in the browser layer: `tracker.hold(label)` and its handle, what the core's hold events
//! put in the activity log and tell the embedding page, the keep-alive call, and a tab that goes
//! away (pagehide, `stop()`) ending its holds for the other tabs. What a hold does to the timer
//! is decided in the core (`inactivity_core::idle::hold`); this module only moves it in and out.

use alloc::collections::VecDeque;
use alloc::rc::{Rc, Weak};
use alloc::string::String;
use core::cell::{Cell, RefCell};

use js_sys::{Array, Reflect};
use wasm_bindgen::prelude::*;

use super::embed;
use super::js;
use super::session::{after_event, now_ms, Effect, Lifecycle, Session};
use inactivity_bridge::error::{describe, JsError};
use inactivity_core::idle::{Action, HoldEndReason, HoldError, HoldId, HoldInfo, IdleMachine};
use inactivity_core::reason::LogoutReason;
use inactivity_core::text::concat;

/// A hold's begin or end, as the activity log shows it.
pub struct HoldLogEntry {
    /// When it began or ended (ms since the epoch).
    at_ms: u64,
    /// Its label.
    label: String,
    /// `None`: it began; else why it ended.
    ended: Option<HoldEndReason>,
    /// Whether it is another tab's hold.
    other_tab: bool,
}

/// The last hold events, oldest first, bounded like the request ledger.
pub struct HoldLog {
    entries: VecDeque<HoldLogEntry>,
    capacity: usize,
}

impl HoldLog {
    /// A log of at most `capacity` entries (at least one).
    pub fn new(capacity: usize) -> Self {
        HoldLog {
            entries: VecDeque::new(),
            capacity: capacity.max(1),
        }
    }

    fn push(&mut self, entry: HoldLogEntry) {
        if self.entries.len() >= self.capacity {
            self.entries.pop_front();
        }
        self.entries.push_back(entry);
    }

    /// The entries as `activityLog()` shows them, with their times.
    pub fn entries_js(&self) -> impl Iterator<Item = (u64, JsValue)> + '_ {
        self.entries.iter().map(|e| {
            let outcome = if e.ended.is_some() {
                "hold-ended"
            } else {
                "hold-began"
            };
            let entry = js::object(&[
                ("atMs", JsValue::from_f64(e.at_ms as f64)),
                ("method", JsValue::from_str("")),
                ("url", JsValue::from_str("")),
                ("path", JsValue::NULL),
                ("outcome", JsValue::from_str(outcome)),
                ("excludedBy", JsValue::NULL),
                ("label", JsValue::from_str(&e.label)),
                (
                    "reason",
                    js::str_or_null(e.ended.map(HoldEndReason::as_str)),
                ),
                ("otherTab", JsValue::from_bool(e.other_tab)),
            ]);
            (e.at_ms, entry)
        })
    }
}

/// The core's hold events and keep-alive requests as effects (and log entries); `None` for any
/// other action.
pub fn effects_of(action: &Action, log: &mut HoldLog, effects: &mut alloc::vec::Vec<Effect>) {
    match action {
        Action::KeepAlive => effects.push(Effect::KeepAlive),
        Action::HoldBegan { hold } => {
            log.push(entry(hold, hold.since_ms, None));
            effects.push(Effect::Hold(hold.label.clone(), None));
        }
        Action::HoldEnded {
            hold,
            at_ms,
            reason,
        } => {
            log.push(entry(hold, *at_ms, Some(*reason)));
            effects.push(Effect::Hold(hold.label.clone(), Some(*reason)));
        }
        _ => {}
    }
}

fn entry(hold: &HoldInfo, at_ms: u64, ended: Option<HoldEndReason>) -> HoldLogEntry {
    HoldLogEntry {
        at_ms,
        label: hold.label.clone(),
        ended,
        other_tab: hold.tab.is_some(),
    }
}

/// `explain().holds`: `[{ label, sinceMs }]`, every active hold of the session.
pub fn holds_js(machine: &IdleMachine) -> JsValue {
    machine
        .holds()
        .map(|h| {
            js::object(&[
                ("label", JsValue::from_str(&h.label)),
                ("sinceMs", JsValue::from_f64(h.since_ms as f64)),
            ])
        })
        .collect::<Array>()
        .into()
}

/// Tells the embedding page that a hold began (`reason` `None`) or ended.
pub fn post(origins: &[String], label: &str, reason: Option<HoldEndReason>) {
    let label = ("label", JsValue::from_str(label));
    match reason {
        None => embed::post_to_parent(origins, "hold-began", &[label]),
        Some(r) => embed::post_to_parent(
            origins,
            "hold-ended",
            &[label, ("reason", JsValue::from_str(r.as_str()))],
        ),
    }
}

/// One counted call of the tracker's own, so the server's idle deadline runs from now; a 401
/// means the token is gone: log out (`server-revoked`).
pub fn keep_alive(rc: &Rc<RefCell<Session>>) {
    let Ok(session) = rc.try_borrow() else {
        return;
    };
    let platform = session.platform.clone();
    let weak = Rc::downgrade(rc);
    drop(session);
    wasm_bindgen_futures::spawn_local(async move {
        if platform.touch().await == Some(401) {
            let Some(rc) = weak.upgrade() else { return };
            if let Ok(mut session) = rc.try_borrow_mut() {
                session.logout(LogoutReason::ServerRevoked, now_ms());
            }
            after_event(&rc);
        }
    });
}

impl Session {
    /// This tab is going away (`pagehide`, `stop()`): a goodbye ends its holds in the other
    /// tabs at once, sent before returning. Returns whether this tab held the session (then its
    /// holds end here too, as far as the server is concerned: the caller makes one call).
    pub fn go_away(&mut self) -> bool {
        let held = self.machine.holds().any(|h| h.tab.is_none());
        self.sync.handle_page_hide();
        self.gone = true;
        while let Some(output) = self.sync.poll_output() {
            if let Some(link) = &self.link {
                link.apply(&output);
            }
        }
        held
    }
}

/// Checks `label` as `hold(label)` takes it.
fn check_label(label: &JsValue) -> Result<String, JsValue> {
    let Some(text) = label.as_string() else {
        return Err(JsError::Type(concat(&[
            "hold(label): label must be a string such as \"Call 42\"; got ",
            describe(label),
        ]))
        .into());
    };
    inactivity_core::idle::check_label(&text)
        .map_err(|e| JsError::Range(concat(&["hold(label): ", e.message()])))?;
    Ok(text)
}

/// `tracker.hold(label)`: a hold in this tab, announced to the others; the handle releases it.
pub fn take(rc: &Rc<RefCell<Session>>, label: &JsValue) -> Result<JsValue, JsValue> {
    let label = check_label(label)?;
    let id = {
        let Ok(mut session) = rc.try_borrow_mut() else {
            return Err(js_sys::Error::new("hold(): the tracker is busy; try again").into());
        };
        if session.lifecycle == Lifecycle::Stopped {
            return Err(js_sys::Error::new(
                "hold(): this tracker is stopped; start a new tracker before taking a hold",
            )
            .into());
        }
        let session = &mut *session;
        let now = now_ms();
        match session.sync.begin_hold(&mut session.machine, &label, now) {
            Ok(id) => id,
            Err(HoldError::TooManyHolds) => {
                return Err(js_sys::RangeError::new(&concat(&[
                    "hold(): ",
                    HoldError::TooManyHolds.message(),
                    "; release one first",
                ]))
                .into())
            }
            Err(e) => return Err(js_sys::Error::new(&concat(&["hold(): ", e.message()])).into()),
        }
    };
    after_event(rc);
    let handle = JsValue::from(Hold {
        session: Rc::downgrade(rc),
        id,
        released: Cell::new(false),
    });
    // `using h = tracker.hold(…)` releases at the end of the block (an own property: the class's
    // generated `Symbol.dispose` would only free the handle).
    let dispose = Reflect::get(&js_sys::global(), &"Symbol".into())
        .and_then(|symbol| Reflect::get(&symbol, &"dispose".into()));
    if let (Ok(dispose), Ok(release)) = (dispose, Reflect::get(&handle, &"release".into())) {
        if dispose.is_symbol() {
            let _ = Reflect::set(&handle, &dispose, &release);
        }
    }
    Ok(handle)
}

/// An active hold of this tab: `release()` ends it (idempotent; also `[Symbol.dispose]()`).
#[wasm_bindgen]
pub struct Hold {
    session: Weak<RefCell<Session>>,
    id: HoldId,
    released: Cell<bool>,
}

#[wasm_bindgen]
impl Hold {
    /// Ends the hold: when no other hold of the session is active, the idle timer runs from
    /// now. Calling it again does nothing.
    pub fn release(&self) {
        if self.released.replace(true) {
            return;
        }
        let Some(rc) = self.session.upgrade() else {
            return;
        };
        if let Ok(mut session) = rc.try_borrow_mut() {
            let session = &mut *session;
            if session.lifecycle == Lifecycle::Stopped {
                return;
            }
            session
                .sync
                .release_hold(&mut session.machine, self.id, now_ms());
        } else {
            // Inside one of the tracker's own callbacks: released once that returns.
            self.released.set(false);
            return;
        }
        after_event(&rc);
    }
}
