//! The tracker's event loop: the state of one page's tracking, fed by browser events, deciding
//! nothing itself — every input goes through the core, every effect comes out of it.
//!
//! Inputs: a recorded request → `TabSync::handle_local_activity`; a message from another tab →
//! `TabSync::handle_message`; the timer or a wake event → `TabSync::handle_wake` (the shared
//! state first, then the machine's own deadlines); the settings and the user once loaded. After
//! each, [`after_event`] drains the machine's actions and the driver's outputs into [`Effect`]s
//! and re-arms the one timer at the earlier of their deadlines.
//!
//! Re-entrancy: effects (user callbacks, messages to the host page) run after the state borrow
//! is released, so a callback may call back into the tracker or make requests.

use alloc::rc::{Rc, Weak};
use alloc::string::String;
use alloc::vec::Vec;
use core::cell::RefCell;

use js_sys::Function;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsValue;
use web_sys::Window;

use super::embed;
use super::fallback;
use super::holds::{self, HoldLog};
use super::leader::Coordinator;
use super::listeners::Listener;
use super::logout::{self, LogoutContext};
use super::options::{Options, User};
use super::platform::{Platform, TokenState};
use super::requests::{entry_js, KnownUrls};
use super::tabs::TabLink;
use super::timer::OneTimer;
use inactivity_core::idle::{Action, HoldEndReason, IdleConfig, IdleMachine, IdleState};
use inactivity_core::ledger::Ledger;
use inactivity_core::policy::{resolve, Policy, Resolution};
use inactivity_core::reason::LogoutReason;
use inactivity_core::tabs::{start_last_activity, Scope, TabSync};
use inactivity_core::text::concat;
use inactivity_core::url::ApiScope;

/// Until the policy is known (fetched, or failed to load), the HIPAA default applies: the
/// timeout is still enforced (fail closed) and an active user is never logged out.
pub const FALLBACK_TIMEOUT_MS: u64 = 15 * 60 * 1000;
/// A late timer by more than this means the page could not run (frozen, hidden, asleep).
const SLEPT_TOLERANCE_MS: u64 = 5_000;

/// The tracker's lifecycle: a closed set of states.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lifecycle {
    /// Tracking.
    Running,
    /// The user is being logged out: requests are no longer recorded, no timer runs.
    LoggingOut,
    /// `stop()` was called: the interception, the timer and the listeners are gone.
    Stopped,
}

/// What the tracker does after the state borrow is released.
pub enum Effect {
    /// `onWarning(remainingMs)` and the host page's `warning`.
    Warn(u64),
    /// `onWarningCleared()` and the host page's `resumed`.
    WarningCleared,
    /// Ask the server for its idle deadline before warning.
    CheckServerDeadline,
    /// The logout starts: the coordination with the other tabs has begun (record written, lock
    /// request queued, message sent).
    Logout(LogoutReason, Coordinator),
    /// `onActivity(entry)`.
    Activity(JsValue),
    /// One counted call of the tracker's own: the server's idle deadline runs from now.
    KeepAlive,
    /// The host page's `hold-began` (`None`) or `hold-ended` (with why), with the label.
    Hold(String, Option<HoldEndReason>),
}

/// Receives `(url, method, atMs)` from the shim for a URL it does not know by id; returns the id
/// to use for that URL from now on (`-1`: none).
pub type Sink = Closure<dyn FnMut(String, String, f64) -> i32>;
/// Receives `(id, method, atMs)` from the shim for a URL it knows by id.
pub type KnownSink = Closure<dyn FnMut(u32, String, f64)>;
/// Receives `(url, status)` from the shim for each 401 answer to an app request.
pub type StatusSink = Closure<dyn FnMut(String, u16)>;

/// What connects a running tracker to the page: the closures the shim calls and the event
/// listeners. Dropped on `stop()`.
pub struct Wiring {
    /// The shim's sinks (kept alive while attached).
    _sinks: (Sink, KnownSink, StatusSink),
    /// The wake-up and host listeners.
    _listeners: Vec<Listener>,
}

impl Wiring {
    /// Keeps `sinks` and `listeners` alive until dropped.
    pub fn new(sinks: (Sink, KnownSink, StatusSink), listeners: Vec<Listener>) -> Self {
        Wiring {
            _sinks: sinks,
            _listeners: listeners,
        }
    }
}

