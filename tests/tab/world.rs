//! A virtual browser and a virtual platform server for `Tab`s, driven the way the JS driver
//! drives them: every output is carried out (calls go to the server, messages to the other tabs,
//! storage is one shared map, the logout lock is a FIFO Web Lock), every answer comes back as
//! an input, and one timer per tab is armed at `poll_timeout()`.
//!
//! Two clocks, as in a browser under a test clock or waking from sleep: **page time** (what
//! `Date.now()` and the tabs' timers see) and **real time** (what the network and the driver's
//! bounds see). They move together in [`World::run`]; [`World::burst`] moves page time alone —
//! every timer due meanwhile fires at once while no answer can arrive — as Playwright's clock
//! running minutes in one call, or a laptop waking.

use std::collections::{BTreeMap, VecDeque};

use inactivity_core::json::{parse, Value};
use inactivity_core::tab::{Answer, CallId, Hook, LinkSpec, Notice, Output, OwnCall, Tab};
use inactivity_core::tabs::replaces_stored;

pub const SEC: u64 = 1_000;
pub const MIN: u64 = 60 * SEC;
/// The timeout of the scenarios (the platform's minimum) and its warning lead.
pub const T: u64 = 5 * MIN;
pub const USER: &str = "u1";
/// Wall-clock ms at the start of every scenario.
pub const START: u64 = 1_700_000_000_000;
pub const TOKEN: &str = "token-1";

/// One tab's page.
pub struct Page {
    pub tab: Tab,
    pub timer: Option<u64>,
    pub frozen: bool,
    /// Closed or navigated away: runs nothing, hears nothing.
    pub gone: bool,
    pub link: Option<LinkSpec>,
    pub notices: Vec<(u64, Notice)>,
    pub navigated: Option<(String, bool)>,
    pub settled: Vec<(CallId, bool)>,
    /// The app's beforeLogout takes this long (real ms); `None`: answers at once.
    pub hook_ms: Option<u64>,
    /// Calls of this page that never get an answer (the network swallows them).
    pub hang: Vec<&'static str>,
    pub posted_to_parent: Vec<String>,
}

impl Page {
    pub fn reason(&self) -> Option<String> {
        self.notices.iter().find_map(|(_, n)| match n {
            Notice::Logout(r) => Some(r.as_str().to_owned()),
            _ => None,
        })
    }

    pub fn warned(&self) -> bool {
        self.notices
            .iter()
            .any(|(_, n)| matches!(n, Notice::Warning(_)))
    }
}

/// What the server counts.
pub struct Server {
    /// The server's idle timeout (its deadline: the last counted call + this).
    pub timeout: u64,
    /// How long after its deadline the server revokes an idle token (its sweep runs now and
    /// then): the client's logout calls at its own expiry find the token alive.
    pub grace: u64,
    /// The server's clock, ms since the epoch: follows page time unless `hold_clock`.
    pub now: u64,
    pub hold_clock: bool,
    pub last_use: u64,
    pub revoked: bool,
    pub routing: String,
    pub presence: String,
    /// Every request, `METHOD path`, in the order it arrived.
    pub log: Vec<String>,
}

