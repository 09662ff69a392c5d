// The tracker, end to end: warning and Stay signed in, the server-deadline extension, the logout
// sequence in order and under every failure of its calls, server-revoked, slept, and fetching the
// settings itself. Real server, real browser (ENGINE), Playwright's clock.
import { test } from "node:test";
import assert from "node:assert/strict";
import { setUp, openSignedIn, signIn, advanceTogether, waitUntil, assertInOrder } from "./harness.mjs";

const MINUTE = 60_000;
const AGENT_ID = "b0000000-0000-4000-8000-000000000001";
const env = await setUp({ resetEachTest: true });
const { server } = env;
/** The minimal client, signed in, with Playwright's clock. */
const openMinimal = (options) => openSignedIn(env, { clock: true, ...options });

/** Polls the server's request log until `predicate` matches an entry (the network is real time). */
const waitForLog = (predicate, what) =>
  waitUntil(async () => (await server.log()).find(predicate), {
    what: `the server to receive ${what}`,
    timeoutMs: 10_000,
    intervalMs: 50,
    describe: async () => JSON.stringify(await server.log()),
  });

const remaining = (page) => page.evaluate(() => window.tracker.remainingMs());
const warning = (page) => page.getByRole("alert").filter({ hasText: /signed out soon/i });

async function expectLoggedOut(page, reason) {
  await page.waitForURL(/\/oauth\/authorize/);
  assert.equal(await page.evaluate(() => sessionStorage.getItem("minimal.lastLogout")), reason);
}

test("the warning comes a minute before; Stay signed in resets the client and the server", async () => {
  const { context, page } = await openMinimal();
  await advanceTogether(page, server, 9 * MINUTE + 1_000, 30_000);
  await warning(page).waitFor();
  const left = await remaining(page);
  assert.ok(left <= 60_000 && left > 50_000, `${left}`);

  await server.clearLog();
  await page.getByRole("button", { name: /stay signed in/i }).click();
  await warning(page).waitFor({ state: "hidden" });
  assert.ok((await remaining(page)) > 9.9 * MINUTE);
  const stay = await waitForLog(
    (r) => r.method === "GET" && r.path === "/api/v2/tokens/me" && !r.query,
    "the Stay signed in call",
  );
  assert.ok(stay.counted, "Stay signed in made a counted call, which resets the server's deadline");
  await context.close();
});

test("a later server deadline (the token was used elsewhere) extends instead of warning", async () => {
  const { context, page, token } = await openMinimal();
  await advanceTogether(page, server, 5 * MINUTE);
  // Another client uses the same token: the server's deadline moves to +15 min.
  assert.equal((await server.api(token, "GET", "/api/v2/routing/queues")).status, 200);
  await advanceTogether(page, server, 4 * MINUTE + 10_000, 10_000);
  assert.equal(await warning(page).isVisible(), false, "no warning");
  const left = await remaining(page);
  assert.ok(left > 5 * MINUTE && left <= 6 * MINUTE, `extended to the server's deadline: ${left}`);
  await context.close();
});

/**
 * The minimal client's tracker on a page with no timer of its own (no countdown): when time moves
 * in a burst nothing runs between the tracker's own timers — as in a tab whose timers were held
 * back and then run together. The page reads the token the minimal client saved at sign-in.
 */
const QUIET_PAGE = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Quiet client</title></head>
<body><p>Quiet client</p><script type="module">
  import init, { InactivityTracker } from "/pkg/inactivity_timeout.js";
  await init();
  const token = sessionStorage.getItem("minimal.token");
  const get = (path) => fetch(path, { headers: { authorization: "Bearer " + token } }).then((r) => r.json());
  const [idleTokenTimeout, authSettings, me] = await Promise.all([
    get("/api/v2/tokens/timeout"),
    get("/api/v2/organizations/authentication/settings"),
    get("/api/v2/users/me"),
  ]);
  window.warnings = 0;
  window.tracker = InactivityTracker.start({
    policy: { idleTokenTimeout, authSettings },
    user: { id: me.id, groups: [] },
    loginUrl: "/minimal/",
    accessToken: () => token,
    onWarning: () => window.warnings++,
  });
  document.body.dataset.ready = "true";
