//! One browser tab's tracker, sans-IO: [`Tab`] owns every decision the tab makes, and a driver
//! (the package's JS, or a test) only carries them out.
//!
//! A tab takes inputs — a request the page made, the timer or a wake-up event, a message from
//! another tab, a lock granted, a call answered, the page hidden or shown, a hold taken or
//! released, a stop — through `handle_*` and the other `&mut self` methods, each with the
//! current time (`now_ms`, wall-clock ms since the epoch). It gives back instructions through
//! [`Tab::poll`] ([`Output`]: make a call, post a message, write a key, request the lock, run a
//! hook, tell the app or the embedding page, navigate) and the one instant it wants to be woken
//! at through [`Tab::poll_timeout`] (quinn's `Connection` pattern). Inside, it drives the idle
//! machine ([`IdleMachine`]), the cross-tab sync ([`TabSync`]), the settings ([`Settings`]: the
//! 15-minute fallback until they load), the link to the other tabs, the own calls and what their
//! answers mean, and the logout plan ([`LogoutPlan`]).
//!
//! # Driving it
//!
//! After every input, drain [`Tab::poll`] and carry out each instruction in order (some ask for
//! an answer at once: [`Output::ReadToken`], [`Output::ListStorage`]), then arm the one timer at
//! [`Tab::poll_timeout`] if it changed. When the timer fires, or the page may have been unable to
//! run (`visibilitychange`, `focus`, `pageshow`, `resume`, `online`), call [`Tab::handle_wake`]
//! with what the shared storage holds under the link's keys.
//!
//! ```
//! use inactivity_core::json::parse;
//! use inactivity_core::tab::{Output, Tab};
//!
//! let config = parse(r#"{"loginUrl":"/login","base":"https://app.example/","origin":"https://app.example",
//!   "warningMs":60000,"random":"00000000000000aa",
//!   "policy":{"idleTokenTimeout":{"enableIdleTokenTimeout":true,"idleTokenTimeoutSeconds":300}},
//!   "user":{"id":"u1","groups":[]}}"#).unwrap();
//! let mut tab = Tab::new(&config, 0).unwrap();
//! while let Some(output) = tab.poll() {
//!     if output == Output::ReadToken { tab.handle_token("", 0); }
//! }
//! assert_eq!(tab.poll_timeout(), Some(240_000)); // the warning point
//! assert!(tab.handle_request("/api/v2/routing/queues", "GET", 10_000, 10_000).is_some());
//! assert_eq!(tab.remaining_ms(10_000), Some(300_000));
//! ```
//!
//! The rules a tab follows are written where they live: the machine's deadlines in
//! [`crate::idle`], the cross-tab messages and storage in [`crate::tabs`], the logout in
//! [`crate::logout`], the return location in [`crate::return_to`], the settings in
//! [`crate::policy`].

#![deny(
    clippy::arithmetic_side_effects,
    clippy::indexing_slicing,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic
)]

mod answers;
mod calls;
mod collect;
mod config;
mod date;
mod host;
mod link;
mod log;
mod logout;
mod output;
mod report;
mod settings;

pub use calls::Answer;
pub use config::{Config, StartError};
pub use date::parse_date;
pub use link::Transport;
pub use output::{CallId, Hook, LinkSpec, Notice, Output, OwnCall};
pub use settings::{Settings, User, FALLBACK_TIMEOUT_MS};

use alloc::{string::String, vec::Vec};

use crate::idle::{HoldError, HoldId, IdleConfig, IdleMachine, DEFAULT_SLEPT_TOLERANCE_MS};
use crate::json::Value;
use crate::logout::{LogoutPlan, TOKEN_CHECK_PATH};
use crate::policy::Policy;
use crate::reason::LogoutReason;
use crate::tabs::TabSync;
use crate::text::concat;
use crate::url::ApiScope;

use calls::{Calls, Purpose};
use link::Link;

/// Where a tab is in its life.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Life {
    /// Tracking.
    Running,
    /// Logging out: requests are no longer recorded, no timer runs.
    LoggingOut,
    /// Stopped (`stop()`): nothing more happens.
    Stopped,
}