/// The state of one page's tracking.
pub struct Session {
    pub(crate) options: Options,
    pub(crate) lifecycle: Lifecycle,
    pub(crate) policy: Option<Policy>,
    pub(crate) resolution: Option<Resolution>,
    /// Why the settings could not be loaded or used, once that is known (the fallback applies).
    pub(crate) settings_problem: Option<String>,
    pub(crate) user: Option<User>,
    scope: ApiScope,
    pub(crate) machine: IdleMachine,
    /// The cross-tab driver (always there; its outputs are dropped until the link opens).
    pub(crate) sync: TabSync,
    /// The link to the other tabs of this session: opened once the user id is known.
    pub(crate) link: Option<TabLink>,
    /// When this tracker started (a logout record older than this is another session's).
    started_ms: u64,
    /// The latest counted request of this tab, if any.
    local_activity_ms: Option<u64>,
    pub(crate) ledger: Ledger,
    /// The holds' begins and ends, for `activityLog()`.
    pub(crate) hold_log: HoldLog,
    /// The page was hidden for good or put in the back/forward cache (`pagehide`): no wake-up
    /// re-announces its holds until it shows again (`pageshow`).
    pub(crate) gone: bool,
    /// The URLs seen, by the id the shim passes for them.
    known: KnownUrls,
    pub(crate) timer: OneTimer,
    /// The sinks and listeners, while running.
    pub(crate) wiring: Option<Wiring>,
    /// A token check for an app's 401 is in flight.
    verifying_token: bool,
    pub(crate) platform: Platform,
    weak: Weak<RefCell<Session>>,
}

/// The current time (ms since the epoch).
pub fn now_ms() -> u64 {
    js_sys::Date::now().max(0.0) as u64
}

/// The idle machine's configuration for `resolution` (`None`: the settings are not known) and
/// the options.
pub fn idle_config(resolution: Option<&Resolution>, options: &Options) -> IdleConfig {
    let timeout_ms = match resolution {
        Some(r) => r.timeout_seconds.map(|s| u64::from(s) * 1000),
        None => Some(FALLBACK_TIMEOUT_MS),
    };
    IdleConfig::new(timeout_ms)
        .with_warning_ms(options.warning_ms)
        .with_slept_tolerance_ms(SLEPT_TOLERANCE_MS)
        .with_max_hold_ms(options.max_hold_ms)
}

impl Session {
    /// A session starting at `now`; call [`Session::rc`] to put it behind its shared handle.
    pub fn new(
        mut options: Options,
        scope: ApiScope,
        platform: Platform,
        tab_id: u64,
        now: u64,
    ) -> Rc<RefCell<Session>> {
        let policy = options.policy.take();
        let user = options.user.clone();
        let resolution = match (&policy, &user) {
            (Some(policy), Some(user)) => Some(resolve(policy, &user.groups)),
            _ => None,
        };
        let machine = IdleMachine::new(idle_config(resolution.as_ref(), &options), now);
        let ledger = Ledger::new(options.ledger_size);
        let hold_log = HoldLog::new(options.ledger_size);
        Rc::new_cyclic(|weak| {
            RefCell::new(Session {
                options,
                lifecycle: Lifecycle::Running,
                policy,
                resolution,
                settings_problem: None,
                user,
                scope,
                machine,
                sync: TabSync::new(tab_id, now),
                link: None,
                started_ms: now,
                local_activity_ms: None,
                ledger,
                hold_log,
                gone: false,
                known: KnownUrls::default(),
                timer: OneTimer::default(),
                wiring: None,
                verifying_token: false,
                platform,
                weak: weak.clone(),
            })
        })
    }

    pub(crate) fn running(&self) -> bool {
        self.lifecycle == Lifecycle::Running
    }

    /// A request to a URL seen for the first time (or one the shim does not know by id).
    /// Returns the id the shim may pass instead of this URL from now on (`-1`: none).
    pub fn record(&mut self, url: &str, method: &str, at_ms: u64) -> (i32, Option<Effect>) {
        if !self.running() {
            return (-1, None);
        }
        let id = self.known.learn(url, self.policy.as_ref(), &self.scope);
        (id as i32, self.record_known(id, method, at_ms))
    }

