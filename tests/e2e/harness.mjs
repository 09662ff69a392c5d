// Shared end-to-end harness: the real reference server (started with --test on a free port and a
// temporary data dir) and a system browser driven by playwright-core: Debian's Chromium (CDP) or
// Firefox ESR (WebDriver BiDi), chosen by the environment variable ENGINE=chromium|firefox.
// Never a downloaded browser.
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync, existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { after, beforeEach } from "node:test";
import { chromium } from "playwright-core";

/** The engine every suite runs in: ENGINE=chromium (the default) or ENGINE=firefox. */
export const engine = process.env.ENGINE ?? "chromium";
if (engine !== "chromium" && engine !== "firefox") throw new Error(`ENGINE=${engine}: expected chromium or firefox`);
export const isFirefox = engine === "firefox";

export const root = resolve(dirname(fileURLToPath(import.meta.url)), "../..");

/** Chromium flags for a closed network, as root, headless. */
export const chromiumArgs = [
  "--no-sandbox",
  "--disable-gpu",
  "--disable-dev-shm-usage",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--no-first-run",
];

/**
 * Firefox preferences for a closed network, headless: nothing of its own goes out (telemetry,
 * updates, captive-portal and connectivity checks, safe browsing, remote settings, add-ons,
 * prefetching), or a first launch can stall waiting for hosts it cannot reach.
 */
export const firefoxPrefs = {
  "app.normandy.enabled": false,
  "app.shield.optoutstudies.enabled": false,
  "app.update.auto": false,
  "app.update.enabled": false,
  "browser.aboutwelcome.enabled": false,
  "browser.discovery.enabled": false,
  "browser.newtabpage.activity-stream.feeds.telemetry": false,
  "browser.newtabpage.activity-stream.telemetry": false,
  "browser.ping-centre.telemetry": false,
  "browser.region.network.url": "",
  "browser.region.update.enabled": false,
  "browser.safebrowsing.blockedURIs.enabled": false,
  "browser.safebrowsing.downloads.remote.enabled": false,
  "browser.safebrowsing.malware.enabled": false,
  "browser.safebrowsing.phishing.enabled": false,
  "browser.safebrowsing.provider.google4.updateURL": "",
  "browser.safebrowsing.provider.mozilla.updateURL": "",
  "browser.search.geoip.url": "",
  "browser.search.update": false,
  "captivedetect.canonicalURL": "",
  "datareporting.healthreport.uploadEnabled": false,
  "datareporting.policy.dataSubmissionEnabled": false,
  "extensions.blocklist.enabled": false,
  "extensions.getAddons.cache.enabled": false,
  "extensions.update.enabled": false,
  "media.gmp-manager.updateEnabled": false,
  "network.captive-portal-service.enabled": false,
  "network.connectivity-service.enabled": false,
  "network.dns.disablePrefetch": true,
  "network.predictor.enabled": false,
  "network.prefetch-next": false,
  "services.settings.server": "http://127.0.0.1:9/",
  "toolkit.telemetry.enabled": false,
  "toolkit.telemetry.server": "",
  "toolkit.telemetry.unified": false,
};

/**
 * Starts the reference server (`args`: more of its command line). Returns { url, altUrl, port, dataDir, advanceClock(ms), now(),
 * log(), reset(), stop() }. `url` is http://127.0.0.1:PORT, `altUrl` http://localhost:PORT (another origin).
 */
