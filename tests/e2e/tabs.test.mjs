// Several tabs of one client and user: one idle timer across tabs, the traffic bound,
// logout propagation, exactly one tab making the server calls (counted at the server), a tab
// closed mid-logout, a frozen tab (CDP Page.setWebLifecycleState in Chromium; Firefox freezes
// no tab), and clock jumps.
// Several pages in one browser context share one Playwright clock; tabs share the token (a
// second tab gets it the way a real app's shared store would hand it over).
import { test } from "node:test";
import assert from "node:assert/strict";
import { setUp, signIn, advanceTogether, isFirefox, waitUntil, tokenFor } from "./harness.mjs";

const MINUTE = 60_000;
const AGENT_ID = "b0000000-0000-4000-8000-000000000001";

/** The channel of a session: the user and the 64-bit FNV-1a fingerprint of its access token. */
function channelOf(token) {
  let h = 0xcbf29ce484222325n;
  for (const b of new TextEncoder().encode(token)) h = ((h ^ BigInt(b)) * 0x100000001b3n) & 0xffffffffffffffffn;
  return `inactivity-timeout:v1:${AGENT_ID}#${h.toString(16).padStart(16, "0")}`;
}
const LOGOUT_CALLS = [
  `PUT /api/v2/users/${AGENT_ID}/routingstatus`,
  `PATCH /api/v2/users/${AGENT_ID}/presences/purecloud`,
  "DELETE /api/v2/tokens/me",
];
const { server, browser } = await setUp({ resetEachTest: true });

/**
 * Freezes a tab as Chromium does (CDP Page.setWebLifecycleState): no timer, no message, until
 * thawed. Firefox has no frozen state (no Page Lifecycle freeze): there the tab only misses its
 * timers (the tests move time with setSystemTime, which fires none) and still hears the others.
 * Returns { thaw() }.
 */
async function freeze(context, page) {
  if (isFirefox) {
    assert.equal(await page.evaluate(() => "onfreeze" in document), false, "Firefox has no frozen tabs");
    return { thaw: async () => {} };
  }
  const cdp = await context.newCDPSession(page);
  await cdp.send("Page.setWebLifecycleState", { state: "frozen" });
  return { thaw: () => cdp.send("Page.setWebLifecycleState", { state: "active" }) };
}


/** A new tab of the minimal client in `context`, signed in with `token`. */
async function openTab(context, token, url) {
  const page = await context.newPage();
  await page.goto(`${server.url}/favicon.svg`);
  await page.evaluate((t) => sessionStorage.setItem("minimal.token", t), token);
  await page.goto(url);
  await page.locator("body[data-ready=true]").waitFor();
  return page;
}

/**
 * `n` tabs of the minimal client in one context, the first one signed in for real. The context's
 * clock is paused unless `realTime`: Playwright runs a clock per page, and while it advances one
 * page's clock the others' flow in real time — over many steps the pages' clocks would drift
 * apart by seconds. Paused, every page moves by exactly the same steps (one machine, one clock),
 * and nothing fires while the real network works.
 */
async function openTabs(n, { path = "/minimal/", realTime = false, onQueue = false } = {}) {
  const context = await browser.newContext();
  await context.clock.install();
  const first = await context.newPage();
  const url = server.url + path;
  await first.goto(url);
  await signIn(first, "agent");
  await first.waitForURL(url);
  await first.locator("body[data-ready=true]").waitFor();
  const token = await first.evaluate(() => sessionStorage.getItem("minimal.token"));
  // Before the other tabs load: their calls are then the token's last uses, for the server too.
  if (onQueue) await goOnQueue(token);
  const pages = [first];
  for (let i = 1; i < n; i++) pages.push(await openTab(context, token, url));
  if (!realTime) {
    const now = Math.max(...(await Promise.all(pages.map((p) => p.evaluate(() => Date.now())))));
    await context.clock.pauseAt(now + 1_000);
  }
  return { context, pages, token, url };
}

const remaining = (page) => page.evaluate(() => window.tracker.remainingMs());
const reasonOf = (page) => page.evaluate(() => sessionStorage.getItem("minimal.lastLogout"));