/// The tracker of one browser tab. See the [module docs](self).
#[derive(Debug)]
pub struct Tab {
    config: Config,
    scope: ApiScope,
    api_root: String,
    life: Life,
    settings: Settings,
    user: Option<User>,
    machine: IdleMachine,
    sync: TabSync,
    link: Option<Link>,
    log: log::Log,
    calls: Calls,
    plan: Option<LogoutPlan>,
    /// When the session ended here (the logout record's time).
    logout_ms: Option<u64>,
    /// `signOut()`: whether to save the page to come back to.
    sign_out_return: Option<bool>,
    /// The Offline presence definition's id, learnt before any logout.
    offline_id: Option<String>,
    /// When this tab started tracking.
    started_ms: u64,
    /// The latest counted request of this tab, if any.
    local_activity_ms: Option<u64>,
    /// The page went away (`pagehide`): no wake-up counts until it shows again.
    gone: bool,
    out: Vec<Output>,
}

/// The idle machine's configuration for a timeout (`None`: none applies) and the options.
fn idle_config(timeout_ms: Option<u64>, config: &Config) -> IdleConfig {
    IdleConfig::new(timeout_ms)
        .with_warning_ms(config.warning_ms)
        .with_slept_tolerance_ms(DEFAULT_SLEPT_TOLERANCE_MS)
        .with_max_hold_ms(config.max_hold_ms)
}

impl Tab {
    /// A tab starting at `now_ms` with the driver's `config` (see [`Config::read`]). Refuses
    /// API bases that are not URLs and a `policy` the settings reader refuses ([`StartError`]).
    /// The first outputs configure the fail-closed fallback, make the calls for what the options
    /// did not give, and open the link to the other tabs when the user is known.
    pub fn new(config: &Value, now_ms: u64) -> Result<Tab, StartError> {
        let config = Config::read(config);
        let scope = ApiScope::new(&config.base, &config.api_bases).map_err(|e| StartError {
            message: concat(&["option \"apiBases\": ", &e.message()]),
            type_error: false,
        })?;
        let policy = match &config.policy {
            Some(value) => Some(Policy::read(value).map_err(|e| StartError {
                message: settings::refusal("option \"policy\"", &e),
                type_error: e.is_type_error(),
            })?),
            None => None,
        };
        let user = config.user.as_ref().and_then(User::read);
        let (settings, parts) = Settings::start(policy, user.as_ref());
        let machine = IdleMachine::new(idle_config(settings.timeout_ms(), &config), now_ms);
        let mut tab = Tab {
            api_root: scope.api_root(),
            scope,
            life: Life::Running,
            settings,
            user,
            machine,
            sync: TabSync::new(config.random, now_ms),
            link: None,
            log: log::Log::new(config.ledger_size),
            calls: Calls::default(),
            plan: None,
            logout_ms: None,
            sign_out_return: None,
            offline_id: None,
            started_ms: now_ms,
            local_activity_ms: None,
            gone: false,
            out: Vec::new(),
            config,
        };
        tab.configure_fallback();
        for part in parts {
            tab.call(Purpose::Settings(part), "GET", part.path());
        }
        tab.call(
            Purpose::PresenceDefinitions,
            "GET",
            crate::logout::PRESENCE_DEFINITIONS_PATH,
        );
        if host::embedded(&tab.config) {
            tab.out.push(Output::ListenToHost);
        }
        if tab.user.is_some() {
            tab.out.push(Output::ReadToken);
        }
        // Embedded: the host learns that the client is signed in and tracking (again).
        let posts = host::post(&tab.config, "resumed", &[]);
        tab.out.extend(posts);
        tab.collect(now_ms);
        Ok(tab)
    }

    // ---- inputs ----