export async function startServer({ dataDir, keepData = false, args = [] } = {}) {
  const bin = process.env.SERVER_BIN ?? join(root, "target/debug/inactivity-server");
  if (!existsSync(bin)) throw new Error(`server binary ${bin} is missing: run 'cargo build -p inactivity-server'`);
  const dir = dataDir ?? mkdtempSync(join(tmpdir(), "inactivity-e2e-"));
  const child = spawn(bin, ["--port", "0", "--test", "--root", root, "--data-dir", dir, ...args], {
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stderr = "";
  child.stderr.on("data", (d) => (stderr += d));
  const port = await new Promise((ok, fail) => {
    let out = "";
    const timer = setTimeout(() => fail(new Error(`server did not start in 20 s: ${stderr}`)), 20_000);
    child.stdout.on("data", (d) => {
      out += d;
      const m = out.match(/listening on http:\/\/127\.0\.0\.1:(\d+)\//);
      if (m) {
        clearTimeout(timer);
        ok(Number(m[1]));
      }
    });
    child.on("exit", (code) => {
      clearTimeout(timer);
      fail(new Error(`server exited with ${code}: ${stderr}`));
    });
  });
  const url = `http://127.0.0.1:${port}`;
  const control = async (path, body) => {
    const res = await fetch(url + path, body === undefined ? {} : {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(body),
    });
    if (!res.ok) throw new Error(`${path}: ${res.status} ${await res.text()}`);
    const text = await res.text();
    return text ? JSON.parse(text) : null;
  };
  return {
    url,
    altUrl: `http://localhost:${port}`,
    port,
    dataDir: dir,
    /** Moves the server's clock forward and runs its idle sweep. */
    advanceClock: (ms) => control("/__test/clock", { advanceMs: ms }),
    /** Sets the server's clock to `ms` (since the epoch) and runs its idle sweep. */
    setClock: (ms) => control("/__test/clock", { setMs: Math.max(0, Math.round(ms)) }),
    now: async () => (await control("/__test/clock")).nowMs,
    /** The API requests the server received: [{ method, path, user, status, counted }]. */
    log: () => control("/__test/log"),
    reset: () => control("/__test/reset", {}),
    clearLog: async () => {
      const res = await fetch(url + "/__test/log", { method: "DELETE", headers: { "content-type": "application/json" } });
      if (!res.ok) throw new Error(`clear log: ${res.status}`);
    },
    /** An API call as a user would make it, from node. */
    api: async (token, method, path, body) => {
      const res = await fetch(url + path, {
        method,
        headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      const text = await res.text();
      return { status: res.status, body: text ? JSON.parse(text) : null };
    },
    stop: async () => {
      if (child.exitCode === null) {
        const exited = new Promise((ok) => child.once("exit", ok));
        child.kill("SIGTERM");
        await exited;
      }
      if (!keepData && !dataDir) rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * Launches the engine's system browser, headless.
 *   hosts: more names that resolve to this machine (a third origin for the embedding tests);
 *   crossSiteFrames: the suite clicks inside cross-site iframes. Firefox then keeps such frames
 *     in the page's process (Fission off): the input playwright-core 1.62 sends over WebDriver
 *     BiDi lands on the <iframe> element of an out-of-process frame, never inside it (typing
 *     works, clicks do not). Chromium needs nothing.
 * Every context it makes closes within bounds (see closedWithin).
 */
export async function launchBrowser(options = {}) {
  const browser = await launch(options);
  const newContext = browser.newContext.bind(browser);
  browser.newContext = async (...args) => closedWithin(await newContext(...args));
  return browser;
}

/** How long a context's close may take (real time) before its pages are closed first. */
const CONTEXT_CLOSE_MS = 15_000;

/**
 * Makes `context.close()` finish: Chromium once left it waiting forever on a loaded machine (in a
 * test's teardown, after the test had passed, its one page on the sign-in page), and closing the
 * page let it finish. So a close still waiting after CONTEXT_CLOSE_MS closes the context's pages,
 * then waits again as long; a close that still does not finish fails the test instead of hanging
 * the suite.
 */
function closedWithin(context) {
  const close = context.close.bind(context);
  const within = (promise) => {
    let timer;
    const late = new Promise((ok) => (timer = setTimeout(ok, CONTEXT_CLOSE_MS, false)));
    return Promise.race([promise.then(() => true), late]).finally(() => clearTimeout(timer));
  };
  let closing = null;
  context.close = (...args) =>
    (closing ??= (async () => {
      const closed = close(...args);
      if (await within(closed)) return;
      console.error(`harness: context.close() still waiting after ${CONTEXT_CLOSE_MS} ms; closing its pages first`);
      await Promise.all(context.pages().map((page) => page.close().catch(() => {})));
      if (!(await within(closed))) throw new Error(`context.close() did not finish, even with its pages closed`);
    })());
  return context;
}

async function launch({ hosts = [], crossSiteFrames = false }) {
  if (isFirefox) {
    // playwright-core 1.62 speaks the WebDriver BiDi of Firefox ESR 153 (later versions fail at
    // newContext): a pinned second copy under its own name, so Chromium keeps its own version.
    const { firefox } = await import("playwright-core-firefox");
    const prefs = { ...firefoxPrefs };
    if (hosts.length) prefs["network.dns.localDomains"] = hosts.join(",");
    if (crossSiteFrames) prefs["fission.autostart"] = false;
    return firefox.launch({
      channel: "moz-firefox",
      executablePath: process.env.FIREFOX ?? "/usr/lib/firefox-esr/firefox-esr",
      headless: true,
      firefoxUserPrefs: prefs,
    });
  }
  const rules = hosts.length ? [`--host-resolver-rules=${hosts.map((h) => `MAP ${h} 127.0.0.1`).join(",")}`] : [];
  return chromium.launch({
    executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
    headless: true,
    chromiumSandbox: false,
    args: [...chromiumArgs, ...rules],
  });
}

/**
 * A test file's server and browser: started now (top-level await), stopped after the file's
 * tests; with `resetEachTest` the server's state (settings, tokens, log, clock) is reset before
 * each test. `server` takes startServer's options, `browser` launchBrowser's. Returns { server, browser }.
 */
export async function setUp({ resetEachTest = false, server: serverOptions, browser: browserOptions } = {}) {
  const server = await startServer(serverOptions);
  let browser;
  try {
    browser = await launchBrowser(browserOptions);
  } catch (e) {
    await server.stop();
    throw e;
  }
  after(async () => {
    await browser.close();
    await server.stop();
  });
  if (resetEachTest) beforeEach(() => server.reset());
  return { server, browser };
}

/**
 * Polls `check()` (sync or async) in real time until it returns a value other than undefined,
 * null or false, and returns that value; throws after `timeoutMs` naming `what` (and the last
 * value, or what `describe()` says). For what happens on the real network or across tabs —
 * never for time on a page's clock, which the tests move themselves.
 */
export async function waitUntil(check, { what = "the condition", timeoutMs = 10_000, intervalMs = 20, describe } = {}) {
  const start = performance.now();
  let last;
  for (;;) {
    last = await check();
    if (last !== undefined && last !== null && last !== false) return last;
    if (performance.now() - start > timeoutMs) {
      const detail = describe ? await describe() : JSON.stringify(last);
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}: ${detail}`);
    }
    await new Promise((ok) => setTimeout(ok, intervalMs));
  }
}

/** Asserts that every call of `order` ("METHOD /path") is among `calls`, in that order. */
export function assertInOrder(calls, order) {
  const positions = order.map((c) => calls.indexOf(c));
  assert.ok(positions.every((p) => p >= 0), `all calls made: ${calls.join(", ")}`);
  assert.deepEqual([...positions].sort((a, b) => a - b), positions, `in order: ${calls.join(", ")}`);
}

/** On the login page of the authorization flow: signs in and waits for the redirect away from it. */
export async function signIn(page, username, password = username) {
  await page.waitForURL(/\/oauth\/authorize/);
  await page.getByLabel("Username").fill(username);
  await page.getByLabel("Password").fill(password);
  await Promise.all([
    page.waitForURL((u) => !u.pathname.startsWith("/oauth/")),
    page.getByRole("button", { name: /sign in/i }).click(),
  ]);
}

/**
 * Signs in a framed agent client: its sign-in prompt opens the login page in a popup (the login
 * page refuses to be framed); signs in there and waits for the popup to hand the code back and
 * close, and for the client to show.
 */
export async function signInFramed(frame, username, password = username) {
  const button = frame.getByRole("button", { name: "Sign in", exact: true });
  await button.waitFor();
  const [popup] = await Promise.all([frame.page().context().waitForEvent("page"), button.click()]);
  await popup.waitForURL(/\/oauth\/authorize/);
  await popup.getByLabel("Username").fill(username);
  await popup.getByLabel("Password").fill(password);
  await Promise.all([popup.waitForEvent("close"), popup.getByRole("button", { name: /sign in/i }).click()]);
  await frame.locator("#app").waitFor({ state: "visible" });
}

/** Gets an access token for `username` through the real authorization-code flow, from node. */
export async function tokenFor(server, username, password = username) {
  const redirect = `${server.url}/minimal/callback.html`;
  const res = await fetch(`${server.url}/oauth/authorize`, {
    method: "POST",
    redirect: "manual",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ username, password, client_id: "minimal", redirect_uri: redirect, state: "s" }),
  });
  const location = res.headers.get("location") ?? "";
  const code = new URL(location, server.url).searchParams.get("code");
  if (!code) throw new Error(`sign-in of ${username} failed: ${res.status} ${location}`);
  const token = await fetch(`${server.url}/oauth/token`, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ grant_type: "authorization_code", code, redirect_uri: redirect, client_id: "minimal" }),
  });
  const body = await token.json();
  if (!body.access_token) throw new Error(`token exchange failed: ${JSON.stringify(body)}`);
  return body.access_token;
}

/**
 * Moves browser (Playwright clock) and server time together, a minute at a time, as a real clock
 * would. Before each step the server is set to where the page will be at its end (the page's time
 * plus the offset the two had before: an offset a test made on purpose stays); after it, to
 * where the page is. So the server never stands behind the page: a request the page makes during
 * a step reaches a server at the step's end or later, never at its start — otherwise the server
 * stamped a keep-alive made at the end of a hold up to a step early, its deadline ran up to a step
 * before the page's, and on a loaded machine the page's check, delivered late, found the token
 * revoked (`server-revoked` where `idle` was due). And the real time each step takes passes on the
 * server's clock but not on the page's: setting it after the step keeps it from adding up to the
 * server expiring a token the page still counts as live.
 */
export async function advanceTogether(page, server, ms, stepMs = 60_000) {
  const pageNow = () => page.evaluate(() => Date.now()).catch(() => null);
  const before = await pageNow();
  const offset = before === null ? null : (await server.now()) - before;
  let now = before;
  for (let left = ms; left > 0; left -= stepMs) {
    const step = Math.min(stepMs, left);
    // A page in the middle of a navigation has no time to read: the server moves by the step.
    if (now === null || offset === null) await server.advanceClock(step);
    else await server.setClock(now + step + offset);
    await page.clock.runFor(step);
    now = offset === null ? null : await pageNow();
    if (now !== null) await server.setClock(now + offset);
  }
}

/**
 * A new browser context and page, signed in as `username` through the real OAuth flow on `path`,
 * back on `path` and ready. Options: `clock` installs Playwright's clock first; `ready` is the
 * selector of the page's ready state (the minimal client's by default); `context` the context's
 * options; `beforeLoad(context, page)` runs before the first navigation (init scripts, routes,
 * bindings); `tokenKey` the sessionStorage key to read the app's token from.
 * Returns { context, page, url, token, errors } (`errors`: the page's uncaught errors).
 */
export async function openSignedIn(
  { browser, server },
  {
    path = "/minimal/",
    username = "agent",
    clock = false,
    ready = "body[data-ready=true]",
    context: contextOptions = {},
    beforeLoad,
    tokenKey = "minimal.token",
  } = {},
) {
  const context = await browser.newContext(contextOptions);
  const page = await context.newPage();
  const errors = [];
  page.on("pageerror", (e) => errors.push(e.message));
  if (beforeLoad) await beforeLoad(context, page);
  if (clock) await page.clock.install();
  const url = server.url + path;
  await page.goto(url);
  await signIn(page, username);
  await page.waitForURL(url);
  if (ready) await page.locator(ready).first().waitFor();
  const token = tokenKey ? await page.evaluate((k) => sessionStorage.getItem(k), tokenKey) : null;
  return { context, page, url, token, errors };
}

/**
 * Replaces a text or number field's value the way a user does: the caret to the end, the old
 * text erased, then one insertion (one `input` event with the new value, as fill() sends).
 * Neither fill() nor a select-all selects a number input's text in Firefox over WebDriver BiDi:
 * the new value would be appended to the old one.
 */
export async function replaceValue(locator, value) {
  await locator.focus();
  await locator.press("End");
  for (let left = (await locator.inputValue()).length; left > 0; left--) await locator.press("Backspace");
  if (value !== "") await locator.page().keyboard.insertText(value);
}

/**
 * Drags `source` onto `target` (HTML drag and drop). Chromium gets real mouse input (dragTo);
 * Firefox over WebDriver BiDi starts no native drag from synthesized mouse input, so there the
 * same events a drag fires — dragstart, dragenter, dragover, drop, dragend, one DataTransfer —
 * are dispatched to the same elements.
 */
export async function dragAndDrop(source, target) {
  if (!isFirefox) return source.dragTo(target);
  const to = await target.elementHandle();
  await source.evaluate((from, to) => {
    const data = new DataTransfer();
    const fire = (el, type) => el.dispatchEvent(new DragEvent(type, { bubbles: true, cancelable: true, dataTransfer: data }));
    fire(from, "dragstart");
    fire(to, "dragenter");
    fire(to, "dragover");
    fire(to, "drop");
    fire(from, "dragend");
  }, to);
}
