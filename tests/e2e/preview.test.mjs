// The admin page's Preview panel against the real server in a real headless Chromium: sessions
// made through the API with the server's test clock, then the panel's summary, its table of
// what keeps sessions alive, Exclude (mouse and keyboard), the window, invalid drafts, axe.
// Time: the server's test clock and Playwright's clock (the panel's debounce); no sleeps.
import { test } from "node:test";
import assert from "node:assert/strict";
import { createRequire } from "node:module";
import { setUp, signIn, tokenFor, replaceValue } from "./harness.mjs";

const require = createRequire(import.meta.url);
const AXE = require.resolve("axe-core/axe.min.js");
const MINUTE = 60_000;
/** More than the panel's quiet time after an edit (400 ms). */
const DEBOUNCE = 500;

const { server, browser } = await setUp({ resetEachTest: true });


/**
 * The last 40 minutes of the demo organization: the agent On Queue with a queue poller every
 * 4 minutes; the supervisor, Off Queue, loading conversations every 4 minutes, and (with
 * `manyApis`) one call each to 12 more APIs. Both stay signed in under the saved 10 minutes.
 */
async function history({ manyApis = false } = {}) {
  const agent = await tokenFor(server, "agent");
  const agentId = (await server.api(agent, "GET", "/api/v2/users/me")).body.id;
  const put = await server.api(agent, "PUT", `/api/v2/users/${agentId}/routingstatus`, { status: "IDLE" });
  assert.equal(put.status, 200, JSON.stringify(put.body));
  const supervisor = await tokenFor(server, "supervisor");
  for (let i = 0; i < 10; i++) {
    await server.advanceClock(4 * MINUTE);
    assert.equal((await server.api(agent, "GET", "/api/v2/routing/queues")).status, 200);
    assert.equal((await server.api(supervisor, "GET", "/api/v2/conversations")).status, 200);
  }
  if (manyApis) {
    // APIs of the catalog that this server does not serve: 404, but counted activity all the same.
    for (let i = 0; i < 12; i++) await server.api(supervisor, "GET", `/api/v2/analytics/agents/u${i}/status`);
    for (let i = 0; i < 6; i++) await server.api(supervisor, "GET", `/api/v2/alerting/alerts/a${i}`);
    for (const path of ["/api/v2/alerting/rules", "/api/v2/alerting/alerts/all", "/api/v2/alerting/rules/query", "/api/v2/analytics/agents/status/counts", "/api/v2/alerting/rules/bulk", "/api/v2/alerting/alerts/query", "/api/v2/alerting/alerts/bulk", "/api/v2/agentic/virtualagents", "/api/v2/agentic/virtualagents/v1", "/api/v2/agentic/virtualagents/v1/jobs"]) {
      await server.api(supervisor, "GET", path);
    }
  }
  return { agentId };
}

/** The admin page, signed in, with Playwright's clock installed (it drives the panel's debounce). */
async function openAdmin() {
  const context = await browser.newContext({ viewport: { width: 1280, height: 1000 } });
  const page = await context.newPage();
  const errors = [];
  page.on("pageerror", (e) => errors.push(e.message));
  await page.clock.install();
  await page.goto(`${server.url}/admin/`);
  await signIn(page, "admin");
  await page.waitForURL(`${server.url}/admin/`);
  await page.locator("#settings-form:not([hidden])").waitFor();
  return { context, page, errors };
}

const panel = (page) => ({
  root: page.locator("#preview"),
  summary: page.locator("#preview-summary"),
  signedOut: page.locator("#preview-signed-out > li"),
  rows: page.locator("#preview-rows > tr"),
  row: (path) => page.locator("#preview-rows > tr", { has: page.locator("code", { hasText: new RegExp(`^${path.replace(/[{}/]/g, "\\$&")}$`) }) }),
  window: page.getByRole("combobox", { name: "Replay" }),
  more: page.locator("#preview-more"),
});

/** Waits until the summary reads `text` (a string or RegExp): polled by Playwright, not by the page's (fake) timers. */
async function summaryIs(page, text) {
  try {
    await page.locator("#preview-summary", { hasText: text }).waitFor({ timeout: 10_000 });
  } catch (e) {
    throw new Error(`the preview never said ${text}; it says ${JSON.stringify(await page.locator("#preview-summary").textContent())}`);
  }
}

/** The cells of a row as text: [path, calls, sessions, action]. */
const cells = (row) => row.locator("td").allTextContents();

