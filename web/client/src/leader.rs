//! Which tab makes the server-side logout calls: a Web Lock per session, waited for at most
//! [`LEADER_WAIT_MS`], and the logout record in storage (`core::tabs::logout_role` decides).
//!
//! No registry of tabs: the browser releases a closed or discarded tab's locks, and a frozen
//! holder makes the others wait no longer than the bound. A tab that gives up never makes the
//! calls itself (the server revokes an idle token on its own anyway), so they are never made
//! twice.
//!
//! `navigator.locks` is bound here directly: web-sys has it only behind
//! `--cfg=web_sys_unstable_apis`. It is missing outside secure contexts and denied ("The request
//! was denied.") in cross-site iframes: then the tab decides without it.

use alloc::string::String;

use alloc::rc::Rc;
use core::cell::Cell;

use js_sys::{Array, Function, Object, Promise, Reflect};
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;
use web_sys::AbortController;

use super::listeners::Listener;
use super::page::PageCell;
use super::tabs::Records;
use super::timer::Timeout;
use inactivity_core::reason::LogoutReason;
use inactivity_core::tabs::{
    logout_role, valid_record, Calls, LockOutcome, LogoutRecord, Role, LEADER_WAIT_MS,
};

#[wasm_bindgen]
extern "C" {
    /// `navigator.locks`.
    type LockManager;
    #[wasm_bindgen(method, catch, js_name = request)]
    fn request(
        this: &LockManager,
        name: &str,
        options: &Object,
        callback: &JsValue,
    ) -> Result<Promise, JsValue>;
}

/// The logout lock a leader keeps until its page unloads (see `Coordinator::keep_until_unload`).
static KEPT: PageCell<Option<LockGuard>> = PageCell::new(None);

/// Releases a logout lock kept from an earlier session of this page (a new tracker starts: a
/// new session).
pub fn release_kept() {
    let _ = KEPT.with(Option::take);
}

fn lock_manager() -> Option<LockManager> {
    let window = web_sys::window()?;
    let navigator = Reflect::get(&window, &JsValue::from_str("navigator")).ok()?;
    let locks = Reflect::get(&navigator, &JsValue::from_str("locks")).ok()?;
    (locks.is_object()).then(|| locks.unchecked_into())
}

fn now_ms() -> u64 {
    js_sys::Date::now().max(0.0) as u64
}

/// A held Web Lock; dropping the guard releases it.
#[must_use = "dropping the guard releases the lock"]
pub struct LockGuard {
    release: Function,
}

impl Drop for LockGuard {
    fn drop(&mut self) {
        let _ = self.release.call0(&JsValue::UNDEFINED);
    }
}

/// A queued request for a Web Lock, bounded in time. Dropping it withdraws the request, or
/// releases the lock if it was granted meanwhile.
#[must_use = "dropping the request withdraws it"]
pub struct LockRequest {
    pending: Option<Pending>,
}

struct Pending {
    /// Settles when the browser releases the lock or refuses the request (denied, aborted).
    request: Promise,
    /// Resolves with `true` once granted.
    granted: Promise,
    /// Releases the lock (resolves the promise the lock callback returned).
    release: Function,
    controller: Option<AbortController>,
    _deadline: Option<Timeout>,
}

impl Drop for LockRequest {
    fn drop(&mut self) {
        if let Some(pending) = self.pending.take() {
            if let Some(controller) = &pending.controller {
                controller.abort();
            }
            let _ = pending.release.call0(&JsValue::UNDEFINED);
        }
    }
}

impl LockRequest {
    /// Queues an exclusive request for the lock `name` now (so the order of requests is the
    /// order of calls), withdrawn after `wait_ms`. `None`: no Web Locks here.
    pub fn new(name: &str, wait_ms: u32) -> Option<LockRequest> {
        let locks = lock_manager()?;
        let mut release = None;
        let hold = Promise::new(&mut |resolve, _| release = Some(resolve));
        let mut on_grant = None;
        let granted = Promise::new(&mut |resolve, _| on_grant = Some(resolve));
        let (release, on_grant) = (release?, on_grant?);
        // Called at most once, by the browser, when the lock is granted; the lock is held until
        // `hold` resolves. (A request withdrawn before its grant never calls it: that one small
        // closure is left to the garbage collector's mercy, once per logout.)
        let callback = Closure::once_into_js(move |_lock: JsValue| -> JsValue {
            let _ = on_grant.call1(&JsValue::UNDEFINED, &JsValue::TRUE);
            hold.into()
        });
        let controller = AbortController::new().ok();
        let options = Object::new();
        let _ = Reflect::set(&options, &"mode".into(), &"exclusive".into());
        if let Some(c) = &controller {
            let _ = Reflect::set(&options, &"signal".into(), c.signal().as_ref());
        }
        let request = locks.request(name, &options, &callback).ok()?;
        let abort = controller.clone();
        let deadline = Timeout::new(wait_ms, move || {
            if let Some(c) = abort {
                c.abort();
            }
        });
        Some(LockRequest {
            pending: Some(Pending {
                request,
                granted,
                release,
                controller,
                _deadline: Some(deadline),
            }),
        })
    }

