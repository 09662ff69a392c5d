// What tabs share, in a real page. The "other tab" is played by the test itself, on the same
// channel, storage and lock names (support.mjs): the tracker starts from the session's shared
// last activity, takes activity from other tabs, ignores garbage and times from the future, tells
// the others (at most about once a second), keeps sessions of other tokens apart, and still
// shares when BroadcastChannel or storage are missing. The login URL is a fragment, so a logout
// stays on the page.
import init, { InactivityTracker } from "inactivity-timeout";
import { test } from "./harness.mjs";
import { assert, elapse, equal, eventually } from "./assert.mjs";
import {
  MIN, apiCall, delivered, hide, key, listen, logouts, message, options, post, restore, session,
  setItemFromAnotherDocument, start, startAboutToExpire, wakeUp,
} from "./support.mjs";

await init();

const now = () => Math.floor(Date.now());

/** A time from the future — a clock that jumped back, or a value a script wrote — keeps no
 * session alive: a future last activity in storage and a future activity message are ignored,
 * the session expires on time, and the stored value is overwritten. */
test("a_time_from_the_future_keeps_no_session_alive_and_is_overwritten", async () => {
  const user = "future";
  const tracker = startAboutToExpire(user, 600);
  const future = now() + 3_600_000;
  localStorage.setItem(key(user, "last-activity"), String(future));
  post(user, message("activity", { at: future }));
  await eventually("the idle logout", () => logouts().length === 1);
  equal(logouts()[0], "idle");
  const raw = localStorage.getItem(key(user, "last-activity"));
  const stored = raw === null ? Infinity : Number(raw);
  assert(stored <= Date.now(), `the value from the future was overwritten: ${raw}`);
  tracker.stop();
});

/** A logout record from the future does not log every new tab out at start. */
test("a_logout_record_from_the_future_logs_nobody_out", async () => {
  const user = "future-record";
  localStorage.setItem(key(user, "logout"), `1 ${now() + 3_600_000} done`);
  const tracker = start(user);
  wakeUp(); // a wake-up reads the shared record
  await eventually("the bogus record removed", () => localStorage.getItem(key(user, "logout")) === null);
  equal(logouts().length, 0, "not logged out by a record from the future");
  assert(tracker.remainingMs() > 9 * MIN, `remaining ${tracker.remainingMs()}`);
  tracker.stop();
});

test("links_to_the_tabs_of_the_same_user_only_and_tells_them_about_activity", async () => {
  const mine = listen("link-a");
  const otherUser = listen("link-b");
  const tracker = start("link-a");
  const tabs = tracker.tabs();
  equal(tabs.transport, "broadcast-channel");
  equal(tabs.sharedStorage, true);
  await eventually("the hello", () => mine.seen("hello").length === 1);
  await apiCall("/api/v2/routing/queues");
  await eventually("the activity", () => mine.seen("activity").length === 1);
  const sent = mine.seen("activity")[0];
  equal(sent.from, tabs.tabId);
  equal(sent.at, Number(localStorage.getItem(key("link-a", "last-activity"))));
  await delivered();
  equal(otherUser.raw.length, 0, "messages on another user's channel");
  tracker.stop();
  mine.close();
  otherUser.close();
});

test("a_hundred_requests_a_second_make_about_one_message_a_second", async () => {
  const observer = listen("rate");
  const tracker = start("rate");
  // Real time: the bound is per second.
  const began = Date.now();
  while (Date.now() - began < 3_000) {
    apiCall("/api/v2/routing/queues");
    await elapse(10);
  }
  // Sent at once, at most one per second; the rest of the last second waits for the tab's next
  // wake-up (no timer is armed for it). Everything sent so far is delivered now.
  await delivered();
  const activity = observer.seen("activity").length;
  assert(activity >= 3 && activity <= 5, `${activity} messages for ~300 requests in 3 s`);
  const log = tracker.activityLog().length;
  assert(log >= 100, `${log} requests seen`);
  tracker.stop();
  observer.close();
});

test("a_new_tab_starts_from_the_shared_last_activity_and_takes_activity_from_others", async () => {
  localStorage.setItem(key("shared", "last-activity"), String(now() - 4 * MIN));
  const tracker = start("shared");
  const left = tracker.remainingMs();
  assert(left <= 6 * MIN && left > 5.9 * MIN, `not from zero: ${left}`);
  // Garbage on the channel changes nothing and breaks nothing.
  for (const junk of [
    42,
    null,
    {},
    "not json",
    "x".repeat(100_000),
    message("activity", { at: -1 }),
    JSON.stringify({ v: 2, from: "other-tab", kind: "activity", at: now() }),
    JSON.stringify({ v: 1, from: tracker.tabs().tabId, kind: "activity", at: now() }),
    message("hello", { at: now() }), // a hello is not activity
  ]) {
    post("shared", junk);
  }
  await delivered();
  const afterJunk = tracker.remainingMs();
  assert(afterJunk <= left, `${afterJunk} > ${left}`);
  post("shared", message("activity", { at: now() }));
  await eventually("the remote activity", () => tracker.remainingMs() > 9.9 * MIN);
  equal(logouts().length, 0);
  tracker.stop();
});