/** Polls every page until each has logged out; returns [{ reason, atMs }] (real time). */
async function waitForLogouts(pages, timeoutMs = 15_000) {
  const start = performance.now();
  const seen = pages.map(() => null);
  while (seen.some((s) => s === null)) {
    if (performance.now() - start > timeoutMs) {
      throw new Error(`not every tab logged out: ${JSON.stringify(seen)}`);
    }
    await Promise.all(
      pages.map(async (page, i) => {
        if (seen[i] !== null) return;
        const reason = await reasonOf(page).catch(() => null);
        if (reason) seen[i] = { reason, atMs: performance.now() - start };
      }),
    );
    await new Promise((ok) => setTimeout(ok, 10));
  }
  return seen;
}

/** How many times the server received each of the logout calls. */
async function logoutCallCounts() {
  const calls = (await server.log()).map((r) => `${r.method} ${r.path}`);
  return Object.fromEntries(LOGOUT_CALLS.map((c) => [c, calls.filter((x) => x === c).length]));
}

/** Waits until the server has received each logout call at least once (the network is real time). */
async function waitForLogoutCalls() {
  for (let i = 0; i < 300; i++) {
    const counts = await logoutCallCounts();
    if (Object.values(counts).every((n) => n >= 1)) return counts;
    await new Promise((ok) => setTimeout(ok, 20));
  }
  const log = (await server.log()).map((r) => `${r.method} ${r.path} ${r.status ?? ""}`);
  throw new Error(`the logout calls were not all made: ${JSON.stringify(await logoutCallCounts())}; the server saw ${log.join(", ")}`);
}

/** Waits for the logout calls, then asserts that the server saw each once: Off Queue, Offline, revoke. */
async function expectLogoutCallsOnceInOrder() {
  const counts = await waitForLogoutCalls();
  assert.deepEqual(Object.values(counts), [1, 1, 1], JSON.stringify(counts));
  const order = (await server.log()).map((r) => `${r.method} ${r.path}`).filter((c) => LOGOUT_CALLS.includes(c));
  assert.deepEqual(order, LOGOUT_CALLS, "Off Queue, Offline, revoke");
}

/** Puts the agent On Queue, so the logout sequence includes the Off Queue call. */
async function goOnQueue(token) {
  const path = `/api/v2/users/${AGENT_ID}/routingstatus`;
  assert.equal((await server.api(token, "PUT", path, { status: "IDLE" })).status, 200);
}

/**
 * Runs the clock to just past the first tab's expiry, the last seconds in small steps (the
 * server's clock stays behind for the last `serverBehindMs`, so the token is alive while the
 * logout calls run, however slowly the machine runs them): Playwright
 * advances one page's clock after the other, so a message from a tab that logged out reaches the
 * next page at the start of its step — and the bounded waits it starts then must not see a whole
 * step go by. After the first logout the clock stays put while the real network works.
 */
async function runPastExpiry(pages, { serverBehindMs = 30_000 } = {}) {
  const left = Math.min(...(await Promise.all(pages.map(remaining))));
  await advanceTogether(pages[0], server, Math.max(0, left - 2_000 - serverBehindMs), 30_000);
  // The last stretch on the pages' clock only: the server stays that far behind (its clock flows
  // in real time), so the token is alive while slow logout calls run.
  if (serverBehindMs > 0) await pages[0].clock.runFor(serverBehindMs);
  for (let i = 0; i < 40; i++) {
    const reasons = await Promise.all(pages.map((p) => reasonOf(p).catch(() => "navigating")));
    if (reasons.some((r) => r !== null)) return;
    await pages[0].clock.runFor(100);
  }
  throw new Error("no tab logged out at the expiry");
}

