//! Bindings to the interception shim (`shim.js`, shipped inside the package as a snippet).

use js_sys::{Array, Function, Promise};
use wasm_bindgen::prelude::*;

#[wasm_bindgen(module = "/src/shim.js")]
extern "C" {
    /// Installs the fetch/XHR interception (idempotent; the snippet already ran it on import).
    #[wasm_bindgen(js_name = install)]
    pub fn install_interception() -> JsValue;
    /// Routes recorded calls to `sink(url, method, atMs)` (which returns an id for the URL, or
    /// -1) or, for a URL known by id, `known(id, method, atMs)`; 401 answers to
    /// `status_sink(url, status)`. Returns the calls queued before. Throws when another copy of
    /// the package is already tracking this page.
    #[wasm_bindgen(js_name = attach, catch)]
    pub fn attach_sink(
        sink: &Function,
        known: &Function,
        status_sink: &Function,
    ) -> Result<Array, JsValue>;
    /// Forgets the ids of the URLs seen so far (the tracker's table starts over).
    #[wasm_bindgen(js_name = forgetUrls)]
    pub fn forget_urls();
    /// Restores the originals, or becomes a pass-through when someone wrapped over them.
    #[wasm_bindgen(js_name = uninstall)]
    pub fn uninstall_interception();
    /// Tells the shim where to send the user, and after how long, if the tracker breaks; and
    /// which calls are activity then (the API bases, the exclusion patterns).
    #[wasm_bindgen(js_name = configureFallback)]
    pub fn configure_fallback(
        login_url: &str,
        timeout_ms: Option<f64>,
        apis: &Array,
        exclusions: &Array,
    );
    /// The tracker broke: the shim's fail-closed fallback takes over.
    #[wasm_bindgen(js_name = enterFallback)]
    pub fn enter_fallback();
    /// `fetch` without the interception: the tracker's own calls never count as activity.
    #[wasm_bindgen(js_name = nativeFetch, catch)]
    pub fn native_fetch(url: &str, init: &JsValue) -> Result<Promise, JsValue>;
}