    /// Waits for the grant (or the refusal, or the bound).
    pub async fn outcome(mut self) -> (LockOutcome, Option<LockGuard>) {
        let Some(pending) = self.pending.as_ref() else {
            return (LockOutcome::Unavailable, None);
        };
        // `race` also handles a rejection of `request` (no unhandled-rejection noise).
        let race = Promise::race(&Array::of2(&pending.granted, &pending.request));
        let result = JsFuture::from(race).await;
        let Some(pending) = self.pending.take() else {
            return (LockOutcome::Unavailable, None);
        };
        match result {
            Ok(v) if v == JsValue::TRUE => (
                LockOutcome::Granted,
                Some(LockGuard {
                    release: pending.release,
                }),
            ),
            Ok(_) => (LockOutcome::Unavailable, None),
            Err(error) => {
                let name = Reflect::get(&error, &"name".into())
                    .ok()
                    .and_then(|n| n.as_string());
                let outcome = if name.as_deref() == Some("AbortError") {
                    LockOutcome::TimedOut
                } else {
                    LockOutcome::Unavailable
                };
                (outcome, None)
            }
        }
    }
}

/// The coordination of one tab's logout with the others: started when the tab logs out (the
/// lock request is queued at once), resolved into a [`Role`] before the server calls.
#[must_use = "dropping the coordinator releases the lock"]
pub struct Coordinator {
    reason: LogoutReason,
    started_ms: u64,
    records: Option<Records>,
    request: Option<LockRequest>,
    guard: Option<LockGuard>,
    role: Option<Role>,
    /// Set by `pagehide`: the tab is being closed (or navigated away) under the logout.
    leaving: Rc<Cell<bool>>,
    _pagehide: Option<Listener>,
}

impl Coordinator {
    /// Starts coordinating a logout for `reason` — [`LogoutReason::OtherTab`] when the logout is
    /// not this tab's own — of a tab that started at `started_ms`. Writes the logout record
    /// (`core::tabs::record_at_logout`) and queues on `lock_name`: only when the wait can
    /// matter (a logout of its own, or a record to read; never after a server revocation).
    pub fn begin(
        reason: LogoutReason,
        started_ms: u64,
        records: Option<Records>,
        lock_name: Option<String>,
    ) -> Coordinator {
        if let Some(records) = &records {
            let written = inactivity_core::tabs::record_at_logout(
                records.get(),
                reason,
                started_ms,
                now_ms(),
            );
            if let Some(record) = written {
                records.set(record);
            }
        }
        let wants_lock = reason != LogoutReason::ServerRevoked
            && (reason != LogoutReason::OtherTab || records.is_some());
        let request = lock_name
            .filter(|_| wants_lock)
            .and_then(|name| LockRequest::new(&name, LEADER_WAIT_MS as u32));
        let leaving = Rc::new(Cell::new(false));
        let flag = leaving.clone();
        let pagehide = web_sys::window()
            .map(|window| Listener::new(&window, "pagehide", move |_| flag.set(true)));
        Coordinator {
            reason,
            started_ms,
            records,
            request,
            guard: None,
            role: None,
            leaving,
            _pagehide: pagehide,
        }
    }

    /// Whether the tab is being closed (`pagehide`) under the logout. A closing page still runs
    /// a little script, and its `keepalive` requests would still go out: a leader then makes no
    /// further server call and does not mark them done, and the browser releases its lock, so
    /// the next tab in the queue makes them all.
    pub fn page_leaving(&self) -> bool {
        self.leaving.get()
    }

    /// A coordinator for a tab without any link to others: it leads its own logouts.
    pub fn alone(reason: LogoutReason, started_ms: u64) -> Coordinator {
        Coordinator::begin(reason, started_ms, None, None)
    }

    /// Waits for the lock (bounded), reads the record and decides. A leader marks the record
    /// `Started` and keeps the lock until [`Coordinator::calls_done`] and the drop; a follower
    /// lets it go at once.
    pub async fn role(&mut self) -> Role {
        if let Some(role) = self.role {
            return role;
        }
        let outcome = match self.request.take() {
            Some(request) => {
                let (outcome, guard) = request.outcome().await;
                self.guard = guard;
                outcome
            }
            None => LockOutcome::Unavailable,
        };
        let record = self.records.as_ref().and_then(Records::get);
        let role = logout_role(self.reason, outcome, record, self.started_ms, now_ms());
        match role {
            Role::Leader => self.mark(Calls::Started, record),
            Role::Follower => self.guard = None,
        }
        self.role = Some(role);
        role
    }

    /// The leader made the server calls: the record says so, for the tabs queued behind it —
    /// unless the page is leaving (then the next tab takes over).
    pub fn calls_done(&mut self) {
        if self.role == Some(Role::Leader) && !self.page_leaving() {
            let record = self.records.as_ref().and_then(Records::get);
            self.mark(Calls::Done, record);
        }
    }

    /// The plan is over. A leader keeps the lock until its page unloads (the browser releases
    /// it then; or the next tracker on this page does): the next tab is granted the lock only
    /// when this page is gone — well after the record said `Done`, since `localStorage` reaches
    /// the other tabs asynchronously. Anything else releases it now.
    pub fn keep_until_unload(mut self) {
        if let (Some(Role::Leader), Some(guard)) = (self.role, self.guard.take()) {
            if !self.page_leaving() {
                let _ = KEPT.with(|kept| *kept = Some(guard));
            }
        }
    }

    fn mark(&self, calls: Calls, current: Option<LogoutRecord>) {
        if let Some(records) = &self.records {
            let ended_ms = valid_record(current, now_ms())
                .filter(|r| r.ends_session_of(self.started_ms))
                .map_or_else(now_ms, |r| r.ended_ms);
            records.set(LogoutRecord { ended_ms, calls });
        }
    }
}
