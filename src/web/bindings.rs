//! Bindings to the interception shim (`shim.js`, shipped inside the package as a snippet).

use js_sys::{Array, Function, Promise};
use wasm_bindgen::prelude::*;

#[wasm_bindgen(module = "/src/web/shim.js")]
extern "C" {
    /// Installs the fetch/XHR interception (idempotent; the snippet already ran it on import).
    #[wasm_bindgen(js_name = install)]
    pub fn install_interception() -> JsValue;
    /// Routes recorded calls to `sink(url, method, atMs)` and 401 answers to
    /// `status_sink(url, status)`; returns the calls queued before.
    #[wasm_bindgen(js_name = attach)]
    pub fn attach_sink(sink: &Function, status_sink: &Function) -> Array;
    /// Restores the originals, or becomes a pass-through when someone wrapped over them.
    #[wasm_bindgen(js_name = uninstall)]
    pub fn uninstall_interception();
    /// `fetch` without the interception: the tracker's own calls never count as activity.
    #[wasm_bindgen(js_name = nativeFetch, catch)]
    pub fn native_fetch(url: &str, init: &JsValue) -> Result<Promise, JsValue>;
}