    /// A request to the URL the shim knows by `id`.
    pub fn record_known(&mut self, id: usize, method: &str, at_ms: u64) -> Option<Effect> {
        if !self.running() {
            return None;
        }
        let known = self.known.get(id)?;
        let entry = known.entry(method, at_ms);
        let activity = known.class.is_activity();
        if activity {
            let at = at_ms.max(self.machine.last_activity_ms());
            self.local_activity_ms = Some(self.local_activity_ms.map_or(at, |l| l.max(at)));
            self.sync.handle_local_activity(&mut self.machine, at);
        }
        let effect = (self.options.on_activity.is_some() && activity)
            .then(|| Effect::Activity(entry_js(&entry)));
        self.ledger.push(entry);
        effect
    }

    /// Activity of the user that is not a request (e.g. "Stay signed in"): counts now and is
    /// told to the other tabs.
    pub fn touch(&mut self, now: u64) {
        if self.running() {
            self.local_activity_ms = Some(now);
            self.sync.handle_local_activity(&mut self.machine, now);
        }
    }

    /// The timer fired or the page may have been unable to run: the shared state first, then
    /// the machine's own deadlines (`TabSync::handle_wake`).
    pub fn wake(&mut self, now: u64) {
        if self.gone {
            return;
        }
        let shared = self.link.as_ref().map(TabLink::shared).unwrap_or_default();
        self.sync.handle_wake(&mut self.machine, &shared, now);
    }

    /// Logs out for `reason` (a host request, a revoked token).
    pub fn logout(&mut self, reason: LogoutReason, now: u64) {
        self.machine.handle_logout(reason, now);
    }

    /// Drains the core's actions into effects, performs the tab driver's outputs, and re-arms
    /// the one timer at the earlier of the two next deadlines.
    fn collect(&mut self, now: u64) -> Vec<Effect> {
        let mut effects = Vec::new();
        while let Some(action) = self.machine.poll_action() {
            match action {
                Action::CheckServerDeadline => effects.push(Effect::CheckServerDeadline),
                Action::Warn { remaining_ms } => effects.push(Effect::Warn(remaining_ms)),
                Action::WarningCleared => effects.push(Effect::WarningCleared),
                Action::Logout { reason } => {
                    if self.running() {
                        self.lifecycle = Lifecycle::LoggingOut;
                        effects.push(Effect::Logout(reason, self.begin_logout(reason)));
                    }
                }
                Action::KeepAlive | Action::HoldBegan { .. } | Action::HoldEnded { .. } => {
                    holds::effects_of(&action, &mut self.hold_log, &mut effects)
                }
            }
        }
        while let Some(output) = self.sync.poll_output() {
            if let Some(link) = &self.link {
                link.apply(&output);
            }
        }
        if !self.running() {
            self.timer.cancel();
        } else {
            let next = match (self.machine.poll_timeout(), self.sync.poll_timeout()) {
                (Some(a), Some(b)) => Some(a.min(b)),
                (a, b) => a.or(b),
            };
            let weak = self.weak.clone();
            self.timer.arm_at(next, now, move || {
                if let Some(rc) = weak.upgrade() {
                    if let Ok(mut session) = rc.try_borrow_mut() {
                        session.timer.fired();
                        session.wake(now_ms());
                    }
                    after_event(&rc);
                }
            });
        }
        effects
    }

    /// The machine logged out: tell the other tabs (unless the logout came from them), write
    /// the logout record and queue for the logout lock — all at once, so that the tab that
    /// logged out first is normally first in the queue.
    fn begin_logout(&mut self, reason: LogoutReason) -> Coordinator {
        let own = self.sync.handle_logout(reason);
        let role_reason = if own { reason } else { LogoutReason::OtherTab };
        match &self.link {
            Some(link) => Coordinator::begin(
                role_reason,
                self.started_ms,
                link.records(),
                Some(link.scope().lock_name()),
            ),
            None => Coordinator::alone(role_reason, self.started_ms),
        }
    }

