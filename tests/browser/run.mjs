#!/usr/bin/env node
// The browser tests of the package as published (pkg/, built by scripts/build.sh), in one engine:
//   node tests/browser/run.mjs <chromium|firefox|webkit> [part of a test name]
// Serves the repository's pkg/ and tests/browser/ on 127.0.0.1, drives the engine over WebDriver
// classic, loads every test in a fresh page (one tracker per page, the interception installed
// once per realm), prints a line per test and a summary, and exits non-zero on any failure. A
// test that gives no result in BROWSER_TEST_TIMEOUT seconds (default 90) fails, named.
import { existsSync, readdirSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { startServer } from "./server.mjs";
import { engineNames, openSession } from "./webdriver.mjs";

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, "../..");
const [engine, filter = ""] = process.argv.slice(2);
const timeoutMs = Number(process.env.BROWSER_TEST_TIMEOUT ?? 90) * 1000;

if (!engineNames.includes(engine)) {
  console.error(`usage: node tests/browser/run.mjs <${engineNames.join("|")}> [part of a test name]`);
  process.exit(2);
}
if (!existsSync(join(root, "pkg/package.json"))) {
  console.error("browser tests: pkg/ is missing; build the package first (bash scripts/build.sh)");
  process.exit(2);
}
if (!(timeoutMs > 0)) {
  console.error(`BROWSER_TEST_TIMEOUT=${process.env.BROWSER_TEST_TIMEOUT}: expected a number of seconds`);
  process.exit(2);
}

// Interrupted: the exit handlers end the driver and its browser.
for (const signal of ["SIGINT", "SIGTERM"]) process.once(signal, () => process.exit(130));

const began = Date.now();
const seconds = (ms) => `${(ms / 1000).toFixed(1)} s`;
const indent = (text) => String(text).trim().replace(/^/gm, "    ");
const server = await startServer(root);
let session = null;
let run = 0;

/** Navigates to the page of load `id`. The page before it may still be leaving by a navigation
 * of its own (a logout's, to the login URL), which can cancel this one: it is tried again then. */
async function open(id, url) {
  for (let attempt = 1; attempt <= 3; attempt++) {
    await session.navigate(url);
    if ((await session.execute("return globalThis.__browserTestStatus?.run ?? null;")) === String(id)) return;
  }
  throw new Error(`the browser did not stay on ${url}`);
}

/** Loads the test page with `query` in a fresh page and waits for its result. */
async function load(query) {
  const id = ++run;
  session ??= await openSession(engine, root);
  const result = server.result(id, timeoutMs);
  try {
    await open(id, `${server.url}/tests/browser/page.html?run=${id}&${query}`);
    return await result;
  } catch (e) {
    result.catch(() => {});
    const page = await session
      .execute("const s = globalThis.__browserTestStatus; return { doing: s?.doing ?? null, result: s?.result ?? null, href: location.href };")
      .catch(() => ({ doing: null, result: null, href: "(the page did not answer)" }));
    // A page that gave no result may have left the browser unusable: the next page gets a new session.
    await session.close();
    session = null;
    const lost = page.result ? `; the page has a result, its POST never arrived: ${JSON.stringify(page.result)}` : "";
    return { ok: false, error: `${e.message}${lost}`, doing: `${page.doing} at ${page.href}` };
  }
}

let failed = 0;
let passed = 0;
try {
  const files = readdirSync(here).filter((f) => f.endsWith(".test.mjs")).sort();
  const listing = await load(`list=${files.map(encodeURIComponent).join(",")}`);
  if (!listing.ok) throw new Error(`loading the test modules failed:\n${indent(listing.error)}\n${indent((listing.log ?? []).join("\n"))}`);
  const tests = listing.tests.filter((t) => t.name.includes(filter));
  console.log(`browser tests: ${tests.length} in ${session.browser} (${engine}), the package from pkg/`);
  for (const [i, { file, name }] of tests.entries()) {
    const start = Date.now();
    const result = await load(`file=${encodeURIComponent(file)}&test=${encodeURIComponent(name)}`);
    const line = `${i + 1}/${tests.length} ${file.replace(".test.mjs", "")} › ${name} (${seconds(Date.now() - start)})`;
    if (result.ok) {
      passed++;
      console.log(`ok   ${line}`);
    } else {
      failed++;
      console.log(`FAIL ${line}`);
      console.log(indent(result.error));
      if (result.doing) console.log(indent(`while ${result.doing}`));
      if (result.log?.length) console.log(indent(result.log.join("\n")));
    }
  }
  if (tests.length === 0) throw new Error(`no test matches "${filter}"`);
} catch (e) {
  failed++;
  console.log(`browser tests (${engine}): ${e.message}`);
} finally {
  await session?.close();
  await server.close();
}
console.log(`browser tests (${engine}): ${passed} passed, ${failed} failed, ${seconds(Date.now() - began)}`);
process.exit(failed === 0 ? 0 : 1);
