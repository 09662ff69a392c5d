// The driver: the browser half of the tracker. It decides nothing — every rule is the wasm
// `Tab`'s (ARCHITECTURE.md, "The driver decides nothing") — it feeds the Tab what happens in the
// page and carries out what the Tab asks, instruction by instruction:
// the interception's records, the one timer, localStorage, BroadcastChannel, Web Locks, `fetch`
// for the tracker's own calls, the page's events, navigation, the app's callbacks and hooks, and
// `postMessage` to the embedding page.
import { Tab, loginTarget, resumeTarget, replacesStored } from "./core.js";
import { attach, uninstall, forgetUrls, nativeFetch, configureFallback, enterFallback } from "./shim.js";
import { readOptions, checkLoginUrl, describe } from "./options.js";

const RETURN_KEY = "inactivity-timeout:return-to";
/** setTimeout's longest delay; a later deadline wakes early, which changes nothing. */
const MAX_DELAY = 2147483647;

/** The tracker running on this page (one per page). */
let running = null;
/** The last `state` this page issued, remembered where sessionStorage cannot keep it. */
let issued;

const now = () => Date.now();
function local() {
  try {
    const s = localStorage;
    s.length;
    return s;
  } catch (_) {
    return null;
  }
}

function session() {
  try {
    const s = sessionStorage;
    s.length;
    return s;
  } catch (_) {
    return null;
  }
}

const get = (store, key) => {
  try {
    return store && key ? store.getItem(key) ?? undefined : undefined;
  } catch (_) {
    return undefined;
  }
};
const attempt = (f) => {
  try {
    return f();
  } catch (_) {}
};

// The bounds on the tracker's own calls and on the app's hooks are elapsed time, timed in a tiny
// dedicated worker: the page's timers can all fire at once (a laptop waking with its timers long
// overdue, a test clock run forward in one call), and a bound on them could end before the
// network had any chance to answer — the next call would go out while the previous one is still
// in flight. The worker lives while a bound runs. Where no worker can be made (a
// Content-Security-Policy without `blob:`), the page's timer times it.
let worker = null;
let workerUrl;
const waits = new Map();
let waitId = 0;

/** Calls `done` once `ms` of elapsed time have passed; returns what cancels it. */
function bound(ms, done) {
  const id = ++waitId;
  const end = () => {
    waits.delete(id);
    if (waits.size === 0 && worker) {
      worker.terminate();
      worker = null;
    }
  };
  try {
    if (!worker) {
      workerUrl ??= URL.createObjectURL(new Blob(["onmessage=(e)=>setTimeout(()=>postMessage(e.data[0]),e.data[1])"]));
      worker = new Worker(workerUrl);
      worker.onmessage = (e) => {
        const f = waits.get(e.data);
        if (f) f();
      };
    }
    waits.set(id, () => {
      end();
      done();
    });
    worker.postMessage([id, Math.min(ms, MAX_DELAY)]);
    return end;
  } catch (_) {
    const timer = setTimeout(done, Math.min(ms, MAX_DELAY));
    return () => clearTimeout(timer);
  }
}

function hex(bytes) {
  const b = new Uint8Array(bytes);
  crypto.getRandomValues(b);
  return Array.from(b, (x) => x.toString(16).padStart(2, "0")).join("");
}

/** Goes to `loginUrl`, saving this page to come back to when `save`. */
function toLogin(loginUrl, save) {
  let target = loginUrl;
  if (save) {
    const here = location.pathname + location.search + location.hash;
    const [url, state] = JSON.parse(loginTarget(loginUrl, here, location.origin, hex(16)));
    target = url;
    if (state !== null) {
      issued = state;
      attempt(() => session().setItem(RETURN_KEY, state));
    }
  }
  location.assign(target);
}

