//! `Tab` for JS: the core's [`Tab`] with numbers and strings at the boundary. Times are
//! `Date.now()` values (ms since the epoch, as `f64`); every method that takes an input returns
//! nothing or a number, and the driver drains [`WasmTab::poll`] afterwards.

use alloc::string::String;
use alloc::vec::Vec;

use wasm_bindgen::prelude::*;

use inactivity_core::idle::{HoldError, HoldId};
use inactivity_core::json::{parse, Value};
use inactivity_core::tab::{Answer, CallId, Tab};

fn ms(t: f64) -> u64 {
    // NaN and negatives are 0; `as` saturates.
    t as u64
}

/// The order of [`HoldError`]s in the codes [`WasmTab::hold`] returns (`-1 - index`).
const HOLD_ERRORS: [HoldError; 6] = [
    HoldError::EmptyLabel,
    HoldError::LabelTooLong,
    HoldError::LabelControlCharacter,
    HoldError::MaxHoldOutOfRange,
    HoldError::TooManyHolds,
    HoldError::LoggedOut,
];

/// The tracker of this tab (the core's `Tab`): every decision; see `ARCHITECTURE.md`.
#[wasm_bindgen(js_name = Tab)]
pub struct WasmTab {
    tab: Tab,
}

#[wasm_bindgen(js_class = Tab)]
impl WasmTab {
    /// Starts a tab with the driver's JSON `config` at `now`. Throws a string: `T` or `R` (a
    /// `TypeError` or a `RangeError`) followed by the sentence.
    #[wasm_bindgen(constructor)]
    pub fn new(config: &str, now: f64) -> Result<WasmTab, JsValue> {
        let config = parse(config).unwrap_or(Value::Null);
        Tab::new(&config, ms(now))
            .map(|tab| WasmTab { tab })
            .map_err(|e| {
                let kind = if e.type_error { "T" } else { "R" };
                JsValue::from_str(&inactivity_core::text::concat(&[kind, &e.message]))
            })
    }

    /// A request to a URL the interception does not know by id. Returns `(id + 1) * 2 + o`: the
    /// id for the URL from now on (`-1`: none), and `o` = 1 when outputs wait.
    pub fn request(&mut self, url: &str, method: &str, at: f64, now: f64) -> f64 {
        let id = self.tab.handle_request(url, method, ms(at), ms(now));
        let id = id.map_or(0.0, |id| f64::from(id) + 1.0);
        id * 2.0 + f64::from(u8::from(self.tab.has_output()))
    }

    /// A request to the URL known by `id`. Returns whether outputs wait.
    pub fn known(&mut self, id: u32, method: &str, at: f64, now: f64) -> bool {
        self.tab.handle_known_request(id, method, ms(at), ms(now));
        self.tab.has_output()
    }

    /// A text input: `kind` 0 a message from another tab, 1 the app's access token (`""`: none),
    /// 2 an app request to this URL answered 401, 3 the stored keys of the namespace with their
    /// values as JSON `[[key, value], …]`.
    pub fn text(&mut self, kind: u8, text: &str, now: f64) {
        let now = ms(now);
        match kind {
            0 => self.tab.handle_message(text, now),
            1 => self.tab.handle_token(text, now),
            2 => self.tab.handle_unauthorized(text, now),
            _ => {
                let pairs: Vec<(String, String)> = parse(text)
                    .as_ref()
                    .and_then(Value::as_array)
                    .unwrap_or_default()
                    .iter()
                    .filter_map(|pair| {
                        let pair = pair.as_array()?;
                        let key = pair.first()?.as_str()?;
                        let value = pair.get(1)?.as_str()?;
                        Some((String::from(key), String::from(value)))
                    })
                    .collect();
                self.tab.handle_storage_listing(&pairs, now);
            }
        }
    }

