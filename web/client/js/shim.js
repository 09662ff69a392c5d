// The interception shim (ARCHITECTURE.md, invariant 2): record, then pass the call straight through.
//
// It is installed when the package is imported — before `init()` resolves — so requests the app
// makes while the wasm loads still count (they wait in a small bounded queue). It never decides
// anything: it hands (url, method, time) to Rust and returns the native result untouched.
// It never chains the returned promise, rebuilds a Request, mutates `init`, or sets `on*` handlers.

const KEY = Symbol.for("inactivity-timeout.interceptor");
const QUEUE_LIMIT = 256;

const toStringTag = Object.prototype.toString;
const ownDescriptor = Object.getOwnPropertyDescriptor;

// What the native call will convert its input to, converted once here so that the native call
// does not do it again: a user `toString` runs exactly as often, and in the same order, as without
// the tracker. (WebIDL converts a fetch input that is not a Request with ToString, so passing the
// string on is the same call.) Requests and URLs are read through their native getters.
function requestUrl(input) {
  const tag = toStringTag.call(input);
  if (tag === "[object Request]") return input.url;
  if (tag === "[object URL]") return input.href;
  return null;
}

// The method, without ever running an app getter: only a plain data property of `init` is read.
function fetchMethod(input, init, tag) {
  if (init !== undefined && init !== null && typeof init === "object") {
    const d = ownDescriptor(init, "method");
    if (d !== undefined) return "value" in d ? String(d.value) : "?";
  }
  return tag === "[object Request]" ? input.method : "GET";
}

function record(state, url, method) {
  try {
    const at = Date.now();
    if (state.fallback !== null && state.fallback.broken) {
      if (fallbackCounts(state.fallback, url)) armFallback(state.fallback);
      return;
    }
    if (state.sink === null) {
      if (state.queue.length < QUEUE_LIMIT) state.queue.push([url, method, at]);
      return;
    }
    // A URL the tracker has seen is passed by the id it gave it (no string to copy into wasm).
    const id = state.ids.get(url);
    if (id !== undefined) return state.known(id, method, at);
    const fresh = state.sink(url, method, at);
    if (fresh >= 0) state.ids.set(url, fresh);
  } catch (_) {
    // A failure inside the tracker never reaches the app's request.
  }
}