impl Server {
    fn handle(&mut self, call: &OwnCall) -> (u16, String) {
        let path = call
            .url
            .strip_prefix("https://app.example")
            .unwrap_or(&call.url)
            .to_owned();
        self.log.push(format!("{} {}", call.method, path));
        if self.now >= self.last_use + self.timeout + self.grace {
            self.revoked = true;
        }
        if self.revoked {
            return (401, String::new());
        }
        let deadline = |ms: u64| format!(r#"{{"dateTokenIdles":"{}"}}"#, iso(ms));
        match (call.method, path.as_str()) {
            ("GET", "/api/v2/tokens/me?preserveIdleTTL=true") => {
                (200, deadline(self.last_use + self.timeout))
            }
            ("GET", "/api/v2/tokens/me") => {
                self.last_use = self.now;
                (200, deadline(self.last_use + self.timeout))
            }
            ("GET", "/api/v2/presencedefinitions") => (
                200,
                r#"{"entities":[{"id":"avail","systemPresence":"Available"},{"id":"off","systemPresence":"Offline"}]}"#.into(),
            ),
            ("PUT", p) if p.ends_with("/routingstatus") => {
                self.routing = "OFF_QUEUE".into();
                (200, "{}".into())
            }
            ("PATCH", p) if p.ends_with("/presences/purecloud") => {
                self.presence = "Offline".into();
                (200, "{}".into())
            }
            ("DELETE", "/api/v2/tokens/me") => {
                self.revoked = true;
                (204, String::new())
            }
            _ => (200, "{}".into()),
        }
    }

    /// The logout calls, in the order they arrived.
    pub fn logout_calls(&self) -> Vec<&str> {
        self.log
            .iter()
            .map(String::as_str)
            .filter(|c| {
                c.starts_with("PUT ") || c.starts_with("PATCH ") || c.starts_with("DELETE ")
            })
            .collect()
    }
}

/// `YYYY-MM-DDTHH:MM:SS.mmmZ` for the server's answers.
pub fn iso(ms: u64) -> String {
    let secs = ms / 1000;
    let days = (secs / 86_400) as i64;
    let rem = secs % 86_400;
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}.{:03}Z",
        rem / 3600,
        rem % 3600 / 60,
        rem % 60,
        ms % 1000
    )
}

enum Event {
    /// A call reaches the server.
    Arrive(usize, OwnCall),
    /// Its answer reaches the page.
    Answer(usize, CallId, Answer),
    /// A call's bound passed (elapsed time) without an answer.
    Bound(usize, CallId),
    Message(usize, String),
    HookDone(usize),
    Granted(usize),
}

pub struct World {
    /// Page time.
    pub now: u64,
    /// Real time.
    pub real: u64,
    pub pages: Vec<Page>,
    pub storage: BTreeMap<String, String>,
    pub storage_ok: bool,
    pub channel_ok: bool,
    pub locks_ok: bool,
    pub server: Server,
    events: Vec<(u64, u64, Event)>,
    seq: u64,
    lock_name: Option<String>,
    lock_holder: Option<usize>,
    lock_queue: VecDeque<usize>,
    /// Calls answered or failed, per page (so a late answer after a bound is dropped).
    settled_calls: Vec<(usize, CallId)>,
    pub latency: u64,
    pub config: String,
}

impl World {
    /// A world with the org-wide timeout `T`, the agent On Queue and Available.
    pub fn new() -> World {
        World {
            now: START,
            real: 0,
            pages: Vec::new(),
            storage: BTreeMap::new(),
            storage_ok: true,
            channel_ok: true,
            locks_ok: true,
            server: Server {
                timeout: T,
                grace: 30 * SEC,
                now: START,
                hold_clock: false,
                last_use: START,
                revoked: false,
                routing: "IDLE".into(),
                presence: "Available".into(),
                log: Vec::new(),
            },
            events: Vec::new(),
            seq: 0,
            lock_name: None,
            lock_holder: None,
            lock_queue: VecDeque::new(),
            settled_calls: Vec::new(),
            latency: 40,
            config: default_config(""),
        }
    }

    fn at(&mut self, real: u64, event: Event) {
        self.seq += 1;
        self.events.push((real, self.seq, event));
    }

    /// Opens a tab now with the world's config (the driver's JSON, see [`default_config`]).
    pub fn open(&mut self) -> usize {
        let mut config = self.config.clone();
        config = config
            .replace(
                "\"storage\":true",
                &format!("\"storage\":{}", self.storage_ok),
            )
            .replace(
                "\"channel\":true",
                &format!("\"channel\":{}", self.channel_ok),
            )
            .replace("\"locks\":true", &format!("\"locks\":{}", self.locks_ok))
            .replace("RANDOM", &format!("{:016x}", 0xa0 + self.pages.len()));
        let tab = Tab::new(&parse(&config).expect("config JSON"), self.now).expect("a tab");
        self.pages.push(Page {
            tab,
            timer: None,
            frozen: false,
            gone: false,
            link: None,
            notices: Vec::new(),
            navigated: None,
            settled: Vec::new(),
            hook_ms: None,
            hang: Vec::new(),
            posted_to_parent: Vec::new(),
        });
        let i = self.pages.len() - 1;
        self.serve(i);
        i
    }