    /// A wake-up with what the link's keys hold: `kind` 0 the timer or a wake event, 1 the link
    /// just opened, 2 `pagehide`, 3 `pageshow`.
    pub fn wake(&mut self, kind: u8, last: Option<String>, record: Option<String>, now: f64) {
        let (last, record, now) = (last.as_deref(), record.as_deref(), ms(now));
        match kind {
            0 => self.tab.handle_wake(last, record, now),
            1 => self.tab.handle_link_opened(last, record, now),
            2 => self.tab.handle_page_hide(last, record, now),
            _ => self.tab.handle_page_show(last, record, now),
        }
    }

    /// The call `id` came back: `status` (0: no answer) and the body text.
    pub fn answer(&mut self, id: u32, status: u32, body: &str, now: f64) {
        let status = u16::try_from(status).ok().filter(|&s| s > 0);
        self.tab
            .handle_answer(CallId(id), Answer::new(status, body), ms(now));
    }

    /// A signal: `kind` 0 the logout lock was granted (`flag`) or there are no Web Locks, 1 the
    /// awaited hook ended, 2 `signOut()` (`flag`: save the page to come back to), 3 `stop()`.
    pub fn signal(&mut self, kind: u8, flag: bool, now: f64) {
        let now = ms(now);
        match kind {
            0 => self.tab.handle_lock(flag, now),
            1 => self.tab.handle_hook_done(now),
            2 => self.tab.sign_out(flag, now),
            _ => self.tab.stop(now),
        }
    }

    /// A `message` event on the window: origin, from the parent window, `data.type` (`""` if none).
    pub fn host(&mut self, origin: &str, from_parent: bool, kind: &str, now: f64) {
        self.tab
            .handle_host_message(origin, from_parent, kind, ms(now));
    }

    /// `hold(label)`: the hold's id, or `-1 - code` (see [`WasmTab::hold_error`]).
    pub fn hold(&mut self, label: &str, now: f64) -> f64 {
        match self.tab.hold(label, ms(now)) {
            Ok(id) => f64::from(id.0),
            Err(e) => {
                let code = HOLD_ERRORS.iter().position(|h| *h == e).unwrap_or(0);
                -1.0 - code as f64
            }
        }
    }

    /// The sentence and the kind (`R` for a `RangeError`, else `E`) of a [`WasmTab::hold`] error.
    #[wasm_bindgen(js_name = holdError)]
    pub fn hold_error(code: f64) -> String {
        let index = (-1.0 - code) as usize;
        let error = HOLD_ERRORS
            .get(index)
            .copied()
            .unwrap_or(HoldError::LoggedOut);
        let kind = match error {
            HoldError::LoggedOut => "E",
            _ => "R",
        };
        inactivity_core::text::concat(&[kind, error.message()])
    }

    /// `hold.release()`.
    pub fn release(&mut self, id: u32, now: f64) -> bool {
        self.tab.release(HoldId(id), ms(now))
    }

    /// `staySignedIn()`: the call's id (its `settled` output says how it went).
    pub fn stay(&mut self, now: f64) -> u32 {
        self.tab.stay_signed_in(ms(now)).0
    }

    /// The next instruction as JSON (see the core's `Output::encode`); `undefined` when none.
    pub fn poll(&mut self) -> Option<String> {
        self.tab.poll().map(|o| o.encode())
    }

    /// When to wake the tab (ms since the epoch); `-1`: never.
    pub fn timeout(&self) -> f64 {
        self.tab.poll_timeout().map_or(-1.0, |t| t as f64)
    }

    /// Milliseconds until the idle logout; `-1` when no timeout applies.
    pub fn remaining(&self, now: f64) -> f64 {
        self.tab.remaining_ms(ms(now)).map_or(-1.0, |t| t as f64)
    }

    /// A report as JSON: `kind` 0 `explain()`, 1 `activityLog()`, 2 `tabs()`.
    pub fn report(&self, kind: u8) -> String {
        match kind {
            0 => self.tab.explain(),
            1 => self.tab.activity_log(),
            _ => self.tab.tabs(),
        }
    }

    /// `simulateFailure()`: a panic (a trap).
    pub fn fail(&self) {
        panic!("simulated failure");
    }
}
