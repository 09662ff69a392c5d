// WebDriver classic from node, as plain HTTP/JSON: the engine's driver started on a free port
// (its own process group, ended by its id), one session with the capabilities of webdriver.json,
// navigation and a script call. The drivers are Debian's and crates.io's, never downloaded.
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { createServer } from "node:net";
import { join } from "node:path";

/** Each engine's driver command line (without the port) and its part of webdriver.json. */
const engines = {
  chromium: { command: ["/usr/bin/chromedriver"], port: (p) => [`--port=${p}`], options: "goog:chromeOptions" },
  firefox: { command: ["geckodriver"], port: (p) => ["--port", String(p)], options: "moz:firefoxOptions" },
  // WebKitGTK has no headless mode: its browser runs on a virtual X display.
  webkit: { command: ["xvfb-run", "-a", "/usr/bin/WebKitWebDriver"], port: (p) => [`--port=${p}`], options: null },
};

export const engineNames = Object.keys(engines);

/** A driver's answer can take long on a busy machine; a driver that gives none in this time is stuck. */
const COMMAND_MS = 120_000;

/** A free TCP port on 127.0.0.1 (the driver binds it a moment later). */
function freePort() {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.on("error", reject);
    probe.listen(0, "127.0.0.1", () => {
      const { port } = probe.address();
      probe.close(() => resolve(port));
    });
  });
}

/** A WebDriver session in `engine`; `close()` ends it and its driver. */
export async function openSession(engine, root) {
  const spec = engines[engine];
  if (!spec) throw new Error(`unknown engine "${engine}": expected one of ${engineNames.join(", ")}`);
  const port = await freePort();
  const [bin, ...args] = spec.command;
  const child = spawn(bin, [...args, ...spec.port(port)], { detached: true, stdio: ["ignore", "pipe", "pipe"] });
  let log = "";
  const keep = (chunk) => (log = (log + chunk).slice(-20_000));
  child.stdout.on("data", keep);
  child.stderr.on("data", keep);
  // What became of the driver process: `exit` (its code or signal) or `error` (it did not start).
  const state = { exit: null, error: null };
  const exited = new Promise((resolve) => child.on("exit", (code, signal) => resolve((state.exit = signal ?? code))));
  child.on("error", (e) => (state.error = e));
  const stop = () => {
    try {
      process.kill(-child.pid, "SIGTERM");
    } catch {
      // Already gone.
    }
  };
  // However the runner ends, the driver and its browser end with it.
  process.on("exit", stop);
  const base = `http://127.0.0.1:${port}`;
  try {
    await waitUntilReady(base, state, () => log);
    const capabilities = { alwaysMatch: sessionCapabilities(spec, root), firstMatch: [{}] };
    const created = await command(base, "POST", "/session", { capabilities });
    const session = new Session(base, created.sessionId, created.capabilities);
    await session.command("POST", "/timeouts", { pageLoad: COMMAND_MS, script: 30_000 });
    session.close = async () => {
      // A page stuck in a loop can keep the driver from answering: it is ended all the same.
      await command(base, "DELETE", `/session/${created.sessionId}`, undefined, 10_000).catch(() => {});
      stop();
      process.off("exit", stop);
      await Promise.race([exited, new Promise((ok) => setTimeout(ok, 5_000))]);
    };
    return session;
  } catch (e) {
    stop();
    process.off("exit", stop);
    const output = log.trim() ? `\n--- driver output ---\n${log.trim()}` : "";
    throw new Error(`${engine}: ${e.message}${output}`);
  }
}

/** The capabilities of webdriver.json for this engine (the file the admin's wasm-bindgen tests read too). */
function sessionCapabilities(spec, root) {
  const all = JSON.parse(readFileSync(join(root, "webdriver.json"), "utf8"));
  const capabilities = { pageLoadStrategy: "normal" };
  if (spec.options) capabilities[spec.options] = all[spec.options];
  return capabilities;
}

/** Polls the driver's /status until it is ready, for at most two minutes. */
async function waitUntilReady(base, state, log) {
  const deadline = Date.now() + COMMAND_MS;
  for (;;) {
    if (state.error) throw new Error(`the driver did not start: ${state.error.message}`);
    if (state.exit !== null) throw new Error(`the driver exited (${state.exit}) before it was ready`);
    const ready = await fetch(`${base}/status`, { signal: AbortSignal.timeout(2_000) })
      .then((r) => r.json())
      .then((body) => body.value?.ready !== false, () => false);
    if (ready) return;
    if (Date.now() > deadline) throw new Error(`the driver was not ready after ${COMMAND_MS / 1000} s: ${log().slice(-500)}`);
    await new Promise((ok) => setTimeout(ok, 100));
  }
}

/** One WebDriver command; its `value`, or an error with the driver's message. */
async function command(base, method, path, body, ms = COMMAND_MS) {
  const response = await fetch(base + path, {
    method,
    headers: body === undefined ? {} : { "content-type": "application/json; charset=utf-8" },
    body: body === undefined ? undefined : JSON.stringify(body),
    signal: AbortSignal.timeout(ms),
  });
  const text = await response.text();
  let parsed;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new Error(`${method} ${path}: HTTP ${response.status}, not JSON: ${text.slice(0, 300)}`);
  }
  const value = parsed.value;
  if (!response.ok || (value && value.error)) {
    throw new Error(`${method} ${path}: ${value?.error ?? response.status}: ${value?.message ?? text.slice(0, 300)}`);
  }
  return value;
}

class Session {
  constructor(base, id, capabilities) {
    this.base = base;
    this.id = id;
    this.browser = `${capabilities.browserName} ${capabilities.browserVersion ?? ""}`.trim();
  }

  command(method, path, body, ms) {
    return command(this.base, method, `/session/${this.id}${path}`, body, ms);
  }

  /** Loads `url` (returns once the page has loaded). */
  navigate(url) {
    return this.command("POST", "/url", { url });
  }

  /** Runs `script` (a function body) in the page and returns its value (an error after `ms`). */
  execute(script, args = [], ms = 10_000) {
    return this.command("POST", "/execute/sync", { script, args }, ms);
  }
}
