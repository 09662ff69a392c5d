#!/usr/bin/env node
// Where the time of one intercepted call goes: a CPU profile (CDP Profiler, 50 µs sampling) of
// the tracker handling the same fetch() again and again (or distinct URLs), on a build of the
// client entry whose wasm keeps its function names (wasm-bindgen + wasm-opt -Os -g of the cargo
// output of web/client that scripts/build.sh left in target/). Prints self time by function.
// Evidence for optimization work on the per-call path; not part of `npm run bench`.
//
//   node bench/profile.mjs [counted|excluded|non-API] [repeated|first-seen] [fetch|xhr]
import { execFileSync } from "node:child_process";
import { cpSync, existsSync, mkdirSync, rmSync } from "node:fs";
import { homedir, tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { launchBrowser } from "../tests/e2e/harness.mjs";
import { DEFAULT_EXCLUSIONS, KINDS } from "./browser.mjs";
import { serveStatic } from "./lib/server.mjs";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const [kind = "counted", seen = "repeated", api = "fetch"] = process.argv.slice(2);

const dir = join(tmpdir(), "inactivity-timeout-bench-profile");
rmSync(dir, { recursive: true, force: true });
mkdirSync(dir, { recursive: true });
// The client entry's crate (web/client): what every web client runs.
const input = join(root, "target/wasm32-unknown-unknown/release/inactivity_client.wasm");
if (!existsSync(input)) throw new Error(`${input} is missing: run scripts/build.sh`);
const bindgen = existsSync(join(homedir(), ".cargo/bin/wasm-bindgen")) ? join(homedir(), ".cargo/bin/wasm-bindgen") : "wasm-bindgen";
execFileSync(bindgen, ["--target", "web", "--out-dir", dir, "--out-name", "inactivity_timeout", input]);
execFileSync(join(root, "node_modules/.bin/wasm-opt"), [
  "-Os", "--one-caller-inline-max-function-size=20", "--converge", "-g", "--enable-bulk-memory", "--enable-nontrapping-float-to-int", "--enable-sign-ext",
  "--enable-mutable-globals", "--enable-reference-types", "--enable-multivalue",
  join(dir, "inactivity_timeout_bg.wasm"), "-o", join(dir, "inactivity_timeout_bg.wasm"),
]);

const server = await serveStatic(root, { "/named/": dir });
const browser = await launchBrowser();
try {
  const ctx = await browser.newContext();
  const page = await ctx.newPage();
  await page.goto(server.url + "/bench/pages/blank.html");
  await page.evaluate(async (exclusions) => {
    const m = await import("/bench/pages/bench-page.js");
    window.__bench.mod = m;
    m.stubNetwork();
    // The package's own JS (glue and driver bundled), with the same wasm but named.
    await m.installTracker(exclusions, { js: "/pkg/inactivity_timeout.js", wasm: "/named/inactivity_timeout_bg.wasm" });
  }, DEFAULT_EXCLUSIONS);
  const job = { api, url: KINDS[kind].url, template: KINDS[kind].template, firstSeen: seen === "first-seen" };
  // Warm up (tier-up to optimized code), then profile ~2 s of calls.
  for (let i = 0; i < 3; i++) {
    await page.evaluate((j) => {
      window.__bench.mod.prepare({ ...j, n: 20_000, tag: `w${Math.random()}` });
      window.__bench.mod.run();
    }, job);
  }
  const cdp = await ctx.newCDPSession(page);
  await cdp.send("Profiler.enable");
  await cdp.send("Profiler.setSamplingInterval", { interval: 50 });
  let calls = 0;
  await cdp.send("Profiler.start");
  for (let i = 0; i < 10; i++) {
    await page.evaluate((j) => {
      window.__bench.mod.prepare({ ...j, n: 20_000, tag: `p${Math.random()}` });
    }, job);
    calls += await page.evaluate(() => window.__bench.mod.run());
  }
  const { profile } = await cdp.send("Profiler.stop");
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const self = new Map();
  const dt = profile.timeDeltas;
  profile.samples.forEach((id, k) => {
    const n = byId.get(id);
    const name = (n.callFrame.functionName || `(${n.callFrame.url.split("/").pop() || "anonymous"})`)
      .replace(/\[[0-9a-f]{16}\]/g, "")
      .replace(/::h[0-9a-f]{16}$/, "");
    self.set(name, (self.get(name) ?? 0) + (dt[k] ?? 0));
  });
  const skip = new Set(["(idle)", "(program)", "(garbage collector)", "(root)"]);
  const total = [...self].filter(([n]) => !skip.has(n) || n === "(garbage collector)").reduce((a, [, v]) => a + v, 0);
  console.log(`${kind}, ${seen}, ${api}: ${calls} calls, ${((total * 1000) / calls).toFixed(0)} ns of sampled JS+wasm per call (profiler overhead included)`);
  for (const [name, us] of [...self].sort((a, b) => b[1] - a[1]).slice(0, 30)) {
    if (name === "(idle)" || name === "(program)") continue;
    console.log(`${((100 * us) / total).toFixed(1).padStart(5)}%  ${((us * 1000) / calls).toFixed(0).padStart(5)} ns  ${name.slice(0, 150)}`);
  }
} finally {
  await browser.close();
  await server.close();
}