test("a_dead_session_in_storage_is_not_inherited", async () => {
  // Idle for longer than the timeout: a fresh sign-in must not log out at once.
  localStorage.setItem(key("dead", "last-activity"), String(now() - 20 * MIN));
  const dead = start("dead");
  assert(dead.remainingMs() > 9.9 * MIN, `remaining ${dead.remainingMs()}`);
  dead.stop();
  // A session that logged out after its last activity: over, too.
  localStorage.setItem(key("over", "last-activity"), String(now() - 3 * MIN));
  localStorage.setItem(key("over", "logout"), `1 ${now() - MIN} done`);
  const tracker = start("over");
  assert(tracker.remainingMs() > 9.9 * MIN, `remaining ${tracker.remainingMs()}`);
  wakeUp(); // re-reads the shared state, as its timer would
  equal(logouts().length, 0, "a record of an earlier session");
  tracker.stop();
});

test("without_broadcast_channel_messages_travel_by_storage_events", async () => {
  localStorage.setItem(key("nobc", "last-activity"), String(now() - 5 * MIN));
  hide("BroadcastChannel");
  const tracker = start("nobc");
  restore();
  equal(tracker.tabs().transport, "storage-events");
  assert(tracker.remainingMs() <= 5 * MIN, `remaining ${tracker.remainingMs()}`);
  // Another tab (document) writes its message into the message key: a storage event here.
  await setItemFromAnotherDocument(key("nobc", "message"), message("activity", { at: now() }));
  await eventually("the remote activity", () => tracker.remainingMs() > 9.9 * MIN);
  // Its own activity goes out by the message key.
  await apiCall("/api/v2/routing/queues");
  await eventually("the message in storage", () => {
    const m = localStorage.getItem(key("nobc", "message"));
    return m !== null && m.includes('"kind":"activity"') && !m.includes("other-tab");
  });
  post("nobc", message("logout", { reason: "idle" })); // no channel: not heard
  await delivered();
  equal(logouts().length, 0);
  tracker.stop();
});

test("without_storage_the_tab_shares_by_messages_only", async () => {
  hide("localStorage");
  const observer = listen("nols");
  const tracker = start("nols");
  const tabs = tracker.tabs();
  equal(tabs.sharedStorage, false);
  equal(tabs.transport, "broadcast-channel");
  await apiCall("/api/v2/routing/queues");
  await eventually("the activity", () => observer.seen("activity").length === 1);
  post("nols", message("logout", { reason: "slept" }));
  await eventually("the logout", () => logouts().length === 1);
  equal(logouts()[0], "other-tab");
  restore();
  tracker.stop();
  observer.close();
  // Neither storage nor channel: alone, still tracking.
  hide("localStorage");
  hide("BroadcastChannel");
  const alone = start("alone");
  restore();
  equal(alone.tabs().transport, "none");
  await apiCall("/api/v2/routing/queues");
  assert(alone.remainingMs() > 9.9 * MIN, `remaining ${alone.remainingMs()}`);
  alone.stop();
});

test("tabs_with_another_access_token_are_another_session", async () => {
  const user = "token-user";
  const mine = `${user}${session("token-1")}`;
  const sameSession = listen(mine);
  const otherSession = listen(`${user}${session("token-2")}`);
  const noSession = listen(user);
  const tracker = InactivityTracker.start(options(user, { accessToken: () => "token-1" }));
  await eventually("the hello", () => sameSession.seen("hello").length === 1);
  await delivered();
  for (const other of [otherSession, noSession]) equal(other.raw.length, 0, "messages on another session's channel");
  // The session's keys hold the token's fingerprint, never the token.
  await apiCall("/api/v2/routing/queues");
  await eventually("the shared last activity", () => localStorage.getItem(key(mine, "last-activity")) !== null);
  const keys = Object.keys(localStorage);
  assert(keys.every((k) => !k.includes("token-1")), `the token in a key: ${keys}`);
  tracker.stop();
  for (const observer of [sameSession, otherSession, noSession]) observer.close();
});

test("the_shared_state_of_sessions_abandoned_for_a_day_is_removed", async () => {
  const day = 24 * 60 * MIN;
  const old = "janitor#00000000000000aa";
  const recent = "janitor#00000000000000bb";
  const garbage = "janitor#00000000000000cc";
  localStorage.setItem(key(old, "last-activity"), String(now() - 2 * day));
  localStorage.setItem(key(old, "logout"), `1 ${now() - 2 * day} done`);
  localStorage.setItem(key(old, "message"), "{}");
  localStorage.setItem(key(garbage, "message"), "garbage");
  localStorage.setItem(key(recent, "last-activity"), String(now() - 2 * MIN));
  localStorage.setItem("someone-else:key", "kept");
  const tracker = start("janitor");
  for (const what of ["last-activity", "logout", "message"]) {
    await eventually(`the abandoned ${what} removed`, () => localStorage.getItem(key(old, what)) === null);
  }
  await eventually("the garbage removed", () => localStorage.getItem(key(garbage, "message")) === null);
  assert(localStorage.getItem(key(recent, "last-activity")) !== null, "a live session is kept");
  equal(localStorage.getItem("someone-else:key"), "kept");
  tracker.stop();
});
