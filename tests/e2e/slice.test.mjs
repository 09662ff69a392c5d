// The vertical slice: a real browser, the real server, time moved by Playwright's clock.
// Counted calls keep the user in; excluded calls do not; at expiry the browser is on the login
// page; after signing in it is back on the exact page it left, query and hash included.
import { test } from "node:test";
import assert from "node:assert/strict";
import { setUp, openSignedIn, signIn, advanceTogether } from "./harness.mjs";

const MINUTE = 60_000;
const env = await setUp();
const { server } = env;

const advance = (page, ms) => advanceTogether(page, server, ms);

test("counted calls keep the user in, excluded ones do not; logout, sign in, back to the same page", async () => {
  // First visit without a token: sent to sign in, and back to the exact page.
  const { context, page, url: start } = await openSignedIn(env, { path: "/minimal/?tab=ledger&q=a%20b#section-2", clock: true });
  const explain = await page.evaluate(() => window.tracker.explain());
  assert.equal(explain.timeoutSeconds, 600, "the server's default org-wide timeout applies");
  assert.equal(explain.source, "organization");

  // A counted fetch after 5 minutes keeps the user in past the 10-minute mark.
  await advance(page, 5 * MINUTE);
  await page.getByRole("button", { name: /load queues/i }).click();
  await page.getByText("Queues loaded.").waitFor();
  await advance(page, 6 * MINUTE);
  assert.equal(page.url(), start, "still signed in 11 minutes after start");
  const left = await page.evaluate(() => window.tracker.remainingMs());
  assert.ok(left > 3 * MINUTE && left <= 4 * MINUTE, `about 4 minutes left, got ${left} ms`);

  // A counted XHR resets it again.
  await page.getByRole("button", { name: /with xhr/i }).click();
  await page.getByText("Conversations loaded.").waitFor();
  const afterXhr = await page.evaluate(() => window.tracker.remainingMs());
  assert.ok(afterXhr > 9 * MINUTE, `XHR counted: ${afterXhr} ms left`);

  // Excluded calls do not count: the warning comes 9 minutes after the XHR, then the logout.
  await page.getByRole("button", { name: /send diagnostics/i }).click();
  await page.getByText("Diagnostics sent.").waitFor();
  const afterExcluded = await page.evaluate(() => window.tracker.remainingMs());
  assert.ok(afterExcluded <= afterXhr, "an excluded call does not reset the timer");
  const log = await page.evaluate(() => window.tracker.activityLog());
  const trace = log.find((e) => e.url.includes("diagnostics/trace"));
  assert.equal(trace.outcome, "excluded");
  assert.equal(trace.excludedBy, "api/v2/diagnostics/trace");
  assert.equal(log.find((e) => e.url.includes("routing/queues")).outcome, "counted");

  await advance(page, 9 * MINUTE);
  await page.getByRole("alert").filter({ hasText: /signed out soon/i }).waitFor();
  assert.equal(page.url(), start, "warned, not yet logged out");

  // Just past the expiry the clock stops (the logout's calls and its Web Lock run in real time);
  // the server's clock lags a little, as a request's receipt lags its sending, so the token is
  // alive while the logout calls run.
  const loggedOut = page.waitForURL(/\/oauth\/authorize/);
  await page.clock.runFor(MINUTE + 1_000);
  await loggedOut;
  const loginUrl = new URL(page.url());
  assert.ok(loginUrl.searchParams.get("state"), "the login URL carries the return location in state");

  // The server saw the logout calls: routing status checked, presence Offline, token revoked.
  const received = await server.log();
  const calls = received.map((r) => `${r.method} ${r.path}`);
  assert.ok(calls.some((c) => /^DELETE \/api\/v2\/tokens\/me/.test(c)), `token revoked: ${calls.join(", ")}`);
  assert.ok(calls.some((c) => /^PATCH \/api\/v2\/users\/[^/]+\/presences\/purecloud/.test(c)), `presence set: ${calls.join(", ")}`);

  // Sign in again: back on the exact page, hash included.
  await signIn(page, "agent", "agent");
  await page.waitForURL(start);
  assert.equal(page.url(), start);
  await page.locator("body[data-ready=true]").waitFor();
  await context.close();
});
