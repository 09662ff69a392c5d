// Faults, end to end: storage denied (as in a cross-site iframe) or full,
// BroadcastChannel missing, Web Locks missing or denied, the wasm failing to load. In each the
// app keeps working and the timeout is still enforced — by the tracker, or, when the tracker
// cannot load at all, by the reference server. Real server, real browser (ENGINE), Playwright's clock;
// time moves with the clocks, never with sleeps. (Every logout call failing or hanging, and the
// tracker breaking at run time, are in tracker.test.mjs.)
import { test } from "node:test";
import assert from "node:assert/strict";
import { setUp, openSignedIn, signIn, advanceTogether, tokenFor, waitUntil, isFirefox } from "./harness.mjs";

const MINUTE = 60_000;
const AGENT_ID = "b0000000-0000-4000-8000-000000000001";
/** The page to come back to after the idle logout: query and hash must survive. */
const PATH = "/minimal/?view=queues#row-3";
const LOGOUT_CALLS = [
  `PUT /api/v2/users/${AGENT_ID}/routingstatus`,
  `PATCH /api/v2/users/${AGENT_ID}/presences/purecloud`,
  "DELETE /api/v2/tokens/me",
];

const env = await setUp({ resetEachTest: true });
const { server } = env;

// ---- faults, injected before any page script runs ----

/**
 * Storage faults aimed at the package: the minimal client keeps its own token in
 * sessionStorage, so a blanket denial would break the app's own first line before the tracker
 * loads. A storage access fails when the nearest page-script frame that makes it is the
 * package's (`/pkg/…`); the app's own code — also inside callbacks the tracker calls — is
 * served normally. Each fault is reported to the test through the `fault` binding.
 *   mode "denied": the sessionStorage/localStorage getters throw SecurityError "Access is denied
 *                  for this document." (Chromium's cross-site iframe);
 *   mode "full":   Storage.prototype.setItem throws QuotaExceededError.
 */