/** The inactivity tracker of one page. Start it once with `InactivityTracker.start(options)`. */
export class InactivityTracker {
  /**
   * Starts tracking: counts the page's API calls as activity and logs the user out when idle.
   * Throws a TypeError/RangeError naming the option to fix; nothing starts then.
   */
  static start(options) {
    const { callbacks, config } = readOptions(options);
    if (running !== null) {
      throw new Error("InactivityTracker.start: a tracker is already running on this page; call stop() on it first");
    }
    const frame = window.parent !== window;
    Object.assign(config, {
      base: document.baseURI,
      origin: location.origin,
      framed: frame,
      ancestorOrigin: (location.ancestorOrigins && location.ancestorOrigins[0]) || null,
      storage: local() !== null,
      channel: typeof BroadcastChannel === "function",
      locks: !!(navigator.locks && navigator.locks.request),
      random: hex(8),
    });
    let tab;
    try {
      tab = new Tab(JSON.stringify(config), now());
    } catch (e) {
      if (typeof e !== "string") throw e;
      throw new (e[0] === "T" ? TypeError : RangeError)(e.slice(1));
    }
    return new InactivityTracker(tab, callbacks, config.loginUrl);
  }

  constructor(tab, callbacks, loginUrl) {
    this._tab = tab;
    this._on = callbacks;
    this._loginUrl = loginUrl;
    this._state = "running"; // "running" | "stopped" | "broken"
    this._timer = { at: -1, id: 0 };
    this._link = null;
    this._unlock = null;
    this._settle = new Map();
    this._off = [];
    const listen = (target, type, f) => {
      target.addEventListener(type, f);
      this._off.push(() => target.removeEventListener(type, f));
    };
    this._listen = listen;
    let queued;
    try {
      queued = attach(
        (url, method, at) => {
          const r = this._call((t) => t.request(url, method, at, now()), 0);
          if (r & 1) this._drain();
          return (r >> 1) - 1;
        },
        (id, method, at) => {
          if (this._call((t) => t.known(id, method, at, now()))) this._drain();
        },
        (url) => this._input((t) => t.text(2, url, now())),
      );
    } catch (e) {
      tab.free();
      throw e;
    }
    running = this;
    const wake = () => this._wake(0);
    for (const type of ["visibilitychange", "resume"]) listen(document, type, wake);
    for (const type of ["focus", "online"]) listen(window, type, wake);
    listen(window, "pageshow", () => this._wake(3));
    listen(window, "pagehide", () => this._wake(2));
    this._drain();
    // Calls made before start() (while the wasm loaded): counted as of when they happened.
    for (const [url, method, at] of queued) this._input((t) => t.request(url, method, at, now()));
  }

  /** Runs `f(tab)`; a trap in the wasm hands over to the fail-closed fallback. */
  _call(f, otherwise) {
    if (this._state !== "running" && this._state !== "stopped") return otherwise;
    try {
      return f(this._tab);
    } catch (e) {
      this._break(e);
      return otherwise;
    }
  }

  _input(f) {
    this._call(f);
    this._drain();
  }

  _break(error) {
    if (this._state === "broken") return;
    this._state = "broken";
    enterFallback();
    clearTimeout(this._timer.id);
    console.error("inactivity-timeout: the tracker failed; the fallback timeout applies", error);
  }

  /** A wake-up of `kind` (0 the timer or a wake event, 2 pagehide, 3 pageshow). */
  _wake(kind) {
    if (this._state !== "running") return;
    const link = this._link;
    const store = link && local();
    const last = get(store, link && link.last);
    const record = get(store, link && link.logout);
    this._input((t) => t.wake(kind, last, record, now()));
  }

  /** Carries out the Tab's instructions, then arms the one timer. */
  _drain() {
    let o;
    while ((o = this._call((t) => t.poll())) !== undefined) {
      try {
        this._run(JSON.parse(o));
      } catch (e) {
        console.error("inactivity-timeout:", e);
      }
    }
    const at = this._state === "running" ? this._call((t) => t.timeout(), -1) : -1;
    if (at !== this._timer.at) {
      clearTimeout(this._timer.id);
      this._timer.at = at;
      if (at >= 0) {
        this._timer.id = setTimeout(() => {
          this._timer.at = -1;
          this._wake(0);
        }, Math.min(Math.max(at - now(), 0), MAX_DELAY));
      }
    }
  }

