#!/usr/bin/env node
// `npm run bench`: every benchmark side by side in one run — interception overhead, matcher
// scaling, the admin preview's replay, bundle size (each entry point, what a Vite app pays, twiggy
// on the client wasm), timer arms, memory (and the allocator's soak: URLs of every length),
// start-up, cross-tab traffic — then a table on stdout,
// bench/results.json, bench/results.md and the SVG charts. Not part of `npm test`.
//
//   node bench/run.mjs [--quick] [--no-build] [--readme] [--skip=size,matcher,...] [--report-only]
//                      [--baseline=<dir>]
//
// --quick          fewer rounds (a smoke run, numbers noisier)
// --no-build       measure pkg/ as it is (default: `bash scripts/build.sh` first)
// --readme         also rewrite the "Benchmarks" section of README.md from the results
// --report-only    regenerate the report, charts (and README with --readme) from results.json
// --baseline=<dir> another build of the package (a pkg/ directory, or a checkout that has one),
//                  e.g. of an earlier commit: its start-up is measured in the same run, interleaved
//                  with this build's, and its client entry's size is reported beside this one's;
//                  --baseline-label=<text> names it (default: "before (<its commit>)")
// --skip=…         leave out parts (they keep their previous results, marked as carried over):
//                  build, and the names in PARTS below (twiggy and vite are steps of size)
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { cpus, loadavg } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { launchBrowser } from "../tests/e2e/harness.mjs";
import * as browserBench from "./browser.mjs";
import { exclusionLists, loadCatalog } from "./lib/lists.mjs";
import { serveStatic } from "./lib/server.mjs";
import * as previewBench from "./preview.mjs";
import { competitorSizes, packageSize, twiggyBreakdown, viteAppDelta } from "./size.mjs";
import { barChart, lineChart } from "./svg.mjs";
import { markdown, evaluateTargets } from "./report.mjs";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const args = process.argv.slice(2);
const option = (name) => args.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
const reportOnly = args.includes("--report-only");
const quick = args.includes("--quick");
const skip = new Set((option("skip") ?? "").split(",").filter(Boolean));
if (args.includes("--no-build")) skip.add("build");
const log = (m) => process.stderr.write(`${m}\n`);
const started = Date.now();
const elapsed = () => `${((Date.now() - started) / 1000).toFixed(0)} s`;

/**
 * The parts of a run, in order. Each fills `results[key]` (or is skipped with `--skip=<name>`, and
 * then keeps its previous result). `browser: true` parts get `ctx.browser` and `ctx.server` (a
 * static server of the repository root; `/baseline/` is the baseline build). A new benchmark is
 * one more entry here and, for its line in the report, a few lines in report.mjs.
 */
const PARTS = [
  {
    // The native matcher (a separate crate under bench/matcher, not a workspace member).
    name: "matcher",
    key: "matcher",
    run: () => {
      log("matcher: cargo run --release (bench/matcher)");
      const env = { ...process.env, CARGO_TARGET_DIR: process.env.CARGO_TARGET_DIR ?? join(root, "target/bench-matcher") };
      const out = execFileSync(
        "cargo",
        ["run", "--quiet", "--release", "--manifest-path", "bench/matcher/Cargo.toml", "--", "api-catalog.json", ...(quick ? ["--quick"] : [])],
        { cwd: root, env, stdio: ["ignore", "pipe", "inherit"], maxBuffer: 16 << 20 },
      );
      return JSON.parse(out.toString());
    },
  },
  {
    // The admin preview's replay (native, bench/preview).
    name: "preview",
    key: "preview",
    run: (ctx) => ({ ...previewBench.run(root, { quick, log }), date: ctx.results.date, commit: ctx.results.commit }),
  },
  {
    // Every entry point's size, the competitors, what a Vite app pays, twiggy on the client wasm.
    name: "size",
    key: "size",
    run: async (ctx) => {
      const size = { ...packageSize(join(root, "pkg")), competitors: [] };
      if (ctx.baseline) size.baseline = { label: ctx.baseline.label, ...packageSize(ctx.baseline.dir) };
      try {
        size.competitors = competitorSizes({ log });
      } catch (e) {
        size.competitorsError = String(e.message ?? e);
        log(`size: competitors unavailable: ${size.competitorsError}`);
      }
      if (!skip.has("vite")) {
        size.viteApp = await viteAppDelta(root, join(root, "pkg"), { log });
        // The app that was measured must work: load it and see the tracker started.
        const { browser, server } = await ctx.openBrowser({ "/vite-app/": size.viteApp.appDir });
        size.viteApp.runs = await browserBench.appStarts(browser, `${server.url}/vite-app/index.html`);
        delete size.viteApp.appDir;
        if (!size.viteApp.runs) throw new Error("the minimal Vite app with the package did not start a tracker");
      }
      if (!skip.has("twiggy")) {
        try {
          size.twiggy = twiggyBreakdown(root, { log });
        } catch (e) {
          size.twiggy = { skipped: String(e.message ?? e) };
        }
      }
      return size;
    },
  },
  {
    name: "overhead",
    key: "overhead",
    browser: true,
    run: ({ browser, server, lists }) =>
      browserBench.overhead(browser, server.url, { lists, rounds: quick ? 3 : 9, targetMs: quick ? 8 : 15, log }),
  },
  {
    // For scale: real fetch/XHR calls.
    name: "real",
    key: "realCalls",
    browser: true,
    run: ({ browser, server }) => browserBench.realCalls(browser, server.url, { rounds: quick ? 3 : 7 }),
  },
  { name: "timers", key: "timers", browser: true, run: ({ browser, server }) => browserBench.timers(browser, server.url) },
  {
    name: "memory",
    key: "memory",
    browser: true,
    run: ({ browser, server }) => browserBench.memory(browser, server.url, { total: 1_000_000, log }),
  },
  {
    // The allocator's soak: distinct URLs of every length, and large strings built and freed.
    name: "memory-soak",
    key: "memorySoak",
    browser: true,
    run: ({ browser, server }) => browserBench.memory(browser, server.url, { total: 1_000_000, varied: true, log }),
  },
  {
    name: "startup",
    key: "startup",
    browser: true,
    run: ({ browser, server, baseline }) =>
      browserBench.startup(browser, server.url, {
        runs: quick ? 3 : 11,
        builds: [{ label: "this build", path: "/pkg" }, ...(baseline ? [{ label: baseline.label, path: "/baseline" }] : [])],
      }),
  },
  {
    name: "crosstab",
    key: "crossTab",
    browser: true,
    run: ({ browser, server }) => browserBench.crossTab(browser, server.url, { seconds: quick ? 3 : 10 }),
  },
];

