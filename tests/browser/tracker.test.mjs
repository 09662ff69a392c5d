// The tracker in a real page, through the package's public API: the interception is installed at
// import and passes calls through, counting and exclusion, option errors, stop() restoring the
// originals, the tracker's own calls under the API base, one timer, and resumeAfterLogin's and
// isLoginState's refusals with a real location and sessionStorage.
import init, { InactivityTracker, isLoginState, resumeAfterLogin } from "inactivity-timeout";
import { test } from "./harness.mjs";
import { assert, equal, eventually, thrown } from "./assert.mjs";
import { apiCall, resourcesNamed } from "./support.mjs";

await init();

const doFetch = (url, method) => fetch(url, { method }).then((r) => r.status, () => -1);

function doXhr(url) {
  return new Promise((ok) => {
    const xhr = new XMLHttpRequest();
    xhr.open("GET", url);
    xhr.addEventListener("loadend", () => ok(xhr.status));
    xhr.send();
  });
}

function fetchIsWrapped() {
  const state = globalThis[Symbol.for("inactivity-timeout.interceptor")];
  return state !== undefined && state.fetch !== null && globalThis.fetch === state.fetch.wrapper;
}

/** A well-formed `state` carrying `location` (`rt1.<nonce>.<location>`, base64url). */
function stateFor(location) {
  const b64 = (text) => btoa(String.fromCharCode(...new TextEncoder().encode(text)))
    .replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
  return `rt1.${b64("nonce")}.${b64(location)}`;
}

const initialHash = location.hash;
/** Replaces this page's query (and fragment, when `search` has one) without navigating. */
function setSearch(search) {
  history.replaceState(null, "", location.pathname + search + (search.includes("#") ? "" : initialHash));
}

const RETURN_TO = "inactivity-timeout:return-to";
const saveState = (state) => sessionStorage.setItem(RETURN_TO, state);
const savedState = () => sessionStorage.getItem(RETURN_TO) ?? undefined;

/** Counts the page's setTimeout/clearTimeout calls until `restore()`. */
function countTimers() {
  const counts = { set: 0, clear: 0 };
  const set = globalThis.setTimeout;
  const clear = globalThis.clearTimeout;
  globalThis.setTimeout = function (...args) { counts.set++; return Reflect.apply(set, this, args); };
  globalThis.clearTimeout = function (...args) { counts.clear++; return Reflect.apply(clear, this, args); };
  counts.restore = () => { globalThis.setTimeout = set; globalThis.clearTimeout = clear; };
  return counts;
}

function options(extra) {
  const policy = {
    idleTokenTimeout: { enableIdleTokenTimeout: true, idleTokenTimeoutSeconds: 600, inactivityTimeoutUnit: "Minutes" },
    authSettings: { inactivityTimeoutExclusions: ["api/v2/diagnostics/trace", "api/v2/users/{userId}/presences/{sourceId}"] },
    hipaa: false,
  };
  return Object.assign({ policy, user: { id: "u1", groups: [] }, loginUrl: "/login", warningSeconds: 0 }, extra);
}

/** `start()`'s error for these extra options, as "Name: message". */
function startError(extra) {
  let tracker;
  try {
    tracker = InactivityTracker.start(options(extra));
  } catch (e) {
    return `${e.name}: ${e.message}`;
  }
  tracker.stop();
  throw new Error(`start accepted ${JSON.stringify(extra)}`);
}

