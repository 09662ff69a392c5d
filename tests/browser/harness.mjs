// What a test module imports to declare its tests, and what the running test is doing. The
// page's runner (page.mjs) loads the modules and runs them; it is not imported by them, so that
// its top-level await never waits for a module that waits for it.

/** The tests of the modules loaded so far, in order. */
export const registered = [];

/** Registers a test of the importing module: `body` is an async function; throwing fails it. */
export function test(name, body) {
  registered.push({ name, body });
}

/** What the running test is doing (the runner reads it when the test times out). */
export const status = { doing: "loading" };
globalThis.__browserTestStatus = status;
