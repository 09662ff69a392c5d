//! `InactivityTracker`: the JS facade over the session's event loop ([`super::session`]). It
//! checks the options, wires the shim's sinks, the timer and the listeners to a [`Session`],
//! and answers the JS API's questions from it.

use alloc::rc::{Rc, Weak};
use alloc::string::String;
use alloc::vec::Vec;
use core::cell::RefCell;

use js_sys::Array;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::future_to_promise;

use super::bindings::{attach_sink, install_interception, uninstall_interception};
use super::embed;
use super::fallback;
use super::holds;
use super::http::Http;
use super::js;
use super::leader;
use super::options;
use super::page::PageCell;
use super::platform::Platform;
use super::requests::entry_js;
use super::session::{
    after_event, idle_config, load_missing, now_ms, on_unauthorized, run, KnownSink, Lifecycle,
    Session, Sink, StatusSink, Wiring, FALLBACK_TIMEOUT_MS,
};
use super::types::{BoolPromise, Explanation, LedgerEntries, TrackerOptions};
use super::wake::{host_listener, wake_listeners};
use inactivity_bridge::error::JsError;
use inactivity_core::policy::{resolve, Policy};
use inactivity_core::reason::LogoutReason;
use inactivity_core::sort::sort_by;
use inactivity_core::text::concat;
use inactivity_core::url::ApiScope;

/// The tracker running on this page, if any (one per page).
static RUNNING: PageCell<Weak<RefCell<Session>>> = PageCell::new(Weak::new());

/// 64 random bits for the tab id (not a secret: it only tells a tab's own messages apart).
fn random_u64() -> u64 {
    let high = (js_sys::Math::random() * 4_294_967_296.0) as u64;
    let low = (js_sys::Math::random() * 4_294_967_296.0) as u64;
    (high << 32) | low
}

/// The inactivity tracker of one page. Start it once with [`InactivityTracker::start`].
#[wasm_bindgen]
pub struct InactivityTracker {
    session: Rc<RefCell<Session>>,
}

#[wasm_bindgen]
impl InactivityTracker {
    /// Starts tracking: counts the page's API calls as activity and logs the user out when idle.
    /// Throws a `TypeError`/`RangeError` naming the option to fix; nothing starts then.
    pub fn start(options: TrackerOptions) -> Result<InactivityTracker, JsValue> {
        let options = options::parse(options.as_ref())?;
        let running = RUNNING.with(|r| r.upgrade()).flatten().is_some_and(|s| {
            s.try_borrow()
                .map_or(true, |s| s.lifecycle != Lifecycle::Stopped)
        });
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
        // The fail-closed fallback is configured before anything else can fail: the timeout that
        // applies until the settings load (or the given policy's), the API bases, the exclusions.
        let initial = match (&options.policy, &options.user) {
            (Some(policy), Some(user)) => Some(resolve(policy, &user.groups)),
            _ => None,
        };
        fallback::update(
            &options.login_url,
            idle_config(initial.as_ref(), &options).timeout_ms,
            &scope,
            options.policy.as_ref().map(Policy::exclusions),
        );
        let now = now_ms();
        let http = Http::new(
            scope.api_root(),
            options.access_token.clone(),
            options.request_timeout_ms,
        );
        let needs_loading = options.policy.is_none() || options.user.is_none();
        leader::release_kept();
        let session = Session::new(options, scope, Platform::new(http), random_u64(), now);

        let weak = Rc::downgrade(&session);
        let sink = Sink::new(move |url: String, method: String, at: f64| -> i32 {
            let Some(rc) = weak.upgrade() else { return -1 };
            let (id, effect) = match rc.try_borrow_mut() {
                Ok(mut session) => session.record(&url, &method, at.max(0.0) as u64),
                Err(_) => (-1, None),
            };
            if let Some(effect) = effect {
                run(&rc, effect);
            }
            after_event(&rc);
            id
        });
        let weak = Rc::downgrade(&session);
        let known = KnownSink::new(move |id: u32, method: String, at: f64| {
            let Some(rc) = weak.upgrade() else { return };
            let effect = match rc.try_borrow_mut() {
                Ok(mut session) => session.record_known(id as usize, &method, at.max(0.0) as u64),
                Err(_) => None,
            };
            if let Some(effect) = effect {
                run(&rc, effect);
            }
            after_event(&rc);
        });
        let weak = Rc::downgrade(&session);
        let status = StatusSink::new(move |url: String, _status: u16| {
            if let Some(rc) = weak.upgrade() {
                on_unauthorized(&rc, &url);
            }
        });
        install_interception();
        let queued = attach_sink(
            sink.as_ref().unchecked_ref(),
            known.as_ref().unchecked_ref(),
            status.as_ref().unchecked_ref(),
        )?;
        fallback::install_panic_hook();
        let mut listeners = wake_listeners(&window, &session);
        listeners.extend(host_listener(&window, &session));
        if let Ok(mut state) = session.try_borrow_mut() {
            state.wiring = Some(Wiring::new((sink, known, status), listeners));
            // Before the queued calls: a new tab starts from the session's last activity, then
            // its own calls count on top (and are told to the others).
            state.open_link(&window, now);
            for call in queued.iter() {
                let call = Array::from(&call);
                let url = call.get(0).as_string().unwrap_or_default();
                let method = call.get(1).as_string().unwrap_or_default();
                let at = call.get(2).as_f64().unwrap_or(0.0).max(0.0) as u64;
                // Calls made before start(): recorded as of when they happened.
                let _ = state.record(&url, &method, at);
            }
        }
        let _ = RUNNING.with(|r| *r = Rc::downgrade(&session));
        if needs_loading {
            wasm_bindgen_futures::spawn_local(load_missing(session.clone()));
        }
        let origins = session
            .try_borrow()
            .map(|s| s.options.parent_origins.clone())
            .unwrap_or_default();
        after_event(&session);
        // Embedded: the host learns that the client is signed in and tracking (again).
        embed::post_to_parent(&origins, "resumed", &[]);
        Ok(InactivityTracker { session })
    }

