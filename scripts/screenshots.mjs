#!/usr/bin/env node
// Takes the README's screenshots from the real pages, in the system Chromium:
//   docs/screenshots/admin.png               the admin settings, group bundles expanded
//   docs/screenshots/admin-autocomplete.png  the Custom APIs autocomplete, open
//   docs/screenshots/admin-preview.png       the Preview panel of unsaved changes
//   docs/screenshots/agent.png               the agent client after some work
//   docs/screenshots/agent-warning.png       the warning dialog before an idle logout
//   docs/screenshots/agent-ledger.png        the activity ledger
//   docs/screenshots/host.png                the agent client embedded in a CRM page on another origin
//
// Usage: node scripts/screenshots.mjs            (starts the built server on a free port, test mode)
//        BASE_URL=http://127.0.0.1:8080 node scripts/screenshots.mjs   (a running server started with --test)
// Needs the server binary (cargo build -p inactivity-server) and pkg/ (npm run build).
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { startServer, launchBrowser, signIn, signInFramed, tokenFor, root } from "../tests/e2e/harness.mjs";

const OUT = join(root, "docs", "screenshots");
const WIDTH = 1280;

mkdirSync(OUT, { recursive: true });
const server = process.env.BASE_URL ? null : await startServer();
const base = process.env.BASE_URL ?? server.url;
const altBase = base.includes("127.0.0.1") ? base.replace("127.0.0.1", "localhost") : base.replace("localhost", "127.0.0.1");
const control = (path, body) =>
  fetch(base + path, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) }).then((r) => {
    if (!r.ok) throw new Error(`${path}: HTTP ${r.status} (start the server with --test)`);
  });

const browser = await launchBrowser();
const shots = [];

/** A screenshot of the whole page, with the viewport as tall as the page (so sticky bars sit at the bottom). */
async function fullPage(page, name) {
  const height = await page.evaluate(() => document.documentElement.scrollHeight);
  await page.setViewportSize({ width: WIDTH, height: Math.min(height, 4000) });
  await page.evaluate(() => document.activeElement?.blur?.());
  await page.mouse.move(0, 0);
  const path = join(OUT, name);
  await page.screenshot({ path });
  shots.push(path);
}

async function element(locator, name, padding = 16) {
  const box = await locator.boundingBox();
  const path = join(OUT, name);
  await locator.page().screenshot({
    path,
    clip: { x: Math.max(0, box.x - padding), y: Math.max(0, box.y - padding), width: box.width + 2 * padding, height: box.height + 2 * padding },
  });
  shots.push(path);
}

async function newPage(height = 900) {
  const context = await browser.newContext({ viewport: { width: WIDTH, height }, deviceScaleFactor: 1, colorScheme: "light" });
  return { context, page: await context.newPage() };
}

