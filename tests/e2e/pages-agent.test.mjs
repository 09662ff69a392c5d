// The agent client and the embedding CRM page in a real Chromium against the real server.
// Time moves with Playwright's page.clock and the server's test clock together; no sleeps.
import { test, beforeEach } from "node:test";
import assert from "node:assert/strict";
import { setUp, signIn, signInFramed, tokenFor, advanceTogether, waitUntil } from "./harness.mjs";
import { expectText } from "./expect.mjs";

const MINUTE = 60_000;
const { server, browser } = await setUp({ resetEachTest: true, browser: { crossSiteFrames: true } });
let adminToken;
beforeEach(async () => {
  adminToken = await tokenFor(server, "admin");
});


/** Browser and server time move together, at most a minute at a time (as a real clock would). */
const advance = (page, ms, step = MINUTE) => advanceTogether(page, server, ms, step);

async function openAgent(url, user = "agent") {
  const context = await browser.newContext();
  const page = await context.newPage();
  const errors = [];
  page.on("pageerror", (e) => errors.push(e.message));
  await page.clock.install();
  await page.goto(url);
  await signIn(page, user);
  await page.waitForURL(url);
  await page.locator("#app:not([hidden])").waitFor();
  return { context, page, errors };
}

const userId = async (name) => (await server.api(await tokenFor(server, name), "GET", "/api/v2/users/me")).body.id;

test("first visit: sign in and back to the same route, query and hash included; status controls work", async () => {
  const start = `${server.url}/agent/#/queues?filter=sales`;
  const { context, page, errors } = await openAgent(start);
  assert.equal(page.url(), start);
  // The queues route with its filter.
  assert.equal(await page.getByLabel("Filter queues").inputValue(), "sales");
  await page.locator("#queues-body tr").first().waitFor();
  assert.deepEqual(await page.locator("#queues-body td:first-child").allTextContents(), ["Sales – Inbound"]);
  assert.equal(await page.getByRole("link", { name: "Queues" }).getAttribute("aria-current"), "page");

  // Who, and the timeout and why.
  await expectText(page.locator("#me-name"), /Alex Agent/);
  await expectText(page.locator("#timeout-value"), /^10 minutes$/);
  await expectText(page.locator("#timeout-source"), /Organization-wide setting/);
  await expectText(page.locator("#timeout-why"), /organization/i);

  // Presence and routing status go to the server.
  const id = await userId("agent");
  await page.getByLabel("Presence").selectOption({ label: "Busy" });
  await expectText(page.locator("#status-msg"), /Presence set to Busy/);
  assert.equal((await server.api(adminToken, "GET", `/api/v2/users/${id}/presences/purecloud`)).body.presenceDefinition.systemPresence, "Busy");
  await page.getByRole("button", { name: "Go On Queue" }).click();
  await page.getByRole("button", { name: "Go Off Queue" }).waitFor();
  await expectText(page.locator("#routing-badge"), /On Queue/);
  assert.notEqual((await server.api(adminToken, "GET", `/api/v2/users/${id}/routingstatus`)).body.status, "OFF_QUEUE");
  await page.getByRole("button", { name: "Go Off Queue" }).click();
  await page.getByRole("button", { name: "Go On Queue" }).waitFor();
  assert.equal((await server.api(adminToken, "GET", `/api/v2/users/${id}/routingstatus`)).body.status, "OFF_QUEUE");
  assert.deepEqual(errors, []);
  await context.close();
});