async function audit(page, label) {
  if (!(await page.evaluate(() => typeof window.axe === "object"))) await page.addScriptTag({ path: AXE });
  const result = await page.evaluate(() =>
    window.axe.run(document, {
      resultTypes: ["violations"],
      iframes: false,
      runOnly: { type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"] },
    }),
  );
  const bad = result.violations.filter((v) => v.impact === "serious" || v.impact === "critical");
  assert.equal(bad.length, 0, `${label}: ${bad.map((v) => `${v.impact} ${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(" ")).join(", ")})`).join("\n")}`);
}

test("with unsaved changes the panel says who would have been signed out, and Exclude adds an API to the draft", async () => {
  await history();
  const { context, page, errors } = await openAdmin();
  const p = panel(page);
  assert.equal(await p.root.isHidden(), true, "no panel without unsaved changes");

  // A change that signs nobody out: 11 minutes instead of 10.
  await replaceValue(page.getByRole("spinbutton", { name: "Timeout", exact: true }), "11");
  await p.root.waitFor();
  await page.clock.runFor(DEBOUNCE);
  // Sessions: the agent, the supervisor and this admin page.
  await summaryIs(page, "With these changes, none of the 3 sessions in the last 24 hours would have been signed out.");
  assert.equal(await p.signedOut.count(), 0);
  assert.deepEqual(await cells(p.row("api/v2/routing/queues")), ["api/v2/routing/queues", "10", "1", "Exclude"]);
  assert.deepEqual(await cells(p.row("api/v2/conversations")), ["api/v2/conversations", "10", "1", "Exclude"]);
  assert.deepEqual((await cells(p.row("api/v2/users/{userId}/routingstatus"))).slice(0, 3), ["api/v2/users/{userId}/routingstatus", "1", "1"]);
  assert.equal(await p.row("api/v2/users/me").count(), 0, "excluded calls keep nobody alive");
  const first = await p.rows.first().locator("td").nth(1).textContent();
  assert.equal(first, "10", "most calls first");
  assert.ok((await p.rows.count()) <= 10);
  assert.equal(await p.more.isHidden(), true, "no 'Show all' for 10 rows or fewer");
  await audit(page, "admin, preview with results");

  // Exclude the agent's queue poller with the keyboard: it goes to the custom APIs, the button
  // keeps focus and says so, and the agent would have been signed out 10 minutes after its PUT.
  const exclude = page.getByRole("button", { name: "Exclude api/v2/routing/queues", exact: true });
  await exclude.focus();
  await page.keyboard.press("Enter");
  await page.locator("#announcer", { hasText: "api/v2/routing/queues added to the excluded APIs." }).waitFor();
  assert.deepEqual(await page.locator("#custom-list code").allTextContents(), ["api/v2/routing/queues"]);
  const excluded = page.getByRole("button", { name: "api/v2/routing/queues is excluded in these changes", exact: true });
  assert.equal(await excluded.getAttribute("aria-disabled"), "true");
  assert.equal(await excluded.evaluate((b) => b === document.activeElement), true, "focus stays on the row");
  await page.clock.runFor(DEBOUNCE);
  await summaryIs(page, "With these changes, 1 of 3 sessions in the last 24 hours would have been signed out (1 while On Queue).");
  assert.match(await p.signedOut.first().textContent(), /^Alex Agent at .+, while On Queue$/);
  assert.equal(await p.summary.getAttribute("class"), "preview-summary has-sign-outs");
  assert.equal(await excluded.evaluate((b) => b === document.activeElement), true, "focus survives the refresh");
  // Pressing it again changes nothing.
  await page.keyboard.press("Enter");
  assert.equal(await page.locator("#custom-list code").count(), 1);

  // And the supervisor's conversations, with the mouse: both would have been signed out.
  await page.getByRole("button", { name: "Exclude api/v2/conversations", exact: true }).click();
  await page.clock.runFor(DEBOUNCE);
  await summaryIs(page, "With these changes, 2 of 3 sessions in the last 24 hours would have been signed out (1 while On Queue).");
  assert.deepEqual(
    (await p.signedOut.allTextContents()).map((t) => t.replace(/ at .+?(,|$)/, "$1")),
    ["Alex Agent, while On Queue", "Sam Supervisor"],
  );
  await audit(page, "admin, preview with sign-outs");

  // The window: the last hour holds the same sessions.
  await p.window.selectOption("1");
  await summaryIs(page, "With these changes, 2 of 3 sessions in the last hour would have been signed out (1 while On Queue).");

  // An invalid draft is not sent: the panel says to fix it first.
  await replaceValue(page.getByRole("spinbutton", { name: "Timeout", exact: true }), "2");
  await summaryIs(page, "Fix the problems above to see what these changes would do.");
  assert.equal(await page.locator("#preview-details").isHidden(), true);
  await audit(page, "admin, preview of an invalid draft");
  await replaceValue(page.getByRole("spinbutton", { name: "Timeout", exact: true }), "10");
  await page.clock.runFor(DEBOUNCE);
  await summaryIs(page, /^With these changes, 2 of 3 sessions/);

  // Saved: no unsaved changes, no panel; the draft's exclusions are the settings now.
  await page.getByRole("button", { name: "Save", exact: true }).click();
  await page.locator("#save-status", { hasText: "Settings saved." }).waitFor();
  assert.equal(await p.root.isHidden(), true);
  const admin = await page.evaluate(() => sessionStorage.getItem("admin-demo.token"));
  const saved = await server.api(admin, "GET", "/api/v2/organizations/authentication/settings");
  assert.deepEqual(saved.body.inactivityTimeoutExclusions.slice(-2), ["api/v2/routing/queues", "api/v2/conversations"]);
  assert.deepEqual(errors, []);
  await context.close();
});