test("counts_api_calls_and_ignores_excluded_and_foreign_ones", async () => {
  const tracker = InactivityTracker.start(options());
  assert(fetchIsWrapped(), "interception is installed");
  await doFetch("/api/v2/routing/queues?x=1", "GET");
  await doFetch("/api/v2/diagnostics/trace", "POST");
  await doFetch("/API/v2//users/u7/presences/purecloud/", "PATCH");
  await doFetch("data:text/plain,hi", "GET");
  await doXhr("/api/v2/conversations");
  const log = tracker.activityLog();
  // Requests made before start() (the page loading the package's wasm) are recorded too: ours are the last 5.
  const outcomes = log.slice(-5).map((e) => ({ method: e.method, outcome: e.outcome, excludedBy: e.excludedBy }));
  equal(outcomes.length, 5, JSON.stringify(outcomes));
  equal(outcomes[0].outcome, "counted");
  equal(outcomes[1].outcome, "excluded");
  equal(outcomes[1].excludedBy, "api/v2/diagnostics/trace");
  equal(outcomes[2].method, "PATCH");
  equal(outcomes[2].excludedBy, "api/v2/users/{userId}/presences/{sourceId}");
  equal(outcomes[3].outcome, "not-api");
  equal(outcomes[3].excludedBy, null);
  equal(outcomes[4].outcome, "counted", "XHR counts");
  const remaining = tracker.remainingMs();
  assert(remaining > 590_000 && remaining <= 600_000, `remaining ${remaining}`);
  const explain = tracker.explain();
  equal(explain.source, "organization");
  equal(explain.timeoutSeconds, 600);
  tracker.stop();
  assert(!fetchIsWrapped(), "stop() restores the original fetch");
  // Requests after stop() still work and are not recorded.
  const status = await doFetch("/api/v2/routing/queues", "GET");
  assert(status >= 0, `status ${status}`);
  equal(tracker.activityLog().length, log.length);
});

test("a_second_tracker_is_refused_until_the_first_stops", async () => {
  const first = InactivityTracker.start(options());
  const error = thrown(() => InactivityTracker.start(options()), "second start refused");
  assert(error.message.includes("already running"), error.message);
  first.stop();
  InactivityTracker.start(options()).stop();
});

test("invalid_options_name_the_option_and_the_fix", async () => {
  const cases = [
    [{ loginUrl: 42 }, "TypeError", "loginUrl"],
    [{ loginUrl: "javascript:alert(1)" }, "RangeError", "loginUrl"],
    [{ loginUrl: "" }, "RangeError", "loginUrl"],
    [{ warningSeconds: -1 }, "RangeError", "warningSeconds"],
    [{ warningSeconds: "soon" }, "TypeError", "warningSeconds"],
    [{ onWarning: "alert" }, "TypeError", "onWarning"],
    [{ user: { id: "" } }, "TypeError", "user.id"],
    [{ user: { id: "u", groups: [1] } }, "TypeError", "user.groups[0]"],
    [{ warningSecond: 10 }, "TypeError", 'unknown option "warningSecond"'],
    [{ embed: { parentOrigins: ["*"] } }, "RangeError", "parentOrigins[0]"],
    // Only serialized http(s) origins: no sandboxed "null", no bare host, no path.
    [{ embed: { parentOrigins: ["null"] } }, "RangeError", "parentOrigins[0]"],
    [{ embed: { parentOrigins: ["https://a.example", "crm.example"] } }, "RangeError", 'parentOrigins[1]" must be an origin'],
    [{ embed: { parentOrigins: ["https://crm.example/app"] } }, "RangeError", 'did you mean "https://crm.example"'],
    [{ embed: { parentOrigins: ["https://crm.example:443"] } }, "RangeError", 'did you mean "https://crm.example"'],
    [{ embed: { parentOrigins: ["ftp://crm.example"] } }, "RangeError", "parentOrigins[0]"],
    [{ policy: { idleTokenTimeout: { enableIdleTokenTimeout: true, idleTokenTimeoutSeconds: 10 } } }, "RangeError", "idleTokenTimeoutSeconds"],
  ];
  for (const [extra, kind, needle] of cases) {
    const error = startError(extra);
    assert(error.startsWith(kind) && error.includes(needle), `${JSON.stringify(extra)} -> ${error}`);
  }
  equal(thrown(() => InactivityTracker.start(3), "start(3)").name, "TypeError");
});

/** The tracker's own calls keep the API base's path prefix: with `https://host/gateway/api/`,
 * the settings come from `https://host/gateway/api/v2/…`, not `https://host/api/v2/…`. */
test("own_calls_keep_the_api_base_path_prefix", async () => {
  const tracker = InactivityTracker.start(options({ policy: undefined, user: undefined, apiBases: [location.origin + "/gateway/api/"] }));
  await eventually("the settings fetched under the prefix", () => resourcesNamed("/gateway/api/v2/tokens/timeout").length > 0);
  tracker.stop();
  // None of them went to the origin's root instead.
  const atRoot = resourcesNamed("/api/v2/tokens/timeout").filter((n) => !n.includes("/gateway/api/v2/tokens/timeout"));
  equal(atRoot, []);
});

