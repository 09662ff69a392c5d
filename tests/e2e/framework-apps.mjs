// The React and Angular example apps (examples/react-app, examples/angular-app, built into
// www/examples/ by the examples tier), end to end: one suite, run for each app by react.test.mjs
// and angular.test.mjs. The real reference server (10-minute timeout), a real browser (ENGINE),
// time moved by Playwright's clock together with the server's, in small steps and in bursts.
import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { setUp, openSignedIn, signIn, advanceTogether, waitUntil, assertInOrder, tokenFor, root } from "./harness.mjs";
import { expectText } from "./expect.mjs";

const MINUTE = 60_000;
const AGENT_ID = "b0000000-0000-4000-8000-000000000001";

/**
 * The suite of one example app: `clientId` its OAuth client, `base` its page (its redirect URI
 * too: both built into the reference server, as `npm start` runs it), `build` how to build it
 * when it is missing.
 */
export async function testExampleApp({ clientId, base, build }) {
  const env = await setUp({ resetEachTest: true });
  const { server } = env;
  const route = `${base}#/queues/support?tab=members`;

  /** The app signed in on `path` with Playwright's clock; its context closed after test `t`. */
  const open = async (t, path = route) => {
    assert.ok(existsSync(join(root, "www", base, "index.html")), `the app is built first: ${build}`);
    const opened = await openSignedIn(env, { path, clock: true, ready: "h1", tokenKey: `${clientId}.token` });
    t.after(() => opened.context.close());
    await opened.page.getByRole("heading", { name: /queue/i, level: 2 }).waitFor();
    await opened.page.locator("body[data-tracking=true]").waitFor();
    return opened;
  };
  const dialog = (page) => page.getByRole("alertdialog");
  const countdown = (page) => page.locator("#warning-text");
  const lastLogout = (page) => page.evaluate((k) => sessionStorage.getItem(k), `${clientId}.lastLogout`);
  const alive = async (token) => (await server.api(token, "GET", "/api/v2/tokens/me?preserveIdleTTL=true")).status === 200;

  test("the warning counts down once per second, in steps and after a burst; Stay signed in resets the client and the server", async (t) => {
    const { page, errors } = await open(t);
    await advanceTogether(page, server, 9 * MINUTE + 1_000, 30_000);
    await dialog(page).waitFor();
    await expectText(countdown(page), /signed out in \d+ s/);
    // The page's clock also runs on its own (real time): the countdown is at least where the steps put it.
    const seconds = async () => Number((await countdown(page).textContent()).match(/in (\d+) s/)[1]);
    const below = (s) => new RegExp(`in (${Array.from({ length: Math.max(s, 0) + 1 }, (_, i) => i).join("|")}) s`);
    let last = await seconds();
    assert.ok(last <= 60 && last > 40, `${last} s left at the warning`);
    // Small steps: the countdown follows each second.
    for (let i = 1; i <= 3; i++) {
      await page.clock.runFor(1_000);
      await expectText(countdown(page), below(last - 1));
      last = await seconds();
    }
    // A burst of 20 s at once: the countdown is where the time is.
    await page.clock.runFor(20_000);
    await expectText(countdown(page), below(last - 20));

    await server.clearLog();
    await page.getByRole("button", { name: "Stay signed in" }).click();
    await dialog(page).waitFor({ state: "hidden" });
    const stay = await waitUntil(
      async () => (await server.log()).find((r) => r.method === "GET" && r.path === "/api/v2/tokens/me" && !r.query),
      { what: "the Stay signed in call at the server" },
    );
    assert.ok(stay.counted, "Stay signed in made a counted call, which resets the server's deadline");
    // A full timeout later the warning comes again, not before.
    await advanceTogether(page, server, 8 * MINUTE, MINUTE);
    assert.equal(await dialog(page).isVisible(), false);
    assert.deepEqual(errors, []);
  });

  test('"On a call" holds across the deadline (steps and a burst); unchecked, the logout comes a timeout later', async (t) => {
    const { page, token, errors } = await open(t);
    await page.getByLabel("On a call").check();
    await expectText(page.locator("#activity"), /Held: on a call/);
    await advanceTogether(page, server, 15 * MINUTE, MINUTE);
    // The page's time jumps 30 minutes at once (a laptop waking): the hold still holds.
    await page.clock.runFor(30 * MINUTE);
    await advanceTogether(page, server, 2 * MINUTE, MINUTE);
    assert.equal(await dialog(page).isVisible(), false, "no warning while held");
    assert.equal(await lastLogout(page), null, "not logged out while held");
    assert.ok(await alive(token), "the keep-alives kept the server's deadline");

    await page.getByLabel("On a call").uncheck();
    await advanceTogether(page, server, 8 * MINUTE + 30_000, 30_000);
    assert.equal(await lastLogout(page), null, "not before a timeout after the release");
    await advanceTogether(page, server, 60_000, 30_000);
    await dialog(page).waitFor();
    await advanceTogether(page, server, MINUTE, 30_000);
    await page.waitForURL(/\/oauth\/authorize/);
    assert.equal(await lastLogout(page), "idle");
    assert.deepEqual(errors, []);
  });

  test("idle logout: Off Queue, Offline, revoke at the server; signed in again, the router shows the same route", async (t) => {
    const { page, token, errors } = await open(t, base);
    // The route is the router's: a client-side navigation, no page load.
    await page.evaluate(() => (window.notReloaded = true));
    await page.getByRole("link", { name: "Support queue" }).click();
    await page.waitForURL(`${server.url}${route}`);
    await expectText(page.locator("#queue"), /Queue support/);
    assert.equal(await page.evaluate(() => window.notReloaded), true);

    const status = `/api/v2/users/${AGENT_ID}/routingstatus`;
    assert.equal((await server.api(token, "PUT", status, { status: "IDLE" })).status, 200, "On Queue");
    await server.clearLog();
    await page.getByRole("button", { name: /do some work/i }).click();
    await expectText(page.locator("#activity"), /routing\/queues: 200/);
    // The server's clock stays a little behind, so the token is alive while the logout calls run.
    await advanceTogether(page, server, 9 * MINUTE + 30_000, 30_000);
    await page.clock.runFor(31_000);
    await page.waitForURL(/\/oauth\/authorize/);
    assert.equal(await lastLogout(page), "idle");
    const calls = (await server.log()).map((r) => `${r.method} ${r.path}`);
    const order = [
      "GET /api/v2/routing/queues",
      `PUT ${status}`,
      `PATCH /api/v2/users/${AGENT_ID}/presences/purecloud`,
      "DELETE /api/v2/tokens/me",
    ];
    assertInOrder(calls, order);
    assert.equal((await server.api(token, "GET", "/api/v2/routing/queues")).status, 401, "token revoked");
    const admin = await tokenFor(server, "admin");
    assert.equal((await server.api(admin, "GET", status)).body.status, "OFF_QUEUE");
    const presence = await server.api(admin, "GET", `/api/v2/users/${AGENT_ID}/presences/purecloud`);
    assert.equal(presence.body.presenceDefinition.systemPresence, "Offline");

    await signIn(page, "agent");
    await page.waitForURL(`${server.url}${route}`);
    await expectText(page.locator("#queue"), /Queue support/);
    await page.locator("body[data-tracking=true]").waitFor();
    assert.deepEqual(errors, []);
  });
}