try {
  await control("/__test/reset", {});

  // ---- admin
  {
    const { context, page } = await newPage();
    await page.goto(`${base}/admin/`);
    await signIn(page, "admin");
    await page.waitForURL(`${base}/admin/`);
    await page.locator("#settings-form:not([hidden])").waitFor();
    await page.getByRole("checkbox", { name: /Enable group-specific timeouts/ }).check();
    await page.getByRole("combobox", { name: "API path to exclude" }).fill("api/v2/analytics/conversations/details/query");
    await page.getByRole("button", { name: "Add", exact: true }).click();
    await page.locator("#custom-list li").first().waitFor();
    await page.locator("#preview-summary", { hasText: "With these changes" }).waitFor();
    await fullPage(page, "admin.png");

    await page.setViewportSize({ width: WIDTH, height: 1100 });
    const input = page.getByRole("combobox", { name: "API path to exclude" });
    await input.scrollIntoViewIfNeeded();
    await input.click();
    await page.keyboard.type("routing/queues");
    await page.getByRole("listbox", { name: "Matching APIs" }).waitFor();
    await page.keyboard.press("ArrowDown");
    await page.keyboard.press("ArrowDown");
    const card = page.locator("section", { has: page.locator("#apis-title") });
    await page.evaluate(() => window.scrollTo(0, document.documentElement.scrollHeight));
    const box = await card.boundingBox();
    const list = await page.getByRole("listbox").boundingBox();
    const path = join(OUT, "admin-autocomplete.png");
    const top = box.y - 16;
    await page.screenshot({ path, clip: { x: box.x - 16, y: top, width: box.width + 32, height: Math.max(box.y + box.height, list.y + list.height) + 16 - top } });
    shots.push(path);
    await context.close();
  }

  // ---- admin: the Preview panel, over 40 minutes of sessions made through the API (the agent On
  // Queue with a queue poller, the supervisor loading conversations), after excluding the poller
  {
    await control("/__test/reset", {});
    const call = async (token, method, path, body) => {
      const res = await fetch(base + path, {
        method,
        headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      if (!res.ok) throw new Error(`${method} ${path}: HTTP ${res.status}`);
      return res.json();
    };
    const agent = await tokenFor({ url: base }, "agent");
    const agentId = (await call(agent, "GET", "/api/v2/users/me")).id;
    await call(agent, "PUT", `/api/v2/users/${agentId}/routingstatus`, { status: "IDLE" });
    const supervisor = await tokenFor({ url: base }, "supervisor");
    for (let i = 0; i < 10; i++) {
      await control("/__test/clock", { advanceMs: 4 * 60_000 });
      await call(agent, "GET", "/api/v2/routing/queues");
      await call(supervisor, "GET", "/api/v2/conversations");
      if (i % 2) await call(supervisor, "GET", "/api/v2/routing/queues");
    }
    const { context, page } = await newPage();
    await page.goto(`${base}/admin/`);
    await signIn(page, "admin");
    await page.waitForURL(`${base}/admin/`);
    await page.locator("#settings-form:not([hidden])").waitFor();
    await page.getByRole("spinbutton", { name: "Timeout", exact: true }).fill("15");
    await page.locator("#preview-summary", { hasText: "With these changes" }).waitFor();
    await page.getByRole("button", { name: "Exclude api/v2/routing/queues", exact: true }).click();
    await page.locator("#preview-summary", { hasText: "would have been signed out (" }).waitFor();
    await page.evaluate(() => document.activeElement?.blur?.());
    await page.mouse.move(0, 0);
    // The viewport as tall as the page: the sticky action bar then sits below the panel.
    const height = await page.evaluate(() => document.documentElement.scrollHeight);
    await page.setViewportSize({ width: WIDTH, height: Math.min(height, 4000) });
    await element(page.locator("#preview"), "admin-preview.png");
    await context.close();
  }

  // ---- agent (browser and server clocks move together), with the group bundles on so that
  // the supervisor's timeout comes from bundle 1
  {
    await control("/__test/reset", {});
    const admin = await tokenFor({ url: base }, "admin");
    const auth = { authorization: `Bearer ${admin}`, "content-type": "application/json" };
    const timeout = await (await fetch(`${base}/api/v2/tokens/timeout`, { headers: auth })).json();
    const put = await fetch(`${base}/api/v2/tokens/timeout`, {
      method: "PUT",
      headers: auth,
      body: JSON.stringify({ ...timeout, inactivityTimeoutGroupsEnabled: true }),
    });
    if (!put.ok) throw new Error(`enabling the group bundles: HTTP ${put.status}`);
    const { context, page } = await newPage();
    await page.clock.install();
    await page.goto(`${base}/agent/`);
    await signIn(page, "supervisor");
    await page.waitForURL(`${base}/agent/`);
    await page.locator("#app:not([hidden])").waitFor();
    await page.getByRole("button", { name: "Go On Queue" }).click();
    await page.getByRole("button", { name: "Go Off Queue" }).waitFor();
    await page.clock.runFor(12_000);
    await page.getByRole("button", { name: "Load queues" }).click();
    await page.locator("#work-status.ok").waitFor();
    await page.clock.runFor(21_000);
    await page.getByRole("button", { name: "Load conversations" }).click();
    await page.locator("#work-status.ok").waitFor();
    await page.clock.runFor(45_000);
    await control("/__test/clock", { advanceMs: 78_000 });
    await page.mouse.move(0, 0);
    await page.clock.runFor(100); // the fake clock drives frames too: let the hover state clear
    await fullPage(page, "agent.png");

    await page.getByRole("link", { name: "Activity ledger", exact: true }).click();
    await page.waitForURL(/tab=ledger#history/);
    await page.locator("#ledger-body tr").first().waitFor();
    await page.setViewportSize({ width: WIDTH, height: 900 });
    await page.evaluate(() => window.scrollTo(0, 0));
    const ledger = join(OUT, "agent-ledger.png");
    await page.screenshot({ path: ledger });
    shots.push(ledger);

    // Idle in 10-second steps until the warning shows (it follows a server round trip).
    const dialog = page.getByRole("dialog", { name: "Are you still there?" });
    for (let i = 0; i < 15 * 6 && !(await dialog.isVisible()); i++) {
      await page.clock.runFor(10_000);
      await control("/__test/clock", { advanceMs: 10_000 });
    }
    await dialog.waitFor();
    const warning = join(OUT, "agent-warning.png");
    await page.screenshot({ path: warning });
    shots.push(warning);
    await context.close();
  }

  // ---- the CRM host on the other origin
  {
    await control("/__test/reset", {});
    const { context, page } = await newPage(980);
    await page.goto(`${altBase}/host.html`);
    const frame = page.frameLocator("#agent-frame");
    // The login page refuses to be framed: the client signs in through a popup.
    await frame.getByRole("button", { name: "Sign in", exact: true }).waitFor();
    await signInFramed(page.frames().find((f) => f.url().includes("/agent/")), "agent");
    await frame.locator("#timeout-why:not(:empty)").waitFor();
    const host = join(OUT, "host.png");
    await page.screenshot({ path: host });
    shots.push(host);
    await context.close();
  }
} finally {
  await browser.close();
  await server?.stop();
}
for (const s of shots) console.log(`screenshot: ${s}`);