test("serialized_origins_are_accepted_as_parent_origins", async () => {
  const tracker = InactivityTracker.start(options({
    embed: { parentOrigins: ["https://crm.example.com", "http://localhost:8080", "https://[::1]:8443"] },
  }));
  tracker.stop();
});

test("resume_after_login_has_nothing_to_resume_on_a_plain_page", async () => {
  assert(!resumeAfterLogin(), "resumed on a plain page");
});

/** Hostile locations in a well-formed `state` (and in raw form): never followed, no navigation. */
test("resume_after_login_refuses_hostile_locations", async () => {
  const hostile = [
    "//evil.example/",
    "/\\evil.example/",
    "\\\\evil.example",
    "javascript:alert(1)",
    "JaVaScRiPt:alert(1)",
    " javascript:alert(1)",
    "data:text/html,<script>alert(1)</script>",
    "https://evil.example/",
    "http://evil.example:80/path",
    "/%2f%2fevil.example",
    "/%5cevil.example",
    "/\tjavascript:alert(1)",
    "/a\nb",
    "/a\rb",
    "\u0000/",
    "",
    "evil.example",
    "http:evil.example",
    "http://127.0.0.1@evil.example/",
    "//%09evil.example",
    "/%2F%2Fevil.example",
    "vbscript:msgbox",
    "file:///etc/passwd",
    "blob:https://evil.example/x",
  ];
  const before = location.href;
  for (const hostileLocation of hostile) {
    // Saved as this browser's own state, so that only the location's validation refuses it.
    const state = stateFor(hostileLocation);
    saveState(state);
    setSearch(`?state=${encodeURIComponent(state)}`);
    assert(!resumeAfterLogin(), `followed ${JSON.stringify(hostileLocation)}`);
    equal(savedState(), undefined, "a state is used once");
    setSearch(`?state=${encodeURIComponent(hostileLocation)}`);
    assert(!resumeAfterLogin(), `followed raw ${JSON.stringify(hostileLocation)}`);
  }
  setSearch(new URL(before).search);
  equal(location.href, before, "no navigation happened");
});

/** Only the `state` this browser saved is followed: another one (e.g. an attacker's own
 * `redirectToLogin`), in the query or in the fragment, is refused — before any navigation. */
test("resume_after_login_follows_only_the_state_this_browser_issued", async () => {
  const before = location.href;
  const mine = stateFor("/mine");
  const theirs = stateFor("/theirs");
  // Saved mine, came back theirs (query, then fragment of the implicit grant).
  saveState(mine);
  setSearch(`?state=${encodeURIComponent(theirs)}`);
  assert(!resumeAfterLogin(), "followed a foreign state in the query");
  saveState(mine);
  setSearch(`#access_token=t&state=${encodeURIComponent(theirs)}`);
  assert(!resumeAfterLogin(), "followed a foreign state in the fragment");
  // Nothing saved while storage works: an unsaved state is refused.
  setSearch(`?state=${encodeURIComponent(theirs)}`);
  assert(!resumeAfterLogin(), "followed an unsaved state");
  setSearch(new URL(before).search);
  equal(location.href, before, "no navigation happened");
});

/** `isLoginState` answers by the same rule, for a callback to check before it exchanges a code,
 * and changes nothing: the saved state is still there for `resumeAfterLogin()`. */
test("is_login_state_answers_by_the_same_rule_and_keeps_the_state", async () => {
  const mine = stateFor("/mine");
  const theirs = stateFor("/theirs");
  saveState(mine);
  assert(isLoginState(mine), "my own state");
  assert(!isLoginState(theirs), "a state issued to someone else");
  assert(!isLoginState(""), "an empty state");
  assert(!isLoginState("/mine"), "a raw location is no state");
  equal(savedState(), mine, "nothing consumed");
  const hostile = stateFor("//evil.example/");
  saveState(hostile);
  assert(!isLoginState(hostile), "saved, but not a location on this origin");
  sessionStorage.removeItem(RETURN_TO);
  assert(!isLoginState(mine), "nothing saved while storage works");
});

/** One timer: a burst of counted requests arms no timer per request. */
test("a_burst_of_requests_arms_no_timer_per_request", async () => {
  const tracker = InactivityTracker.start(options());
  const counts = countTimers();
  for (let i = 0; i < 50; i++) await apiCall("/api/v2/routing/queues");
  counts.restore();
  tracker.stop();
  assert(counts.set <= 2, `50 requests armed ${counts.set} timers`);
});