test("the countdown, counted calls, excluded background calls, and the ledger", async () => {
  const { context, page } = await openAgent(`${server.url}/agent/`);
  await expectText(page.locator("#countdown"), /^10:00$/);
  // The page's clock paused: from now on only the test moves it (real time passing on a busy
  // machine must not show in the countdown). Where it stands then, the countdown shows.
  await page.clock.pauseAt((await page.evaluate(() => Date.now())) + 1_000);
  await page.clock.runFor(1_000);
  const seconds = (text) => text.split(":").reduce((m, s) => m * 60 + Number(s), 0);
  const shown = seconds(await page.locator("#countdown").textContent());
  assert.ok(shown <= 599 && shown >= 570, `the countdown runs: ${shown} s left`);
  // Background diagnostics run every 10 seconds but are excluded: the countdown keeps going.
  await advance(page, 30_000, 10_000);
  const left = shown - 30;
  await expectText(page.locator("#countdown"), new RegExp(`^${Math.floor(left / 60)}:${String(left % 60).padStart(2, "0")}$`));
  const log = await server.log();
  const background = log.filter((e) => /diagnostics|featuretoggles|clientapps/.test(e.path));
  assert.ok(background.length >= 8, `background calls reached the server: ${background.length}`);
  assert.ok(background.every((e) => e.counted === false), "and the server did not count them either");
  // A counted call restarts it.
  await page.getByRole("button", { name: "Load queues" }).click();
  await expectText(page.locator("#work-status"), /Loaded 3 queues/);
  await page.clock.runFor(1000);
  await expectText(page.locator("#countdown"), /^(10:00|9:59)$/);
  await expectText(page.locator("#last-activity"), /GET api\/v2\/routing\/queues/);
  // The ledger (an in-page route: the tracker and its ledger carry on).
  await page.getByRole("link", { name: "Activity ledger", exact: true }).click();
  await page.waitForURL(`${server.url}/agent/?tab=ledger#history`);
  await page.locator("#view-ledger:not([hidden])").waitFor();
  const rows = page.locator("#ledger-body tr");
  await rows.first().waitFor();
  const texts = await rows.allInnerTexts();
  assert.ok(texts.some((t) => /api\/v2\/routing\/queues/.test(t) && /Counted/.test(t)), "the queues call is counted");
  assert.ok(texts.some((t) => /api\/v2\/diagnostics\/trace/.test(t) && /excluded by the entry api\/v2\/diagnostics\/trace/.test(t) && /Excluded/.test(t)), "a diagnostics call is excluded, with its entry");
  await context.close();
});

test("warning dialog: focus moves in, the countdown is announced, Stay signed in keeps the session", async () => {
  const { context, page } = await openAgent(`${server.url}/agent/`);
  await page.getByRole("button", { name: "Load conversations" }).focus();
  await advance(page, 9 * MINUTE);
  await advance(page, 5_000, 1_000);
  const dialog = page.getByRole("dialog", { name: "Are you still there?" });
  await dialog.waitFor();
  assert.equal(await page.evaluate(() => document.activeElement?.id), "stay-signed-in", "focus is in the dialog");
  assert.equal(await page.locator("#warning-dialog").evaluate((d) => d.matches(":modal")), true, "a modal dialog");
  await advance(page, 10_000, 1_000);
  await expectText(page.locator("#warning-countdown"), /^0:(4\d|5\d)$/);
  await expectText(page.locator("#warning-live"), /seconds? until you are signed out/);
  assert.equal(await page.locator("#warning-live").getAttribute("aria-live"), "assertive");
  // Stay signed in: the dialog closes, focus returns, the timer restarts, the server saw activity.
  const before = (await server.log()).length;
  await page.getByRole("button", { name: "Stay signed in" }).click();
  await dialog.waitFor({ state: "hidden" });
  assert.equal(await page.evaluate(() => document.activeElement?.id), "load-conversations", "focus returns where it was");
  await page.clock.runFor(1000);
  await expectText(page.locator("#countdown"), /^(10:00|9:5\d)$/);
  const after = (await server.log()).slice(before);
  assert.ok(after.some((e) => e.path === "/api/v2/tokens/me" && e.method === "GET"), "Stay signed in called the API");
  // Escape in the dialog also means "I am here".
  await advance(page, 9 * MINUTE);
  await advance(page, 5_000, 1_000);
  await dialog.waitFor();
  await page.keyboard.press("Escape");
  await dialog.waitFor({ state: "hidden" });
  await expectText(page.locator("#announcer"), /still signed in/);
  await context.close();
});