  _run(o) {
    const on = this._on;
    const store = local();
    switch (o[0]) {
      case "call":
        return this._fetch(o[1], o[2], o[3], o[4], o[5]);
      case "token": {
        let token = "";
        attempt(() => {
          const t = on.accessToken && on.accessToken();
          if (typeof t === "string") token = t;
        });
        return this._call((t) => t.text(1, token, now()));
      }
      case "link":
        return this._open(o[1], o[2], o[3], o[4]);
      case "post": {
        const link = this._link;
        if (link && link.channel) attempt(() => link.channel.postMessage(o[1]));
        else if (link && link.key) attempt(() => store.setItem(link.key, o[1]));
        return;
      }
      case "last":
        if (this._call((t) => replacesStored(get(store, o[1]), o[2], now()), false)) {
          attempt(() => store.setItem(o[1], String(o[2])));
        }
        return;
      case "store":
        return attempt(() => store.setItem(o[1], o[2]));
      case "unstore":
        return attempt(() => store.removeItem(o[1]));
      case "list": {
        const pairs = [];
        attempt(() => {
          for (let i = 0; i < store.length; i++) {
            const key = store.key(i);
            if (key !== null && key.startsWith(o[1])) pairs.push([key, store.getItem(key)]);
          }
        });
        return this._call((t) => t.text(3, JSON.stringify(pairs), now()));
      }
      case "lock":
        return this._lock(o[1]);
      case "unlock":
        if (this._unlock) this._unlock();
        this._unlock = null;
        return;
      case "notify":
        return this._notify(o[1], o[2]);
      case "hook":
        return this._hook(on[o[1]], o[2], o[3]);
      case "parent":
        return attempt(() => window.parent.postMessage(o[2], o[1]));
      case "host":
        return this._listen(window, "message", (e) => {
          const data = e.data;
          const kind = data !== null && typeof data === "object" && typeof data.type === "string" ? data.type : "";
          this._input((t) => t.host(e.origin, e.source === window.parent, kind, now()));
        });
      case "fallback":
        return configureFallback(this._loginUrl, o[1] === null ? undefined : o[1], o[2], o[3]);
      case "forget":
        return forgetUrls();
      case "navigate":
        return toLogin(o[1], o[2]);
      case "settled": {
        const settle = this._settle.get(o[1]);
        this._settle.delete(o[1]);
        return settle && settle(o[2]);
      }
      case "warn":
        return console.warn(o[1]);
    }
  }

  _open(channel, key, last, logout) {
    const link = { channel: null, key, last, logout };
    this._link = link;
    const deliver = (text) => this._input((t) => t.text(0, text, now()));
    if (channel !== null) {
      attempt(() => {
        link.channel = new BroadcastChannel(channel);
        link.channel.addEventListener("message", (e) => typeof e.data === "string" && deliver(e.data));
        this._off.push(() => link.channel.close());
      });
    }
    if (key !== null) {
      const store = local();
      this._listen(window, "storage", (e) => {
        if (e.key === key && e.storageArea === store && typeof e.newValue === "string") deliver(e.newValue);
      });
    }
    const store = local();
    this._call((t) => t.wake(1, get(store, last), get(store, logout), now()));
  }

  _lock(name) {
    const answer = (granted) => this._input((t) => t.signal(0, granted, now()));
    let release;
    const held = new Promise((r) => (release = r));
    try {
      navigator.locks
        .request(name, { mode: "exclusive" }, () => {
          this._unlock = release;
          answer(true);
          return held;
        })
        .catch(() => answer(false));
    } catch (_) {
      answer(false);
    }
  }

