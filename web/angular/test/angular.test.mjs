// inactivity-timeout/angular: the service under Angular's TestBed in a real browser (ENGINE),
// against the real package in pkg/ (bash scripts/build.sh first).
import { test } from "node:test";
import assert from "node:assert/strict";
import { testPage, MINUTE } from "../../adapters/test/browser.mjs";

const { open } = await testPage(import.meta.dirname);
const step = (page, name, ...args) => page.evaluate(([n, a]) => window.steps[n](...a), [name, args]);
const until = (page, predicate, arg) => page.waitForFunction(predicate, arg, { timeout: 10_000 });
const started = (page) => until(page, () => window.steps.state().explained);

test("the service starts the page's tracker with the application; its timers and the requests never enter Angular's zone", async (t) => {
  const { page, errors } = await open(t);
  await step(page, "start");
  await started(page);
  assert.deepEqual(await step(page, "calls"), { starts: 1, stops: 0 });
  const before = await step(page, "unstable");
  await step(page, "work", 50);
  for (let i = 0; i < 8; i++) await page.clock.runFor(MINUTE);
  assert.deepEqual(await step(page, "state"), { warning: false, remainingMs: null, explained: true });
  assert.equal(await step(page, "unstable"), before, "50 requests and 8 minutes of the tracker's timer: no change detection");

  // The warning: the signals change inside the zone, then once per second.
  await page.clock.runFor(MINUTE + 500);
  await until(page, () => window.steps.state().warning);
  // onWarning runs inside the zone (the app's UI code); onActivity, per request, outside it.
  assert.deepEqual(await step(page, "inZone"), { onWarning: true, onActivity: false });
  const atWarning = await step(page, "unstable");
  for (let i = 1; i <= 3; i++) await page.clock.runFor(1_000);
  const ticks = (await step(page, "unstable")) - atWarning;
  assert.ok(ticks <= 4, `3 seconds of countdown: ${ticks} turns of the zone, at most one per second`);
  const { remainingMs } = await step(page, "state");
  assert.ok(remainingMs <= 57_000 && remainingMs > 55_000, `${remainingMs}`);
  await step(page, "work", 1);
  await until(page, () => !window.steps.state().warning);
  assert.equal((await step(page, "state")).remainingMs, null);
  assert.deepEqual(errors, []);
});

test("zoneless: a component shows the warning and the countdown from the signals", async (t) => {
  const { page, errors } = await open(t);
  await step(page, "start", { zoneless: true });
  await started(page);
  assert.match(await step(page, "shown"), /no warning/);
  // Zoneless change detection runs in a timer (or an animation frame) of its own: the page's
  // clock moves 100 ms more after each move for it to run.
  const move = async (ms) => {
    await page.clock.runFor(ms);
    await page.clock.runFor(100);
  };
  // At the warning point the tracker first asks the server (a real request, answered in real
  // time, maybe after the clock stopped moving): the warning may come with that answer. Only then
  // can change detection, a timer on the page's clock, run.
  await page.clock.runFor(9 * MINUTE + 500);
  await until(page, () => window.steps.state().warning);
  await page.clock.runFor(100);
  await until(page, () => window.steps.shownMs() !== null);
  const first = await step(page, "shownMs");
  assert.ok(first <= 60_000 && first > 58_000, `${first}`);
  // The countdown shows whole seconds: 2 s later it is 1 to 2 s less.
  await move(2_000);
  await until(page, (ms) => window.steps.shownMs() <= ms - 1_000, first);
  // A burst of 30 s at once.
  await move(30_000);
  await until(page, (ms) => window.steps.shownMs() <= ms - 31_000, first);
  assert.deepEqual(errors, []);
});

test("hold(label) holds past the deadline until released; destroying the application stops the tracker", async (t) => {
  const { page } = await open(t);
  await step(page, "start");
  await started(page);
  await step(page, "hold", "Call 42");
  assert.deepEqual(await step(page, "holds"), ["Call 42"]);
  await page.clock.runFor(15 * MINUTE);
  assert.equal((await step(page, "state")).warning, false, "no warning while held");
  await step(page, "release");
  assert.deepEqual(await step(page, "holds"), []);
  await step(page, "destroy");
  assert.deepEqual(await step(page, "calls"), { starts: 1, stops: 1 });
  // A new application starts a new tracker.
  await step(page, "start");
  await started(page);
  assert.deepEqual(await step(page, "calls"), { starts: 2, stops: 1 });
});

test("on the server platform nothing starts; hold() is a no-op there", async (t) => {
  const { page } = await open(t);
  await step(page, "start", { platform: "server" });
  await step(page, "hold", "Call 1");
  await step(page, "release");
  await page.clock.runFor(MINUTE);
  assert.deepEqual(await step(page, "state"), { warning: false, remainingMs: null, explained: false });
  assert.deepEqual(await step(page, "calls"), { starts: 0, stops: 0 });
});

test("bad options: provideInactivityTimeout names them; the tracker's refusal reaches the ErrorHandler", async (t) => {
  const { page } = await open(t);
  assert.match(await step(page, "provideNothing"), /^TypeError: provideInactivityTimeout: options must be an object/);
  await step(page, "start", { opts: { loginUrl: 42 } });
  await until(page, () => window.steps.handled().length > 0);
  const [handled] = await step(page, "handled");
  assert.match(handled, /^TypeError: .*loginUrl/);
  assert.equal((await step(page, "calls")).starts, 0);
});
