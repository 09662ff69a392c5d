// The Vite example (examples/vite-app, built into www/examples/vite/ by the test script): the
// package works from a bundler — the wasm asset resolves, the tracker fetches its settings, counts
// a call, and the sign-in returns to the example's page.
import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { setUp, openSignedIn, root } from "./harness.mjs";

const env = await setUp();
const { server, browser } = env;

test("the Vite-built example runs the tracker", async () => {
  assert.ok(
    existsSync(join(root, "www/examples/vite/index.html")),
    "the example is built first: vite build --config examples/vite-app/vite.config.js",
  );
  const loaded = [];
  const { context, page, errors } = await openSignedIn(env, {
    path: "/examples/vite/?view=queues#top",
    username: "supervisor",
    tokenKey: null,
    beforeLoad: (_, page) => page.on("request", (r) => loaded.push(new URL(r.url()).pathname)),
  });
  await page.waitForFunction(() => window.tracker.explain().source !== "fallback");
  const explain = await page.evaluate(() => window.tracker.explain());
  assert.equal(explain.source, "organization");
  await page.getByRole("button", { name: /do some work/i }).click();
  await page.getByText(/requests seen/).waitFor();
  const log = await page.evaluate(() => window.tracker.activityLog());
  assert.ok(log.some((e) => e.path === "api/v2/routing/queues" && e.outcome === "counted"));
  assert.deepEqual(errors, []);
  // A web client loads the main entry's wasm only, never the admin entry's.
  assert.ok(loaded.some((p) => /inactivity_timeout_bg-[^/]*\.wasm$/.test(p)), loaded.join(" "));
  assert.ok(!loaded.some((p) => p.includes("admin")), loaded.join(" "));
  await context.close();
});

test("the Vite-built example checks settings with the admin entry", async () => {
  const context = await browser.newContext();
  const page = await context.newPage();
  const errors = [];
  page.on("pageerror", (e) => errors.push(e.message));
  await page.goto(`${server.url}/examples/vite/policy.html`);
  await page.locator("body[data-ready=true]").waitFor();
  const text = await page.locator("#validation").textContent();
  assert.match(text, /sample policy valid: true; bundle timeout 600 s; diagnostics counted: false/);
  assert.match(text, /60 s: idleTokenTimeout\.idleTokenTimeoutSeconds: .*5 minutes/);
  assert.deepEqual(errors, []);
  await context.close();
});
