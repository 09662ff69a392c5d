//! `InactivityTracker`: wires the interception, the one timer, the wake-up listeners, the link
//! to the other tabs and the embedding host to the core's idle machine and tab driver, and runs
//! the effects they ask for.
//!
//! Every input goes through the core: a counted request → `TabSync::handle_local_activity`; a
//! message from another tab → `TabSync::handle_message`; the timer or a wake event →
//! `TabSync::handle_wake` (the shared state first, then the machine's own deadlines). After each,
//! [`after_event`] drains the machine's actions and the driver's outputs, and re-arms the one
//! timer at the earlier of their deadlines.
//!
//! Re-entrancy: user callbacks (`onWarning`, `onActivity`, …) are always called after the state
//! borrow is released, so a callback may call back into the tracker or make requests.

use alloc::string::String;
use alloc::vec::Vec;

use alloc::rc::{Rc, Weak};
use core::cell::RefCell;

use js_sys::{Array, Function, Object, Reflect};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::future_to_promise;
use web_sys::Window;

use super::bindings::{attach_sink, install_interception, uninstall_interception};
use super::embed;
use super::fallback;
use super::http::{Http, Reply};
use super::js;
use super::leader::{self, Coordinator};
use super::listeners::Listener;
use super::logout;
use super::options::{self, Options, User};
use super::page::PageCell;
use super::tabs::TabLink;
use super::timer::OneTimer;
use super::types::{BoolPromise, Explanation, LedgerEntries, TrackerOptions};
use inactivity_bridge::error::JsError;
use inactivity_core::classify::{classify, Classification};
use inactivity_core::idle::{Action, IdleConfig, IdleMachine, IdleState};
use inactivity_core::ledger::{Ledger, LedgerEntry, Outcome};
use inactivity_core::map::Map;
use inactivity_core::policy::{resolve, Policy, Resolution};
use inactivity_core::reason::LogoutReason;
use inactivity_core::tab_sync::{start_last_activity, Scope, TabSync};
use inactivity_core::text::{concat, dec};
use inactivity_core::url::ApiScope;

/// Until the policy is known (fetched, or failed to load), the HIPAA default applies: the
/// timeout is still enforced (fail closed) and an active user is never logged out.
const FALLBACK_TIMEOUT_MS: u64 = 15 * 60 * 1000;
/// A late timer by more than this means the page could not run (frozen, hidden, asleep).
const SLEPT_TOLERANCE_MS: u64 = 5_000;
/// How many distinct URLs the classification cache keeps before it starts over.
const CACHE_LIMIT: usize = 1024;

/// The tracker running on this page, if any (one per page).
static RUNNING: PageCell<Weak<RefCell<Inner>>> = PageCell::new(Weak::new());

pub(super) fn now_ms() -> u64 {
    js_sys::Date::now().max(0.0) as u64
}

/// 64 random bits for the tab id (not a secret: it only tells a tab's own messages apart).
fn random_u64() -> u64 {
    let high = (js_sys::Math::random() * 4_294_967_296.0) as u64;
    let low = (js_sys::Math::random() * 4_294_967_296.0) as u64;
    (high << 32) | low
}

/// Receives `(url, method, atMs)` from the shim for each request.
type Sink = Closure<dyn FnMut(String, String, f64)>;
/// Receives `(url, status)` from the shim for each 401 answer to an app request.
type StatusSink = Closure<dyn FnMut(String, u16)>;

/// What the tracker does after the state borrow is released.
enum Effect {
    Warn(u64),
    WarningCleared,
    CheckServerDeadline,
    /// The logout starts: the coordination with the other tabs has begun (record written, lock
    /// request queued, message sent).
    Logout(LogoutReason, Coordinator),
    Activity(JsValue),
}