test("idle logout: Off Queue, Offline, to the login page, and back to the same page after signing in", async () => {
  const start = `${server.url}/agent/`;
  const id = await userId("agent"); // before: signing in sets the presence Available
  const { context, page } = await openAgent(start);
  await page.getByRole("button", { name: "Go On Queue" }).click();
  await page.getByRole("button", { name: "Go Off Queue" }).waitFor();
  // Move to an in-page route with query and hash.
  await page.getByRole("link", { name: "Activity ledger", exact: true }).click();
  const ledger = `${server.url}/agent/?tab=ledger#history`;
  await page.waitForURL(ledger);
  await advance(page, 10 * MINUTE + 30_000, 10_000);
  await page.waitForURL(/\/oauth\/authorize/);
  adminToken = await tokenFor(server, "admin"); // the earlier one idled out with the clock
  assert.equal((await server.api(adminToken, "GET", `/api/v2/users/${id}/routingstatus`)).body.status, "OFF_QUEUE");
  assert.equal((await server.api(adminToken, "GET", `/api/v2/users/${id}/presences/purecloud`)).body.presenceDefinition.systemPresence, "Offline");
  await signIn(page, "agent");
  await page.waitForURL(ledger);
  await page.locator("#view-ledger:not([hidden])").waitFor();
  await context.close();
});

test("the supervisor's timeout comes from bundle 1 when group timeouts are on", async () => {
  const timeout = (await server.api(adminToken, "GET", "/api/v2/tokens/timeout")).body;
  const put = await server.api(adminToken, "PUT", "/api/v2/tokens/timeout", { ...timeout, inactivityTimeoutGroupsEnabled: true });
  assert.equal(put.status, 200, JSON.stringify(put.body));
  const { context, page } = await openAgent(`${server.url}/agent/`, "supervisor");
  await expectText(page.locator("#timeout-value"), /^15 minutes$/);
  await expectText(page.locator("#timeout-source"), /Group bundle 1 · Supervisors/);
  await expectText(page.locator("#timeout-why"), /"Supervisors"/);
  // 15 minutes, counting down since the page loaded (the page's clock runs until a test moves it).
  await expectText(page.locator("#countdown"), /^(15:00|14:[0-5]\d)$/);
  await context.close();
});

test("embedded in the CRM on the other origin: messages only from the frame; the host can sign the agent out", async (t) => {
  const context = await browser.newContext({ viewport: { width: 1400, height: 1000 } });
  const page = await context.newPage();
  await page.clock.install();
  await page.goto(`${server.altUrl}/host.html`);
  assert.equal(await page.locator("#agent-frame").getAttribute("src"), `${server.url}/agent/`, "the client comes from the other origin");
  const frame = page.frameLocator("#agent-frame");
  // The login page refuses to be framed: the client's sign-in prompt runs it in a popup.
  const agentFrame = () => page.frames().find((f) => f.url().startsWith(`${server.url}/agent/`));
  await frame.getByRole("button", { name: "Sign in", exact: true }).waitFor();
  await signInFramed(agentFrame(), "agent");
  await expectText(frame.locator("#timeout-value"), /10 minutes/);
  // Chromium denies storage to this cross-site frame: the client works without it.
  const inFrame = page.frames().find((f) => f.url().startsWith(`${server.url}/agent/`));
  const storage = await inFrame.evaluate(() => {
    try {
      window.sessionStorage.getItem("x");
      return "available";
    } catch {
      return "denied";
    }
  });
  t.diagnostic(`sessionStorage in the embedded client: ${storage}`);

  // A message from anywhere but the frame is ignored.
  await page.evaluate(() => window.postMessage({ type: "inactivity-timeout:logout", reason: "forged" }, "*"));
  await page.clock.runFor(100);
  assert.equal(await page.locator("#events li", { hasText: "forged" }).count(), 0, "a forged message is ignored");

  // The warning reaches the host.
  await advance(page, 9 * MINUTE);
  await advance(page, 5_000, 1_000);
  await page.locator("#events li", { hasText: "warning" }).first().waitFor();
  await expectText(page.locator("#client-state"), /signed out for inactivity in \d+ seconds/);
  // The host asks the client to sign out.
  await page.getByRole("button", { name: "Sign the agent out" }).click();
  await page.locator("#events li", { hasText: "logout: host-request" }).waitFor();
  await expectText(page.locator("#client-state"), /signed out \(host-request\)/);
  await advance(page, 5_000, 1_000);
  await frame.getByRole("button", { name: "Sign in", exact: true }).waitFor();
  await context.close();
});