test("activity in one tab keeps every tab alive, at about one message per tab per second", async () => {
  const { context, pages, token } = await openTabs(3, { realTime: true });
  const [a, b, c] = pages;
  const CHANNEL = channelOf(token);
  await advanceTogether(a, server, 5 * MINUTE);
  await b.getByRole("button", { name: /load queues/i }).click();
  await b.getByText("Queues loaded.").waitFor();
  await a.waitForFunction(() => window.tracker.remainingMs() > 9.5 * 60_000);
  await advanceTogether(a, server, 6 * MINUTE);
  for (const page of pages) {
    assert.ok(page.url().endsWith("/minimal/"), "still signed in 11 minutes after start");
    const left = await remaining(page);
    assert.ok(left > 3.5 * MINUTE && left <= 4 * MINUTE, `every tab shares B's activity: ${left}`);
  }
  for (const page of pages) {
    const tabs = await page.evaluate(() => window.tracker.tabs());
    assert.deepEqual([tabs.transport, tabs.sharedStorage], ["broadcast-channel", true]);
  }
  const shared = await c.evaluate((k) => Number(localStorage.getItem(k)), `${CHANNEL}:last-activity`);
  assert.ok(shared > 0, "the last activity is shared in storage");

  // 100 requests a second in tab A for 5 seconds; tab C counts the messages and storage writes.
  await c.evaluate((name) => {
    window.heard = [];
    window.storageWrites = 0;
    const channel = new BroadcastChannel(name);
    channel.onmessage = (e) => window.heard.push(JSON.parse(e.data));
    window.addEventListener("storage", (e) => {
      if (e.key === `${name}:last-activity`) window.storageWrites++;
    });
  }, CHANNEL);
  const ids = await Promise.all(pages.map((p) => p.evaluate(() => window.tracker.tabs().tabId)));
  await server.clearLog();
  const seconds = 5;
  const elapsedMs = await a.evaluate(async (n) => {
    const began = Date.now();
    const token = sessionStorage.getItem("minimal.token");
    const sent = [];
    for (let i = 0; i < n; i++) {
      sent.push(fetch("/api/v2/routing/queues", { headers: { authorization: `Bearer ${token}` } }));
      await new Promise((ok) => setTimeout(ok, 10));
    }
    await Promise.all(sent);
    return Date.now() - began;
  }, seconds * 100);
  await a.clock.runFor(1_500); // the trailing send
  const heard = await c.evaluate(() => window.heard);
  const byTab = ids.map((id) => heard.filter((m) => m.from === id && m.kind === "activity").length);
  const requests = (await server.log()).filter((r) => r.path === "/api/v2/routing/queues").length;
  const writes = await c.evaluate(() => window.storageWrites);
  const elapsed = elapsedMs / 1000;
  console.log(
    `# traffic: ${requests} requests in ${elapsed.toFixed(1)} s (${(requests / elapsed).toFixed(0)}/s) from tab A` +
      ` -> activity messages from A/B/C: ${byTab.join("/")} (${(byTab[0] / elapsed).toFixed(2)}/s),` +
      ` last-activity storage writes seen by C: ${writes}`,
  );
  assert.equal(requests, seconds * 100);
  // A leading send, then at most one a second, then the trailing one.
  assert.ok(byTab[0] >= 2 && byTab[0] <= Math.ceil(elapsed) + 2, `A sent ${byTab[0]} messages in ${elapsed} s`);
  assert.equal(byTab[1], 0, "B had no activity of its own");
  assert.equal(byTab[2], 0, "C had no activity of its own");
  assert.ok(writes <= Math.ceil(elapsed) + 2, `${writes} storage writes`);
  await context.close();
});

test("idle: every tab logs out together; exactly one makes the server calls", async () => {
  const { context, pages, token } = await openTabs(3, { onQueue: true });
  const path = `/api/v2/users/${AGENT_ID}/routingstatus`;
  await server.clearLog();
  await runPastExpiry(pages);
  const logouts = await waitForLogouts(pages);
  const reasons = logouts.map((l) => l.reason);
  assert.ok(reasons.every((r) => r === "idle" || r === "other-tab"), reasons.join());
  assert.ok(reasons.includes("idle"), reasons.join());
  const spread = Math.max(...logouts.map((l) => l.atMs)) - Math.min(...logouts.map((l) => l.atMs));
  assert.ok(spread < 1_000, `all within a second: ${spread} ms`);
  await Promise.all(pages.map((p) => p.waitForURL(/\/oauth\/authorize/)));
  const counts = await waitForLogoutCalls();
  assert.deepEqual(Object.values(counts), [1, 1, 1], JSON.stringify(counts));
  console.log(`# idle logout: reasons ${reasons.join("/")}, spread ${spread.toFixed(0)} ms, calls ${JSON.stringify(Object.values(counts))}`);
  assert.equal((await server.api(token, "GET", path)).status, 401, "token revoked");
  await context.close();
});

test("a logout in one tab reaches the others within a second, as other-tab", async () => {
  const { context, pages, token } = await openTabs(3);
  const [a, b, c] = pages;
  assert.equal((await server.api(token, "DELETE", "/api/v2/tokens/me")).status, 204);
  await server.clearLog();
  await b.getByRole("button", { name: /load queues/i }).click();
  const logouts = await waitForLogouts([b, a, c]);
  assert.deepEqual(logouts.map((l) => l.reason), ["server-revoked", "other-tab", "other-tab"]);
  const times = logouts.map((l) => l.atMs);
  const propagation = Math.max(...times) - Math.min(...times);
  console.log(`# propagation of a logout to 2 other tabs: all three seen within ${propagation.toFixed(0)} ms (polling every ~10 ms)`);
  assert.ok(propagation < 1_000, `${propagation} ms`);
  await Promise.all(pages.map((p) => p.waitForURL(/\/oauth\/authorize/)));
  const counts = await logoutCallCounts();
  assert.deepEqual(Object.values(counts), [0, 0, 0], `no calls with a dead token: ${JSON.stringify(counts)}`);
  await context.close();
});

