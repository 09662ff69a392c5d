// Holds in a real page: maxHoldSeconds and label errors, a hold after stop(), release() and
// [Symbol.dispose], explain().holds and the activity log, what a hold tells the other tabs, and
// a hold in another tab (played by the test on the channel) keeping this tab from logging out.
import init, { InactivityTracker } from "inactivity-timeout";
import { test } from "./harness.mjs";
import { assert, elapse, equal, eventually, thrown } from "./assert.mjs";
import { MIN, listen, logouts, message, options, post, start, startAboutToExpire, wakeUp } from "./support.mjs";

await init();

const holds = (tracker) => tracker.explain().holds;
const labels = (tracker) => holds(tracker).map((h) => h.label);
const holdLog = (tracker) => tracker.activityLog()
  .filter((e) => e.outcome.startsWith("hold-"))
  .map((e) => ({ outcome: e.outcome, label: e.label, reason: e.reason }));

test("max_hold_seconds_outside_60_to_28800_or_not_whole_is_a_range_error_naming_it", async () => {
  // Anything else, a number in a string included, is the same RangeError.
  for (const bad of [59, 28_801, 90.5, NaN, Infinity, -60, "600", true, {}]) {
    const error = thrown(() => InactivityTracker.start(options("u-max", { maxHoldSeconds: bad })), `${String(bad)} accepted`);
    assert(error instanceof RangeError, `${String(bad)}: ${error}`);
    assert(error.message.includes("maxHoldSeconds"), `${String(bad)}: ${error.message}`);
  }
  // Nothing started: a tracker with the bounds themselves starts.
  for (const ok of [60, 28_800]) InactivityTracker.start(options("u-max", { maxHoldSeconds: ok })).stop();
});

test("a_label_that_is_not_a_non_empty_string_of_at_most_100_characters_is_refused", async () => {
  const tracker = start("u-label");
  const cases = [
    [42, TypeError],
    [undefined, TypeError],
    ["", RangeError],
    ["   ", RangeError],
    ["x".repeat(101), RangeError],
    ["line\nbreak", RangeError],
  ];
  for (const [label, kind] of cases) {
    const error = thrown(() => tracker.hold(label), `hold(${JSON.stringify(label)})`);
    assert(error instanceof kind, `hold(${JSON.stringify(label)}): ${error}, not a ${kind.name}`);
    assert(error.message.includes("label"), error.message);
  }
  equal(holds(tracker).length, 0, "a refused hold holds nothing");
  equal(holdLog(tracker).length, 0);
  const longest = tracker.hold("é".repeat(100));
  equal(holds(tracker).length, 1);
  longest.release();
  tracker.stop();
});

test("a_hold_after_stop_throws_a_clear_error", async () => {
  const tracker = start("u-stopped");
  tracker.stop();
  const error = thrown(() => tracker.hold("Call 1"), "a hold after stop()");
  assert(error instanceof Error, String(error));
  assert(error.message.includes("stopped"), error.message);
});

test("release_is_idempotent_and_symbol_dispose_releases", async () => {
  const tracker = start("u-release");
  const first = tracker.hold("Call 1");
  const second = tracker.hold("Call 2");
  equal(labels(tracker), ["Call 1", "Call 2"]);
  first.release();
  first.release();
  equal(labels(tracker), ["Call 2"]);
  if (typeof Symbol.dispose === "symbol") second[Symbol.dispose]();
  else second.release();
  second.release();
  equal(labels(tracker), []);
  const ended = holdLog(tracker).filter((e) => e.outcome === "hold-ended");
  equal(ended.length, 2, "one end per hold, however often released");
  tracker.stop();
});

test("explain_lists_the_holds_and_the_activity_log_records_their_begin_and_end", async () => {
  const tracker = start("u-explain");
  const before = Date.now();
  const handle = tracker.hold("Call 42");
  const listed = holds(tracker);
  equal(listed.length, 1);
  equal(listed[0].label, "Call 42");
  const since = listed[0].sinceMs;
  assert(since >= Math.floor(before) && since <= Date.now(), `sinceMs ${since}`);
  // Held: the whole timeout is left, however long the hold lasts.
  equal(tracker.remainingMs(), 10 * MIN);
  handle.release();
  equal(holds(tracker).length, 0);
  const log = holdLog(tracker);
  equal(log.length, 2, JSON.stringify(log));
  equal([log[0].outcome, log[0].label], ["hold-began", "Call 42"]);
  equal(log[0].reason, null);
  equal([log[1].outcome, log[1].label], ["hold-ended", "Call 42"]);
  equal(log[1].reason, "released");
  tracker.stop();
});

test("a_hold_is_announced_to_the_other_tabs_and_stop_ends_it_there", async () => {
  const observer = listen("u-announce");
  const tracker = start("u-announce");
  tracker.hold("Call 7");
  await eventually("the hold announced", () => observer.seen("hold").length > 0);
  equal(observer.seen("hold")[0].label, "Call 7");
  tracker.stop();
  await eventually("a goodbye on stop()", () => observer.seen("goodbye").length > 0);
  observer.close();
});

test("a_hold_in_another_tab_keeps_this_tab_from_logging_out_until_that_tab_goes_away", async () => {
  const user = "u-remote";
  // The session has 1.5 s left when this tab starts.
  const tracker = startAboutToExpire(user, 1_500);
  const deadline = Date.now() + 1_500;
  const at = Math.floor(Date.now());
  post(user, message("hold", { hold: 1, since: at, at, label: "Call 9" }));
  await eventually("the other tab's hold applied", () => labels(tracker).join() === "Call 9");
  equal(holdLog(tracker)[0].outcome, "hold-began");
  // Real time past the session's deadline (by as much again), and a wake-up that re-checks it.
  await elapse(deadline + 1_500 - Date.now());
  wakeUp();
  equal(logouts().length, 0, "no logout while the other tab holds");
  equal(tracker.remainingMs(), 10 * MIN);

  // That tab goes away: its hold ends here, and the timer runs from then.
  post(user, message("goodbye"));
  await eventually("the hold ended with its tab", () => labels(tracker).length === 0);
  equal(holdLog(tracker).at(-1).reason, "tab-gone");
  const left = tracker.remainingMs();
  assert(left > 9.9 * MIN && left <= 10 * MIN, `remaining ${left}`);
  equal(logouts().length, 0);
  tracker.stop();
});
