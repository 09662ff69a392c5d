// Holds end to end: the real reference server (10-minute timeout), a real browser. Time moves
// only with Playwright's clock together with the server's test clock. A hold keeps the user
// signed in past the timeout (small steps, and one burst like a laptop waking) with at most one
// keep-alive per half timeout at the server; after the release the logout comes one timeout
// later; a forgotten hold ends at maxHoldSeconds; a hold in one tab keeps the others from
// warning until that tab closes; the agent demo's "On a call" control.
import { test } from "node:test";
import assert from "node:assert/strict";
import { setUp, openSignedIn, signIn, advanceTogether, waitUntil } from "./harness.mjs";

const MINUTE = 60_000;
const TIMEOUT = 10 * MINUTE;
const env = await setUp({ resetEachTest: true });
const { server } = env;

const remaining = (page) => page.evaluate(() => window.tracker.remainingMs());
const reasonOf = (page) => page.evaluate(() => sessionStorage.getItem("minimal.lastLogout")).catch(() => "navigating");
const warningShown = (page) => page.evaluate(() => !document.getElementById("warning").hidden);
const hold = (page, label) => page.evaluate((l) => { window.heldCall = window.tracker.hold(l); }, label);
const release = (page) => page.evaluate(() => window.heldCall.release());
const holdLog = (page) =>
  page.evaluate(() => window.tracker.activityLog().filter((e) => e.outcome.startsWith("hold-")).map((e) => [e.outcome, e.label, e.reason]));

/** The keep-alives the server counted: the tracker's own GET tokens/me. */
async function keepAlives() {
  return (await server.log()).filter((r) => r.method === "GET" && r.path === "/api/v2/tokens/me" && r.counted).length;
}

/** Whether the token is still alive at the server (a check that does not count). */
async function alive(token) {
  return (await server.api(token, "GET", "/api/v2/tokens/me?preserveIdleTTL=true")).status === 200;
}

/** Moves time in small steps until `page` logs out; returns how long that took (page time). */
async function untilLogout(page, limitMs, stepMs = 5_000) {
  for (let spent = 0; spent <= limitMs; spent += stepMs) {
    const reason = await reasonOf(page);
    // Logged out: the page is on its way to the login page; the reason is kept for after it.
    if (reason === "navigating") return { reason: await waitUntil(async () => (await reasonOf(page)) !== "navigating" && reasonOf(page), { what: "the logout reason" }), spent };
    if (reason !== null) return { reason, spent };
    await advanceTogether(page, server, stepMs, stepMs);
  }
  throw new Error(`no logout within ${limitMs} ms`);
}

const openMinimal = () => openSignedIn(env, { clock: true });

test("a hold keeps the user signed in for an hour in small steps, with one keep-alive per half timeout; after the release, the logout comes a timeout later", async () => {
  const { context, page, token } = await openMinimal();
  await hold(page, "Call 42");
  await server.clearLog();
  await advanceTogether(page, server, 60 * MINUTE, MINUTE);
  assert.equal(await reasonOf(page), null, "signed in an hour later");
  assert.equal(await warningShown(page), false, "no warning while held");
  assert.equal(await remaining(page), TIMEOUT);
  assert.ok(await alive(token), "the server kept the token alive");
  const counted = await waitUntil(async () => (await keepAlives()) >= 11 && keepAlives(), { what: "the keep-alives" });
  assert.ok(counted <= 12, `at most one keep-alive per half timeout: ${counted} in 60 minutes`);
  assert.deepEqual((await page.evaluate(() => window.tracker.explain().holds)).map((h) => h.label), ["Call 42"]);

  await release(page);
  await advanceTogether(page, server, TIMEOUT - 30_000, 30_000);
  assert.equal(await reasonOf(page), null, "not logged out before a timeout after the release");
  assert.ok(await alive(token), "nor by the server");
  const { reason, spent } = await untilLogout(page, 2 * MINUTE);
  assert.equal(reason, "idle");
  assert.ok(spent >= 25_000 && spent <= 60_000, `logged out about a timeout after the release: ${spent}`);
  await context.close();
});