    fn shared(&self, i: usize) -> (Option<String>, Option<String>) {
        match (&self.pages[i].link, self.storage_ok) {
            (Some(link), true) => (
                self.storage.get(&link.last_activity_key).cloned(),
                self.storage.get(&link.logout_key).cloned(),
            ),
            _ => (None, None),
        }
    }

    /// A request of the app in tab `i` now (counted when it is activity). The server sees it
    /// too when it is an API call.
    pub fn request(&mut self, i: usize, url: &str) {
        assert!(self.runs(i));
        let now = self.now;
        self.pages[i].tab.handle_request(url, "GET", now, now);
        if url.contains("/api/") && !self.server.revoked {
            self.server.last_use = self.server.now;
        }
        self.serve(i);
    }

    /// The timer fired, or a wake event.
    pub fn wake(&mut self, i: usize) {
        let (last, record) = self.shared(i);
        let now = self.now;
        self.pages[i]
            .tab
            .handle_wake(last.as_deref(), record.as_deref(), now);
        self.serve(i);
    }

    /// `tracker.hold(label)` in tab `i` now; the hold's id.
    pub fn hold(&mut self, i: usize, label: &str) -> inactivity_core::idle::HoldId {
        let now = self.now;
        let id = self.pages[i].tab.hold(label, now).expect("a hold");
        self.serve(i);
        id
    }

    /// How many requests the server saw whose line contains `part`.
    pub fn seen(&self, part: &str) -> usize {
        self.server.log.iter().filter(|c| c.contains(part)).count()
    }

    pub fn runs(&self, i: usize) -> bool {
        !self.pages[i].frozen && !self.pages[i].gone
    }

    /// Carries out every output of tab `i`, then re-arms its timer.
    pub fn serve(&mut self, i: usize) {
        while let Some(output) = self.pages[i].tab.poll() {
            // Every output has a wire form the JS driver parses.
            assert!(parse(&output.encode()).is_some(), "{output:?}");
            self.carry_out(i, output);
        }
        let page = &mut self.pages[i];
        page.timer = if page.gone {
            None
        } else {
            page.tab.poll_timeout()
        };
    }

    fn carry_out(&mut self, i: usize, output: Output) {
        let now = self.now;
        let real = self.real;
        match output {
            Output::Call(call) => {
                let hangs = self.pages[i].hang.iter().any(|h| call.url.contains(h));
                self.at(real + call.bound_ms, Event::Bound(i, call.id));
                if !hangs {
                    self.at(real + self.latency / 2, Event::Arrive(i, call));
                }
            }
            Output::ReadToken => self.pages[i].tab.handle_token(TOKEN, now),
            Output::OpenLink(link) => {
                self.pages[i].link = Some(link);
                let (last, record) = self.shared(i);
                self.pages[i]
                    .tab
                    .handle_link_opened(last.as_deref(), record.as_deref(), now);
            }
            Output::Broadcast(text) => {
                for to in 0..self.pages.len() {
                    if to != i && !self.pages[to].gone && self.pages[to].link.is_some() {
                        self.at(real + 5, Event::Message(to, text.clone()));
                    }
                }
            }
            Output::StoreLastActivity { key, at_ms } => {
                let stored = self.storage.get(&key).and_then(|v| v.parse().ok());
                if self.storage_ok && replaces_stored(stored, at_ms, now) {
                    self.storage.insert(key, at_ms.to_string());
                }
            }
            Output::Store { key, value } => {
                if self.storage_ok {
                    self.storage.insert(key, value);
                }
            }
            Output::Unstore(key) => {
                self.storage.remove(&key);
            }
            Output::ListStorage(prefix) => {
                let pairs: Vec<(String, String)> = self
                    .storage
                    .iter()
                    .filter(|(k, _)| k.starts_with(&prefix))
                    .map(|(k, v)| (k.clone(), v.clone()))
                    .collect();
                self.pages[i].tab.handle_storage_listing(&pairs, now);
            }
            Output::RequestLock(name) => {
                self.lock_name = Some(name);
                if self.lock_holder.is_none() && self.lock_queue.is_empty() {
                    self.lock_holder = Some(i);
                    self.at(real, Event::Granted(i));
                } else {
                    self.lock_queue.push_back(i);
                }
            }
            Output::ReleaseLock => self.release_lock(i),
            Output::Notify(notice) => self.pages[i].notices.push((now, notice)),
            Output::RunHook { hook, bound_ms, .. } => {
                let ms = match hook {
                    Hook::BeforeLogout => self.pages[i].hook_ms.unwrap_or(0),
                    Hook::ClearTokens => 0,
                };
                self.at(real + ms.min(bound_ms), Event::HookDone(i));
            }
            Output::PostToParent { message, .. } => self.pages[i].posted_to_parent.push(message),
            Output::ListenToHost | Output::ConfigureFallback { .. } | Output::ForgetUrls => {}
            Output::Warn(_) => {}
            Output::Navigate {
                login_url,
                save_return,
            } => {
                self.pages[i].navigated = Some((login_url, save_return));
                self.leave(i);
            }
            Output::Settled { id, ok } => self.pages[i].settled.push((id, ok)),
        }
    }

