//! Fail closed when the tracker itself breaks (see ARCHITECTURE.md, invariant 4).
//!
//! A panic in the wasm leaves the tracker's state unusable (the instance traps mid-update). The
//! panic hands over to the shim's fallback: from then on every call that is activity (an API
//! call under the API bases that the exclusion list known at the failure does not exclude)
//! restarts a plain timer at the last resolved timeout, which sends the user to the login page.
//! The fallback is configured at start, before anything can fail, and kept current. The app's
//! requests are never affected: the shim catches everything the tracker throws.
//!
//! The published build (no `std`) has its own panic handler, so no formatting machinery comes
//! along; with `std` (the browser tests) a panic hook does the same.

use core::sync::atomic::{AtomicBool, Ordering};

use js_sys::Array;
use wasm_bindgen::JsValue;

use super::bindings::{configure_fallback, enter_fallback};
use inactivity_core::exclusions::Exclusions;
use inactivity_core::url::ApiScope;

/// The largest delay `setTimeout` honours; a longer one would fire at once.
const MAX_DELAY_MS: u64 = i32::MAX as u64;

static BROKEN: AtomicBool = AtomicBool::new(false);

/// Whether the tracker broke: from then on the fallback decides and the tracker has no effects
/// (its timer must not log out a user the fallback sees as active).
pub fn broken() -> bool {
    BROKEN.load(Ordering::Relaxed)
}

/// The tracker broke: hand over to the fallback and say so on the console.
fn hand_over(what: Option<&str>) {
    BROKEN.store(true, Ordering::Relaxed);
    enter_fallback();
    let mut message = alloc::string::String::from("inactivity-timeout: the tracker failed");
    if let Some(what) = what {
        message.push_str(" (");
        message.push_str(what);
        message.push(')');
    }
    message.push_str("; the fallback timeout applies");
    web_sys::console::error_1(&message.into());
}

/// The published build's panic handler: hand over, then trap (the instance is not used again).
#[cfg(not(feature = "std"))]
#[panic_handler]
fn panic(info: &core::panic::PanicInfo<'_>) -> ! {
    // A message with arguments would need `core::fmt` to print: only static ones are shown.
    let _ = info;
    hand_over(None);
    core::arch::wasm32::unreachable()
}

/// With `std`, a panic hook does what the published build's panic handler does.
#[cfg(feature = "std")]
pub fn install_panic_hook() {
    static HOOK: std::sync::Once = std::sync::Once::new();
    HOOK.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(alloc::boxed::Box::new(move |info| {
            hand_over(info.payload().downcast_ref::<&str>().copied());
            previous(info);
        }));
    });
}

/// Nothing to install: the panic handler is part of the published build.
#[cfg(not(feature = "std"))]
pub fn install_panic_hook() {}

/// The published build's allocator (with `std`, std brings one): talc, claiming wasm memory as
/// it needs it.
#[cfg(not(feature = "std"))]
#[global_allocator]
// SAFETY: the page's wasm instance has one thread (`lib.rs` refuses to build with atomics), as
// `TalckWasm`'s lock-free global constructor requires.
static ALLOCATOR: talc::TalckWasm = unsafe { talc::TalckWasm::new_global() };

/// Keeps the fallback's configuration current: the login URL, the timeout (`None`: no timeout
/// applies, no timer), the API bases and the exclusion list (`None`: not known yet, nothing is
/// excluded). The fallback sends the user to the plain login URL: with the tracker broken there
/// is no saved page to come back to, so the user lands on the app's default page after signing
/// in.
pub fn update(
    login_url: &str,
    timeout_ms: Option<u64>,
    scope: &ApiScope,
    exclusions: Option<&Exclusions>,
) {
    let apis: Array = scope
        .base_prefixes()
        .iter()
        .map(|b| JsValue::from_str(b))
        .collect();
    let patterns: Array = exclusions
        .map(Exclusions::patterns)
        .unwrap_or_default()
        .iter()
        .map(|p| JsValue::from_str(p))
        .collect();
    configure_fallback(
        login_url,
        timeout_ms.map(|ms| ms.min(MAX_DELAY_MS) as f64),
        &apis,
        &patterns,
    );
}