    /// What a logout needs, taken now.
    fn logout_context(&self) -> LogoutContext {
        LogoutContext {
            http: self.platform.http().clone(),
            user_id: self.user.as_ref().map(|u| u.id.clone()),
            login_url: self.options.login_url.clone(),
            before_logout: self.options.before_logout.clone(),
            hook_bound_ms: self.options.before_logout_timeout_ms,
            clear_tokens: self.options.clear_tokens.clone(),
        }
    }

    /// Opens the link to the other tabs of this session — this user with this access token —
    /// once the user id is known, and starts from the session's shared last activity rather
    /// than from zero.
    pub fn open_link(&mut self, window: &Window, now: u64) {
        let Some(user) = &self.user else {
            return;
        };
        if self.link.is_some() || !self.running() {
            return;
        }
        // One session = one access token: the server keeps its idle deadline per token.
        let token = self
            .options
            .access_token
            .as_ref()
            .and_then(|f| f.call0(&JsValue::UNDEFINED).ok()?.as_string())
            .unwrap_or_default();
        let scope = Scope::new(&user.id, &self.scope.api_root()).with_session(&token);
        let weak = self.weak.clone();
        let link = TabLink::open(window, scope, now, move |text| {
            let Some(rc) = weak.upgrade() else { return };
            if let Ok(mut session) = rc.try_borrow_mut() {
                let session = &mut *session;
                session
                    .sync
                    .handle_message(&text, &mut session.machine, now_ms());
            }
            after_event(&rc);
        });
        let shared = link.shared();
        let start = start_last_activity(
            shared.last_activity_ms,
            shared.record,
            self.machine.config().timeout_ms,
            self.started_ms,
            self.local_activity_ms,
            now,
        );
        if start < self.machine.last_activity_ms() && self.machine.state() == IdleState::Active {
            // The session is older than this tab: count from its last activity, not from zero.
            self.machine = IdleMachine::with_last_activity(*self.machine.config(), start, now);
        } else {
            self.machine.handle_remote_activity(start, now);
        }
        self.sync
            .link_opened(&self.machine, self.local_activity_ms, now);
        self.link = Some(link);
    }

    /// The settings and the user are known: the timeout they resolve to applies from now.
    pub fn apply_policy(&mut self, policy: Policy, user: User, now: u64) {
        let resolution = resolve(&policy, &user.groups);
        let config = idle_config(Some(&resolution), &self.options);
        fallback::update(
            &self.options.login_url,
            config.timeout_ms,
            &self.scope,
            Some(policy.exclusions()),
        );
        self.machine.set_config(config, now);
        // The exclusions may have changed what the URLs seen so far mean.
        self.known.forget();
        self.policy = Some(policy);
        self.resolution = Some(resolution);
        self.user = Some(user);
    }
}

fn call(f: Option<&Function>, arg: &JsValue) {
    if let Some(f) = f {
        // A throwing callback is the app's bug; it must not stop the tracker.
        let _ = f.call1(&JsValue::UNDEFINED, arg);
    }
}

/// Runs the effects of the last event, outside the state borrow.
pub fn after_event(rc: &Rc<RefCell<Session>>) {
    if fallback::broken() {
        return;
    }
    let effects = match rc.try_borrow_mut() {
        Ok(mut session) => session.collect(now_ms()),
        Err(_) => return,
    };
    for effect in effects {
        run(rc, effect);
    }
}