    /// A request the page made to `url` at `at_ms`, a URL the interception does not know by id:
    /// classified, kept, and counted when it is activity. Returns the id the interception may
    /// pass instead of this URL from now on; `None` once the tab no longer records.
    pub fn handle_request(
        &mut self,
        url: &str,
        method: &str,
        at_ms: u64,
        now_ms: u64,
    ) -> Option<u32> {
        if self.life != Life::Running {
            return None;
        }
        let (id, started_over) = self.log.learn(url, self.settings.policy(), &self.scope);
        if started_over {
            self.out.push(Output::ForgetUrls);
        }
        self.handle_known_request(id, method, at_ms, now_ms);
        Some(id)
    }

    /// A request to the URL the interception knows by `id` (see [`Tab::handle_request`]).
    pub fn handle_known_request(&mut self, id: u32, method: &str, at_ms: u64, now_ms: u64) {
        if self.life != Life::Running {
            return;
        }
        let Some(known) = self.log.url(id) else {
            return;
        };
        let entry = known.entry(method, at_ms);
        if known.class.is_activity() {
            // A request recorded before the tab started (queued while the wasm loaded) counts
            // from then, never before what the machine knows: an older time would read as the
            // clock stepping back.
            let at = at_ms
                .max(self.machine.last_activity_ms())
                .min(now_ms.max(at_ms));
            self.local_activity_ms = Some(self.local_activity_ms.map_or(at, |l| l.max(at)));
            self.sync.handle_local_activity(&mut self.machine, at);
            if self.config.on_activity {
                let mut json = String::new();
                log::push_entry(&mut json, &entry);
                self.out.push(Output::Notify(Notice::Activity(json)));
            }
        }
        self.log.push(entry);
        self.collect(now_ms);
    }

    /// An app request to `url` was answered 401. That alone does not prove the token dead (an
    /// app may call an API without a token): the tab asks the server, and only a 401 there logs
    /// out (`server-revoked`). One check at a time; requests outside the API are ignored.
    pub fn handle_unauthorized(&mut self, url: &str, now_ms: u64) {
        if self.life != Life::Running
            || self.calls.in_flight(&Purpose::Verify)
            || self.scope.api_path(url).is_none()
        {
            return;
        }
        self.call(Purpose::Verify, "GET", TOKEN_CHECK_PATH);
        self.collect(now_ms);
    }

    /// The timer fired, or the page may have been unable to run. `last_activity` and `record`:
    /// what the shared storage holds under the link's keys ([`LinkSpec`]), `None` when absent
    /// or without a link.
    pub fn handle_wake(&mut self, last_activity: Option<&str>, record: Option<&str>, now_ms: u64) {
        if self.gone || self.life != Life::Running {
            return;
        }
        let shared = self
            .link
            .as_ref()
            .map(|l| l.shared(last_activity, record))
            .unwrap_or_default();
        self.sync.handle_wake(&mut self.machine, &shared, now_ms);
        self.collect(now_ms);
    }

    /// A message from another tab (untrusted: anything malformed is ignored).
    pub fn handle_message(&mut self, text: &str, now_ms: u64) {
        if self.life != Life::Running || self.link.is_none() {
            return;
        }
        self.sync.handle_message(text, &mut self.machine, now_ms);
        self.collect(now_ms);
    }

    /// The call `id` came back (see [`Answer`]).
    pub fn handle_answer(&mut self, id: CallId, answer: Answer, now_ms: u64) {
        if let Some(purpose) = self.calls.close(id) {
            self.answered(purpose, id, answer, now_ms);
            self.collect(now_ms);
        }
    }

    /// The logout lock was granted (`granted`), or this page has no Web Locks (or they were
    /// denied).
    pub fn handle_lock(&mut self, granted: bool, now_ms: u64) {
        self.lock_answered(granted, now_ms);
    }

    /// The awaited hook ended (returned, threw, or ran past its bound).
    pub fn handle_hook_done(&mut self, now_ms: u64) {
        self.hook_done(now_ms);
    }

    /// A `message` event on the window: its origin, whether it came from the parent window, and
    /// its `data.type` when it is a string. The host's logout request logs out (`host-request`).
    pub fn handle_host_message(
        &mut self,
        origin: &str,
        from_parent: bool,
        kind: &str,
        now_ms: u64,
    ) {
        if self.life == Life::Running
            && host::is_logout_request(&self.config, origin, from_parent, kind)
        {
            self.machine
                .handle_logout(LogoutReason::HostRequest, now_ms);
            self.collect(now_ms);
        }
    }

