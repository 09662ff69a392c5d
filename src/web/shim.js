// The interception shim (DESIGN invariant 2): record, then pass the call straight through.
//
// It is installed when the package is imported — before `init()` resolves — so requests the app
// makes while the wasm loads still count (they wait in a small bounded queue). It never decides
// anything: it hands (url, method, time) to Rust and returns the native result untouched.
// It never chains the returned promise, rebuilds a Request, mutates `init`, or sets `on*` handlers.

const KEY = Symbol.for("inactivity-timeout.interceptor");
const QUEUE_LIMIT = 256;

function urlOf(input) {
  if (typeof input === "string") return input;
  // A Request (from this realm or another one) or a URL: read the parsed URL, no side effects.
  const tag = Object.prototype.toString.call(input);
  if (tag === "[object Request]" || tag === "[object URL]") return input.url || input.href;
  return String(input);
}

function record(state, url, method) {
  try {
    const at = Date.now();
    if (state.sink !== null) state.sink(url, method, at);
    else if (state.queue.length < QUEUE_LIMIT) state.queue.push([url, method, at]);
  } catch (_) {
    // A failure inside the tracker never reaches the app's request.
  }
}

function methodOf(input, init) {
  try {
    if (init && init.method !== undefined) return String(init.method);
    if (Object.prototype.toString.call(input) === "[object Request]") return input.method;
  } catch (_) {}
  return "GET";
}

function patchFetch(g, state) {
  const original = g.fetch;
  if (typeof original !== "function") return null;
  const wrapper = function fetch(input, init) {
    if (state.active) {
      try {
        record(state, urlOf(input), methodOf(input, init));
      } catch (_) {}
    }
    return Reflect.apply(original, this, arguments);
  };
  g.fetch = wrapper;
  return { original, wrapper };
}

function patchXhr(g, state) {
  const Xhr = g.XMLHttpRequest;
  if (typeof Xhr !== "function") return null;
  const proto = Xhr.prototype;
  const originalOpen = proto.open;
  const originalSend = proto.send;
  const opened = new WeakMap();
  // Named like the originals (so stack traces and `.name` look native); they must not shadow them.
  const openWrapper = function open(method, url) {
    if (state.active) {
      try {
        opened.set(this, [String(url), String(method)]);
      } catch (_) {}
    }
    return Reflect.apply(originalOpen, this, arguments);
  };
  const sendWrapper = function send(body) {
    if (state.active) {
      const call = opened.get(this);
      if (call !== undefined) record(state, call[0], call[1]);
    }
    return Reflect.apply(originalSend, this, arguments);
  };
  proto.open = openWrapper;
  proto.send = sendWrapper;
  return { proto, open: originalOpen, send: originalSend, openWrapper, sendWrapper };
}

// 401 answers to the app's requests, seen without touching its promises or XHR objects: resource
// timing entries carry `responseStatus` (Chromium 109+). Where that is missing, the tracker still
// sees revocation through its own server-deadline checks.
function observeStatuses(state) {
  if (typeof PerformanceObserver !== "function") return null;
  try {
    const observer = new PerformanceObserver((list) => {
      if (state.statusSink === null) return;
      for (const entry of list.getEntries()) {
        const kind = entry.initiatorType;
        if ((kind === "fetch" || kind === "xmlhttprequest") && entry.responseStatus === 401) {
          try {
            state.statusSink(entry.name, 401);
          } catch (_) {}
        }
      }
    });
    observer.observe({ type: "resource" });
    return observer;
  } catch (_) {
    return null;
  }
}

/** Installs the interception once per realm; a second copy of the package reuses the first. */
export function install() {
  const g = globalThis;
  let state = g[KEY];
  if (state === undefined) {
    state = { sink: null, statusSink: null, queue: [], active: true, fetch: null, xhr: null, observer: null };
    Object.defineProperty(g, KEY, { value: state, configurable: true });
  }
  if (state.fetch === null) state.fetch = patchFetch(g, state);
  if (state.xhr === null) state.xhr = patchXhr(g, state);
  if (state.observer === null) state.observer = observeStatuses(state);
  state.active = true;
  return state;
}

/**
 * Where recorded calls go: `sink(url, method, atMs)`; `statusSink(url, status)` hears 401s.
 * Returns the calls queued before.
 */
export function attach(sink, statusSink) {
  const state = install();
  state.sink = sink;
  state.statusSink = statusSink;
  const queued = state.queue;
  state.queue = [];
  return queued;
}

/** Stops recording: restores the originals, or turns into a pass-through if someone wrapped over us. */
export function uninstall() {
  const g = globalThis;
  const state = g[KEY];
  if (state === undefined) return;
  state.sink = null;
  state.statusSink = null;
  state.queue = [];
  state.active = false;
  if (state.observer !== null) {
    state.observer.disconnect();
    state.observer = null;
  }
  const f = state.fetch;
  if (f !== null && g.fetch === f.wrapper) {
    g.fetch = f.original;
    state.fetch = null;
  }
  const x = state.xhr;
  if (x !== null && x.proto.open === x.openWrapper && x.proto.send === x.sendWrapper) {
    x.proto.open = x.open;
    x.proto.send = x.send;
    state.xhr = null;
  }
}

/** The tracker's own calls bypass the interception. */
export function nativeFetch(url, init) {
  const state = globalThis[KEY];
  const f = state !== undefined && state.fetch !== null ? state.fetch.original : globalThis.fetch;
  return Reflect.apply(f, globalThis, [url, init]);
}

install();