  _notify(kind, arg) {
    const on = this._on;
    const f = kind === "warning" ? on.onWarning : kind === "warning-cleared" ? on.onWarningCleared : kind === "logout" ? on.onLogout : on.onActivity;
    // A throwing callback is the app's bug: it must not stop the tracker.
    if (f) attempt(() => f(arg));
  }

  /** Runs an app hook and waits for the promise it returns, at most `ms` of elapsed time. */
  _hook(f, reason, ms) {
    let finished = false;
    const done = () => {
      if (finished) return;
      finished = true;
      cancel();
      this._input((t) => t.signal(1, false, now()));
    };
    const cancel = bound(ms, done);
    let result;
    try {
      result = f && f(reason);
    } catch (_) {}
    if (result && typeof result.then === "function") Promise.resolve(result).then(done, done);
    else done();
  }

  /** A call of the tracker's own: native fetch (never counted), keepalive, bounded by elapsed time. */
  _fetch(id, method, url, body, ms) {
    let finished = false;
    const done = (status, text) => {
      if (finished) return;
      finished = true;
      cancel();
      this._input((t) => t.answer(id, status, text, now()));
    };
    // The bound ends the wait, never the request: a request cancelled by its deadline may not
    // reach the server at all when timers run together, and a late revoke must still land.
    const cancel = bound(ms, () => done(0, ""));
    const headers = { Accept: "application/json" };
    let token;
    attempt(() => (token = this._on.accessToken && this._on.accessToken()));
    if (typeof token === "string" && token !== "") headers.Authorization = `Bearer ${token}`;
    if (body !== null) headers["Content-Type"] = "application/json";
    try {
      nativeFetch(url, { method, headers, body: body === null ? undefined : body, keepalive: true, credentials: "same-origin" }).then(
        (r) => r.text().then((t) => done(r.status, t), () => done(r.status, "")),
        () => done(0, ""),
      );
    } catch (_) {
      done(0, "");
    }
  }

  /**
   * Stops tracking: removes the interception (or leaves a pass-through when another wrapper sits
   * on top), the timer and the listeners; this tab's holds end for the other tabs. Idempotent.
   */
  stop() {
    if (this._state !== "running") return;
    this._input((t) => t.signal(3, false, now()));
    this._state = "stopped";
    clearTimeout(this._timer.id);
    for (const off of this._off) attempt(off);
    this._off = [];
    uninstall();
    if (running === this) running = null;
  }

  /** Milliseconds until the idle logout, or `null` when no timeout applies. */
  remainingMs() {
    const r = this._call((t) => t.remaining(now()), -1);
    return r < 0 ? null : r;
  }

  /** Which rule set this user's timeout, and why; the active holds. */
  explain() {
    return JSON.parse(this._call((t) => t.report(0), "null"));
  }

  /** The last requests seen, and the holds' begins and ends, oldest first. */
  activityLog() {
    return JSON.parse(this._call((t) => t.report(1), "[]"));
  }

  /** How this tab shares the session with the other tabs: `{ tabId, transport, sharedStorage }`. */
  tabs() {
    return JSON.parse(this._call((t) => t.report(2), "null"));
  }

  /**
   * Holds the session while an interaction is in progress (a call): no warning, no idle logout
   * in any tab of the session until `release()`. Throws a TypeError/RangeError naming `label`.
   */
  hold(label) {
    if (typeof label !== "string") throw new TypeError(`hold(label): label must be a string such as "Call 42"; got ${describe(label)}`);
    if (this._state !== "running") throw new Error("hold(): this tracker is stopped; start a new tracker before taking a hold");
    const id = this._call((t) => t.hold(label, now()), -6);
    this._drain();
    if (id < 0) {
      const e = Tab.holdError(id);
      if (id > -4) throw new RangeError(`hold(label): ${e.slice(1)}`);
      if (e[0] === "R") throw new RangeError(`hold(): ${e.slice(1)}; release one first`);
      throw new Error(`hold(): ${e.slice(1)}`);
    }
    return new Hold(this, id);
  }

