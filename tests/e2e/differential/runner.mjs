// The node half of the differential suite: runs each scenario in a headless browser once per mode
// (a fresh browser context each time), collects what the page observed and what the test server
// received, and compares the runs. For the tracker's run it also checks the activity ledger:
// each counted request counted exactly once, each excluded or non-API one never.
import { isDeepStrictEqual } from "node:util";
import { scenarios, EXCLUSIONS } from "./browser/scenarios/index.mjs";

export { scenarios };

/** The tracker's own calls (never the app's): left out of the comparison. */
const TRACKER_OWN = [/^\/api\/v2\/tokens\/me$/, /^\/api\/v2\/users\/[^/]+\/(routingstatus|presences\/)/, /^\/api\/v2\/presencedefinitions/];
const isTrackerOwn = (path) => TRACKER_OWN.some((re) => re.test(path));

/** §3 normalization, enough for the suite's own paths: no query, `//` collapsed, no trailing `/`, lowercase. */
export function normalizePath(path) {
  return (
    "/" +
    path
      .split(/[?#]/)[0]
      .split("/")
      .filter(Boolean)
      .join("/")
      .toLowerCase()
  );
}

/** Whether an API path is excluded by the policy's entries (`{name}` = one non-empty segment). */
export function isExcluded(path) {
  const segs = normalizePath(path).slice(1).split("/");
  return EXCLUSIONS.some((entry) => {
    const t = entry.toLowerCase().split("/").filter(Boolean);
    return t.length === segs.length && t.every((p, i) => (p.startsWith("{") ? segs[i] !== "" : p === segs[i]));
  });
}

let runCounter = 0;

/** Runs one scenario in one mode; returns { result, records, consoleErrors }. */
export async function runPage(browser, server, scenario, mode) {
  const id = `r${++runCounter}${mode}`;
  const started = Date.now();
  const context = await browser.newContext();
  const page = await context.newPage();
  const consoleErrors = [];
  page.on("pageerror", (e) => consoleErrors.push(`pageerror: ${e.message}`));
  const params = new URLSearchParams({ scenario: scenario.name, mode, run: id });
  if (scenario.base) params.set("base", scenario.base);
  if (scenario.head) params.set("head", scenario.head.join(","));
  server.beginRun(id);
  let result;
  let report;
  try {
    await page.goto(`${server.url}/diff/page?${params}`);
    // The page posts its result to the server (not read back by evaluate: Firefox over WebDriver
    // BiDi can lose an evaluation's value in a page whose global Promise is zone.js's).
    // Bounded above the longest scenario (two 15-s waits for a stream's connection to close).
    await server.waitFor(id, (_records, _report, posted) => posted !== undefined, 45_000);
    result = server.result(id);
    if (scenario.unload) {
      await page.goto("about:blank");
      await server.waitFor(id, scenario.awaitServer);
      report = server.report(id);
    }
  } catch (e) {
    result = { fatal: `${e.message}\n${consoleErrors.join("\n")}` };
  } finally {
    // Away from the page before the context goes: its pagehide listeners run as on a real
    // navigation. (Firefox tearing down a context under a running listener blocks its storage
    // calls until the slow-script timeout, and the browser does not recover.)
    if (!page.isClosed()) await page.goto("about:blank").catch(() => {});
    server.endRun();
    await context.close();
  }
  if (report && mode === "on") result.activity = report.activity;
  const records = server
    .received(id)
    .filter((r) => !isTrackerOwn(r.path))
    .map(({ method, path, query, headers, body, referer }) => ({
      method,
      path,
      query,
      headers,
      body: scrubBody(body),
      referer,
    }));
  const own = server.received(id).filter((r) => isTrackerOwn(r.path));
  return { result, records, own, consoleErrors, ms: Date.now() - started };
}

/** A multipart boundary as Chromium (WebKit's name) or Firefox writes it. */
const BOUNDARY = /-*(?:WebKitFormBoundary|geckoformboundary)\w+/;

/** Multipart boundaries are random: the same body in two runs differs only there. */
function scrubBody(base64) {
  const text = Buffer.from(base64, "base64").toString("latin1");
  const m = text.match(new RegExp(`^--(${BOUNDARY.source})`));
  if (!m) return base64;
  return Buffer.from(text.split(m[1]).join("BOUNDARY"), "latin1").toString("base64");
}

const sortRecords = (records) =>
  records
    .map((r) => {
      const headers = { ...r.headers };
      if (typeof headers["content-type"] === "string" && BOUNDARY.test(headers["content-type"])) {
        headers["content-type"] = headers["content-type"].replace(BOUNDARY, "BOUNDARY");
        // The body is already scrubbed (scrubBody): its length is the length with BOUNDARY.
        if (headers["content-length"] !== undefined) headers["content-length"] = String(Buffer.from(r.body, "base64").length);
      }
      return JSON.stringify({ ...r, headers });
    })
    .sort();

/** The differences between two runs of a scenario, as readable lines. */
export function compareRuns(a, b, names = ["off", "on"]) {
  const diffs = [];
  const show = (v) => JSON.stringify(v);
  for (const [run, name] of [[a, names[0]], [b, names[1]]]) {
    if (run.result.fatal) diffs.push(`${name} run did not finish: ${run.result.fatal}`);
  }
  if (diffs.length) return diffs;
  const la = a.result.log;
  const lb = b.result.log;
  for (let i = 0; i < Math.max(la.length, lb.length); i++) {
    if (!isDeepStrictEqual(la[i], lb[i])) {
      const label = (la[i] ?? lb[i])[0];
      diffs.push(`observation #${i} "${label}":\n      ${names[0]}: ${show(la[i]?.[1])}\n      ${names[1]}: ${show(lb[i]?.[1])}`);
    }
  }
  if (!isDeepStrictEqual(a.result.unhandled, b.result.unhandled)) {
    diffs.push(`unhandled rejections: ${names[0]} ${show(a.result.unhandled)}, ${names[1]} ${show(b.result.unhandled)}`);
  }
  const ra = sortRecords(a.records);
  const rb = sortRecords(b.records);
  if (!isDeepStrictEqual(ra, rb)) {
    const onlyA = ra.filter((r) => !rb.includes(r));
    const onlyB = rb.filter((r) => !ra.includes(r));
    diffs.push(
      `what the server received differs:\n      only ${names[0]}: ${onlyA.join("\n        ")}\n      only ${names[1]}: ${onlyB.join("\n        ")}` +
        (onlyA.length === 0 && onlyB.length === 0 ? " (same requests, different multiplicity)" : ""),
    );
  }
  return diffs;
}

/** What the tracker must have counted: the scenario's `counts`, or derived from what the server received. */
function expectedCounts(scenario, records) {
  const norm = (m) => Object.fromEntries(Object.entries(m ?? {}).map(([k, v]) => [normalizePath(k), v]));
  const derived = { counted: {}, excluded: {} };
  for (const r of records) {
    if (!r.path.startsWith("/api/")) continue;
    const key = normalizePath(r.path);
    const bucket = isExcluded(key) ? derived.excluded : derived.counted;
    bucket[key] = (bucket[key] ?? 0) + 1;
  }
  return {
    counted: scenario.counts?.counted ? norm(scenario.counts.counted) : derived.counted,
    excluded: scenario.counts?.excluded ? norm(scenario.counts.excluded) : scenario.counts ? {} : derived.excluded,
  };
}

/** Checks the tracker's activity ledger of the "on" run against what the page did. */
export function checkCounts(scenario, on, base) {
  const origin = base.origin;
  const problems = [];
  const ledger = on.result.activity;
  if (!Array.isArray(ledger)) return [`no activity ledger from the tracker run`];
  const expected = expectedCounts(scenario, on.records);
  const actual = { counted: {}, excluded: {} };
  for (const entry of ledger) {
    let url;
    try {
      url = new URL(entry.url, base);
    } catch {
      url = null;
    }
    const apiUrl = url !== null && url.origin === origin && normalizePath(url.pathname).startsWith("/api/");
    const key = url !== null && url.origin === origin ? normalizePath(url.pathname) : entry.url;
    if (entry.outcome === "not-api") {
      if (apiUrl) problems.push(`an API call was classified not-api: ${entry.method} ${entry.url}`);
      continue;
    }
    if (!apiUrl) problems.push(`a non-API request was ${entry.outcome}: ${entry.method} ${entry.url}`);
    if (entry.outcome === "excluded" && !isExcluded(key)) problems.push(`excluded by ${entry.excludedBy} but not on the list: ${key}`);
    if (entry.outcome === "counted" && isExcluded(key)) problems.push(`an excluded API call was counted: ${key}`);
    const bucket = actual[entry.outcome];
    if (bucket) bucket[key] = (bucket[key] ?? 0) + 1;
  }
  for (const kind of ["counted", "excluded"]) {
    const keys = new Set([...Object.keys(expected[kind]), ...Object.keys(actual[kind])]);
    for (const k of [...keys].sort()) {
      const want = expected[kind][k] ?? 0;
      const got = actual[kind][k] ?? 0;
      if (want !== got) problems.push(`${kind} ${got}× (expected ${want}×): ${k}`);
    }
  }
  return problems;
}

/**
 * Runs `scenario` in "off" and then in each of `modes` ("on": the package, "naive": the negative
 * control), on one server. Returns { [mode]: { name, mode, passed, differences, counting, off, other } }.
 */
export async function runScenario(browser, server, scenario, modes = ["on"]) {
  const off = await runPage(browser, server, scenario, "off");
  const verdicts = {};
  for (const mode of modes) {
    const other = await runPage(browser, server, scenario, mode);
    const differences = compareRuns(off, other, ["off", mode]);
    const base = new URL(scenario.base ?? "/diff/page", server.url);
    const counting = mode === "on" && !other.result.fatal ? checkCounts(scenario, other, base) : [];
    verdicts[mode] = {
      name: scenario.name,
      mode,
      passed: differences.length === 0 && counting.length === 0,
      differences,
      counting,
      off,
      other,
    };
  }
  return verdicts;
}

/**
 * Runs every scenario with `workers` pages at a time, each worker with its own test server (so
 * what a server received belongs to one page). `onResult(verdicts, scenario)` as each finishes.
 * Resolves to the verdicts in scenario order.
 */
export async function runSuite(browser, list, { modes = ["on"], workers = 3, onResult = () => {} } = {}) {
  const { startDiffServer } = await import("./server.mjs");
  const servers = await Promise.all(Array.from({ length: Math.min(workers, list.length) }, () => startDiffServer()));
  const results = new Array(list.length);
  let next = 0;
  try {
    await Promise.all(
      servers.map(async (server) => {
        while (next < list.length) {
          const i = next++;
          results[i] = await runScenario(browser, server, list[i], modes);
          onResult(results[i], list[i]);
        }
      }),
    );
  } finally {
    for (const server of servers) {
      if (server.stray().length) console.log(`stray requests on ${server.url}: ${JSON.stringify(server.stray())}`);
      await server.stop();
    }
  }
  return results;
}

/** A failure as text: every difference, every counting problem, the page's errors and info. */
export function describeFailure(r) {
  const lines = [`${r.name} (off vs ${r.mode}):`];
  for (const d of r.differences) lines.push(`  - ${d}`);
  for (const c of r.counting) lines.push(`  - counting: ${c}`);
  for (const run of [r.off, r.other]) {
    for (const e of run.consoleErrors) lines.push(`  . ${e}`);
  }
  if (r.other.result.info?.length) lines.push(`  . info (${r.mode} run): ${JSON.stringify(r.other.result.info)}`);
  return lines.join("\n");
}