    /// Stops tracking: removes the interception (or leaves a pass-through when another wrapper
    /// sits on top), the timer and the listeners. Idempotent.
    pub fn stop(&self) {
        let Ok(mut session) = self.session.try_borrow_mut() else {
            return;
        };
        if session.lifecycle == Lifecycle::Stopped {
            return;
        }
        // The other tabs stop counting this tab's holds at once.
        let held = session.lifecycle == Lifecycle::Running && session.go_away();
        session.lifecycle = Lifecycle::Stopped;
        session.timer.cancel();
        session.link = None;
        uninstall_interception();
        session.wiring = None;
        drop(session);
        if held {
            holds::keep_alive(&self.session);
        }
    }

    /// Holds the session while an interaction is in progress (a call): while any hold is
    /// active, in any tab of the session, there is no warning and no idle logout, and the
    /// tracker keeps the server's idle deadline alive (one call of its own at most once per
    /// half timeout). When the last hold ends the idle timer runs from then. A hold ends by
    /// itself after `maxHoldSeconds`, and when its tab goes away. `label` (a non-empty string of
    /// at most 100 characters) shows in `explain().holds`, `activityLog()` and the host page's
    /// events. Throws a `TypeError`/`RangeError` naming `label`, or an `Error` once stopped or
    /// logged out.
    #[wasm_bindgen(unchecked_return_type = "Hold")]
    pub fn hold(
        &self,
        #[wasm_bindgen(unchecked_param_type = "string")] label: JsValue,
    ) -> Result<JsValue, JsValue> {
        holds::take(&self.session, &label)
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
        let Ok(session) = self.session.try_borrow() else {
            return JsValue::NULL;
        };
        let (transport, storage) = match &session.link {
            Some(link) => (
                JsValue::from_str(link.transport().as_str()),
                link.shared().storage,
            ),
            None => (JsValue::NULL, false),
        };
        js::object(&[
            ("tabId", JsValue::from_str(session.sync.id())),
            ("transport", transport),
            ("sharedStorage", JsValue::from_bool(storage)),
        ])
    }