test("the table shows the top 10 APIs and all of them on request; the preview changes nothing", async () => {
  await history({ manyApis: true });
  const { context, page, errors } = await openAdmin();
  const p = panel(page);
  const before = await server.api(await tokenFor(server, "admin"), "GET", "/api/v2/tokens/timeout");
  await page.getByRole("switch", { name: "Exclude Feature toggles" }).uncheck();
  await page.clock.runFor(DEBOUNCE);
  await summaryIs(page, /^With these changes, none of the 4 sessions/);
  assert.equal(await p.rows.count(), 10);
  const total = Number((await p.more.textContent()).match(/^Show all (\d+)$/)?.[1]);
  assert.ok(total > 10, `more than 10 APIs kept sessions alive: ${total}`);
  await p.more.focus();
  await page.keyboard.press("Enter");
  assert.equal(await p.rows.count(), total);
  assert.equal(await p.more.textContent(), "Show the top 10");
  assert.equal(await p.more.evaluate((b) => b === document.activeElement), true);
  // Paths outside this server's routes but in the catalog count as their templates.
  assert.deepEqual((await cells(p.row("api/v2/analytics/agents/{userId}/status"))).slice(0, 3), ["api/v2/analytics/agents/{userId}/status", "12", "1"]);
  assert.deepEqual((await cells(p.row("api/v2/alerting/alerts/{alertId}"))).slice(0, 3), ["api/v2/alerting/alerts/{alertId}", "6", "1"]);
  await page.keyboard.press("Enter");
  assert.equal(await p.rows.count(), 10);

  // Nothing the preview did changed the settings.
  const admin = await page.evaluate(() => sessionStorage.getItem("admin-demo.token"));
  assert.deepEqual((await server.api(admin, "GET", "/api/v2/tokens/timeout")).body, before.body);
  const settings = await server.api(admin, "GET", "/api/v2/organizations/authentication/settings");
  assert.ok(settings.body.inactivityTimeoutExclusions.includes("api/v2/featuretoggles"));
  assert.deepEqual(errors, []);
  await context.close();
});

test("a non-admin sees why there is no preview, and nothing takes focus", async () => {
  await history();
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.clock.install();
  await page.goto(`${server.url}/admin/`);
  await signIn(page, "agent");
  await page.waitForURL(`${server.url}/admin/`);
  await page.locator("#settings-form:not([hidden])").waitFor();
  const field = page.getByRole("spinbutton", { name: "Timeout", exact: true });
  await replaceValue(field, "20");
  await page.clock.runFor(DEBOUNCE);
  await summaryIs(page, "Only an organization administrator can preview changes.");
  assert.equal(await field.evaluate((f) => f === document.activeElement), true);
  await context.close();
});

test("with the admin's own session only, the sentence says so", async () => {
  const { context, page } = await openAdmin();
  await page.getByRole("switch", { name: "Exclude Current user" }).uncheck();
  await page.clock.runFor(DEBOUNCE);
  await summaryIs(page, "With these changes, the one session in the last 24 hours would not have been signed out.");
  // The admin's page load is what keeps it alive.
  assert.deepEqual((await cells(panel(page).row("api/v2/tokens/timeout"))).slice(0, 3), ["api/v2/tokens/timeout", "1", "1"]);
  await context.close();
});