    fn release_lock(&mut self, i: usize) {
        if self.lock_holder == Some(i) {
            self.lock_holder = self.lock_queue.pop_front();
            if let Some(next) = self.lock_holder {
                let real = self.real;
                self.at(real, Event::Granted(next));
            }
        }
        self.lock_queue.retain(|&q| q != i);
    }

    /// The page is gone (navigated, closed): the browser releases its lock.
    fn leave(&mut self, i: usize) {
        self.pages[i].gone = true;
        self.pages[i].timer = None;
        self.release_lock(i);
    }

    /// Tab `i` is closed: `pagehide`, then nothing.
    pub fn close(&mut self, i: usize) {
        let (last, record) = self.shared(i);
        let now = self.now;
        self.pages[i]
            .tab
            .handle_page_hide(last.as_deref(), record.as_deref(), now);
        self.serve(i);
        self.leave(i);
    }

    fn next_event(&self, until_real: u64) -> Option<usize> {
        self.events
            .iter()
            .enumerate()
            .filter(|(_, (t, _, e))| *t <= until_real && !self.waits(e))
            .min_by_key(|(_, (t, s, _))| (*t, *s))
            .map(|(k, _)| k)
    }

    /// Events for a frozen page wait until it thaws.
    fn waits(&self, event: &Event) -> bool {
        let to = match event {
            Event::Answer(i, ..)
            | Event::Bound(i, _)
            | Event::Message(i, _)
            | Event::HookDone(i)
            | Event::Granted(i) => *i,
            Event::Arrive(..) => return false,
        };
        self.pages[to].frozen
    }

    fn handle(&mut self, event: Event) {
        let now = self.now;
        match event {
            Event::Arrive(i, call) => {
                if !self.server.hold_clock {
                    self.server.now = now;
                }
                let (status, body) = self.server.handle(&call);
                let real = self.real;
                self.at(
                    real + self.latency / 2,
                    Event::Answer(i, call.id, Answer::new(Some(status), &body)),
                );
            }
            Event::Answer(i, id, answer) => self.settle(i, id, answer),
            Event::Bound(i, id) => self.settle(i, id, Answer::Failed),
            Event::Message(i, text) => {
                if !self.pages[i].gone {
                    self.pages[i].tab.handle_message(&text, now);
                    self.serve(i);
                }
            }
            Event::HookDone(i) => {
                if !self.pages[i].gone {
                    self.pages[i].tab.handle_hook_done(now);
                    self.serve(i);
                }
            }
            Event::Granted(i) => {
                if self.pages[i].gone {
                    self.release_lock(i);
                } else {
                    self.pages[i].tab.handle_lock(true, now);
                    self.serve(i);
                }
            }
        }
    }

