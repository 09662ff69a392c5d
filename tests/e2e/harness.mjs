// Shared end-to-end harness: the real reference server (started with --test on a free port and a
// temporary data dir) and the system Chromium driven by playwright-core. Never a downloaded browser.
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync, existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";

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

/** Launches the system Chromium (headless). */
export function launchBrowser() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
    headless: true,
    chromiumSandbox: false,
    args: chromiumArgs,
  });
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

/** Moves browser (Playwright clock) and server time together, a minute at a time, as a real clock would. */
export async function advanceTogether(page, server, ms, stepMs = 60_000) {
  for (let left = ms; left > 0; left -= stepMs) {
    const step = Math.min(stepMs, left);
    await page.clock.runFor(step);
    await server.advanceClock(step);
  }
}

/** A new page with Playwright's clock installed, signed in as `username` on `path` of the minimal client. */
export async function openMinimal(browser, server, { path = "/minimal/", username = "agent" } = {}) {
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.clock.install();
  const url = server.url + path;
  await page.goto(url);
  await signIn(page, username);
  await page.waitForURL(url);
  await page.locator("body[data-ready=true]").waitFor();
  const token = await page.evaluate(() => sessionStorage.getItem("minimal.token"));
  return { context, page, token, url };
}