const results = {
  date: new Date().toISOString(),
  quick,
  machine: {
    cpus: cpus().length,
    cpuModel: cpus()[0]?.model ?? "unknown",
    loadAverageAtStart: loadavg().map((x) => Math.round(x * 100) / 100),
    node: process.version,
  },
};
let previous = {};
try {
  previous = JSON.parse(readFileSync(join(root, "bench/results.json"), "utf8"));
} catch {}

if (reportOnly) {
  // Regenerates the report, charts and README section from bench/results.json (e.g. after a
  // change of the report's format), without measuring anything.
  const r = JSON.parse(readFileSync(join(root, "bench/results.json"), "utf8"));
  r.targets = evaluateTargets(r);
  writeFileSync(join(root, "bench/results.json"), JSON.stringify(r, null, 2) + "\n");
  writeCharts(r);
  const md = markdown(r);
  writeFileSync(join(root, "bench/results.md"), md);
  process.stdout.write(md);
  if (args.includes("--readme")) updateReadme(md);
  process.exit(0);
}

// The baseline build, if any: a pkg/ directory, or a checkout with one.
let baseline = null;
if (option("baseline")) {
  let dir = resolve(option("baseline"));
  if (!existsSync(join(dir, "inactivity_timeout.js")) && existsSync(join(dir, "pkg/inactivity_timeout.js"))) dir = join(dir, "pkg");
  if (!existsSync(join(dir, "inactivity_timeout.js"))) throw new Error(`--baseline=${option("baseline")}: no inactivity_timeout.js there or in its pkg/`);
  const commit = spawnSync("git", ["-C", dir, "rev-parse", "--short", "HEAD"]).stdout?.toString().trim() || null;
  baseline = { dir, commit, label: option("baseline-label") ?? (commit ? `before (${commit})` : "baseline") };
  results.baseline = { label: baseline.label, commit };
}

// The build (the numbers describe the code as it is now).
if (!skip.has("build")) {
  log(`[${elapsed()}] build: bash scripts/build.sh`);
  const b = spawnSync("bash", ["scripts/build.sh"], { cwd: root, stdio: ["ignore", "inherit", "inherit"] });
  if (b.status !== 0) throw new Error("scripts/build.sh failed");
}
if (!existsSync(join(root, "pkg/inactivity_timeout.js"))) throw new Error("pkg/ is missing: run `npm run build` first");
results.commit = spawnSync("git", ["rev-parse", "--short", "HEAD"], { cwd: root }).stdout?.toString().trim() ?? null;