    fn settle(&mut self, i: usize, id: CallId, answer: Answer) {
        if self.settled_calls.contains(&(i, id)) || self.pages[i].gone {
            return;
        }
        self.settled_calls.push((i, id));
        let now = self.now;
        self.pages[i].tab.handle_answer(id, answer, now);
        self.serve(i);
    }

    /// Page and real time move together by `ms`: every event and timer in order.
    pub fn run(&mut self, ms: u64) {
        let end_real = self.real + ms;
        let mut guard = 0u32;
        loop {
            guard += 1;
            assert!(guard < 1_000_000, "no progress at {}", self.now);
            let offset = self.now - self.real;
            let timer = (0..self.pages.len())
                .filter(|&i| self.runs(i))
                .filter_map(|i| self.pages[i].timer.map(|t| (t.max(self.now) - offset, i)))
                .filter(|&(t, _)| t <= end_real)
                .min();
            let event = self.next_event(end_real).map(|k| self.events[k].0);
            match (timer, event) {
                (Some((t, i)), e) if e.is_none_or(|e| t < e) => {
                    self.real = t;
                    self.now = t + offset;
                    self.pages[i].timer = None;
                    self.wake(i);
                }
                (_, Some(_)) => {
                    let k = self.next_event(end_real).expect("an event");
                    let (t, _, event) = self.events.remove(k);
                    self.real = self.real.max(t);
                    self.now = self.real + offset;
                    self.handle(event);
                }
                (None, None) => break,
                (Some(_), None) => unreachable!(),
            }
        }
        let offset = self.now - self.real;
        self.real = end_real;
        self.now = end_real + offset;
    }

    /// Page time alone moves by `ms`: every timer due meanwhile fires, in order, while no
    /// answer, message or lock grant can arrive (they come with real time, after the burst).
    pub fn burst(&mut self, ms: u64) {
        let end = self.now + ms;
        let mut same_instant = (self.now, 0u32);
        loop {
            let next = (0..self.pages.len())
                .filter(|&i| self.runs(i))
                .filter_map(|i| self.pages[i].timer.map(|t| (t.max(self.now), i)))
                .filter(|&(t, _)| t <= end)
                .min();
            let Some((t, i)) = next else { break };
            // A timer that fires without moving its deadline would hang the browser's burst.
            same_instant = if same_instant.0 == t {
                (t, same_instant.1 + 1)
            } else {
                (t, 0)
            };
            assert!(same_instant.1 < 10_000, "no progress at {t} (tab {i})");
            self.now = t;
            self.pages[i].timer = None;
            self.wake(i);
        }
        self.now = end;
        if !self.server.hold_clock {
            self.server.now = end;
        }
    }

    pub fn reasons(&self) -> Vec<Option<String>> {
        self.pages.iter().map(Page::reason).collect()
    }
}

/// The driver's config JSON for a tab of `extra` options (JSON members, `""` for none): the
/// org-wide timeout `T`, a 60-s warning, user `u1`, storage, a channel and Web Locks.
pub fn default_config(extra: &str) -> String {
    let policy = format!(
        r#"{{"idleTokenTimeout":{{"enableIdleTokenTimeout":true,"idleTokenTimeoutSeconds":{}}}}}"#,
        T / 1000
    );
    let sep = if extra.is_empty() { "" } else { "," };
    format!(
        r#"{{"loginUrl":"/login","base":"https://app.example/agent","origin":"https://app.example",
        "apiBases":["https://app.example/api/"],"warningMs":60000,"maxHoldMs":14400000,"requestTimeoutMs":5000,
        "hookTimeoutMs":3000,"ledgerSize":100,"parentOrigins":[],"storage":true,"channel":true,"locks":true,
        "random":"RANDOM","policy":{policy},"user":{{"id":"{USER}","groups":[]}}{sep}{extra}}}"#
    )
}

/// A JSON value's field, for assertions on the wire form.
pub fn field<'a>(v: &'a Value, key: &str) -> &'a Value {
    v.get(key).unwrap_or(&Value::Null)
}
