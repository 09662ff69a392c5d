// Assertions and the one polling helper of the browser tests. Polling uses the page's own timer
// as it was before any test touched it, every 20 ms, and says what it waited for when it gives up.
import { status } from "./harness.mjs";

const setTimer = globalThis.setTimeout.bind(globalThis);

/** How long a condition may take to become true on a busy machine, unless a test says otherwise. */
export const PATIENCE_MS = 10_000;

/** Throws `message` unless `condition`. */
export function assert(condition, message = "assertion failed") {
  if (!condition) throw new Error(message);
}

const show = (v) => (typeof v === "string" ? JSON.stringify(v) : v === undefined ? "undefined" : JSON.stringify(v) ?? String(v));

/** Throws unless `actual` equals `expected` (primitives by `Object.is`, arrays and plain objects by their JSON). */
export function equal(actual, expected, message = "not equal") {
  const same = typeof expected === "object" && expected !== null ? show(actual) === show(expected) : Object.is(actual, expected);
  if (!same) throw new Error(`${message}: expected ${show(expected)}, got ${show(actual)}`);
}

/** The error `f()` throws (fails if it throws none). */
export function thrown(f, what) {
  try {
    f();
  } catch (e) {
    return e;
  }
  throw new Error(`no error thrown: ${what}`);
}

/** Resolves after `ms` of real time: only where real time is what the test is about. */
export function elapse(ms) {
  return new Promise((ok) => setTimer(ok, ms));
}

/** Waits until `condition()` is true; fails after `ms`, naming `what`. */
export async function eventually(what, condition, ms = PATIENCE_MS) {
  const deadline = Date.now() + ms;
  const previous = status.doing;
  status.doing = `waiting for ${what}`;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${ms / 1000} s waiting for ${what}`);
    await elapse(20);
  }
  status.doing = previous;
}
