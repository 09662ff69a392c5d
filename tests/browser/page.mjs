// The test page's runner (in the browser). The page's query says what to do:
//   ?run=N&list=a.test.mjs,b.test.mjs   load those modules and post the names of their tests
//   ?run=N&file=a.test.mjs&test=name    run that one test in this fresh page and post its result
// Results go to the server (POST /__result?run=N) with the fetch of before the package was
// imported, so the package's interception never sees them. Storage is emptied before the test
// module loads: each test starts from a clean origin, whatever the one before it left.
import { registered, status } from "./harness.mjs";

const nativeFetch = globalThis.fetch;
const params = new URLSearchParams(location.search);
const run = params.get("run");
// Which load this page is: the runner checks it, since a page that was still leaving (a logout's
// own navigation) can cancel the navigation to the next one.
status.run = run;

/** What the page said on its console, and its uncaught errors: shown with a failure. */
const log = [];
for (const level of ["error", "warn"]) {
  const original = console[level];
  console[level] = function (...args) {
    log.push(`console.${level}: ${args.map(String).join(" ")}`);
    return Reflect.apply(original, this, args);
  };
}
addEventListener("error", (e) => log.push(`uncaught: ${e.message}`));
addEventListener("unhandledrejection", (e) => log.push(`unhandled rejection: ${e.reason?.stack ?? e.reason}`));

/** Posts the result; it stays in `status.result` too, for the runner to read should the POST be lost. */
function post(result) {
  status.result = result;
  status.doing = "posting the result";
  return nativeFetch(`/__result?run=${encodeURIComponent(run)}`, { method: "POST", body: JSON.stringify(result) });
}

/** An error's message and stack (V8's stack starts with the message, the others' do not). */
function describe(e) {
  if (!(e instanceof Error)) return String(e);
  const head = `${e.name}: ${e.message}`;
  const stack = e.stack ?? "";
  return stack.startsWith(head) ? stack : `${head}\n${stack}`;
}

try {
  localStorage.clear();
  sessionStorage.clear();
  if (params.has("list")) {
    const tests = [];
    for (const file of params.get("list").split(",")) {
      const before = registered.length;
      await import(`./${file}`);
      for (const { name } of registered.slice(before)) tests.push({ file, name });
    }
    await post({ ok: true, tests });
  } else {
    const file = params.get("file");
    const name = params.get("test");
    await import(`./${file}`);
    const found = registered.find((t) => t.name === name);
    if (!found) throw new Error(`no test "${name}" in ${file}`);
    status.doing = "running";
    await found.body();
    await post({ ok: true });
  }
} catch (e) {
  await post({ ok: false, error: describe(e), doing: status.doing, log });
}