test("Sign out runs the idle logout's sequence: Off Queue, Offline, revoke, every tab leaves (reason user)", async () => {
  const { context, page } = await openAgent(`${server.url}/agent/#/queues`);
  const id = await userId("agent");
  await page.getByRole("button", { name: "Go On Queue" }).click();
  await page.getByRole("button", { name: "Go Off Queue" }).waitFor();
  // A second tab of the same session: the same token (the demo keeps it per tab; handed over).
  const key = await page.evaluate(() => Object.keys(sessionStorage).find((k) => sessionStorage.getItem(k)?.length > 20 && k.includes("token")));
  const token = await page.evaluate((k) => sessionStorage.getItem(k), key);
  const other = await context.newPage();
  await other.goto(`${server.url}/favicon.svg`);
  await other.evaluate(([k, t]) => sessionStorage.setItem(k, t), [key, token]);
  await other.goto(`${server.url}/agent/`);
  await other.locator("#app:not([hidden])").waitFor();
  await server.clearLog();
  // What each tab is told, kept across the navigation that follows.
  const reasons = [];
  for (const p of [page, other]) {
    await p.exposeFunction("loggedOut", (text) => reasons.push(text));
    await p.evaluate(() => new MutationObserver(() => {
      const box = document.getElementById("signed-out");
      if (!box.hidden && box.textContent) window.loggedOut(box.textContent);
    }).observe(document.getElementById("signed-out"), { attributes: true, childList: true, subtree: true }));
  }
  await page.getByRole("button", { name: "Sign out" }).first().click();
  await Promise.all([page, other].map((p) => p.waitForURL(/\/oauth\/authorize/)));
  assert.ok(reasons.some((r) => /because you signed out/.test(r)), reasons.join(" | "));
  assert.ok(reasons.some((r) => /signed out in another tab/.test(r)), reasons.join(" | "));
  const calls = () => server.log().then((log) => log.map((r) => `${r.method} ${r.path}`));
  const order = [`PUT /api/v2/users/${id}/routingstatus`, `PATCH /api/v2/users/${id}/presences/purecloud`, "DELETE /api/v2/tokens/me"];
  await waitUntil(async () => order.every((c) => calls().then((l) => l.includes(c))) && (await calls()).filter((c) => order.includes(c)).length === 3, {
    what: "the sign-out's calls",
    describe: async () => (await calls()).join(", "),
  });
  assert.deepEqual((await calls()).filter((c) => order.includes(c)), order, "once each, in order");
  assert.equal((await server.api(adminToken, "GET", `/api/v2/users/${id}/routingstatus`)).body.status, "OFF_QUEUE");
  assert.equal((await server.api(adminToken, "GET", `/api/v2/users/${id}/presences/purecloud`)).body.presenceDefinition.systemPresence, "Offline");
  // No page saved to come back to: a sign-out is not an interruption.
  assert.ok(!page.url().includes("state=rt1."), page.url());
  await context.close();
});