// The page's clock runs two hours in one call: every timer due meanwhile fires in that one burst
// and the keep-alives reach the server only after it. The server's clock is not moved by the
// burst (it would count those calls at its old time and expire the token: a server that really
// saw two hours without a call does log out); from then on both move together again, two hours
// apart (advanceTogether keeps the offset).
test("a hold survives the page's time moving two hours at once: no warning, no logout, keep-alives at most once per half timeout", async () => {
  const { context, page, token } = await openMinimal();
  await hold(page, "Call 7");
  await server.clearLog();
  await page.clock.runFor(2 * 60 * MINUTE);
  assert.equal(await reasonOf(page), null, "not logged out by the client");
  assert.equal(await warningShown(page), false);
  assert.equal(await remaining(page), TIMEOUT);
  const counted = await waitUntil(async () => (await keepAlives()) >= 1 && keepAlives(), { what: "a keep-alive" });
  assert.ok(counted <= 24, `at most one keep-alive per half timeout of page time: ${counted}`);
  // Afterwards the hold goes on as before, for the server too.
  await advanceTogether(page, server, 12 * MINUTE, MINUTE);
  assert.equal(await warningShown(page), false);
  assert.equal(await reasonOf(page), null);
  assert.ok(await alive(token));
  await context.close();
});

test("a forgotten hold ends at maxHoldSeconds and the logout comes a timeout after its end", async () => {
  const { context, page } = await openMinimal();
  await hold(page, "forgotten");
  await advanceTogether(page, server, 4 * 60 * MINUTE - MINUTE, 2 * MINUTE);
  assert.equal(await reasonOf(page), null);
  assert.deepEqual(await holdLog(page), [["hold-began", "forgotten", null]]);
  await advanceTogether(page, server, 2 * MINUTE, 30_000);
  assert.deepEqual(await holdLog(page), [
    ["hold-began", "forgotten", null],
    ["hold-ended", "forgotten", "expired"],
  ]);
  assert.deepEqual(await page.evaluate(() => window.tracker.explain().holds), []);
  // The timer runs from the hold's end (a minute ago): not before 9 more minutes.
  await advanceTogether(page, server, TIMEOUT - 2 * MINUTE, 30_000);
  assert.equal(await reasonOf(page), null, "not before a timeout after the hold's end");
  const { reason } = await untilLogout(page, 3 * MINUTE);
  assert.equal(reason, "idle");
  await context.close();
});

test("a hold in tab A keeps tab B from warning; closing A ends it and B logs out a timeout later", async () => {
  const context = await env.browser.newContext();
  await context.clock.install();
  const a = await context.newPage();
  const url = `${server.url}/minimal/`;
  await a.goto(url);
  await signIn(a, "agent");
  await a.waitForURL(url);
  await a.locator("body[data-ready=true]").waitFor();
  const token = await a.evaluate(() => sessionStorage.getItem("minimal.token"));
  const b = await context.newPage();
  await b.goto(`${server.url}/favicon.svg`);
  await b.evaluate((t) => sessionStorage.setItem("minimal.token", t), token);
  await b.goto(url);
  await b.locator("body[data-ready=true]").waitFor();
  const now = Math.max(await a.evaluate(() => Date.now()), await b.evaluate(() => Date.now()));
  await context.clock.pauseAt(now + 1_000);

  await hold(a, "Call in A");
  await waitUntil(async () => (await b.evaluate(() => window.tracker.explain().holds.length)) === 1, {
    what: "B to hear of A's hold",
  });
  await advanceTogether(a, server, 30 * MINUTE, MINUTE);
  assert.equal(await warningShown(b), false, "B never warned");
  assert.equal(await reasonOf(b), null);
  assert.equal(await remaining(b), TIMEOUT);

  // The tab goes away (leaving its page fires pagehide, as closing it does).
  await a.goto("about:blank");
  await a.close();
  // B may be catching up (asking the others before trusting what it knows): a second or two.
  for (let i = 0; (await b.evaluate(() => window.tracker.explain().holds.length)) > 0; i++) {
    assert.ok(i < 5, "A's hold ends in B when A goes away");
    await advanceTogether(b, server, 1_000, 1_000);
  }
  const ended = await holdLog(b);
  assert.deepEqual(ended.at(-1), ["hold-ended", "Call in A", "tab-gone"]);
  await advanceTogether(b, server, TIMEOUT - 2 * MINUTE, 30_000);
  assert.equal(await reasonOf(b), null, "B is not logged out before a timeout after A closed");
  const { reason, spent } = await untilLogout(b, 4 * MINUTE);
  assert.ok(["idle", "server-revoked"].includes(reason), reason);
  assert.ok(spent <= 3 * MINUTE, `B logged out about a timeout after A closed: ${spent}`);
  await context.close();
});