</script></body></html>`;

test("the server check before the warning reaches the server when time moves in a burst, and its later deadline extends", async () => {
  const { context, page, token } = await openMinimal();
  const quiet = `${server.url}/minimal/quiet.html`;
  await page.route(quiet, (route) => route.fulfill({ contentType: "text/html", body: QUIET_PAGE }));
  await page.goto(quiet);
  await page.locator("body[data-ready=true]").waitFor();
  await advanceTogether(page, server, 5 * MINUTE);
  // Another client uses the same token: the server's deadline moves to +10 min from now.
  assert.equal((await server.api(token, "GET", "/api/v2/routing/queues")).status, 200);
  await advanceTogether(page, server, (await remaining(page)) - MINUTE - 2_000);
  await server.clearLog();
  // One burst of 30 s across the warning point: the check, the wait for its answer and the
  // check's own time bound all fall due within it.
  await page.clock.runFor(30_000);
  await server.advanceClock(30_000);
  const check = await waitForLog((r) => r.path === "/api/v2/tokens/me" && r.query === "preserveIdleTTL=true", "the token check");
  assert.equal(check.status, 200);
  assert.equal(check.counted, false, "the check does not reset the server's deadline");
  // The answer (the server's later deadline) extends the session.
  await waitUntil(async () => (await remaining(page)) > 4 * MINUTE, {
    what: "the tracker to take the server's later deadline",
    describe: async () => `${await remaining(page)} ms left`,
  });
  await context.close();
});

test("the logout sequence: Off Queue, Offline, revoke, in this order; back after sign-in", async () => {
  const { context, page, token } = await openMinimal();
  const path = `/api/v2/users/${AGENT_ID}/routingstatus`;
  assert.equal((await server.api(token, "PUT", path, { status: "IDLE" })).status, 200);
  await server.clearLog();
  // The server's clock stays a little behind, so the token is alive while the logout calls run;
  // after the expiry the clock stands still (the calls' bounds are on the page's clock).
  await advanceTogether(page, server, 9 * MINUTE + 30_000, 30_000);
  await page.clock.runFor(31_000);
  await expectLoggedOut(page, "idle");
  const calls = (await server.log()).map((r) => `${r.method} ${r.path}`);
  const order = [
    `PUT ${path}`,
    `PATCH /api/v2/users/${AGENT_ID}/presences/purecloud`,
    "DELETE /api/v2/tokens/me",
  ];
  assertInOrder(calls, order);
  assert.equal((await server.api(token, "GET", "/api/v2/routing/queues")).status, 401, "token revoked");

  await signIn(page, "agent");
  await page.locator("body[data-ready=true]").waitFor();
  await page.getByText("You were signed out last time: idle.").waitFor();
  const fresh = await page.evaluate(() => sessionStorage.getItem("minimal.token"));
  const status = await server.api(fresh, "GET", path);
  assert.equal(status.body.status, "OFF_QUEUE");
  await context.close();
});

// A 401 on the tracker's token check before the warning means the token is dead: server-revoked.
for (const [name, fault, reason] of [
  ["answer 500", (route) => route.fulfill({ status: 500, body: "{}" }), "idle"],
  ["answer 401", (route) => route.fulfill({ status: 401, body: "{}" }), "server-revoked"],
  ["fail at the network", (route) => route.abort("internetdisconnected"), "idle"],
  ["hang", () => {}, "idle"],
]) {
  test(`the logout still happens when its calls ${name}`, async () => {
    const { context, page } = await openMinimal();
    await page.route("**/api/v2/**", fault);
    // Past expiry, then past every call's bound (5 s each).
    await advanceTogether(page, server, 10 * MINUTE + 60_000, 10_000);
    await expectLoggedOut(page, reason);
    await context.close();
  });
}

test("a revoked token seen on an app request logs out with reason server-revoked", async () => {
  const { context, page, token } = await openMinimal();
  // Seen through resource timing's responseStatus, which both engines run here expose (where it
  // is missing, see faults.test.mjs).
  assert.ok(await page.evaluate(() => "responseStatus" in PerformanceResourceTiming.prototype));
  assert.equal((await server.api(token, "DELETE", "/api/v2/tokens/me")).status, 204);
  await page.getByRole("button", { name: /load queues/i }).click();
  await expectLoggedOut(page, "server-revoked");
  await context.close();
});

test("an app call answered 401 while the token is alive does not log out", async () => {
  const { context, page } = await openMinimal();
  await server.clearLog();
  const status = await page.evaluate(() => fetch("/api/v2/routing/queues").then((r) => r.status));
  assert.equal(status, 401, "a call without the token");
  // The tracker asks the server whether the token is alive; it is, so nothing happens.
  await waitForLog((r) => r.path === "/api/v2/tokens/me" && r.status === 200, "the token check");
  await page.evaluate(() => fetch("/api/v2/organizations/me").then((r) => r.status));
  assert.equal(await page.evaluate(() => sessionStorage.getItem("minimal.lastLogout")), null);
  assert.ok(page.url().includes("/minimal/"), "still signed in");
  assert.ok((await remaining(page)) > 9 * MINUTE);
  await context.close();
});

test("a deadline that passed while the page could not run: reason slept, no warning", async () => {
  const { context, page } = await openMinimal();
  let warned = false;
  await page.exposeFunction("sawWarning", () => (warned = true));
  await page.evaluate(() => {
    new MutationObserver(() => {
      if (!document.getElementById("warning").hidden) window.sawWarning();
    }).observe(document.getElementById("warning"), { attributes: true });
  });
  await page.clock.fastForward(25 * MINUTE);
  await expectLoggedOut(page, "slept");
  assert.equal(warned, false, "no warning it could no longer honour");
  await context.close();
});

test("without policy and user, the tracker fetches them itself; its own calls never count", async () => {
  const { context, page } = await openMinimal({ path: "/minimal/?auto" });
  await page.waitForFunction(() => window.tracker.explain().source !== "fallback");
  const explain = await page.evaluate(() => window.tracker.explain());
  assert.equal(explain.source, "organization");
  assert.equal(explain.timeoutSeconds, 600);
  const log = await page.evaluate(() => window.tracker.activityLog());
  const timeoutCalls = log.filter((e) => e.path === "api/v2/tokens/timeout");
  assert.equal(timeoutCalls.length, 1, "only the page's own call, not the tracker's");
  const asked = (await server.log()).filter((r) => r.path === "/api/v2/tokens/timeout");
  assert.equal(asked.length, 2, "the page and the tracker both asked the server");
  await context.close();
});

test("when the tracker breaks, the app keeps working and the timeout is still enforced", async () => {
  const { context, page } = await openMinimal();
  const thrown = await page.evaluate(() => {
    try {
      window.tracker.simulateFailure();
      return null;
    } catch (e) {
      return e.constructor.name;
    }
  });
  assert.equal(thrown, "RuntimeError", "the simulated panic traps the wasm");
  // The app's requests still work.
  await page.getByRole("button", { name: /load queues/i }).click();
  await page.getByText("Queues loaded.").waitFor();
  // In the fallback an API call still counts as activity: an active user stays signed in.
  await page.clock.runFor(8 * MINUTE);
  await page.getByRole("button", { name: /load queues/i }).click();
  await page.getByText("Queues loaded.").waitFor();
  // Calls that are not activity do not count, even now: an excluded API (the default
  // diagnostics exclusion) and a request that is not an API call at all.
  await page.clock.runFor(6 * MINUTE);
  await page.getByRole("button", { name: /send diagnostics/i }).click();
  await page.getByText("Diagnostics sent.").waitFor();
  await page.evaluate(() => fetch("/minimal/").then((r) => r.status));
  await page.clock.runFor(3 * MINUTE);
  assert.ok(page.url().includes("/minimal/"), "still signed in while the last API call is recent");
  // The timeout after the last *counted* call: sent to the login page, the later excluded and
  // non-API calls notwithstanding.
  const out = page.waitForURL(/\/oauth\/authorize/);
  await page.clock.runFor(2 * MINUTE);
  await out;
  await context.close();
});
