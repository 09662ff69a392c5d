// The cross-tab logout in a real page: a logout in one tab logs the others out without echo or
// calls; the tab that logs out for a reason of its own makes the calls (Off Queue without reading
// the status first) under the session's logout lock, waiting for it with no time bound while
// another tab holds it; a tab told by another makes none, even when that tab is closed before it
// is done; without Web Locks the calls are still made. The "other tab" is played by the test
// itself (support.mjs). The login URL is a fragment, so a logout stays on the page.
import init from "inactivity-timeout";
import { test } from "./harness.mjs";
import { assert, elapse, equal, eventually } from "./assert.mjs";
import {
  delivered, hide, holdLock, key, listen, lockState, logouts, message, post, restore, serverCalls,
  signedOut, start, startAboutToExpire,
} from "./support.mjs";

await init();

/** Waits until `path`'s calls are all in resource timing (a response completes after the promise
 * it resolved), then says how many there were. */
async function callsTo(path, atLeast) {
  await eventually(`${atLeast} call(s) to ${path}`, () => serverCalls(path) >= atLeast);
  return serverCalls(path);
}

const queued = async (name) => (await lockState(name)).pending;

test("a_logout_in_another_tab_logs_out_here_as_other_tab_without_echo_or_calls", async () => {
  const observer = listen("follow");
  const tracker = start("follow");
  const calls = serverCalls("/users/follow/");
  post("follow", message("logout", { reason: "host-request" }));
  await eventually("the logout", () => logouts().length === 1);
  equal(logouts()[0], "other-tab");
  await eventually("the navigation", signedOut);
  await delivered();
  equal(observer.seen("logout").length, 0, "no echo");
  equal(serverCalls("/users/follow/"), calls, "no server calls");
  tracker.stop();
  observer.close();
});

test("the_tab_that_logs_out_leads_tells_the_others_and_records_it", async () => {
  const observer = listen("lead");
  const tracker = startAboutToExpire("lead", 300);
  await eventually("the idle logout", () => logouts().length === 1);
  equal(logouts()[0], "idle");
  await eventually("the message", () => observer.seen("logout").length === 1);
  await eventually("the record", () => localStorage.getItem(key("lead", "logout"))?.endsWith(" done"));
  // One PUT (answered 404 here): Off Queue is set without reading the status first.
  equal(await callsTo("/users/lead/routingstatus", 1), 1, "the leader made the call");
  tracker.stop();
  observer.close();
});

test("a_lock_holder_that_never_lets_go_holds_back_the_calls_with_no_time_bound", async () => {
  const name = key("frozen", "logout");
  const holder = await holdLock(name);
  const tracker = startAboutToExpire("frozen", 200);
  await eventually("the idle logout", () => logouts().length === 1);
  await eventually("the request queued behind the frozen holder", async () => (await queued(name)) === 1);
  // Real time past the 10 s a page timer once allowed: no page timer decides who makes the calls.
  await elapse(11_000);
  equal(await queued(name), 1, "still queued");
  equal(serverCalls("/users/frozen/"), 0, "a call made without the lock");
  assert(!signedOut(), "gone to the login page before the calls");
  // The holder lets go: the calls, then the login page.
  holder.release();
  await eventually("the navigation", signedOut);
  equal(await callsTo("/users/frozen/routingstatus", 1), 1);
  tracker.stop();
});

test("a_leader_closed_mid_logout_is_not_taken_over", async () => {
  const name = key("takeover", "logout");
  const tracker = start("takeover");
  // Another tab logged out, started the calls and holds the lock…
  const holder = await holdLock(name);
  localStorage.setItem(key("takeover", "logout"), `1 ${Math.floor(Date.now())} started`);
  post("takeover", message("logout", { reason: "idle" }));
  await eventually("the logout", () => logouts().length === 1);
  equal(logouts()[0], "other-tab");
  // …this tab, told by it, makes no call and queues for nothing: it goes to the login page.
  await eventually("the navigation", signedOut);
  equal(await queued(name), 0, "queued for the lock");
  // The leader is closed before it is done: nobody takes over (the server ends the session).
  holder.release();
  equal(await queued(name), 0, "queued for the lock");
  equal(serverCalls("/users/takeover/"), 0);
  tracker.stop();
});

test("a_leader_that_finished_is_not_followed_by_a_second_one", async () => {
  const name = key("finished", "logout");
  const tracker = start("finished");
  const holder = await holdLock(name);
  post("finished", message("logout", { reason: "idle" }));
  await eventually("the logout", () => logouts().length === 1);
  localStorage.setItem(key("finished", "logout"), `1 ${Math.floor(Date.now())} done`);
  holder.release();
  await eventually("the navigation", signedOut);
  equal(serverCalls("/users/finished/"), 0);
  tracker.stop();
});

test("without_web_locks_a_logout_of_its_own_still_makes_the_calls", async () => {
  hide("locks");
  const tracker = startAboutToExpire("nolocks", 200);
  await eventually("the idle logout", () => logouts().length === 1);
  await eventually("the Off Queue call", () => serverCalls("/users/nolocks/routingstatus") === 1);
  restore();
  tracker.stop();
});