test("the agent demo: 'On a call' takes a hold and the panel says so", async () => {
  const { context, page } = await openSignedIn(env, { path: "/agent/", clock: true, ready: "#app:not([hidden])", tokenKey: null });
  const toggle = page.getByRole("button", { name: "On a call" });
  assert.equal(await toggle.getAttribute("aria-pressed"), "false");
  await toggle.click();
  assert.equal(await toggle.getAttribute("aria-pressed"), "true");
  await page.getByRole("status").filter({ hasText: "Held: on a call" }).waitFor();
  await advanceTogether(page, server, 15 * MINUTE, MINUTE);
  assert.equal(await page.locator("#signed-out").isHidden(), true, "still signed in 15 minutes into the call");
  await toggle.click();
  assert.equal(await toggle.getAttribute("aria-pressed"), "false");
  assert.equal(await page.locator("#hold-status").textContent(), "");
  await context.close();
});

// Another tab's hold is believed only while the server agrees: a hold message posted on the
// session's channel by a page script (a buggy app, or a forged one) — renewed every minute so its
// lease never lapses — but no keep-alives: at the tab's own expiry it asks the server, whose
// deadline has passed, and logs out (server-revoked) instead of staying signed in.
test("a forged hold on the channel keeps no one signed in past the server's deadline", async () => {
  const { context, page, token } = await openMinimal();
  const channel = await page.evaluate(() => {
    const scope = Object.keys(localStorage).find((k) => k.endsWith(":last-activity"));
    return scope.slice(0, -":last-activity".length);
  });
  const forge = () =>
    page.evaluate((name) => {
      const now = Date.now();
      window.forged ??= new BroadcastChannel(name);
      window.forged.postMessage(JSON.stringify({ v: 1, from: "forged", kind: "hold", hold: 1, since: window.forgedSince ??= now, at: now, label: "not a call" }));
    }, channel);
  await forge();
  await waitUntil(async () => (await page.evaluate(() => window.tracker.explain().holds.length)) === 1, { what: "the forged hold to be believed" });
  await server.clearLog();
  let reason = null;
  for (let minute = 0; minute < 2 * TIMEOUT / MINUTE && reason === null; minute++) {
    await advanceTogether(page, server, MINUTE, MINUTE);
    reason = await reasonOf(page);
    if (reason === null) await forge();
  }
  if (reason === "navigating") reason = await waitUntil(async () => (await reasonOf(page)) !== "navigating" && reasonOf(page), { what: "the logout reason" });
  assert.equal(reason, "server-revoked", "logged out when the server's deadline had passed");
  assert.equal(await keepAlives(), 0, "no keep-alive: this tab holds nothing itself");
  assert.equal(await alive(token), false, "the server revoked the idle token");
  await context.close();
});
