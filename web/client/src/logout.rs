//! Runs the core's logout plan (`inactivity_core::logout`): a generic executor — each step's
//! I/O here, every decision and every platform path there. A failed or hanging call never stops
//! the local logout: each is bounded and its failure is just an outcome the plan moves past.
//!
//! Only the leader among the tabs makes the server calls (`leader::Coordinator`): the app's
//! `beforeLogout` hook runs while the tab waits for that decision, then the plan is made for the
//! role, and the leader marks the calls done before the rest of its plan.

use alloc::string::String;

use js_sys::{Array, Function, Promise};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;

use super::http::{Http, Reply};
use super::leader::Coordinator;
use super::resume::login_url_with_state;
use super::timer::Timeout;
use inactivity_bridge::read::read_value;
use inactivity_core::json::Value;
use inactivity_core::logout::{LogoutPlan, Step, StepOutcome};
use inactivity_core::reason::LogoutReason;
use inactivity_core::tabs::Role;

/// What a logout needs from the tracker, taken when it starts.
pub struct LogoutContext {
    /// The tracker's own calls.
    pub http: Http,
    /// The signed-in user, when known.
    pub user_id: Option<String>,
    /// Where the user is sent.
    pub login_url: String,
    /// The app's `beforeLogout`.
    pub before_logout: Option<Function>,
    /// The bound on each hook.
    pub hook_bound_ms: u32,
    /// The app's `clearTokens`.
    pub clear_tokens: Option<Function>,
}

/// Calls a hook and waits for the promise it returns, if any, at most `bound_ms`.
async fn call_hook(hook: Option<&Function>, arg: &JsValue, bound_ms: u32) -> StepOutcome {
    let Some(hook) = hook else {
        return StepOutcome::Done;
    };
    let Ok(result) = hook.call1(&JsValue::UNDEFINED, arg) else {
        return StepOutcome::Failed;
    };
    let Ok(promise) = result.dyn_into::<Promise>() else {
        return StepOutcome::Done;
    };
    let mut resolve_bound = None;
    let bound = Promise::new(&mut |resolve, _| resolve_bound = Some(resolve));
    // Lives until the race settles; dropping it then cancels the timer.
    let _deadline = resolve_bound.map(|resolve| {
        Timeout::new(bound_ms, move || {
            let _ = resolve.call0(&JsValue::UNDEFINED);
        })
    });
    let race = Promise::race(&Array::of2(&promise, &bound));
    match JsFuture::from(race).await {
        Ok(_) => StepOutcome::Done,
        Err(_) => StepOutcome::Failed,
    }
}

/// Runs the whole logout sequence for `reason`, then navigates to the login page. The server
/// calls are made only if `coordinator` makes this tab the leader.
pub async fn run(ctx: LogoutContext, reason: LogoutReason, mut coordinator: Coordinator) {
    let mut target = ctx.login_url.clone();
    let reason_js = JsValue::from_str(reason.as_str());
    // The hook runs while the lock request waits; its outcome is reported as the plan's first step.
    let mut hook = Some(call_hook(ctx.before_logout.as_ref(), &reason_js, ctx.hook_bound_ms).await);
    let leader = coordinator.role().await == Role::Leader;
    let mut plan = LogoutPlan::new(reason, leader, ctx.user_id.as_deref());
    while let Some(step) = plan.next_step() {
        if step == Step::ClearTokensHook {
            coordinator.calls_done();
        }
        let result = match &step {
            // A closing tab leaves the calls to the next one (see `Coordinator::page_leaving`).
            Step::Call(_) if coordinator.page_leaving() => StepOutcome::Failed,
            Step::Call(call) => {
                match ctx
                    .http
                    .call(call.method, &call.path, call.body.as_deref())
                    .await
                {
                    Reply::Response { status, body } if (200..300).contains(&status) => {
                        StepOutcome::Response(read_value(&body).unwrap_or(Value::Null))
                    }
                    _ => StepOutcome::Failed,
                }
            }
            Step::BeforeLogoutHook => hook.take().unwrap_or(StepOutcome::Done),
            Step::ClearTokensHook => {
                call_hook(ctx.clear_tokens.as_ref(), &reason_js, ctx.hook_bound_ms).await
            }
            Step::SaveReturnLocation => match web_sys::window() {
                Some(window) => {
                    target = login_url_with_state(&window, &ctx.login_url);
                    StepOutcome::Done
                }
                None => StepOutcome::Failed,
            },
            Step::Navigate => match web_sys::window() {
                Some(window) if window.location().assign(&target).is_ok() => StepOutcome::Done,
                _ => StepOutcome::Failed,
            },
        };
        plan.handle(&step, result);
    }
    coordinator.keep_until_unload();
}
