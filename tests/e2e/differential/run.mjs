#!/usr/bin/env node
// Runs the differential suite from the command line (npm test runs it through
// tests/e2e/differential.test.mjs):
//   node tests/e2e/differential/run.mjs [--naive] [--workers=N] [name filter…]
// --naive runs the negative control (the naive wrapper) instead of the package.
import { launchBrowser } from "../harness.mjs";
import { scenarios, runSuite, describeFailure } from "./runner.mjs";

const args = process.argv.slice(2);
const mode = args.includes("--naive") ? "naive" : "on";
const workers = Number(args.find((a) => a.startsWith("--workers="))?.slice(10) ?? 3);
const filters = args.filter((a) => !a.startsWith("--"));
const chosen = scenarios.filter((s) => filters.length === 0 || filters.some((f) => s.name.includes(f)));

const browser = await launchBrowser();
let passed = 0;
let failed = 0;
const started = Date.now();
try {
  await runSuite(browser, chosen, {
    modes: [mode],
    workers,
    onResult: (verdicts) => {
      const r = verdicts[mode];
      if (r.passed) passed++;
      else failed++;
      console.log(`${r.passed ? "ok  " : "FAIL"} ${r.name} (${r.off.ms} + ${r.other.ms} ms)`);
      if (!r.passed) console.log(describeFailure(r));
      if (process.env.DIFF_VERBOSE) console.log(JSON.stringify({ off: r.off.result, other: r.other.result }, null, 1));
    },
  });
} finally {
  await browser.close();
}
console.log(`(${((Date.now() - started) / 1000).toFixed(1)} s, mode ${mode}, ${workers} workers)`);
console.log(`differential: ${passed} passed, ${failed} failed`);
process.exitCode = failed === 0 ? 0 : 1;
