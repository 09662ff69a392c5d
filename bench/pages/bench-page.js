// Runs inside the benchmark pages (bench/browser.mjs drives it through Playwright). Everything the
// page does between two thread-time readings is the code under test; preparation (building URL
// lists, installing a variant) happens in separate calls.

const B = (window.__bench = window.__bench ?? {});

/**
 * Replaces the network with stubs BEFORE anything wraps it, so that a wrapper installed later
 * wraps the stub and only the wrapper's own cost is measured: `fetch` returns one settled
 * promise, `XMLHttpRequest.prototype.send` does nothing (`open` stays native: it runs in every
 * variant alike). `respond: true` makes `fetch` answer a fresh `Response` (for tests that let the
 * tracker make its own calls).
 */
export function stubNetwork({ respond = false } = {}) {
  B.realFetch = window.fetch;
  const settled = Promise.resolve(new Response("{}"));
  window.fetch = respond
    ? function fetch() {
        return Promise.resolve(new Response("{}", { status: 200, headers: { "content-type": "application/json" } }));
      }
    : function fetch() {
        return settled;
      };
  XMLHttpRequest.prototype.send = function send() {};
  B.stubs = { fetch: window.fetch, send: XMLHttpRequest.prototype.send };
}

/** The floor: a wrapper that does nothing but pass the call through, as the shim does. */
export function installFloor() {
  const originalFetch = window.fetch;
  window.fetch = function fetch(input, init) {
    return Reflect.apply(originalFetch, this, arguments);
  };
  const proto = XMLHttpRequest.prototype;
  const open = proto.open;
  const send = proto.send;
  proto.open = function open_(method, url) {
    return Reflect.apply(open, this, arguments);
  };
  proto.send = function send_(body) {
    return Reflect.apply(send, this, arguments);
  };
}

/**
 * The peer: a plain-JS tracker written the obvious way — `new URL` against `document.baseURI`,
 * same origin and `/api/` prefix, the path lowercased with `//` and a trailing `/` dropped, a `Set`
 * of excluded paths (exact paths only: it cannot match `{param}` templates, which makes it
 * cheaper than a complete one), `Date.now()` as the last activity, and a 100-entry ring ledger
 * like the tracker's `activityLog()`.
 */
export function installPeer(exclusions) {
  const norm = (p) => p.toLowerCase().replace(/\/{2,}/g, "/").replace(/^\/|\/$/g, "");
  const excluded = new Set(exclusions.map(norm));
  const state = (B.peer = { lastActivity: Date.now(), ledger: new Array(100), head: 0 });
  function note(url, method) {
    let outcome = "not-api";
    let shown = url;
    try {
      const u = new URL(url, document.baseURI);
      shown = u.origin + u.pathname;
      if ((u.protocol === "http:" || u.protocol === "https:") && u.origin === location.origin && u.pathname.startsWith("/api/")) {
        if (excluded.has(norm(u.pathname))) outcome = "excluded";
        else {
          outcome = "counted";
          state.lastActivity = Date.now();
        }
      }
    } catch (_) {}
    state.ledger[state.head] = { atMs: Date.now(), method, url: shown, outcome };
    state.head = (state.head + 1) % state.ledger.length;
  }
  const originalFetch = window.fetch;
  window.fetch = function fetch(input, init) {
    try {
      note(typeof input === "string" ? input : input.url, (init && init.method) || "GET");
    } catch (_) {}
    return Reflect.apply(originalFetch, this, arguments);
  };
  const proto = XMLHttpRequest.prototype;
  const open = proto.open;
  const send = proto.send;
  const opened = new WeakMap();
  proto.open = function open_(method, url) {
    opened.set(this, [String(url), String(method)]);
    return Reflect.apply(open, this, arguments);
  };
  proto.send = function send_(body) {
    const call = opened.get(this);
    if (call !== undefined) note(call[0], call[1]);
    return Reflect.apply(send, this, arguments);
  };
}

/** The last outcome the peer recorded (for the sanity check). */
export function peerLastOutcome() {
  const s = B.peer;
  return s.ledger[(s.head + s.ledger.length - 1) % s.ledger.length].outcome;
}

/** Imports the package, waits for the wasm and starts a tracker with `exclusions`. */
export async function installTracker(
  exclusions,
  { timeoutSeconds = 1800, warningSeconds = 60, js = "/pkg/inactivity_timeout.js", wasm = "/pkg/inactivity_timeout_bg.wasm" } = {},
) {
  const t0 = performance.now();
  const m = await import(js);
  // The network is stubbed: the wasm comes through the real fetch saved before the stub.
  const load = B.realFetch ?? window.fetch;
  const bytes = await (await load(wasm)).arrayBuffer();
  B.wasm = await m.default({ module_or_path: bytes });
  B.tracker = m.InactivityTracker.start({
    policy: {
      idleTokenTimeout: { enableIdleTokenTimeout: true, idleTokenTimeoutSeconds: timeoutSeconds },
      authSettings: { inactivityTimeoutExclusions: exclusions },
      hipaa: false,
    },
    user: { id: "b0000000-0000-4000-8000-000000000001", groups: [] },
    loginUrl: "/login",
    warningSeconds,
  });
  return performance.now() - t0;
}

export function trackerLastOutcome() {
  return B.tracker.activityLog().at(-1)?.outcome ?? null;
}

/** Sets the job the next `run()` performs: `n` calls of `api` ("fetch" | "xhr") to `url`, or to
 * `n` distinct URLs built from `template` (with `${i}` replaced) when `firstSeen`. */
export function prepare({ api, url, template, firstSeen, n, tag }) {
  let urls = null;
  if (firstSeen) {
    urls = new Array(n);
    for (let i = 0; i < n; i++) urls[i] = template.replace("${i}", `${tag}-${i}`);
  }
  B.job = { api, url, urls, n };
  B.xhr = new XMLHttpRequest();
}

/** Runs the prepared job: the measured part. */
export function run() {
  const { api, url, urls, n } = B.job;
  if (api === "fetch") {
    if (urls === null) for (let i = 0; i < n; i++) fetch(url);
    else for (let i = 0; i < n; i++) fetch(urls[i]);
  } else {
    const x = B.xhr;
    if (urls === null)
      for (let i = 0; i < n; i++) {
        x.open("GET", url);
        x.send();
      }
    else
      for (let i = 0; i < n; i++) {
        x.open("GET", urls[i]);
        x.send();
      }
  }
  B.job = null;
  return n;
}

/** Nothing: the cost of a measured call itself. */
export function nop() {
  return 0;
}