// Method shorthand: like the natives, the wrappers have no `prototype` and cannot be `new`ed.
function patchFetch(g, state) {
  const original = g.fetch;
  if (typeof original !== "function") return null;
  const wrapper = {
    fetch(input) {
      if (!state.active || arguments.length === 0) return Reflect.apply(original, this, arguments);
      // The common case, a string URL, passes `arguments` on as they are; only a converted
      // input needs a copy of the arguments.
      let args = arguments;
      let url = typeof input === "string" ? input : null;
      if (url === null) {
        try {
          url = requestUrl(input);
          if (url === null) {
            // A template literal is ToString (hint "string"; throws for symbols), as in WebIDL.
            url = `${input}`;
            args = [];
            for (let i = 0; i < arguments.length; i++) args.push(arguments[i]);
            args[0] = url;
          }
        } catch (_) {
          // The conversion threw: let the native call meet the same error, its own way.
          return Reflect.apply(original, this, arguments);
        }
      }
      let method = "GET";
      try {
        method = fetchMethod(input, arguments[1], toStringTag.call(input));
      } catch (_) {}
      // Recorded only once the native call accepted it (a synchronous throw is not a request).
      const result = Reflect.apply(original, this, args);
      record(state, url, method);
      return result;
    },
  }.fetch;
  Object.defineProperty(wrapper, "length", { value: original.length });
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
  const wrappers = {
    open(method, url) {
      if (!state.active || arguments.length < 2) return Reflect.apply(originalOpen, this, arguments);
      let args = arguments;
      if (typeof method !== "string" || typeof url !== "string") {
        args = [];
        for (let i = 0; i < arguments.length; i++) args.push(arguments[i]);
        try {
          args[0] = `${method}`;
          args[1] = `${url}`;
        } catch (_) {
          return Reflect.apply(originalOpen, this, arguments);
        }
      }
      const result = Reflect.apply(originalOpen, this, args);
      try {
        opened.set(this, [args[1], args[0]]);
      } catch (_) {}
      return result;
    },
    send() {
      const result = Reflect.apply(originalSend, this, arguments);
      // Only a send the browser accepted is a request (a second send() throws natively).
      if (state.active) {
        const call = opened.get(this);
        if (call !== undefined) record(state, call[0], call[1]);
      }
      return result;
    },
  };
  const openWrapper = wrappers.open;
  const sendWrapper = wrappers.send;
  Object.defineProperty(openWrapper, "length", { value: originalOpen.length });
  Object.defineProperty(sendWrapper, "length", { value: originalSend.length });
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

// Fail closed (see ARCHITECTURE.md): if the tracker itself breaks (a panic traps the wasm),
// these few lines keep the station from staying signed in: a call that is activity (an API call
// under the API bases, not excluded by the list known when it broke) restarts a plain timer at
// the last known timeout, which sends the user to the login page. The one place JS decides
// anything, and only when Rust cannot.
function fallbackCounts(fallback, url) {
  try {
    const u = new URL(url, document.baseURI);
    const path = u.pathname.toLowerCase().split("/").filter((s) => s !== "");
    const full = `${u.origin}/${path.join("/")}/`;
    if (!fallback.apis.some((base) => full.startsWith(`${base}/`))) return false;
    return !fallback.exclusions.some(
      (e) => e.length === path.length && e.every((s, i) => s === "*" || s === path[i]),
    );
  } catch (_) {
    return false;
  }
}

function armFallback(fallback) {
  if (fallback.timer !== null) clearTimeout(fallback.timer);
  if (fallback.timeoutMs === null) return;
  fallback.timer = setTimeout(() => location.assign(fallback.loginUrl), fallback.timeoutMs);
}

/**
 * What the fail-closed fallback needs, kept current by the tracker: the login URL, the timeout
 * (`undefined`: none applies), the API bases (`origin/prefix`) and the exclusion patterns
 * (`api/v2/users/*`, `*` for a parameter).
 */
export function configureFallback(loginUrl, timeoutMs, apis, exclusions) {
  const state = install();
  const broken = state.fallback !== null && state.fallback.broken;
  const timer = state.fallback !== null ? state.fallback.timer : null;
  state.fallback = {
    loginUrl, timeoutMs: timeoutMs ?? null, broken, timer,
    apis: Array.from(apis, String),
    exclusions: Array.from(exclusions, (e) => String(e).split("/")),
  };
}

/** The tracker broke: from now on the fallback decides. */
export function enterFallback() {
  const state = install();
  if (state.fallback === null || state.fallback.broken) return;
  state.fallback.broken = true;
  state.sink = null;
  state.known = null;
  state.statusSink = null;
  armFallback(state.fallback);
}

/** Installs the interception once per realm; a second copy of the package reuses the first. */
export function install() {
  const g = globalThis;
  let state = g[KEY];
  if (state === undefined) {
    state = {
      sink: null, known: null, statusSink: null, ids: new Map(), queue: [], active: true,
      fetch: null, xhr: null, observer: null, fallback: null,
    };
    Object.defineProperty(g, KEY, { value: state, configurable: true });
  }
  if (state.fetch === null) state.fetch = patchFetch(g, state);
  if (state.xhr === null) state.xhr = patchXhr(g, state);
  if (state.observer === null) state.observer = observeStatuses(state);
  state.active = true;
  return state;
}

/**
 * Where recorded calls go: `sink(url, method, atMs)` returns an id for the URL (or -1), and
 * later calls to it go to `known(id, method, atMs)`; `statusSink(url, status)` hears 401s.
 * Returns the calls queued before.
 */
export function attach(sink, known, statusSink) {
  const state = install();
  if (state.sink !== null) {
    throw new Error(
      "InactivityTracker.start: another copy of inactivity-timeout is already tracking this page; " +
        "load the package once (check the bundle for duplicates) or stop() the other tracker first",
    );
  }
  state.sink = sink;
  state.known = known;
  state.statusSink = statusSink;
  state.ids = new Map();
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
  state.known = null;
  state.statusSink = null;
  state.ids = new Map();
  state.queue = [];
  state.active = false;
  if (state.fallback !== null && state.fallback.timer !== null) clearTimeout(state.fallback.timer);
  state.fallback = null;
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

/** The tracker forgot the URLs it gave ids to. */
export function forgetUrls() {
  const state = globalThis[KEY];
  if (state !== undefined) state.ids = new Map();
}

/** The tracker's own calls bypass the interception. */
export function nativeFetch(url, init) {
  const state = globalThis[KEY];
  const f = state !== undefined && state.fetch !== null ? state.fetch.original : globalThis.fetch;
  return Reflect.apply(f, globalThis, [url, init]);
}

install();