test("a tab closed in the middle of its logout calls: the session still ends, no call is made twice", async () => {
  const { context, pages, token } = await openTabs(3, { onQueue: true });
  // The first tab to call hangs on Off Queue (its request never reaches the server).
  let leader = null;
  for (const page of pages) {
    await page.route("**/api/v2/users/*/routingstatus", (route) => {
      if (leader === null) {
        leader = page;
        return; // hang
      }
      return route.continue();
    });
  }
  await server.clearLog();
  await runPastExpiry(pages);
  await waitUntil(async () => leader !== null, { what: "a tab to start the logout calls" });
  const others = pages.filter((p) => p !== leader);
  await leader.close();
  await waitForLogouts(others);
  await Promise.all(others.map((p) => p.waitForURL(/\/oauth\/authorize/)));
  // A tab that logged out on its own queued for the lock takes over (it asks the server first);
  // a tab told by the leader makes no call. Either way the server's own enforcement ends the
  // session: its clock moves past the token's deadline.
  await server.advanceClock(20 * MINUTE);
  await waitUntil(async () => (await server.api(token, "GET", "/api/v2/routing/queues")).status === 401, {
    what: "the token to be revoked",
  });
  const counts = Object.values(await logoutCallCounts());
  // The closed tab's request was in flight with `keepalive`: it may still reach the server.
  assert.ok(counts[0] <= 2 && counts[1] <= 1 && counts[2] <= 1, JSON.stringify(counts));
  const admin = await tokenFor(server, "admin");
  const status = await server.api(admin, "GET", `/api/v2/users/${AGENT_ID}/routingstatus`);
  assert.equal(status.body.status, "OFF_QUEUE", "no agent left On Queue");
  await context.close();
});

test("a stale record of an earlier logout and a lock hand-off: each call once, in order", async () => {
  const { context, pages, token } = await openTabs(3, { onQueue: true });
  // A record that says the calls were "started" by a leader that never finished (an earlier
  // logout of this session's token, before these tabs opened): which tab calls, and what, is
  // asked of the server, not read from it.
  const key = `${channelOf(token)}:logout`;
  await pages[0].evaluate((k) => localStorage.setItem(k, `1 ${Date.now() - 60 * 60_000} started`), key);
  await server.clearLog();
  await runPastExpiry(pages);
  await waitForLogouts(pages);
  await Promise.all(pages.map((p) => p.waitForURL(/\/oauth\/authorize/)));
  await expectLogoutCallsOnceInOrder();
  await context.close();
});

test("a leader slowed by its beforeLogout and a slow network is not doubled", async () => {
  const { context, pages } = await openTabs(3, { onQueue: true, path: "/minimal/?beforeLogout=/slow-save" });
  for (const page of pages) {
    // The app's hook waits 2.5 s of real time, and the server's answer to the leader's check a
    // second. (Only requests without a body are delayed: Firefox over BiDi hands a route no body
    // to pass on.)
    await page.route("**/slow-save", async (route) => {
      await new Promise((ok) => setTimeout(ok, 2_500));
      await route.fulfill({ status: 204 });
    });
    await page.route("**/api/v2/tokens/me?preserveIdleTTL=true", async (route) => {
      await new Promise((ok) => setTimeout(ok, 1_000));
      await route.continue();
    });
  }
  await server.clearLog();
  await runPastExpiry(pages);
  await waitForLogouts(pages);
  await Promise.all(pages.map((p) => p.waitForURL(/\/oauth\/authorize/, { timeout: 30_000 })));
  const counts = await waitForLogoutCalls();
  assert.deepEqual(Object.values(counts), [1, 1, 1], JSON.stringify(counts));
  await context.close();
});