  /** "Stay signed in": counts as activity and makes a call the server counts; resolves to `true` on 2xx. */
  staySignedIn() {
    if (this._state !== "running") return Promise.resolve(false);
    return new Promise((resolve) => {
      const id = this._call((t) => t.stay(now()));
      if (id === undefined) return resolve(false);
      this._settle.set(id, resolve);
      this._drain();
    });
  }

  /**
   * Signs the user out now, as an idle logout does (Off Queue, Offline, revoke, every tab of the
   * session leaves) with reason "user"; the page to come back to is saved only with `returnToPage`.
   */
  signOut(options) {
    const save = !!(options && options.returnToPage);
    this._input((t) => t.signal(2, save, now()));
  }

  /** Makes the tracker fail (a trap in the wasm), to test the fail-closed fallback; throws the error. */
  simulateFailure() {
    try {
      this._tab.fail();
    } catch (e) {
      this._break(e);
      throw e;
    }
  }
}

/** An active hold of this tab: `release()` ends it (idempotent; also `[Symbol.dispose]()`). */
class Hold {
  constructor(tracker, id) {
    this._tracker = tracker;
    this._id = id;
    if (typeof Symbol.dispose === "symbol") this[Symbol.dispose] = () => this.release();
  }

  /** Ends the hold: when no other hold of the session is active, the idle timer runs from now. */
  release() {
    const tracker = this._tracker;
    if (tracker === null) return;
    this._tracker = null;
    if (tracker._state === "running") tracker._input((t) => t.release(this._id, now()));
  }
}

/** The `state` that came back: in the query (authorization-code grant) or the fragment (implicit grant). */
function returnedState() {
  for (const part of [location.search, location.hash]) {
    const v = new URLSearchParams(part.slice(1)).get("state");
    if (v !== null) return v;
  }
  return undefined;
}

/**
 * Where `state` leads by the rule of `resumeAfterLogin`; `consume` forgets the saved one;
 * `strict` accepts only a state this tab remembers.
 */
function follow(state, consume, strict) {
  const store = session();
  const saved = get(store, RETURN_KEY) ?? issued;
  let writable = false;
  if (store && saved === undefined) {
    // A full or denied storage could have saved nothing.
    writable = attempt(() => {
      store.setItem("inactivity-timeout:probe", "1");
      store.removeItem("inactivity-timeout:probe");
      return true;
    }) === true;
  }
  const target = resumeTarget(state, saved, writable, location.origin, strict);
  if (consume) {
    issued = undefined;
    attempt(() => store.removeItem(RETURN_KEY));
  }
  return target;
}

/**
 * On the page the login returns to: goes back to the page the user was on, when this browser
 * issued the `state` (or could not save it) and it is on this origin. `false`: nothing to resume.
 */
export function resumeAfterLogin() {
  const target = follow(returnedState(), true, false);
  if (target === undefined) return false;
  location.replace(target);
  return true;
}

/**
 * Whether `state` is the one this tab issued (its tracker's logout or `redirectToLogin`), for a
 * sign-in callback to refuse a sign-in it did not start. Where the tab cannot remember one
 * (storage denied and the page navigated away), `false`. Changes nothing.
 */
export function isLoginState(state) {
  return typeof state === "string" && follow(state, false, true) !== undefined;
}

/** Sends the user to `loginUrl` now, saving this page to come back to. RangeError for a `javascript:`/empty URL. */
export function redirectToLogin(loginUrl) {
  if (typeof loginUrl !== "string") throw new TypeError(`redirectToLogin(loginUrl): loginUrl must be a string; got ${describe(loginUrl)}`);
  checkLoginUrl(loginUrl, "redirectToLogin(loginUrl): loginUrl");
  toLogin(loginUrl, true);
}
