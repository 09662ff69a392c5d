// The differential suite: every scenario of tests/e2e/differential/ runs
// in a headless browser (ENGINE) with the tracker off, with the tracker on, and with the negative control
// (a deliberately naive wrapper); every observable must be the same off and on, and the tracker
// must count each API request exactly once (excluded and non-API ones never). The naive wrapper
// must fail the same suite: proof that it can fail.
//
// Prints the plain line `differential: N passed, N failed` (off vs on).
// One scenario from the command line: node tests/e2e/differential/run.mjs [--naive] <name part>.
import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { execFileSync } from "node:child_process";
import { join } from "node:path";
import { launchBrowser, root } from "./harness.mjs";
import { scenarios, runSuite, describeFailure } from "./differential/runner.mjs";

if (!existsSync(join(root, "pkg/inactivity_timeout.js"))) {
  execFileSync("bash", ["scripts/build.sh"], { cwd: root, stdio: "inherit" });
}

const workers = Number(process.env.DIFF_WORKERS ?? 2);
const started = Date.now();
const browser = await launchBrowser();
let verdicts;
try {
  verdicts = await runSuite(browser, scenarios, { modes: ["on", "naive"], workers });
} finally {
  await browser.close();
}
const seconds = ((Date.now() - started) / 1000).toFixed(1);

for (const v of verdicts) {
  test(`differential: ${v.on.name}`, () => {
    assert.ok(v.on.passed, describeFailure(v.on));
  });
}

// The classic breakages of naive instrumentation, each of which a scenario must catch.
const MUST_CATCH = [
  "fetch: no synchronous throws where native rejects", // new Request() throws where fetch rejects
  "fetch: `this` handling and Illegal invocation", // the naive wrapper drops `this`
  "fetch: promise identity and settling order", // .then chaining: one more tick to settle
  "xhr: constants, instanceof, prototype chain", // the XHR constructor replaced
  "xhr: subclassing",
];

test("negative control: a naive wrapper (.then chained, Request rebuilt, XHR constructor replaced) fails the suite", () => {
  const failed = verdicts.filter((v) => !v.naive.passed).map((v) => v.naive.name);
  console.log(`negative control: ${failed.length} of ${verdicts.length} scenarios caught the naive wrapper`);
  for (const name of MUST_CATCH) {
    assert.ok(failed.includes(name), `the scenario "${name}" did not catch the naive wrapper`);
  }
  assert.ok(failed.length >= 10, `only ${failed.length} scenarios failed with the naive wrapper`);
});

const passed = verdicts.filter((v) => v.on.passed).length;
console.log(`differential: ${scenarios.length} scenarios, off vs on and off vs naive, in ${seconds} s`);
console.log(`differential: ${passed} passed, ${verdicts.length - passed} failed`);