pub(super) struct Inner {
    pub(super) options: Options,
    policy: Option<Policy>,
    resolution: Option<Resolution>,
    scope: ApiScope,
    machine: IdleMachine,
    /// The cross-tab driver (always there; its outputs are dropped until the link opens).
    sync: TabSync,
    /// The link to the other tabs of this user: opened once the user id is known.
    link: Option<TabLink>,
    /// When this tracker started (a logout record older than this is another session's).
    started_ms: u64,
    /// The latest counted request of this tab, if any.
    local_activity_ms: Option<u64>,
    ledger: Ledger,
    cache: Map<String, Classification>,
    timer: OneTimer,
    listeners: Vec<Listener>,
    sink: Option<Sink>,
    status_sink: Option<StatusSink>,
    verifying_token: bool,
    /// Why the settings could not be loaded or used, once that is known (the fallback applies).
    settings_problem: Option<String>,
    pub(super) http: Http,
    pub(super) user: Option<User>,
    stopped: bool,
    logging_out: bool,
    weak: Weak<RefCell<Inner>>,
}

fn idle_config(resolution: Option<&Resolution>, warning_ms: u64) -> IdleConfig {
    let timeout_ms = match resolution {
        Some(r) => r.timeout_seconds.map(|s| u64::from(s) * 1000),
        None => Some(FALLBACK_TIMEOUT_MS),
    };
    IdleConfig {
        timeout_ms,
        warning_ms,
        slept_tolerance_ms: SLEPT_TOLERANCE_MS,
    }
}

/// The origin of the first API base ("" for the default, same-origin API).
fn api_root(api_bases: &[String]) -> String {
    let Some(base) = api_bases.first() else {
        return String::new();
    };
    match base.find("://") {
        Some(i) => match base[i + 3..].find('/') {
            Some(j) => String::from(&base[..i + 3 + j]),
            None => base.clone(),
        },
        None => String::new(),
    }
}