    /// The page is being hidden for good or put in the back/forward cache (`pagehide`): what
    /// it has not told the others goes out now, a goodbye ends its holds in the other tabs, and
    /// if it held the session, one call lets the server's deadline run from now too.
    pub fn handle_page_hide(
        &mut self,
        last_activity: Option<&str>,
        record: Option<&str>,
        now_ms: u64,
    ) {
        if self.life != Life::Running {
            return;
        }
        self.handle_wake(last_activity, record, now_ms);
        self.go_away(now_ms);
    }

    /// The page shows again (`pageshow`): it counts again, and announces its holds anew.
    pub fn handle_page_show(
        &mut self,
        last_activity: Option<&str>,
        record: Option<&str>,
        now_ms: u64,
    ) {
        self.gone = false;
        self.handle_wake(last_activity, record, now_ms);
    }

    /// `tracker.hold(label)`: a hold of this tab, announced to the others.
    pub fn hold(&mut self, label: &str, now_ms: u64) -> Result<HoldId, HoldError> {
        if self.life != Life::Running {
            return Err(HoldError::LoggedOut);
        }
        let id = self.sync.begin_hold(&mut self.machine, label, now_ms);
        self.collect(now_ms);
        id
    }

    /// `hold.release()`: the hold `id` of this tab ends; returns whether it was active.
    pub fn release(&mut self, id: HoldId, now_ms: u64) -> bool {
        if self.life != Life::Running {
            return false;
        }
        let found = self.sync.release_hold(&mut self.machine, id, now_ms);
        self.collect(now_ms);
        found
    }

    /// `staySignedIn()`: activity now (told to the other tabs), and a counted call of the
    /// tracker's own so the server's deadline moves too; [`Output::Settled`] says how it went.
    pub fn stay_signed_in(&mut self, now_ms: u64) -> CallId {
        if self.life == Life::Running {
            self.local_activity_ms = Some(now_ms);
            self.sync.handle_local_activity(&mut self.machine, now_ms);
        }
        let id = self.call(Purpose::Stay, "GET", "/api/v2/tokens/me");
        self.collect(now_ms);
        id
    }

    /// `signOut()`: the user's own sign-out, the same sequence as an idle logout with reason
    /// `user`; the page to come back to is saved only when `save_return`.
    pub fn sign_out(&mut self, save_return: bool, now_ms: u64) {
        if self.life == Life::Running {
            self.sign_out_return = Some(save_return);
            self.machine.handle_logout(LogoutReason::User, now_ms);
            self.collect(now_ms);
        }
    }

    /// `stop()`: the tab stops; its holds end in the other tabs (and, as for a page going away,
    /// one call lets the server's deadline run from now). Idempotent.
    pub fn stop(&mut self, now_ms: u64) {
        if self.life == Life::Running {
            self.go_away(now_ms);
        }
        if self.plan.as_ref().is_some_and(LogoutPlan::holds_lock) {
            self.out.push(Output::ReleaseLock);
        }
        self.plan = None;
        self.life = Life::Stopped;
    }

    // ---- outputs ----

    /// The next instruction, oldest first; `None` when there is nothing to do.
    pub fn poll(&mut self) -> Option<Output> {
        (!self.out.is_empty()).then(|| self.out.remove(0))
    }

    /// Whether [`Tab::poll`] has something.
    pub fn has_output(&self) -> bool {
        !self.out.is_empty()
    }

