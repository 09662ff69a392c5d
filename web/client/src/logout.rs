//! Runs the core's logout plan (`core::logout`): each step's I/O here, every decision there.
//! A failed or hanging call never stops the local logout: each is bounded and its failure is
//! just an outcome the plan moves past.
//!
//! Only the leader among the tabs makes the server calls (`leader::Coordinator`): the app's
//! `beforeLogout` hook runs while the tab waits for that decision, then the plan is made for the
//! role, and the leader marks the calls done before the rest of its plan.

use alloc::string::String;

use alloc::rc::Rc;
use core::cell::RefCell;

use js_sys::{Array, Function, Promise, Reflect};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;

use super::http::Reply;
use super::js::string_field;
use super::leader::Coordinator;
use super::resume::login_url_with_state;
use super::timer::Timeout;
use super::tracker::Inner;
use inactivity_core::logout::{LogoutPlan, Step, StepOutcome};
use inactivity_core::reason::LogoutReason;
use inactivity_core::tab_sync::Role;
use inactivity_core::text::concat;

/// Calls a hook and waits for the promise it returns, if any, at most `bound_ms`.
async fn call_hook(hook: Option<Function>, arg: &JsValue, bound_ms: u32) -> StepOutcome {
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

fn outcome(reply: &Reply) -> StepOutcome {
    if reply.ok() {
        StepOutcome::Done
    } else {
        StepOutcome::Failed
    }
}

/// Runs the whole logout sequence for `reason`, then navigates to the login page. The server
/// calls are made only if `coordinator` makes this tab the leader.
pub async fn run(rc: Rc<RefCell<Inner>>, reason: LogoutReason, mut coordinator: Coordinator) {
    let (http, user_id, login_url, before_logout, bound, clear_tokens) = {
        let inner = rc.borrow();
        (
            inner.http.clone(),
            inner.user.as_ref().map(|u| u.id.clone()),
            inner.options.login_url.clone(),
            inner.options.before_logout.clone(),
            inner.options.before_logout_timeout_ms,
            inner.options.clear_tokens.clone(),
        )
    };
    let user_path = user_id.map(|id| {
        let id: String = js_sys::encode_uri_component(&id).into();
        concat(&["/api/v2/users/", &id])
    });
    let mut target = login_url.clone();
    let reason_js = JsValue::from_str(reason.as_str());
    // The hook runs while the lock request waits; its outcome is reported as the plan's first step.
    let mut hook = Some(call_hook(before_logout, &reason_js, bound).await);
    let leader = coordinator.role().await == Role::Leader;
    let mut plan = LogoutPlan::new(reason, leader);
    while let Some(step) = plan.next_step() {
        if step == Step::ClearTokensHook {
            coordinator.calls_done();
        }
        let result = match &step {
            // A closing tab leaves the calls to the next one (see `Coordinator::page_leaving`).
            step if step.is_server_call() && coordinator.page_leaving() => StepOutcome::Failed,
            Step::BeforeLogoutHook => hook.take().unwrap_or(StepOutcome::Done),
            Step::GetRoutingStatus => match &user_path {
                None => StepOutcome::Failed,
                Some(p) => match http
                    .call("GET", &concat(&[p, "/routingstatus"]), None)
                    .await
                {
                    Reply::Response { status, body } if (200..300).contains(&status) => {
                        match string_field(&body, "status") {
                            Some(s) => StepOutcome::RoutingStatus(s),
                            None => StepOutcome::Failed,
                        }
                    }
                    _ => StepOutcome::Failed,
                },
            },
            Step::PutOffQueue => match &user_path {
                None => StepOutcome::Failed,
                Some(p) => outcome(
                    &http
                        .call(
                            "PUT",
                            &concat(&[p, "/routingstatus"]),
                            Some(r#"{"status":"OFF_QUEUE"}"#),
                        )
                        .await,
                ),
            },
            Step::GetPresenceDefinitions => {
                match http.call("GET", "/api/v2/presencedefinitions", None).await {
                    Reply::Response { status, body } if (200..300).contains(&status) => {
                        let entities = Reflect::get(&body, &JsValue::from_str("entities"))
                            .ok()
                            .filter(Array::is_array)
                            .map(|e| Array::from(&e))
                            .unwrap_or_default();
                        StepOutcome::PresenceDefinitions(
                            entities
                                .iter()
                                .filter_map(|d| {
                                    Some((
                                        string_field(&d, "id")?,
                                        string_field(&d, "systemPresence").unwrap_or_default(),
                                    ))
                                })
                                .collect(),
                        )
                    }
                    _ => StepOutcome::Failed,
                }
            }
            Step::PatchPresenceOffline { definition_id } => match &user_path {
                None => StepOutcome::Failed,
                Some(p) => {
                    let id = js_sys::JSON::stringify(&JsValue::from_str(definition_id))
                        .map(String::from)
                        .unwrap_or_else(|_| String::from("\"\""));
                    let body = concat(&[r#"{"presenceDefinition":{"id":"#, &id, "}}"]);
                    outcome(
                        &http
                            .call("PATCH", &concat(&[p, "/presences/purecloud"]), Some(&body))
                            .await,
                    )
                }
            },
            Step::RevokeToken => outcome(&http.call("DELETE", "/api/v2/tokens/me", None).await),
            Step::ClearTokensHook => call_hook(clear_tokens.clone(), &reason_js, bound).await,
            Step::SaveReturnLocation => match web_sys::window() {
                Some(window) => {
                    target = login_url_with_state(&window, &login_url);
                    StepOutcome::Done
                }
                None => StepOutcome::Failed,
            },
            Step::Navigate => match web_sys::window() {
                Some(window) => {
                    if window.location().assign(&target).is_ok() {
                        StepOutcome::Done
                    } else {
                        StepOutcome::Failed
                    }
                }
                None => StepOutcome::Failed,
            },
        };
        plan.handle(&step, result);
    }
    coordinator.keep_until_unload();
}
