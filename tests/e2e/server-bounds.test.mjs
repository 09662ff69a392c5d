// What the reference server refuses to trust, seen from real browsers (server/README.md,
// "What every response promises the browser"): the sign-in page shows no text taken from its URL,
// and a page whose name was re-pointed at this machine (DNS rebinding) reads nothing of the
// server — its pages, API and test controls answer 421 — while the server's own names work.
import { test } from "node:test";
import assert from "node:assert/strict";
import { setUp } from "./harness.mjs";
import { expectText, expectValue } from "./expect.mjs";

// `rebound.test`: a name an attacker controls, resolved to this machine by the browser (a
// rebinding DNS answer); `crm.localhost`: a name under .localhost, which browsers resolve to
// the loopback themselves.
const { server, browser } = await setUp({ browser: { hosts: ["rebound.test", "crm.localhost"] } });

const authorize = (extra) =>
  `${server.url}/oauth/authorize?` +
  new URLSearchParams({
    response_type: "code",
    client_id: "minimal",
    redirect_uri: `${server.url}/minimal/callback.html`,
    state: "s",
    ...extra,
  });

test("the sign-in page shows its own sentences, never text from its URL", async () => {
  const context = await browser.newContext();
  const page = await context.newPage();
  const planted = "Your account is locked. Call 555-0100 to unlock it.";
  for (const error of ["account_locked", "toString", "__proto__", "<b>x</b>"]) {
    await page.goto(authorize({ error, error_description: planted, username: planted }));
    const alert = page.getByRole("alert");
    await expectText(alert, /^Sign-in failed\. Go back to the app and try again\.$/);
    const text = await page.locator("body").innerText();
    assert.ok(!text.includes("555-0100") && !text.includes(error), `${error}: ${text}`);
    assert.equal(await page.getByLabel("Username").inputValue(), "", error);
  }
  // A known code: its own sentence, still no username from the URL.
  await page.goto(authorize({ error: "invalid_credentials", username: planted }));
  await expectText(page.getByRole("alert"), /^The username or password is incorrect\. Check them and try again\.$/);
  assert.equal(await page.getByLabel("Username").inputValue(), "");

  // A real wrong password: the typed username comes back (kept by the page, not in the URL).
  await page.goto(authorize());
  await page.getByLabel("Username").fill("supervisor");
  await page.getByLabel("Password").fill("wrong");
  await Promise.all([page.waitForURL(/error=invalid_credentials/), page.getByRole("button", { name: /sign in/i }).click()]);
  await expectValue(page.getByLabel("Username"), "supervisor");
  assert.ok(!page.url().includes("supervisor"), page.url());
  await context.close();
});

test("a page on a rebound name reads nothing: pages, API and test controls answer 421", async () => {
  const context = await browser.newContext();
  const page = await context.newPage();
  const rebound = `http://rebound.test:${server.port}`;
  const response = await page.goto(`${rebound}/`);
  assert.equal(response.status(), 421);
  assert.match(await page.locator("body").innerText(), /misdirected\.request/);
  const reads = await page.evaluate(async () => {
    const statuses = {};
    for (const path of ["/", "/api/v2/users/me", "/__test/log", "/__test/clock", "/oauth/authorize", "/login.js"]) {
      statuses[path] = (await fetch(path)).status;
    }
    const reset = await fetch("/__test/reset", { method: "POST", headers: { "content-type": "application/json" }, body: "{}" });
    statuses["POST /__test/reset"] = reset.status;
    return statuses;
  });
  for (const [path, status] of Object.entries(reads)) assert.equal(status, 421, `${path}: ${JSON.stringify(reads)}`);
  assert.deepEqual((await server.log()).filter((r) => r.path === "/api/v2/users/me"), [], "nothing reached the API");

  // The server's own names still work, a name under .localhost too.
  for (const origin of [server.url, server.altUrl, `http://crm.localhost:${server.port}`]) {
    const ok = await page.goto(`${origin}/`);
    assert.equal(ok.status(), 200, origin);
  }
  await context.close();
});