    /// The one instant (ms since the epoch) at which to call [`Tab::handle_wake`]; `None` when
    /// nothing is due (no timeout applies and nothing is held, or the tab is logging out, stopped,
    /// or gone until it shows again). Possibly earlier than needed (a wake-up with nothing due is a no-op), never
    /// later. A browser waits at most 2³¹−1 ms in one `setTimeout`: clamp, and the early wake-up
    /// does nothing.
    pub fn poll_timeout(&self) -> Option<u64> {
        // Gone (`pagehide`): a wake-up would do nothing until the page shows again — a deadline
        // asked for meanwhile would fire again and again at the same instant.
        if self.life != Life::Running || self.gone {
            return None;
        }
        match (self.machine.poll_timeout(), self.sync.poll_timeout()) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        }
    }

    // ---- questions ----

    /// Milliseconds until the idle logout at `now_ms`, `None` when no timeout applies.
    pub fn remaining_ms(&self, now_ms: u64) -> Option<u64> {
        self.machine.remaining_ms(now_ms)
    }

    /// `explain()` as JSON: `{ timeoutSeconds, source, bundlePriority, groupId, hipaaCapped,
    /// message, holds }` (`source: "fallback"` until the settings are known, with why).
    pub fn explain(&self) -> String {
        report::explanation(&self.settings, &self.machine)
    }

    /// `activityLog()` as JSON: the requests and the holds' begins and ends, oldest first.
    pub fn activity_log(&self) -> String {
        self.log.json()
    }

    /// `tabs()` as JSON: `{ tabId, transport, sharedStorage }`.
    pub fn tabs(&self) -> String {
        report::tabs(self.sync.id(), self.link.as_ref())
    }

    /// Whether the tab still tracks (not logging out, not stopped).
    pub fn running(&self) -> bool {
        self.life == Life::Running
    }

    /// The idle machine, for diagnostics and tests.
    pub fn machine(&self) -> &IdleMachine {
        &self.machine
    }

    /// The settings in force, for diagnostics and tests.
    pub fn settings(&self) -> &Settings {
        &self.settings
    }

    // ---- inside ----

    /// Opens a call for `purpose`: `method` on the API root + `path`, bounded by the option.
    fn call(&mut self, purpose: Purpose, method: &'static str, path: &str) -> CallId {
        self.call_within(purpose, method, path, self.config.request_timeout_ms)
    }

    fn call_within(
        &mut self,
        purpose: Purpose,
        method: &'static str,
        path: &str,
        bound_ms: u64,
    ) -> CallId {
        let id = self.calls.open(purpose);
        self.out.push(Output::Call(OwnCall {
            id,
            method,
            url: concat(&[&self.api_root, path]),
            body: None,
            bound_ms,
        }));
        id
    }

    /// The settings changed what applies: the machine's config, the fallback's, and what the
    /// URLs seen so far mean.
    fn settings_changed(&mut self, now_ms: u64) {
        let config = idle_config(self.settings.timeout_ms(), &self.config);
        self.machine.set_config(config, now_ms);
        self.log.forget_urls();
        self.out.push(Output::ForgetUrls);
        self.configure_fallback();
        if let Settings::Failed(why) = &self.settings {
            let message = concat(&[
                "inactivity-timeout: ",
                why,
                "; the 15-minute fallback timeout applies",
            ]);
            self.out.push(Output::Warn(message));
        }
    }

    fn configure_fallback(&mut self) {
        let patterns = self
            .settings
            .policy()
            .map(|p| p.exclusions().patterns())
            .unwrap_or_default();
        self.out.push(Output::ConfigureFallback {
            timeout_ms: self.settings.timeout_ms(),
            bases: self.scope.base_prefixes(),
            patterns,
        });
    }

    /// This tab is going away (`pagehide`, `stop()`): a goodbye ends its holds in the others,
    /// and if it held the session, one keep-alive lets the server's deadline run from now.
    fn go_away(&mut self, now_ms: u64) {
        let held = self.machine.holds().any(|h| h.tab.is_none());
        self.sync.handle_page_hide();
        self.gone = true;
        self.drain_sync();
        if held {
            self.call(Purpose::KeepAlive, "GET", "/api/v2/tokens/me");
        }
        let _ = now_ms;
    }

    /// The learnt user opens the link (the token names the session).
    fn user_known(&mut self, user: User) {
        if self.user.is_none() {
            self.user = Some(user);
            self.out.push(Output::ReadToken);
        }
    }
}
