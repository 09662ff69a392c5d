// Accessibility: axe-core (from npm, injected into the page) on every page and its main states,
// against the real server. No serious or critical violation is allowed.
import { test } from "node:test";
import assert from "node:assert/strict";
import { createRequire } from "node:module";
import { setUp, openSignedIn, advanceTogether, replaceValue } from "./harness.mjs";

const require = createRequire(import.meta.url);
const AXE = require.resolve("axe-core/axe.min.js");
const MINUTE = 60_000;

const env = await setUp();
const { server, browser } = env;

/** Runs axe on the page's document (not into cross-origin frames: each page is checked on its own). */
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
  const report = bad
    .map((v) => `${v.impact} ${v.id}: ${v.help}\n${v.nodes.slice(0, 5).map((n) => `    ${n.target.join(" ")} — ${n.failureSummary?.split("\n").slice(1).join("; ")}`).join("\n")}`)
    .join("\n");
  assert.equal(bad.length, 0, `${label}: ${bad.length} serious/critical violation(s)\n${report}`);
  return result.violations;
}

async function newPage(options = {}) {
  const context = await browser.newContext(options);
  const page = await context.newPage();
  return { context, page };
}

/** Signed in on `path`, past the callback page. */
const signedIn = (path, user) => openSignedIn(env, { path, username: user, ready: null, tokenKey: null });

test("landing page", async () => {
  const { context, page } = await newPage();
  await page.goto(`${server.url}/`);
  await page.getByRole("heading", { level: 1 }).waitFor();
  await audit(page, "index.html");
  await context.close();
});

test("sign-in page, plain and with a wrong password", async () => {
  const { context, page } = await newPage();
  await page.goto(`${server.url}/admin/`);
  await page.waitForURL(/\/oauth\/authorize/);
  await page.getByLabel("Username").waitFor();
  await audit(page, "login.html");
  await page.getByLabel("Username").fill("admin");
  await page.getByLabel("Password").fill("nope");
  await page.getByRole("button", { name: /sign in/i }).click();
  await page.waitForURL(/error=invalid_credentials/);
  await page.getByRole("alert").waitFor();
  await audit(page, "login.html?error");
  // Opened without a flow: the page says where to go.
  await page.goto(`${server.url}/login.html`);
  await page.locator("#no-client").waitFor();
  await audit(page, "login.html without a client");
  await context.close();
});

test("admin settings: loaded, expanded with errors, combobox open, error summary, 403", async () => {
  const { context, page } = await signedIn("/admin/", "admin");
  await page.locator("#settings-form:not([hidden])").waitFor();
  await audit(page, "admin");
  await page.getByRole("checkbox", { name: /Enable group-specific timeouts/ }).check();
  await page.getByRole("button", { name: "Add bundle" }).click();
  await replaceValue(page.getByRole("spinbutton", { name: "Timeout", exact: true }), "2");
  await page.locator("#org-timeout-error:not(:empty)").waitFor();
  await audit(page, "admin with validation errors");
  await page.getByRole("combobox", { name: "API path to exclude" }).fill("users");
  await page.getByRole("listbox", { name: "Matching APIs" }).waitFor();
  await page.keyboard.press("ArrowDown");
  await audit(page, "admin with the autocomplete open");
  await page.keyboard.press("Escape");
  await page.getByRole("button", { name: "Save", exact: true }).click();
  await page.locator("#error-summary:not([hidden])").waitFor();
  await audit(page, "admin with the error summary");
  await context.close();

  const agent = await signedIn("/admin/", "agent");
  await agent.page.locator("#settings-form:not([hidden])").waitFor();
  await replaceValue(agent.page.getByRole("spinbutton", { name: "Timeout", exact: true }), "20");
  await agent.page.getByRole("button", { name: "Save", exact: true }).click();
  await agent.page.locator("#page-error:not([hidden])").waitFor();
  await audit(agent.page, "admin, 403 for a non-admin");
  await agent.context.close();
});

test("admin with HIPAA notice", async () => {
  const { context, page } = await signedIn("/admin/", "admin");
  const token = await page.evaluate(() => sessionStorage.getItem("admin-demo.token"));
  const res = await server.api(token, "PATCH", "/api/v2/organizations/features/hipaa", { enabled: true });
  assert.ok(res.status < 300, JSON.stringify(res.body));
  await page.reload();
  await page.locator("#hipaa-notice:not([hidden])").waitFor();
  await audit(page, "admin, HIPAA");
  await server.api(token, "PATCH", "/api/v2/organizations/features/hipaa", { enabled: false });
  await context.close();
});

test("agent client: every view, and the warning dialog", async () => {
  await server.reset();
  const { context, page } = await openSignedIn(env, { path: "/agent/", clock: true, ready: "#app:not([hidden])", tokenKey: null });
  await page.getByRole("button", { name: "Load queues" }).click();
  await page.locator("#work-status.ok").waitFor();
  await audit(page, "agent overview");
  await page.getByRole("link", { name: "Queues" }).click();
  await page.locator("#view-queues:not([hidden]) tbody tr").first().waitFor();
  await page.getByLabel("Filter queues").fill("sales");
  await audit(page, "agent queues");
  await page.getByRole("link", { name: "Conversations" }).click();
  await page.locator("#conversations-list li").first().waitFor();
  await audit(page, "agent conversations");
  await page.getByRole("link", { name: "Activity ledger" }).click();
  await page.waitForURL(/tab=ledger#history/);
  await page.locator("#app:not([hidden])").waitFor();
  await page.locator("#ledger-body tr").first().waitFor();
  await audit(page, "agent ledger");
  // Idle until the warning: browser and server clocks move together.
  await advanceTogether(page, server, 9 * MINUTE);
  await page.clock.runFor(5_000);
  await page.getByRole("dialog", { name: "Are you still there?" }).waitFor();
  assert.equal(await page.evaluate(() => document.activeElement?.id), "stay-signed-in", "focus moves into the dialog");
  await audit(page, "agent warning dialog");
  await context.close();
});

test("embedding CRM host page", async () => {
  const { context, page } = await newPage({ viewport: { width: 1400, height: 1000 } });
  await page.goto(`${server.altUrl}/host.html`);
  await page.getByRole("heading", { name: "Jordan Customer" }).waitFor();
  await page.frameLocator("#agent-frame").getByRole("button", { name: "Sign in", exact: true }).waitFor();
  await audit(page, "host.html");
  await context.close();
});

test("callback pages without a code explain themselves", async () => {
  const { context, page } = await newPage();
  for (const path of ["/agent/callback.html", "/admin/callback.html"]) {
    await page.goto(server.url + path);
    await page.getByRole("alert").waitFor();
    await audit(page, path);
  }
  await context.close();
});