    /// Milliseconds until the idle logout, or `null` when no timeout applies to this user.
    #[wasm_bindgen(js_name = remainingMs, unchecked_return_type = "number | null")]
    pub fn remaining_ms(&self) -> JsValue {
        let remaining = self
            .session
            .try_borrow()
            .ok()
            .and_then(|s| s.machine.remaining_ms(now_ms()));
        js::num_or_null(remaining.map(|ms| ms as f64))
    }

    /// Which rule set this user's timeout, and why: the resolution plus a `message` sentence.
    pub fn explain(&self) -> Explanation {
        let Ok(session) = self.session.try_borrow() else {
            return JsValue::NULL.unchecked_into();
        };
        let explanation = match &session.resolution {
            Some(r) => js::object(&[
                (
                    "timeoutSeconds",
                    js::num_or_null(r.timeout_seconds.map(f64::from)),
                ),
                ("source", JsValue::from_str(r.source.as_str())),
                (
                    "bundlePriority",
                    js::num_or_null(r.bundle_priority.map(f64::from)),
                ),
                ("groupId", js::str_or_null(r.group_id.as_deref())),
                ("hipaaCapped", JsValue::from_bool(r.hipaa_capped)),
                ("message", JsValue::from_str(&r.explain())),
                ("holds", holds::holds_js(&session.machine)),
            ]),
            None => {
                let message = match &session.settings_problem {
                    None => String::from(
                        "The settings are not loaded yet; a 15-minute fallback timeout applies.",
                    ),
                    Some(why) => concat(&[
                        "The settings could not be used (",
                        why,
                        "); a 15-minute fallback timeout applies.",
                    ]),
                };
                js::object(&[
                    (
                        "timeoutSeconds",
                        JsValue::from_f64((FALLBACK_TIMEOUT_MS / 1000) as f64),
                    ),
                    ("source", JsValue::from_str("fallback")),
                    ("bundlePriority", JsValue::NULL),
                    ("groupId", JsValue::NULL),
                    ("hipaaCapped", JsValue::FALSE),
                    ("message", JsValue::from_str(&message)),
                    ("holds", holds::holds_js(&session.machine)),
                ])
            }
        };
        explanation.unchecked_into()
    }

    /// The last requests seen — time, method, URL, path, counted or excluded and by which
    /// entry — and the holds' begins and ends (`outcome` `"hold-began"`/`"hold-ended"`, with
    /// `label` and `reason`), oldest first.
    #[wasm_bindgen(js_name = activityLog)]
    pub fn activity_log(&self) -> LedgerEntries {
        let Ok(session) = self.session.try_borrow() else {
            return Array::new().unchecked_into();
        };
        let mut entries: Vec<(u64, JsValue)> = session
            .ledger
            .entries()
            .map(|e| (e.at_ms, entry_js(e)))
            .chain(session.hold_log.entries_js())
            .collect();
        // Both are oldest first already: an insertion sort merges them cheaply (and stably).
        sort_by(&mut entries, |a, b| a.0 < b.0);
        entries
            .into_iter()
            .map(|(_, e)| e)
            .collect::<Array>()
            .unchecked_into()
    }

    /// "Stay signed in": counts as activity now and makes an API call that also resets the
    /// server's idle deadline. Resolves to `true` when the server answered 2xx.
    #[wasm_bindgen(js_name = staySignedIn)]
    pub fn stay_signed_in(&self) -> BoolPromise {
        let rc = self.session.clone();
        let platform = match rc.try_borrow_mut() {
            Ok(mut session) => {
                // Told to the other tabs too: their warnings clear.
                session.touch(now_ms());
                Some(session.platform.clone())
            }
            Err(_) => None,
        };
        after_event(&rc);
        future_to_promise(async move {
            let status = match platform {
                Some(platform) => platform.touch().await,
                None => None,
            };
            if status == Some(401) {
                if let Ok(mut session) = rc.try_borrow_mut() {
                    session.logout(LogoutReason::ServerRevoked, now_ms());
                }
                after_event(&rc);
            }
            Ok(JsValue::from_bool(
                status.is_some_and(|s| (200..300).contains(&s)),
            ))
        })
        .unchecked_into()
    }
}