/// Runs one effect, outside the state borrow.
pub fn run(rc: &Rc<RefCell<Session>>, effect: Effect) {
    let Ok(session) = rc.try_borrow() else {
        return;
    };
    let origins = session.options.parent_origins.clone();
    match effect {
        Effect::Activity(entry) => {
            let f = session.options.on_activity.clone();
            drop(session);
            call(f.as_ref(), &entry);
        }
        Effect::Warn(ms) => {
            let f = session.options.on_warning.clone();
            drop(session);
            let ms = JsValue::from_f64(ms as f64);
            embed::post_to_parent(&origins, "warning", &[("remainingMs", ms.clone())]);
            call(f.as_ref(), &ms);
        }
        Effect::WarningCleared => {
            let f = session.options.on_warning_cleared.clone();
            drop(session);
            embed::post_to_parent(&origins, "resumed", &[]);
            call(f.as_ref(), &JsValue::UNDEFINED);
        }
        Effect::CheckServerDeadline => {
            let platform = session.platform.clone();
            // The core waits briefly for the answer, then warns; a later answer still counts
            // until the expiry (it may clear the warning): the call is waited for that long.
            let bound = session
                .machine
                .remaining_ms(now_ms())
                .unwrap_or(0)
                .max(u64::from(session.options.request_timeout_ms))
                .min(u64::from(u32::MAX)) as u32;
            let weak = Rc::downgrade(rc);
            drop(session);
            wasm_bindgen_futures::spawn_local(async move {
                let state = platform.token_state(Some(bound)).await;
                let Some(rc) = weak.upgrade() else { return };
                if let Ok(mut session) = rc.try_borrow_mut() {
                    let now = now_ms();
                    match state {
                        TokenState::Revoked => session.logout(LogoutReason::ServerRevoked, now),
                        TokenState::Alive(deadline) => {
                            session.machine.handle_server_deadline(deadline, now)
                        }
                        TokenState::Unknown => session.machine.handle_server_deadline(None, now),
                    }
                }
                after_event(&rc);
            });
        }
        Effect::Logout(reason, coordinator) => {
            let f = session.options.on_logout.clone();
            let ctx = session.logout_context();
            drop(session);
            let reason_js = JsValue::from_str(reason.as_str());
            embed::post_to_parent(&origins, "logout", &[("reason", reason_js.clone())]);
            call(f.as_ref(), &reason_js);
            wasm_bindgen_futures::spawn_local(logout::run(ctx, reason, coordinator));
        }
        Effect::KeepAlive => {
            drop(session);
            holds::keep_alive(rc);
        }
        Effect::Hold(label, reason) => {
            drop(session);
            holds::post(&origins, &label, reason);
        }
    }
}

/// An API call of the app got a 401. That alone does not prove the token is dead (an app may
/// call an API without a token): confirm with the server before logging out (`server-revoked`).
pub fn on_unauthorized(rc: &Rc<RefCell<Session>>, url: &str) {
    let platform = {
        let Ok(mut session) = rc.try_borrow_mut() else {
            return;
        };
        if !session.running() || session.verifying_token || session.scope.api_path(url).is_none() {
            return;
        }
        session.verifying_token = true;
        session.platform.clone()
    };
    let weak = Rc::downgrade(rc);
    wasm_bindgen_futures::spawn_local(async move {
        let state = platform.token_state(None).await;
        let Some(rc) = weak.upgrade() else { return };
        if let Ok(mut session) = rc.try_borrow_mut() {
            session.verifying_token = false;
            if let TokenState::Revoked = state {
                session.logout(LogoutReason::ServerRevoked, now_ms());
            }
        }
        after_event(&rc);
    });
}

/// Loads what the options did not give: the settings and the user (the tracker's own calls:
/// never counted as activity). Until both are known the 15-minute fallback applies; if either
/// fails it keeps applying, and `explain()` says why.
pub async fn load_missing(rc: Rc<RefCell<Session>>) {
    let (platform, given_user, given_policy) = {
        let Ok(mut session) = rc.try_borrow_mut() else {
            return;
        };
        (
            session.platform.clone(),
            session.user.clone(),
            session.policy.take(),
        )
    };
    let policy = match given_policy {
        Some(p) => Ok(p),
        None => platform.settings().await,
    };
    let user = match given_user {
        Some(u) => Ok(u),
        None => platform.user().await,
    };
    if let Ok(mut session) = rc.try_borrow_mut() {
        match (policy, user) {
            (Ok(policy), Ok(user)) => {
                let now = now_ms();
                session.apply_policy(policy, user, now);
                if let Some(window) = web_sys::window() {
                    session.open_link(&window, now);
                }
            }
            (policy, user) => {
                let mut why = String::new();
                for problem in [policy.err(), user.err()].into_iter().flatten() {
                    if !why.is_empty() {
                        why.push_str("; ");
                    }
                    why.push_str(&problem);
                }
                web_sys::console::warn_1(&JsValue::from_str(&concat(&[
                    "inactivity-timeout: ",
                    &why,
                    "; the 15-minute fallback timeout applies",
                ])));
                session.settings_problem = Some(why);
            }
        }
    }
    after_event(&rc);
}
