// inactivity-timeout/react: the hooks under React Testing Library in a real browser (ENGINE),
// against the real package in pkg/ (bash scripts/build.sh first), and rendered on the server.
import { test } from "node:test";
import assert from "node:assert/strict";
import { createElement as h } from "react";
import { renderToString } from "react-dom/server";
import { testPage, MINUTE } from "../../adapters/test/browser.mjs";

const { open } = await testPage(import.meta.dirname);
const step = (page, name, ...args) => page.evaluate(([n, a]) => window.steps[n](...a), [name, args]);
const until = (page, predicate, arg) => page.waitForFunction(predicate, arg, { timeout: 10_000 });
const started = (page) => until(page, () => window.steps.state().started === true);

test("one tracker for the page: two users under StrictMode's double mount start it once and stop it never", async (t) => {
  const { page, errors } = await open(t);
  // hold() in the same task as the first mount: the package is still loading.
  assert.match(await step(page, "mount", {}, true, true), /hold\("too early"\): the tracker has not started/);
  await started(page);
  assert.deepEqual(await step(page, "calls"), { starts: 1, stops: 0 });
  // Re-rendered, the tracker stays the same one.
  await step(page, "rerender");
  await page.clock.runFor(1_000);
  assert.deepEqual(await step(page, "calls"), { starts: 1, stops: 0 });
  assert.deepEqual(errors, []);
});

test("the last user's unmount stops the tracker; a later mount starts a fresh one", async (t) => {
  const { page } = await open(t);
  await step(page, "mount");
  await started(page);
  await step(page, "unmount");
  await until(page, () => window.steps.calls().stops === 1);
  await step(page, "mount", {}, false);
  await until(page, () => window.steps.calls().starts === 2);
  await started(page);
  assert.deepEqual(await step(page, "calls"), { starts: 2, stops: 1 });
});

test("useHold holds while active (once under StrictMode), and releases when inactive and on unmount", async (t) => {
  const { page } = await open(t);
  await step(page, "mount", { holds: { "Call 1": true, "Call 2": false } });
  await started(page);
  await until(page, () => window.steps.holds().length === 1);
  assert.deepEqual(await step(page, "holds"), ["Call 1"]);
  await step(page, "rerender", { holds: { "Call 1": true, "Call 2": true } });
  await until(page, () => window.steps.holds().length === 2);
  await step(page, "rerender", { holds: { "Call 1": false, "Call 2": true } });
  await until(page, () => window.steps.holds().join() === "Call 2");
  // The holder unmounts, the provider stays: its hold ends.
  await step(page, "rerender", { holds: { "Call 1": false } });
  await until(page, () => window.steps.holds().length === 0);
  // A hold keeps the warning away past the deadline.
  await step(page, "rerender", { holds: { "Call 3": true } });
  await until(page, () => window.steps.holds().length === 1);
  await page.clock.runFor(15 * MINUTE);
  assert.equal((await step(page, "state")).warning, false);
});

test("re-renders on the warning's start and end and once per second while it shows, never per request", async (t) => {
  const { page, errors } = await open(t);
  // Without StrictMode, whose development build renders everything twice.
  await step(page, "mount", {}, false);
  await started(page);
  const before = await step(page, "renders");
  await step(page, "work", 50);
  await page.clock.runFor(4 * MINUTE);
  assert.equal(await step(page, "renders"), before, "50 requests and 4 minutes: no render");

  // Nothing for 9 minutes since the last request: the warning, a minute before the logout.
  await page.clock.runFor(5 * MINUTE + 500);
  await until(page, () => window.steps.state().warning === true);
  const atWarning = await step(page, "renders");
  assert.ok(atWarning - before <= 2, `the warning's start: ${atWarning - before} renders`);
  const seconds = async () => Math.ceil((await step(page, "state")).remainingMs / 1000);
  const first = await seconds();
  assert.ok(first === 60 || first === 59, `${first} s left at the warning`);
  // Small steps: one render per second, the countdown one second less each time.
  for (let i = 1; i <= 3; i++) {
    await page.clock.runFor(1_000);
    await until(page, (s) => Math.ceil(window.steps.state().remainingMs / 1000) === s, first - i);
  }
  assert.equal((await step(page, "renders")) - atWarning, 3, "3 seconds in steps: 3 renders");
  // A burst of 20 s: the countdown is where the time is, with at most one render per second.
  await page.clock.runFor(20_000);
  await until(page, (s) => Math.ceil(window.steps.state().remainingMs / 1000) === s, first - 23);
  const burst = (await step(page, "renders")) - atWarning - 3;
  assert.ok(burst >= 1 && burst <= 20, `20 s at once: ${burst} renders`);

  // A request is activity: the warning ends, the countdown with it.
  await step(page, "work");
  await until(page, () => window.steps.state().warning === false);
  assert.equal((await step(page, "state")).remainingMs, null);
  const cleared = await step(page, "renders");
  await page.clock.runFor(30_000);
  await step(page, "work", 20);
  assert.equal(await step(page, "renders"), cleared, "no countdown once the warning ended");
  assert.deepEqual(errors, []);
});

test("a consumer without a provider, and options the tracker refuses, are errors that say what is wrong", async (t) => {
  const { page } = await open(t);
  assert.match(await step(page, "orphan"), /useInactivityTimeoutContext: no <InactivityTimeoutProvider> above/);
  await step(page, "badOptions");
  await until(page, () => window.steps.error() !== null);
  assert.match(await step(page, "error"), /TypeError: .*loginUrl/);
  assert.equal((await step(page, "calls")).starts, 0);
});

test("server rendering: the initial state, and nothing of the package runs (no window needed)", async () => {
  const fetchBefore = globalThis.fetch;
  const { InactivityTimeoutProvider, useInactivityTimeoutContext, useHold } = await import("../../../pkg/react/index.js");
  function Probe() {
    const state = useInactivityTimeoutContext();
    useHold("call", true);
    return h("p", null, `warning ${state.warning}, ${state.remainingMs} ms, started ${state.started}, explain ${state.explain()}`);
  }
  const html = renderToString(h(InactivityTimeoutProvider, { options: { loginUrl: "/login" } }, h(Probe)));
  assert.equal(html, "<p>warning false, null ms, started false, explain null</p>");
  assert.equal(typeof globalThis.window, "undefined");
  assert.equal(globalThis.fetch, fetchBefore, "the package's interception was not installed");
});