function storageFault(mode) {
  const fromPackage = () => {
    const frames = (new Error().stack ?? "").split("\n");
    // Past this function's frame and the fault's (the getter or setItem): Firefox names an init
    // script's frames by the page's URL, Chromium by none.
    const own = frames.findIndex((f) => f.includes("fromPackage"));
    const caller = frames.slice(own + 2).find((f) => /https?:\/\//.test(f));
    return caller !== undefined && caller.includes("/pkg/");
  };
  const report = (what) => {
    try {
      window.fault?.(what);
    } catch (_) {}
  };
  if (mode === "denied") {
    for (const name of ["sessionStorage", "localStorage"]) {
      const own = Object.getOwnPropertyDescriptor(window, name);
      const d = own ?? Object.getOwnPropertyDescriptor(Window.prototype, name);
      Object.defineProperty(window, name, {
        configurable: true,
        enumerable: true,
        get() {
          if (fromPackage()) {
            report(`denied ${name}`);
            throw new DOMException(
              `Failed to read the '${name}' property from 'Window': Access is denied for this document.`,
              "SecurityError",
            );
          }
          return d.get.call(window);
        },
      });
    }
  } else {
    const setItem = Storage.prototype.setItem;
    Storage.prototype.setItem = function (key, value) {
      if (fromPackage()) {
        report(`quota ${key}`);
        throw new DOMException(
          `Failed to execute 'setItem' on 'Storage': Setting the value of '${key}' exceeded the quota.`,
          "QuotaExceededError",
        );
      }
      return setItem.call(this, key, value);
    };
  }
}

/** Resource timing without `responseStatus`, as in engines that do not expose it (Safari). */
function noResponseStatus() {
  delete PerformanceResourceTiming.prototype.responseStatus;
}

function noBroadcastChannel() {
  delete window.BroadcastChannel;
}

function noWebLocks(mode) {
  if (mode === "missing") {
    Object.defineProperty(Navigator.prototype, "locks", { configurable: true, get: () => undefined });
  } else {
    // Present but refusing, as in a cross-site iframe.
    LockManager.prototype.request = function () {
      return Promise.reject(new DOMException("The request was denied.", "SecurityError"));
    };
    LockManager.prototype.query = LockManager.prototype.request;
  }
}

/**
 * A signed-in page of the minimal client on `path`, in a new context with Playwright's clock and
 * the fault scripts installed. Returns { context, page, token, url, faults } — `faults` collects
 * what the injected faults reported.
 */
async function openFaulty(scripts, { path = PATH, username = "agent", afterSignIn = false } = {}) {
  const faults = [];
  // `afterSignIn`: the faults start once the app is signed in (a reload): a tab whose tracker can
  // remember no `state` completes no sign-in (isLoginState), so the first one comes before them.
  const opened = await openSignedIn(env, {
    path,
    username,
    clock: true,
    beforeLoad: async (context) => {
      await context.exposeFunction("fault", (what) => faults.push(what));
      for (const [script, arg] of scripts) {
        await context.addInitScript(
          ([source, argument, gateIt]) => {
            if (gateIt && sessionStorage.getItem("faults.on") !== "1") return;
            (0, eval)(`(${source})`)(argument);
          },
          [script.toString(), arg, afterSignIn],
        );
      }
    },
  });
  assert.ok(opened.token, "the app kept its token");
  if (afterSignIn) {
    await opened.page.evaluate(() => sessionStorage.setItem("faults.on", "1"));
    await opened.page.reload();
    await opened.page.locator("body[data-ready=true]").waitFor();
  }
  return { ...opened, faults };
}

/**
 * Signs in again after the idle logout, in a tab whose tracker could remember no `state`: the
 * state came back with the page's location, but the callback (isLoginState) completes no sign-in
 * it cannot tell from one an attacker sent — the popup flow is the way there — and exchanges no
 * code.
 */
async function expectNoReturnWithoutMemory(page, login) {
  assert.equal(stateLocation(login), PATH, "the page to come back to travels in the state");
  const exchanges = [];
  page.on("request", (r) => r.url().endsWith("/oauth/token") && exchanges.push(r));
  await signIn(page, "agent");
  await page.getByRole("status").filter({ hasText: /not started in this tab/ }).waitFor();
  assert.deepEqual(exchanges, [], "no code was exchanged");
  assert.equal(stateLocation(new URL(page.url())), PATH, "the state came back with the location");
}

/** Polls the server's request log until `predicate` holds for it (the network is real time). */
const waitForLog = (predicate, what) =>
  waitUntil(
    async () => {
      const log = await server.log();
      return predicate(log) && log;
    },
    { what: `the server to see ${what}`, timeoutMs: 10_000, intervalMs: 50, describe: async () => JSON.stringify(await server.log()) },
  );

const remaining = (page) => page.evaluate(() => window.tracker.remainingMs());

/** The app works and the tracker counts: "Load queues" resets the idle timer. */
async function expectCounting(page) {
  await advanceTogether(page, server, 3 * MINUTE);
  const before = await remaining(page);
  assert.ok(before <= 7 * MINUTE, `${before}`);
  await page.getByRole("button", { name: /load queues/i }).click();
  await page.getByText("Queues loaded.").waitFor();
  assert.ok((await remaining(page)) > 9.9 * MINUTE, "the call reset the idle timer");
  const log = await page.evaluate(() => window.tracker.activityLog());
  const queues = log.filter((e) => e.path === "api/v2/routing/queues");
  assert.equal(queues.length, 1, JSON.stringify(log));
  assert.equal(queues[0].outcome, "counted");
  // The excluded call is not activity.
  await page.getByRole("button", { name: /send diagnostics/i }).click();
  await page.getByText("Diagnostics sent.").waitFor();
  const excluded = (await page.evaluate(() => window.tracker.activityLog())).find(
    (e) => e.path === "api/v2/diagnostics/trace",
  );
  assert.equal(excluded?.outcome, "excluded");
}

/**
 * Idle until the tracker logs out: the server's clock a little behind (the token still alive
 * while the logout calls run, so they are the tracker's, not the server's own sweep). Checks
 * the login page, the reason the app was told, and that the logout calls reached the server
 * exactly once each.
 */
async function expectIdleLogout(page, token) {
  assert.equal((await server.api(token, "PUT", `/api/v2/users/${AGENT_ID}/routingstatus`, { status: "IDLE" })).status, 200);
  await server.clearLog();
  await advanceTogether(page, server, 9 * MINUTE + 30_000, 30_000);
  await page.clock.runFor(31_000);
  await page.waitForURL(/\/oauth\/authorize/);
  assert.equal(await page.evaluate(() => sessionStorage.getItem("minimal.lastLogout")), "idle");
  const log = await waitForLog(
    (l) => l.some((r) => r.method === "DELETE" && r.path === "/api/v2/tokens/me"),
    "the revoke call",
  );
  const calls = log.map((r) => `${r.method} ${r.path}`);
  for (const call of LOGOUT_CALLS) {
    assert.equal(calls.filter((c) => c === call).length, 1, `${call} once: ${calls.join(", ")}`);
  }
  assert.equal((await server.api(token, "GET", "/api/v2/routing/queues")).status, 401, "token revoked");
  return new URL(page.url());
}

/** The location carried by the login URL's `state` (rt1.<nonce>.<location>, base64url). */
function stateLocation(loginUrl) {
  const state = loginUrl.searchParams.get("state") ?? "";
  const [prefix, , location] = state.split(".");
  assert.equal(prefix, "rt1", `a state in the login URL: ${loginUrl}`);
  return Buffer.from(location, "base64url").toString();
}

/** Signs in again and expects to land on `url`, ready. */
async function expectReturn(page, url) {
  await signIn(page, "agent");
  await page.waitForURL(url);
  assert.equal(page.url(), url);
  await page.locator("body[data-ready=true]").waitFor();
  await page.getByText("You were signed out last time: idle.").waitFor();
}

// ---- storage ----

for (const mode of ["denied", "full"]) {
  test(`storage ${mode}: the app works, the tracker counts and logs out; the return rides on the OAuth state, and a sign-in the tab cannot remember is not completed`, async () => {
    const { context, page, token, faults } = await openFaulty([[storageFault, mode]], { afterSignIn: true });
    // The tracker met the fault on its way in (not a vacuous test).
    const tabs = await page.evaluate(() => window.tracker.tabs());
    if (mode === "denied") {
      assert.ok(faults.includes("denied localStorage"), `the shared state: ${faults}`);
      assert.equal(tabs.sharedStorage, false);
    } else {
      assert.ok(faults.some((f) => f.startsWith("quota inactivity-timeout:")), `${faults}`);
    }
    assert.equal(tabs.transport, "broadcast-channel");

    await expectCounting(page);
    const faultsBefore = faults.length;
    const login = await expectIdleLogout(page, token);
    assert.ok(faults.length > faultsBefore, "the logout met the fault too");
    if (mode === "denied") assert.ok(faults.includes("denied sessionStorage"), `the logout's redirect: ${faults}`);
    const saved = await page.evaluate(() => sessionStorage.getItem("inactivity-timeout:return-to"));
    assert.equal(saved, null, "nothing could be saved in storage");
    await expectNoReturnWithoutMemory(page, login);
    await context.close();
  });
}

// ---- resource timing ----

test("responseStatus missing: an app's 401 goes unseen, the server check before the warning finds the revoked token", async () => {
  const { context, page, token } = await openFaulty([[noResponseStatus]]);
  assert.equal(await page.evaluate(() => "responseStatus" in PerformanceResourceTiming.prototype), false);
  assert.equal((await server.api(token, "DELETE", "/api/v2/tokens/me")).status, 204);
  const status = await page.evaluate(
    (t) => fetch("/api/v2/routing/queues", { headers: { authorization: `Bearer ${t}` } }).then((r) => r.status),
    token,
  );
  assert.equal(status, 401, "the app's call is refused");
  // The tracker cannot see that 401 (where it can, it logs out at once): signed in until its own
  // check at the warning point, minutes of the page's clock and seconds of real time later.
  await advanceTogether(page, server, 8 * MINUTE);
  assert.equal(await page.evaluate(() => sessionStorage.getItem("minimal.lastLogout")), null, "not logged out on the unseen 401");
  assert.ok(page.url().includes("/minimal/"));
  await advanceTogether(page, server, MINUTE + 10_000, 10_000);
  await page.waitForURL(/\/oauth\/authorize/);
  assert.equal(await page.evaluate(() => sessionStorage.getItem("minimal.lastLogout")), "server-revoked");
  await context.close();
});

// ---- cross-tab transports ----

test("BroadcastChannel missing: storage events carry the tabs; the tracker still counts and enforces", async () => {
  const { context, page, token, url } = await openFaulty([[noBroadcastChannel]]);
  assert.equal(await page.evaluate(() => typeof window.BroadcastChannel), "undefined");
  assert.equal((await page.evaluate(() => window.tracker.tabs())).transport, "storage-events");
  await expectCounting(page);
  await expectIdleLogout(page, token);
  await expectReturn(page, url);
  await context.close();
});

test("BroadcastChannel missing and storage denied: the tab is alone and still enforces", async () => {
  const { context, page, token } = await openFaulty([[noBroadcastChannel], [storageFault, "denied"]], { afterSignIn: true });
  assert.deepEqual(
    await page.evaluate(() => {
      const { transport, sharedStorage } = window.tracker.tabs();
      return { transport, sharedStorage };
    }),
    { transport: "none", sharedStorage: false },
  );
  await expectCounting(page);
  await expectNoReturnWithoutMemory(page, await expectIdleLogout(page, token));
  await context.close();
});

for (const mode of ["missing", "denied"]) {
  test(`Web Locks ${mode}: the one tab still makes the logout calls, once each`, async () => {
    const { context, page, token, url } = await openFaulty([[noWebLocks, mode]]);
    const locks = await page.evaluate(() =>
      navigator.locks === undefined ? "undefined" : navigator.locks.request("x", () => {}).then(() => "granted", (e) => e.message),
    );
    assert.equal(locks, mode === "missing" ? "undefined" : "The request was denied.");
    await expectCounting(page);
    await expectIdleLogout(page, token);
    await expectReturn(page, url);
    await context.close();
  });
}

// ---- the wasm failing to load ----

for (const [name, fault, expected] of [
  [
    "is missing (404)",
    (route) => route.fulfill({ status: 404, contentType: "text/plain", body: "not found" }),
    { name: /^Error$/, message: /404 Not Found .*inactivity_timeout_bg\.wasm/ },
  ],
  [
    "is garbage",
    (route) => route.fulfill({ status: 200, contentType: "application/wasm", body: Buffer.from("\0asm garbage, not a module") }),
    // Each engine's own words for a module of the wrong version.
    { name: /^CompileError$/, message: isFirefox ? /^wasm validation error: .*binary version/ : /^WebAssembly\.instantiateStreaming\(\): expected version/ },
  ],
]) {
  test(`the wasm ${name}: init() rejects clearly, the app's requests still work, the server still enforces`, async () => {
    // Signed in while everything works; then the next load cannot get the wasm.
    const { context, page, token } = await openFaulty([], { path: "/minimal/" });
    assert.equal((await server.api(token, "PUT", `/api/v2/users/${AGENT_ID}/routingstatus`, { status: "IDLE" })).status, 200);
    await page.route("**/*.wasm", fault);
    const pageErrors = [];
    page.on("pageerror", (e) => pageErrors.push(e.message));
    // (The glue module, and with it the interception, is evaluated before `load`.)
    await page.reload();
    assert.equal(await page.evaluate(() => Symbol.for("inactivity-timeout.interceptor") in globalThis), true);

    // init() rejects with an error the app can catch.
    const failure = await page.evaluate(async () => {
      const { default: init } = await import("/pkg/inactivity_timeout.js");
      try {
        await init();
        return null;
      } catch (e) {
        return { name: e?.constructor?.name, message: String(e?.message ?? e) };
      }
    });
    assert.ok(failure, "init() rejected");
    assert.match(failure.name, expected.name);
    assert.match(failure.message, expected.message, "a message that says what failed");
    assert.equal(await page.evaluate(() => document.body.dataset.ready), undefined, "the minimal app did not start");

    // The interception is installed at import, before init(): the app's requests pass through it
    // untouched — fetch and XHR — and what it queues for a tracker that never comes is bounded.
    const app = await page.evaluate(async (token) => {
      const headers = { authorization: `Bearer ${token}` };
      const wrapped = !Function.prototype.toString.call(fetch).includes("[native code]");
      const statuses = await Promise.all(
        Array.from({ length: 300 }, () => fetch("/api/v2/routing/queues", { headers }).then((r) => r.status)),
      );
      const body = await fetch("/api/v2/users/me", { headers }).then((r) => r.json());
      const xhr = await new Promise((ok) => {
        const x = new XMLHttpRequest();
        x.open("GET", "/api/v2/conversations");
        x.setRequestHeader("authorization", `Bearer ${token}`);
        x.onload = () => ok(x.status);
        x.onerror = () => ok(-1);
        x.send();
      });
      const queued = globalThis[Symbol.for("inactivity-timeout.interceptor")].queue.length;
      return { wrapped, ok: statuses.filter((s) => s === 200).length, name: body.name, xhr, queued };
    }, token);
    assert.deepEqual(
      { wrapped: app.wrapped, ok: app.ok, xhr: app.xhr },
      { wrapped: true, ok: 300, xhr: 200 },
      "the app's requests work through the interception",
    );
    assert.ok(app.name, "a real response body");
    assert.ok(app.queued <= 256, `the queue is bounded: ${app.queued}`);

    // No tracker in the page: the server enforces. Past the timeout on the server's clock, the
    // next API call is refused, the token revoked, the agent Offline and Off Queue.
    await server.clearLog();
    await server.advanceClock(10 * MINUTE + 1_000);
    const next = await page.evaluate(
      (token) => fetch("/api/v2/routing/queues", { headers: { authorization: `Bearer ${token}` } }).then((r) => r.status),
      token,
    );
    assert.equal(next, 401, "the next API call after the timeout");
    const log = await server.log();
    assert.ok(
      log.some((r) => r.path === "/api/v2/routing/queues" && r.status === 401),
      `the server refused it: ${JSON.stringify(log)}`,
    );
    assert.equal((await server.api(token, "GET", "/api/v2/users/me")).status, 401, "the token is revoked");
    const admin = await tokenFor(server, "admin");
    const presence = await server.api(admin, "GET", `/api/v2/users/${AGENT_ID}/presences/purecloud`);
    assert.equal(presence.body.presenceDefinition.systemPresence, "Offline");
    const routing = await server.api(admin, "GET", `/api/v2/users/${AGENT_ID}/routingstatus`);
    assert.equal(routing.body.status, "OFF_QUEUE");
    // The page's only error is the app's own unhandled init() rejection: nothing from the shim.
    assert.ok(pageErrors.every((m) => m === failure.message), pageErrors.join("\n"));
    await context.close();
  });
}