impl Inner {
    fn record(&mut self, url: String, method: String, at_ms: u64) -> Option<Effect> {
        if self.stopped || self.logging_out {
            return None;
        }
        let classification = match self.cache.get(&url) {
            Some(c) => c.clone(),
            None => {
                let c = match &self.policy {
                    Some(policy) => classify(policy, &self.scope, &url),
                    // No policy yet: every API call counts (no exclusions known).
                    None => Classification {
                        activity: self.scope.api_path(&url).is_some(),
                        excluded_by: None,
                        path: self.scope.api_path(&url),
                    },
                };
                if self.cache.len() >= CACHE_LIMIT {
                    self.cache.clear();
                }
                self.cache.insert(url.clone(), c.clone());
                c
            }
        };
        let outcome = if classification.activity {
            Outcome::Counted
        } else if classification.excluded_by.is_some() {
            Outcome::Excluded
        } else {
            Outcome::NotApi
        };
        if classification.activity {
            let at = at_ms.max(self.machine.last_activity_ms());
            self.local_activity_ms = Some(self.local_activity_ms.map_or(at, |l| l.max(at)));
            self.sync.handle_local_activity(&mut self.machine, at);
        }
        // The ledger keeps no query or fragment: apps put tokens and personal data there.
        // A byte search: `?` and `#` are ASCII, so the cut is always at a char boundary (and
        // this is the per-request path: no char-by-char decoding).
        let end = url
            .bytes()
            .position(|b| b == b'?' || b == b'#')
            .unwrap_or(url.len());
        let shown = url.get(..end).unwrap_or_default();
        let mut entry = LedgerEntry::new(at_ms, &method, shown, outcome);
        entry.path = classification.path;
        entry.excluded_by = classification.excluded_by;
        let effect = match (&self.options.on_activity, outcome) {
            (Some(_), Outcome::Counted) => Some(Effect::Activity(entry_js(&entry))),
            _ => None,
        };
        self.ledger.push(entry);
        effect
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
                    if !self.logging_out {
                        self.logging_out = true;
                        effects.push(Effect::Logout(reason, self.begin_logout(reason)));
                    }
                }
            }
        }
        while let Some(output) = self.sync.poll_output() {
            if let Some(link) = &self.link {
                link.apply(&output);
            }
        }
        if self.stopped || self.logging_out {
            self.timer.cancel();
        } else {
            let next = match (self.machine.poll_timeout(), self.sync.poll_timeout()) {
                (Some(a), Some(b)) => Some(a.min(b)),
                (a, b) => a.or(b),
            };
            let weak = self.weak.clone();
            self.timer.arm_at(next, now, move || {
                if let Some(rc) = weak.upgrade() {
                    if let Ok(mut inner) = rc.try_borrow_mut() {
                        inner.timer.fired();
                        inner.wake(now_ms());
                    }
                    after_event(&rc);
                }
            });
        }
        effects
    }

    /// The timer fired or the page may have been unable to run: the shared state first, then
    /// the machine's own deadlines (`TabSync::handle_wake`).
    fn wake(&mut self, now: u64) {
        let shared = self.link.as_ref().map(TabLink::shared).unwrap_or_default();
        self.sync.handle_wake(&mut self.machine, &shared, now);
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

    /// Opens the link to the other tabs of this session — this user with this access token —
    /// once the user id is known, and starts from the session's shared last activity rather
    /// than from zero.
    fn open_link(&mut self, window: &Window, now: u64) {
        let Some(user) = &self.user else {
            return;
        };
        if self.link.is_some() || self.stopped || self.logging_out {
            return;
        }
        // One session = one access token: the server keeps its idle deadline per token.
        let token = self
            .options
            .access_token
            .as_ref()
            .and_then(|f| f.call0(&JsValue::UNDEFINED).ok()?.as_string())
            .unwrap_or_default();
        let scope = Scope::new(&user.id, &api_root(&self.options.api_bases)).with_session(&token);
        let weak = self.weak.clone();
        let link = TabLink::open(window, scope, now, move |text| {
            let Some(rc) = weak.upgrade() else { return };
            if let Ok(mut inner) = rc.try_borrow_mut() {
                let inner = &mut *inner;
                inner
                    .sync
                    .handle_message(&text, &mut inner.machine, now_ms());
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

    fn apply_policy(&mut self, policy: Policy, user: User, now: u64) {
        let resolution = resolve(&policy, &user.groups);
        let config = idle_config(Some(&resolution), self.options.warning_ms);
        fallback::update(&self.options.login_url, config.timeout_ms);
        self.machine.set_config(config, now);
        self.cache.clear();
        self.policy = Some(policy);
        self.resolution = Some(resolution);
        self.user = Some(user);
    }
}

/// A ledger entry as JS sees it: `{ atMs, method, url, path, outcome, excludedBy }`.
fn entry_js(entry: &LedgerEntry) -> JsValue {
    js::object(&[
        ("atMs", JsValue::from_f64(entry.at_ms as f64)),
        ("method", JsValue::from_str(&entry.method)),
        ("url", JsValue::from_str(&entry.url)),
        ("path", js::str_or_null(entry.path.as_deref())),
        ("outcome", JsValue::from_str(entry.outcome.as_str())),
        ("excludedBy", js::str_or_null(entry.excluded_by.as_deref())),
    ])
}

/// `explain()`'s object: the resolution (`source` may be `"fallback"`) and its sentence.
fn explanation_js(
    timeout_seconds: Option<u32>,
    source: &str,
    resolution: Option<&Resolution>,
    message: &str,
) -> JsValue {
    js::object(&[
        (
            "timeoutSeconds",
            js::num_or_null(timeout_seconds.map(f64::from)),
        ),
        ("source", JsValue::from_str(source)),
        (
            "bundlePriority",
            js::num_or_null(resolution.and_then(|r| r.bundle_priority).map(f64::from)),
        ),
        (
            "groupId",
            js::str_or_null(resolution.and_then(|r| r.group_id.as_deref())),
        ),
        (
            "hipaaCapped",
            JsValue::from_bool(resolution.is_some_and(|r| r.hipaa_capped)),
        ),
        ("message", JsValue::from_str(message)),
    ])
}

fn call(f: &Option<Function>, arg: &JsValue) {
    if let Some(f) = f {
        // A throwing callback is the app's bug; it must not stop the tracker.
        let _ = f.call1(&JsValue::UNDEFINED, arg);
    }
}

/// Runs the effects of the last event, outside the state borrow.
pub(super) fn after_event(rc: &Rc<RefCell<Inner>>) {
    if fallback::broken() {
        return;
    }
    let effects = match rc.try_borrow_mut() {
        Ok(mut inner) => inner.collect(now_ms()),
        Err(_) => return,
    };
    for effect in effects {
        run(rc, effect);
    }
}

fn run(rc: &Rc<RefCell<Inner>>, effect: Effect) {
    let inner = rc.borrow();
    match effect {
        Effect::Activity(entry) => call(&inner.options.on_activity, &entry),
        Effect::Warn(ms) => {
            let f = inner.options.on_warning.clone();
            let origins = inner.options.parent_origins.clone();
            drop(inner);
            embed::post_to_parent(
                &origins,
                "warning",
                Some(("remainingMs", JsValue::from_f64(ms as f64))),
            );
            call(&f, &JsValue::from_f64(ms as f64));
        }
        Effect::WarningCleared => {
            let f = inner.options.on_warning_cleared.clone();
            let origins = inner.options.parent_origins.clone();
            drop(inner);
            embed::post_to_parent(&origins, "resumed", None);
            call(&f, &JsValue::UNDEFINED);
        }
        Effect::CheckServerDeadline => {
            let http = inner.http.clone();
            let weak = Rc::downgrade(rc);
            drop(inner);
            wasm_bindgen_futures::spawn_local(async move {
                let reply = http
                    .call("GET", "/api/v2/tokens/me?preserveIdleTTL=true", None)
                    .await;
                let Some(rc) = weak.upgrade() else { return };
                if let Ok(mut inner) = rc.try_borrow_mut() {
                    let now = now_ms();
                    match reply {
                        Reply::Response { status: 401, .. } => inner
                            .machine
                            .handle_logout(LogoutReason::ServerRevoked, now),
                        Reply::Response { body, .. } => {
                            let deadline =
                                Reflect::get(&body, &JsValue::from_str("dateTokenIdles"))
                                    .ok()
                                    .and_then(|d| d.as_string())
                                    .map(|d| js_sys::Date::parse(&d))
                                    .filter(|ms| ms.is_finite() && *ms > 0.0)
                                    .map(|ms| ms as u64);
                            inner.machine.handle_server_deadline(deadline, now);
                        }
                        Reply::Failed(_) => inner.machine.handle_server_deadline(None, now),
                    }
                }
                after_event(&rc);
            });
        }
        Effect::Logout(reason, coordinator) => {
            let f = inner.options.on_logout.clone();
            let origins = inner.options.parent_origins.clone();
            drop(inner);
            embed::post_to_parent(
                &origins,
                "logout",
                Some(("reason", JsValue::from_str(reason.as_str()))),
            );
            call(&f, &JsValue::from_str(reason.as_str()));
            wasm_bindgen_futures::spawn_local(logout::run(rc.clone(), reason, coordinator));
        }
    }
}

/// An API call of the app got a 401. That alone does not prove the token is dead (an app may
/// call an API without a token): confirm with the server before logging out (`server-revoked`).
fn on_unauthorized(rc: &Rc<RefCell<Inner>>, url: &str) {
    let http = {
        let Ok(mut inner) = rc.try_borrow_mut() else {
            return;
        };
        if inner.stopped || inner.logging_out || inner.verifying_token {
            return;
        }
        if inner.scope.api_path(url).is_none() {
            return;
        }
        inner.verifying_token = true;
        inner.http.clone()
    };
    let weak = Rc::downgrade(rc);
    wasm_bindgen_futures::spawn_local(async move {
        let reply = http
            .call("GET", "/api/v2/tokens/me?preserveIdleTTL=true", None)
            .await;
        let Some(rc) = weak.upgrade() else { return };
        if let Ok(mut inner) = rc.try_borrow_mut() {
            inner.verifying_token = false;
            if matches!(reply, Reply::Response { status: 401, .. }) {
                inner
                    .machine
                    .handle_logout(LogoutReason::ServerRevoked, now_ms());
            }
        }
        after_event(&rc);
    });
}

fn wake_listeners(window: &Window, weak: &Weak<RefCell<Inner>>) -> Vec<Listener> {
    let on_wake = |weak: Weak<RefCell<Inner>>| {
        move |_| {
            if let Some(rc) = weak.upgrade() {
                if let Ok(mut inner) = rc.try_borrow_mut() {
                    inner.wake(now_ms());
                }
                after_event(&rc);
            }
        }
    };
    let mut listeners = Vec::new();
    if let Some(document) = window.document() {
        // `resume`: the page was frozen (Page Lifecycle API) and runs again.
        for kind in ["visibilitychange", "resume"] {
            listeners.push(Listener::new(&document, kind, on_wake(weak.clone())));
        }
    }
    // `pagehide`: the page goes away (or into the back/forward cache): what it has not told
    // the other tabs yet goes out now.
    for kind in ["focus", "pageshow", "pagehide", "online"] {
        listeners.push(Listener::new(window, kind, on_wake(weak.clone())));
    }
    listeners
}

/// The host's logout request (allowed origin, from the parent window): reason `host-request`.
fn host_listener(
    window: &Window,
    weak: &Weak<RefCell<Inner>>,
    origins: Vec<String>,
) -> Option<Listener> {
    let weak = weak.clone();
    embed::listen_to_host(window, origins, move || {
        let Some(rc) = weak.upgrade() else { return };
        if let Ok(mut inner) = rc.try_borrow_mut() {
            inner
                .machine
                .handle_logout(LogoutReason::HostRequest, now_ms());
        }
        after_event(&rc);
    })
}

/// Fetches what the options did not give: the policy pieces and the user (the tracker's own
/// calls: never counted as activity).
async fn fetch_missing(rc: Rc<RefCell<Inner>>) {
    let (http, given_user, given_policy) = {
        let mut inner = rc.borrow_mut();
        (inner.http.clone(), inner.user.clone(), inner.policy.take())
    };
    let policy = match given_policy {
        Some(p) => Ok(p),
        None => fetch_policy(&http).await,
    };
    let user = match given_user {
        Some(u) => Ok(u),
        None => fetch_user(&http).await,
    };
    match (policy, user) {
        (Ok(policy), Ok(user)) => {
            if let Ok(mut inner) = rc.try_borrow_mut() {
                let now = now_ms();
                inner.apply_policy(policy, user, now);
                if let Some(window) = web_sys::window() {
                    inner.open_link(&window, now);
                }
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
            if let Ok(mut inner) = rc.try_borrow_mut() {
                inner.settings_problem = Some(why);
            }
        }
    }
    after_event(&rc);
}

async fn get_json(http: &Http, path: &str) -> Result<JsValue, String> {
    match http.call("GET", path, None).await {
        Reply::Response { status, body } if (200..300).contains(&status) => Ok(body),
        Reply::Response { status, .. } => Err(concat(&[
            "GET ",
            path,
            " answered ",
            &dec(u64::from(status)),
        ])),
        Reply::Failed(why) => Err(concat(&["GET ", path, " failed: ", &why])),
    }
}

async fn fetch_policy(http: &Http) -> Result<Policy, String> {
    let timeout = get_json(http, "/api/v2/tokens/timeout").await?;
    let settings = get_json(http, "/api/v2/organizations/authentication/settings").await?;
    let org = get_json(http, "/api/v2/organizations/me").await?;
    let hipaa = Reflect::get(&org, &JsValue::from_str("features"))
        .and_then(|f| Reflect::get(&f, &JsValue::from_str("hipaa")))
        .ok()
        .and_then(|h| h.as_bool())
        .unwrap_or(false);
    let policy = Object::new();
    let _ = Reflect::set(&policy, &JsValue::from_str("idleTokenTimeout"), &timeout);
    let _ = Reflect::set(&policy, &JsValue::from_str("authSettings"), &settings);
    let _ = Reflect::set(
        &policy,
        &JsValue::from_str("hipaa"),
        &JsValue::from_bool(hipaa),
    );
    options::parse_policy(&policy.into(), "the organization's settings").map_err(|e| match e {
        JsError::Type(m) | JsError::Range(m) => m,
    })
}

async fn fetch_user(http: &Http) -> Result<User, String> {
    let me = get_json(http, "/api/v2/users/me?expand=groups").await?;
    let id = Reflect::get(&me, &JsValue::from_str("id"))
        .ok()
        .and_then(|v| v.as_string())
        .ok_or("users/me has no id")?;
    let groups = Reflect::get(&me, &JsValue::from_str("groups"))
        .ok()
        .filter(Array::is_array)
        .map(|g| {
            Array::from(&g)
                .iter()
                .filter_map(|g| Reflect::get(&g, &JsValue::from_str("id")).ok()?.as_string())
                .collect()
        })
        .unwrap_or_default();
    Ok(User { id, groups })
}

/// The inactivity tracker of one page. Start it once with [`InactivityTracker::start`].
#[wasm_bindgen]
pub struct InactivityTracker {
    inner: Rc<RefCell<Inner>>,
}

#[wasm_bindgen]
impl InactivityTracker {
    /// Starts tracking: counts the page's API calls as activity and logs the user out when idle.
    /// Throws a `TypeError`/`RangeError` naming the option to fix; nothing starts then.
    pub fn start(options: TrackerOptions) -> Result<InactivityTracker, JsValue> {
        let options = options::parse(options.as_ref())?;
        let running = RUNNING
            .with(|r| r.upgrade())
            .flatten()
            .is_some_and(|t| t.try_borrow().map_or(true, |t| !t.stopped));
        if running {
            return Err(js_sys::Error::new(
                "InactivityTracker.start: a tracker is already running on this page; call stop() on it first",
            )
            .into());
        }
        let window = web_sys::window()
            .ok_or_else(|| JsError::Type("InactivityTracker needs a browser window".into()))?;
        let base = window
            .document()
            .and_then(|d| d.base_uri().ok().flatten())
            .unwrap_or_else(|| window.location().href().unwrap_or_default());
        let scope = ApiScope::new(&base, &options.api_bases)
            .map_err(|e| JsError::Range(concat(&["option \"apiBases\": ", &e.message()])))?;
        let now = now_ms();
        let resolution = match (&options.policy, &options.user) {
            (Some(policy), Some(user)) => Some(resolve(policy, &user.groups)),
            _ => None,
        };
        let machine = IdleMachine::new(idle_config(resolution.as_ref(), options.warning_ms), now);
        let http = Http::new(
            api_root(&options.api_bases),
            options.access_token.clone(),
            options.request_timeout_ms,
        );
        let needs_fetch = resolution.is_none();
        let mut options = options;
        let policy = options.policy.take();
        let user = options.user.clone();
        let ledger = Ledger::new(options.ledger_size);
        leader::release_kept();
        let sync = TabSync::new(random_u64(), now);
        let inner = Rc::new_cyclic(|weak| {
            RefCell::new(Inner {
                options,
                policy,
                resolution,
                scope,
                machine,
                sync,
                link: None,
                started_ms: now,
                local_activity_ms: None,
                ledger,
                cache: Map::default(),
                timer: OneTimer::default(),
                listeners: Vec::new(),
                sink: None,
                status_sink: None,
                verifying_token: false,
                settings_problem: None,
                http,
                user,
                stopped: false,
                logging_out: false,
                weak: weak.clone(),
            })
        });
        let weak = Rc::downgrade(&inner);
        let sink_weak = weak.clone();
        let sink = Sink::new(move |url: String, method: String, at: f64| {
            let Some(rc) = sink_weak.upgrade() else {
                return;
            };
            let effect = match rc.try_borrow_mut() {
                Ok(mut inner) => inner.record(url, method, at.max(0.0) as u64),
                Err(_) => None,
            };
            if let Some(effect) = effect {
                run(&rc, effect);
            }
            after_event(&rc);
        });
        let status_weak = weak.clone();
        let status_sink = StatusSink::new(move |url: String, _status: u16| {
            if let Some(rc) = status_weak.upgrade() {
                on_unauthorized(&rc, &url);
            }
        });
        install_interception();
        let queued = attach_sink(
            sink.as_ref().unchecked_ref(),
            status_sink.as_ref().unchecked_ref(),
        )?;
        fallback::install_panic_hook();
        {
            let mut state = inner.borrow_mut();
            state.listeners = wake_listeners(&window, &weak);
            let origins = state.options.parent_origins.clone();
            state
                .listeners
                .extend(host_listener(&window, &weak, origins));
            // Before the queued calls: a new tab starts from the session's last activity, then
            // its own calls count on top (and are told to the others).
            state.open_link(&window, now);
            state.sink = Some(sink);
            state.status_sink = Some(status_sink);
            for call in queued.iter() {
                let call = Array::from(&call);
                let url = call.get(0).as_string().unwrap_or_default();
                let method = call.get(1).as_string().unwrap_or_default();
                let at = call.get(2).as_f64().unwrap_or(0.0).max(0.0) as u64;
                // Calls made before start(): recorded as of when they happened.
                let _ = state.record(url, method, at);
            }
        }
        fallback::update(
            &inner.borrow().options.login_url,
            inner.borrow().machine.config().timeout_ms,
        );
        let _ = RUNNING.with(|r| *r = weak);
        if needs_fetch {
            wasm_bindgen_futures::spawn_local(fetch_missing(inner.clone()));
        }
        let origins = inner.borrow().options.parent_origins.clone();
        after_event(&inner);
        // Embedded: the host learns that the client is signed in and tracking (again).
        embed::post_to_parent(&origins, "resumed", None);
        Ok(InactivityTracker { inner })
    }

    /// Stops tracking: removes the interception (or leaves a pass-through when another wrapper
    /// sits on top), the timer and the listeners. Idempotent.
    pub fn stop(&self) {
        let mut inner = self.inner.borrow_mut();
        if inner.stopped {
            return;
        }
        inner.stopped = true;
        inner.timer.cancel();
        inner.listeners.clear();
        inner.link = None;
        uninstall_interception();
        inner.sink = None;
        inner.status_sink = None;
    }

    /// Simulates a failure inside the tracker (a Rust panic), to test what an app does when the
    /// tracker breaks: the app's requests keep working, and the fail-closed fallback takes over
    /// (any request counts as activity; at the last known timeout the user is sent to the login
    /// page). Throws the resulting `RuntimeError`.
    #[wasm_bindgen(js_name = simulateFailure)]
    pub fn simulate_failure(&self) {
        panic!("simulated failure (tracker.simulateFailure())");
    }

    /// How this tab shares the session with the other tabs of the same client and user:
    /// `{ tabId, transport, sharedStorage }`. `transport` is `"broadcast-channel"`,
    /// `"storage-events"` (no `BroadcastChannel`), `"none"` (the tab is alone), or `null` while
    /// the user id is not known yet; `sharedStorage` tells whether the shared last activity and
    /// logout record in `localStorage` are usable (not in a cross-site iframe that denies
    /// storage).
    #[wasm_bindgen(
        js_name = tabs,
        unchecked_return_type = "{ tabId: string; transport: \"broadcast-channel\" | \"storage-events\" | \"none\" | null; sharedStorage: boolean }"
    )]
    pub fn tabs(&self) -> JsValue {
        let inner = self.inner.borrow();
        let value = Object::new();
        let set = |key: &str, v: &JsValue| {
            let _ = Reflect::set(&value, &JsValue::from_str(key), v);
        };
        set("tabId", &JsValue::from_str(inner.sync.id()));
        match &inner.link {
            Some(link) => {
                set("transport", &JsValue::from_str(link.transport().as_str()));
                set("sharedStorage", &JsValue::from_bool(link.shared().storage));
            }
            None => {
                set("transport", &JsValue::NULL);
                set("sharedStorage", &JsValue::FALSE);
            }
        }
        value.into()
    }

    /// Milliseconds until the idle logout, or `null` when no timeout applies to this user.
    #[wasm_bindgen(js_name = remainingMs, unchecked_return_type = "number | null")]
    pub fn remaining_ms(&self) -> JsValue {
        let inner = self.inner.borrow();
        match inner.machine.remaining_ms(now_ms()) {
            Some(ms) => JsValue::from_f64(ms as f64),
            None => JsValue::NULL,
        }
    }

    /// Which rule set this user's timeout, and why: the resolution plus a `message` sentence.
    pub fn explain(&self) -> Explanation {
        let inner = self.inner.borrow();
        let value = match &inner.resolution {
            Some(r) => explanation_js(r.timeout_seconds, r.source.as_str(), Some(r), &r.explain()),
            None => {
                let message = match &inner.settings_problem {
                    None => String::from(
                        "The settings are not loaded yet; a 15-minute fallback timeout applies.",
                    ),
                    Some(why) => concat(&[
                        "The settings could not be used (",
                        why,
                        "); a 15-minute fallback timeout applies.",
                    ]),
                };
                let seconds = (FALLBACK_TIMEOUT_MS / 1000) as u32;
                explanation_js(Some(seconds), "fallback", None, &message)
            }
        };
        value.unchecked_into()
    }

    /// The last requests seen, oldest first: time, method, URL, path, counted or excluded and by
    /// which entry.
    #[wasm_bindgen(js_name = activityLog)]
    pub fn activity_log(&self) -> LedgerEntries {
        let inner = self.inner.borrow();
        let entries: Array = inner.ledger.entries().map(entry_js).collect();
        entries.unchecked_into()
    }

    /// "Stay signed in": counts as activity now and makes an API call that also resets the
    /// server's idle deadline. Resolves to `true` when the server answered 2xx.
    #[wasm_bindgen(js_name = staySignedIn)]
    pub fn stay_signed_in(&self) -> BoolPromise {
        let rc = self.inner.clone();
        {
            let mut inner = rc.borrow_mut();
            if !inner.stopped && !inner.logging_out {
                let inner = &mut *inner;
                let now = now_ms();
                inner.local_activity_ms = Some(now);
                // Told to the other tabs too: their warnings clear.
                inner.sync.handle_local_activity(&mut inner.machine, now);
            }
        }
        after_event(&rc);
        let http = rc.borrow().http.clone();
        future_to_promise(async move {
            let reply = http.call("GET", "/api/v2/tokens/me", None).await;
            if let Reply::Response { status: 401, .. } = reply {
                if let Ok(mut inner) = rc.try_borrow_mut() {
                    inner
                        .machine
                        .handle_logout(LogoutReason::ServerRevoked, now_ms());
                }
                after_event(&rc);
            }
            Ok(JsValue::from_bool(reply.ok()))
        })
        .unchecked_into()
    }
}
