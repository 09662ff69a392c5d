// inactivity-timeout/react: the page's one tracker as React hooks (React 19).
//
// * One tracker per page, shared by every component that uses it: the first user starts it, the
//   last one to unmount stops it. StrictMode's unmount-and-mount again in one commit keeps it (the
//   stop waits for a microtask, and a new user cancels it).
// * Components re-render when the warning starts or ends, and once per second while it shows
//   (useSyncExternalStore over the session's snapshot) — never per request.
// * Nothing runs on a server: the package is imported by the effect that starts the tracker.
import { createContext, createElement, useContext, useEffect, useRef, useSyncExternalStore } from "react";
import { IDLE, Session } from "../adapters/session.js";

/** The mounted users (each a ref to its latest options, in mount order), the session, listeners. */
const users = new Set();
const listeners = new Set();
let session = null;
let snapshot = view(IDLE);

function view(state) {
  return Object.freeze({
    remainingMs: state.remainingMs,
    warning: state.warning,
    started: state.started,
    error: state.error,
    explain: () => session?.explain() ?? null,
    staySignedIn: () => session?.staySignedIn() ?? Promise.resolve(false),
    hold: (label) => {
      if (session === null) throw new Error(`inactivity-timeout/react: hold("${label}") with no tracker: use it under useInactivityTimeout or <InactivityTimeoutProvider>`);
      return session.hold(label);
    },
  });
}

const subscribe = (listener) => {
  listeners.add(listener);
  return () => listeners.delete(listener);
};
const getSnapshot = () => snapshot;
const serverSnapshot = view(IDLE);
const getServerSnapshot = () => serverSnapshot;

function publish(state) {
  snapshot = view(state);
  for (const listener of listeners) listener();
}

/** A user mounts: the first one starts the tracker. Returns its release. */
function acquire(ref) {
  users.add(ref);
  if (session === null) {
    // The options of the earliest user still mounted (its latest render).
    const own = new Session(() => users.values().next().value?.current, {
      changed: (state) => session === own && publish(state),
    });
    session = own;
    own.start();
  }
  return () => {
    users.delete(ref);
    queueMicrotask(() => {
      if (users.size > 0 || session === null) return;
      session.stop();
      session = null;
      publish(IDLE);
    });
  };
}

/**
 * Starts the page's tracker (`InactivityTracker.start(options)`; the options of the first user
 * apply, their callbacks from its latest render) and returns `{ remainingMs, warning, started,
 * explain, staySignedIn, hold }`. `remainingMs` counts down while `warning` is true and is `null`
 * otherwise. A start that fails (bad options) throws here, to the nearest error boundary.
 */
export function useInactivityTimeout(options) {
  const ref = useRef(options);
  useEffect(() => {
    ref.current = options;
  });
  useEffect(() => acquire(ref), []);
  const state = useSyncExternalStore(subscribe, getSnapshot, getServerSnapshot);
  if (state.error !== null) throw state.error;
  return state;
}

const Context = createContext(null);

/** Starts the tracker for the tree below (`useInactivityTimeout(options)`) and hands its state down. */
export function InactivityTimeoutProvider({ options, children }) {
  return createElement(Context.Provider, { value: useInactivityTimeout(options) }, children);
}

/** What `useInactivityTimeout` returns, for a component under `<InactivityTimeoutProvider>`. */
export function useInactivityTimeoutContext() {
  const value = useContext(Context);
  if (value === null) throw new Error("useInactivityTimeoutContext: no <InactivityTimeoutProvider> above this component");
  return value;
}

/**
 * Holds the session (`tracker.hold(label)`) while `active` is true and the tracker runs; released
 * when `active` turns false, the label changes, or the component unmounts.
 */
export function useHold(label, active = true) {
  const started = useSyncExternalStore(subscribe, () => snapshot.started, () => false);
  useEffect(() => {
    if (!active || !started) return undefined;
    const handle = session.hold(label);
    return () => handle.release();
  }, [label, active, started]);
}