for (const n of [1, 3]) {
  test(`time moving in one burst past the deadline: one Off Queue, Offline, revoke, in order (${n} tab${n > 1 ? "s" : ""})`, async () => {
    const { context, pages } = await openTabs(n, { onQueue: true });
    await server.clearLog();
    // A laptop waking, or a test clock: timeout + 70 s of page time at once. The server's clock
    // stays behind, so the token is alive when the calls arrive.
    await context.clock.runFor((await remaining(pages[0])) + 70_000);
    const logouts = await waitForLogouts(pages);
    assert.ok(logouts.every((l) => ["idle", "slept", "other-tab"].includes(l.reason)), JSON.stringify(logouts));
    await Promise.all(pages.map((p) => p.waitForURL(/\/oauth\/authorize/)));
    await expectLogoutCallsOnceInOrder();
    await context.close();
  });
}

test("a frozen tab wakes to find the session kept alive by another tab", async () => {
  const { context, pages } = await openTabs(2);
  const [a, b] = pages;
  const frozen = await freeze(context, b);
  // Twelve minutes pass; the user works in tab A every minute. (setSystemTime fires no timer:
  // B stays as frozen as a real frozen tab, whose timers do not run.)
  for (let i = 0; i < 12; i++) {
    const now = await a.evaluate(() => Date.now());
    await context.clock.setSystemTime(now + MINUTE);
    await server.advanceClock(MINUTE);
    const status = await a.evaluate(() =>
      fetch("/api/v2/routing/queues", {
        headers: { authorization: `Bearer ${sessionStorage.getItem("minimal.token")}` },
      }).then((r) => r.status),
    );
    assert.equal(status, 200);
  }
  await frozen.thaw();
  await context.clock.runFor(2_000); // B's long-overdue timer fires now
  await b.evaluate(() => document.dispatchEvent(new Event("visibilitychange")));
  for (const page of pages) {
    assert.equal(await reasonOf(page), null, "nobody logged out");
    assert.ok(page.url().endsWith("/minimal/"));
  }
  const left = await remaining(b);
  assert.ok(left > 9 * MINUTE, `B caught up with A's activity: ${left}`);
  await context.close();
});

test("a frozen tab never blocks the others' logout, and logs out quietly when it wakes", async () => {
  const { context, pages } = await openTabs(3, { onQueue: true });
  const [a, b, c] = pages;
  const frozen = await freeze(context, c);
  await server.clearLog();
  // The session expires while A and B are throttled: they notice when they become visible.
  const now = await a.evaluate(() => Date.now());
  await context.clock.setSystemTime(now + (await remaining(a)) + 20_000);
  for (const page of [a, b]) {
    // B may already be on its way out (A's logout reached it): then there is nothing to wake.
    await page.evaluate(() => document.dispatchEvent(new Event("visibilitychange"))).catch(() => {});
  }
  const logouts = await waitForLogouts([a, b]);
  assert.ok(logouts.every((l) => l.reason === "slept" || l.reason === "other-tab"), JSON.stringify(logouts));
  await Promise.all([a, b].map((p) => p.waitForURL(/\/oauth\/authorize/)));
  const counts = await waitForLogoutCalls();
  assert.deepEqual(Object.values(counts), [1, 1, 1], JSON.stringify(counts));
  // C wakes: it logs out too — without any call of its own.
  await frozen.thaw();
  await context.clock.runFor(1_000);
  const [woke] = await waitForLogouts([c]);
  assert.ok(["other-tab", "slept"].includes(woke.reason), woke.reason);
  await c.waitForURL(/\/oauth\/authorize/);
  assert.deepEqual(await logoutCallCounts(), counts, "the woken tab made no call");
  await context.close();
});

test("a clock jump (sleep) past the deadline: slept, no warning, one leader", async () => {
  const { context, pages } = await openTabs(2, { onQueue: true });
  let warned = false;
  for (const page of pages) {
    await page.exposeFunction("sawWarning", () => (warned = true));
    await page.evaluate(() => {
      new MutationObserver(() => {
        if (!document.getElementById("warning").hidden) window.sawWarning();
      }).observe(document.getElementById("warning"), { attributes: true });
    });
  }
  await server.clearLog();
  await context.clock.fastForward(25 * MINUTE);
  const logouts = await waitForLogouts(pages);
  assert.ok(logouts.every((l) => l.reason === "slept" || l.reason === "other-tab"), JSON.stringify(logouts));
  assert.ok(logouts.some((l) => l.reason === "slept"));
  assert.equal(warned, false, "no warning it could no longer honour");
  await Promise.all(pages.map((p) => p.waitForURL(/\/oauth\/authorize/)));
  const counts = await waitForLogoutCalls();
  assert.deepEqual(Object.values(counts), [1, 1, 1], JSON.stringify(counts));
  await context.close();
});