// One browser and one static server for every part that needs them, started on first use.
const catalog = loadCatalog(root);
const counted = browserBench.KINDS.counted.url.replace(/^\//, "");
const lists = exclusionLists(catalog, [5, 100, 200, "full"], [counted]);
results.exclusionLists = Object.fromEntries(Object.entries(lists).map(([k, v]) => [k, v.length]));
const open = { browser: null, server: null, mounts: {} };
const ctx = {
  root,
  quick,
  log,
  results,
  baseline,
  lists,
  /** The browser and the server; `mounts` adds URL prefixes served from other directories. */
  async openBrowser(mounts = {}) {
    Object.assign(open.mounts, mounts);
    if (!open.server) {
      if (baseline) open.mounts["/baseline/"] = baseline.dir;
      open.server = await serveStatic(root, open.mounts);
    }
    open.browser ??= await launchBrowser();
    results.browser = { name: "chromium", version: open.browser.version() };
    return open;
  },
};
try {
  for (const part of PARTS) {
    if (skip.has(part.name)) continue;
    log(`[${elapsed()}] ${part.name}`);
    const extra = part.browser ? await ctx.openBrowser() : {};
    results[part.key] = await part.run({ ...ctx, ...extra });
  }
} finally {
  await open.browser?.close();
  await open.server?.close();
}

// Parts left out keep their previous results (marked), so the report stays complete.
for (const { key } of PARTS) {
  if (results[key] === undefined && previous[key] !== undefined) {
    results[key] = previous[key];
    (results.carriedOver ??= []).push(key);
  }
}
results.targets = evaluateTargets(results);
// What a whole run takes: a partial run keeps the last whole run's time (and baseline).
results.durationSeconds = results.carriedOver ? previous.durationSeconds : Math.round((Date.now() - started) / 1000);
if (results.carriedOver && !results.baseline && previous.baseline) results.baseline = previous.baseline;

// Outputs.
writeFileSync(join(root, "bench/results.json"), JSON.stringify(results, null, 2) + "\n");
writeCharts(results);
const md = markdown(results);
writeFileSync(join(root, "bench/results.md"), md);
process.stdout.write(md);
if (args.includes("--readme")) updateReadme(md);
log(`[${elapsed()}] done: bench/results.json, bench/results.md, bench/overhead.svg, bench/matcher.svg`);

function writeCharts(r) {
  if (r.overhead) {
    const rows = r.overhead.rows.filter((x) => x.api === "fetch");
    const pick = (variant, entries, kind, seen) =>
      rows.find((x) => x.variant === variant && (entries === null || x.entries === entries) && x.kind === kind && x.seen === seen)?.nsPerCall;
    const series = ["no wrapper", "no-op wrapper (floor)", "plain-JS peer", "this tracker"];
    const groups = [];
    for (const seen of ["repeated", "first-seen"]) {
      for (const kind of Object.keys(browserBench.KINDS)) {
        groups.push({
          label: `${kind}, ${seen}`,
          values: {
            "no wrapper": pick("none", null, kind, seen),
            "no-op wrapper (floor)": pick("floor", null, kind, seen),
            "plain-JS peer": pick("peer", "100", kind, seen),
            "this tracker": pick("tracker", "100", kind, seen),
          },
        });
      }
    }
    writeFileSync(
      join(root, "bench/overhead.svg"),
      barChart({
        title: "fetch() interception: ns per call (100 exclusion entries)",
        subtitle: `median of ${r.overhead.rounds} rounds, renderer main-thread CPU time, fetch stubbed; Chromium ${r.browser?.version ?? ""}`,
        unit: "ns",
        series,
        groups,
      }),
    );
  }
  if (r.matcher) {
    writeFileSync(
      join(root, "bench/matcher.svg"),
      lineChart({
        title: "Exclusion matcher: ns per classification against entry count (native)",
        subtitle: `the same ${r.matcher.rows[0].queries} request paths at every size (the five defaults for "same paths"); thread CPU time, median of ${r.matcher.rounds} rounds`,
        xLabel: "exclusion entries (log scale)",
        yLabel: "ns per classification (log)",
        logX: true,
        logY: true,
        series: [
          { name: "compiled matcher (trie)", points: r.matcher.rows.map((x) => [x.entries, x.trieNs]) },
          { name: "naive linear list", points: r.matcher.rows.map((x) => [x.entries, x.naiveNs]) },
          { name: "trie, same paths at every size", points: r.matcher.rows.map((x) => [x.entries, x.sameWalkTrieNs]) },
          { name: "URL parse + trie", points: r.matcher.rows.map((x) => [x.entries, x.urlAndTrieNs]) },
        ],
      }),
    );
  }
}

function updateReadme(md) {
  const path = join(root, "README.md");
  const text = readFileSync(path, "utf8");
  const start = "<!-- bench:start -->";
  const end = "<!-- bench:end -->";
  const i = text.indexOf(start);
  const j = text.indexOf(end);
  if (i < 0 || j < i) {
    log("README.md has no <!-- bench:start --> … <!-- bench:end --> markers; not updated");
    return;
  }
  writeFileSync(path, text.slice(0, i + start.length) + "\n" + md + text.slice(j));
  log("README.md: Benchmarks section updated");
}
