// The cross-tab logout in a real page: a logout in one tab logs the others out without echo or
// calls, and exactly one leader makes the calls — also when the lock holder hangs, is closed
// mid-logout, or Web Locks are missing. The "other tab" is played by the test itself
// (support.mjs). The login URL is a fragment, so a logout stays on the page.
import init from "inactivity-timeout";
import { test } from "./harness.mjs";
import { equal, eventually } from "./assert.mjs";
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
  // GET (answered 404 here) then PUT: a failed read still takes the user Off Queue.
  equal(await callsTo("/users/lead/routingstatus", 2), 2, "the leader made the calls");
  tracker.stop();
  observer.close();
});

test("a_lock_holder_that_never_lets_go_does_not_block_the_logout", async () => {
  const name = key("frozen", "logout");
  const holder = await holdLock(name);
  const tracker = startAboutToExpire("frozen", 200);
  await eventually("the idle logout", () => logouts().length === 1);
  await eventually("the request queued behind the frozen holder", async () => (await queued(name)) === 1);
  // After the bounded wait (10 s of real time) the tab goes on and makes the calls itself
  // (idempotent: twice beats never), then to the login page.
  await eventually("the navigation after the bounded wait", signedOut, 30_000);
  await callsTo("/users/frozen/", 1); // the calls are made although the lock never came
  await eventually("the lock request withdrawn", async () => (await queued(name)) === 0);
  holder.release();
  tracker.stop();
});

test("a_leader_closed_mid_logout_is_taken_over", async () => {
  const name = key("takeover", "logout");
  const tracker = start("takeover");
  // Another tab logged out, started the calls and holds the lock…
  const holder = await holdLock(name);
  localStorage.setItem(key("takeover", "logout"), `1 ${Math.floor(Date.now())} started`);
  post("takeover", message("logout", { reason: "idle" }));
  await eventually("the logout", () => logouts().length === 1);
  await eventually("this tab queued behind the leader", async () => (await queued(name)) === 1);
  equal(serverCalls("/users/takeover/"), 0, "waiting for the leader");
  // …and is closed before it is done: the browser releases its lock.
  holder.release();
  await eventually("the takeover", () => localStorage.getItem(key("takeover", "logout"))?.endsWith(" done"));
  equal(await callsTo("/users/takeover/routingstatus", 2), 2);
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
  await eventually("the calls", () => serverCalls("/users/nolocks/routingstatus") === 2);
  restore();
  tracker.stop();
});
