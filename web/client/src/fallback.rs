//! Fail closed when the tracker itself breaks (DESIGN invariant 4).
//!
//! A panic in the wasm leaves the tracker's state unusable (the instance traps mid-update). The
//! panic hook hands over to the shim's fallback: every request then counts as activity and a
//! plain timer at the last resolved timeout sends the user to the login page. The app's requests
//! are never affected: the shim catches everything the tracker throws.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Once;

use super::bindings::{configure_fallback, enter_fallback};

/// The largest delay `setTimeout` honours; a longer one would fire at once.
const MAX_DELAY_MS: u64 = i32::MAX as u64;

static HOOK: Once = Once::new();
static BROKEN: AtomicBool = AtomicBool::new(false);

/// Whether the tracker broke: from then on the fallback decides and the tracker has no effects
/// (its timer must not log out a user the fallback sees as active).
pub fn broken() -> bool {
    BROKEN.load(Ordering::Relaxed)
}

/// Installs the panic hook (once) that switches to the fallback.
pub fn install_panic_hook() {
    HOOK.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            BROKEN.store(true, Ordering::Relaxed);
            enter_fallback();
            web_sys::console::error_1(
                &format!(
                    "inactivity-timeout: the tracker failed ({info}); the fallback timeout applies"
                )
                .into(),
            );
            previous(info);
        }));
    });
}

/// Keeps the fallback's login URL and timeout current (`None`: no timeout applies, no timer).
/// The fallback sends the user to the plain login URL: with the tracker broken there is no
/// saved page to come back to, so the user lands on the app's default page after signing in.
pub fn update(login_url: &str, timeout_ms: Option<u64>) {
    configure_fallback(login_url, timeout_ms.map(|ms| ms.min(MAX_DELAY_MS) as f64));
}
