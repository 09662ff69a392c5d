// What the browser tests share: the tracker's options for a user, the "other tab" played by the
// test on the session's channel, storage and lock names, the browser features a test can hide,
// the page's requests as resource timing saw them, and the flush of the page's channel messages.
import { InactivityTracker } from "inactivity-timeout";
import { eventually } from "./assert.mjs";

export const MIN = 60_000;

// Taken before any test hides it.
const Channel = globalThis.BroadcastChannel;

/** The tracker's options for `user`: 10 minutes, no warning, a fragment as login URL (a logout
 * stays on the page) and `onLogout` recording each reason in `logouts()`. */
export function options(user, extra) {
  globalThis.__logouts = [];
  history.replaceState(null, "", location.pathname + location.search);
  const policy = {
    idleTokenTimeout: { enableIdleTokenTimeout: true, idleTokenTimeoutSeconds: 600, inactivityTimeoutUnit: "Minutes" },
    authSettings: { inactivityTimeoutExclusions: [] },
    hipaa: false,
  };
  return Object.assign({
    policy, user: { id: user, groups: [] }, loginUrl: "#signed-out", warningSeconds: 0,
    onLogout: (reason) => globalThis.__logouts.push(reason),
  }, extra);
}

export const start = (user) => InactivityTracker.start(options(user));
export const logouts = () => globalThis.__logouts.slice();
export const wakeUp = () => document.dispatchEvent(new Event("visibilitychange"));
export const signedOut = () => location.hash.startsWith("#signed-out");

/** The key of `what` in the shared state of a session (`user`, or `user#<token fingerprint>`). */
export const key = (user, what) => `inactivity-timeout:v1:${user}:${what}`;
const channelName = (user) => `inactivity-timeout:v1:${user}`;

/** The session part of a scope: "#" and the 64-bit FNV-1a of the access token, in hex. */
export function session(token) {
  let h = 0xcbf29ce484222325n;
  for (const b of new TextEncoder().encode(token)) h = ((h ^ BigInt(b)) * 0x100000001b3n) & 0xffffffffffffffffn;
  return "#" + h.toString(16).padStart(16, "0");
}

/** A tracker whose session (shared in storage) has been idle for all but `leftMs` of its 10
 * minutes: it logs out with reason idle after `leftMs`, on its own timer. */
export function startAboutToExpire(user, leftMs) {
  localStorage.setItem(key(user, "last-activity"), String(Math.floor(Date.now() - 10 * MIN + leftMs)));
  return start(user);
}

/** A message of the other tab: `{"v":1,"from":"other-tab","kind":…, …fields}`. */
export const message = (kind, fields = {}) => JSON.stringify({ v: 1, from: "other-tab", kind, ...fields });

const senders = new Map();
/** Posts `data` on the session's channel as another tab would (one sender per session: in order). */
export function post(user, data) {
  if (!senders.has(user)) senders.set(user, new Channel(channelName(user)));
  senders.get(user).postMessage(data);
}

/** Listens on the session's channel: `seen(kind)` the tracker's messages of a kind, decoded. */
export function listen(user) {
  const channel = new Channel(channelName(user));
  const raw = [];
  channel.onmessage = (e) => raw.push(e.data);
  const decode = (m) => {
    try {
      return [JSON.parse(m)];
    } catch {
      return [];
    }
  };
  return {
    raw,
    seen: (kind) => raw.flatMap(decode).filter((m) => m.kind === kind && m.from !== "other-tab"),
    close: () => channel.close(),
  };
}

/** Resolves once every channel message posted in this page so far has been delivered: a probe
 * posted now is delivered after them (one task source, in order). */
export async function delivered() {
  const name = `probe:${Math.random()}`;
  const [from, to] = [new Channel(name), new Channel(name)];
  let arrived = false;
  to.onmessage = () => (arrived = true);
  from.postMessage("probe");
  await eventually("the channel's earlier messages delivered", () => arrived);
  from.close();
  to.close();
}

/** Fetches `path` (through the interception); its status, -1 on a network error. */
export const apiCall = (path) => fetch(path).then((r) => r.status, () => -1);

/** The URLs this page requested (resource timing) that contain `part`. */
export const resourcesNamed = (part) => performance.getEntriesByType("resource").map((e) => e.name).filter((n) => n.includes(part));
export const serverCalls = (part) => resourcesNamed(part).length;

/** Holds the lock `name` (as another tab would) until `release()`. */
export async function holdLock(name) {
  let release;
  const held = new Promise((ok) => (release = ok));
  await new Promise((granted) => navigator.locks.request(name, () => {
    granted();
    return held;
  }));
  return { release };
}

export async function lockState(name) {
  const s = await navigator.locks.query();
  return { held: s.held.filter((l) => l.name === name).length, pending: s.pending.filter((l) => l.name === name).length };
}

const saved = {};
/** Hides "locks", "BroadcastChannel" or "localStorage" (denied) from the page until `restore()`. */
export function hide(what) {
  if (what === "locks") {
    saved.locks = Object.getOwnPropertyDescriptor(Navigator.prototype, "locks");
    Object.defineProperty(Navigator.prototype, "locks", { configurable: true, get: () => undefined });
  } else if (what === "BroadcastChannel") {
    saved.bc = globalThis.BroadcastChannel;
    delete globalThis.BroadcastChannel;
  } else if (what === "localStorage") {
    saved.ls = Object.getOwnPropertyDescriptor(window, "localStorage");
    Object.defineProperty(window, "localStorage", {
      configurable: true,
      get() {
        throw new DOMException("Access is denied for this document.", "SecurityError");
      },
    });
  } else {
    throw new Error(`hide: nothing called ${what}`);
  }
}

export function restore() {
  if (saved.locks) Object.defineProperty(Navigator.prototype, "locks", saved.locks);
  if (saved.bc) globalThis.BroadcastChannel = saved.bc;
  if (saved.ls) Object.defineProperty(window, "localStorage", saved.ls);
  for (const k of Object.keys(saved)) delete saved[k];
}

/** Writes `key` = `value` in localStorage from another document of this origin: a storage event
 * here, awaited. */
export async function setItemFromAnotherDocument(k, value) {
  let heard = false;
  const onStorage = (e) => (heard ||= e.key === k && e.newValue === value);
  addEventListener("storage", onStorage);
  const frame = document.createElement("iframe");
  frame.src = "about:blank";
  document.body.append(frame);
  frame.contentWindow.localStorage.setItem(k, value);
  await eventually(`the storage event of ${k}`, () => heard);
  removeEventListener("storage", onStorage);
  frame.remove();
}
