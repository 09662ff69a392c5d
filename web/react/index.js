// inactivity-timeout/react: the page's one tracker as React hooks (React 19).
//
// * One tracker per page, shared by every component that uses it: the first user starts it, the
//   last one to unmount stops it. StrictMode's unmount-and-mount again in one commit keeps it (the
//   stop waits for a microtask, and a new user cancels it).
// * Components re-render when the tracker starts, when the warning starts or ends, and once per
//   second while it shows (useSyncExternalStore over the session's state) — never per request.
// * Nothing runs on a server: the package is imported by the effect that starts the tracker.
import { createContext, createElement, useContext, useEffect, useRef, useSyncExternalStore } from "react";
import { IDLE, Session } from "../adapters/session.js";

/** The mounted users (each a ref to its latest options, in mount order), listeners, the session. */
const users = new Set();
const listeners = new Set();
let session = null;

/** Before the first user and after the last: a session never started (`explain()` is null…). */
const none = new Session();
const current = () => session ?? none;
const calls = {
  explain: () => current().explain(),
  staySignedIn: () => current().staySignedIn(),
  hold: (label) => current().hold(label),
};
const initial = { ...IDLE, ...calls };
let snapshot = initial;

const subscribe = (listener) => {
  listeners.add(listener);
  return () => listeners.delete(listener);
};
const publish = (state) => {
  snapshot = { ...state, ...calls };
  for (const listener of listeners) listener();
};
const useSnapshot = () => useSyncExternalStore(subscribe, () => snapshot, () => initial);

/** A user mounts: the first one starts the tracker. Returns its release. */
function acquire(ref) {
  users.add(ref);
  if (!session) {
    // The options of the earliest user still mounted (its latest render).
    const own = (session = new Session(() => users.values().next().value.current, (state) => session === own && publish(state)));
    own.start();
  }
  return () => {
    users.delete(ref);
    queueMicrotask(() => {
      if (users.size || !session) return;
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
  const state = useSnapshot();
  if (state.error) throw state.error;
  return state;
}

const Context = createContext(null);

/** Starts the tracker for the tree below (`useInactivityTimeout(options)`) and hands its state down. */
export const InactivityTimeoutProvider = ({ options, children }) =>
  createElement(Context.Provider, { value: useInactivityTimeout(options) }, children);

/** What `useInactivityTimeout` returns, for a component under `<InactivityTimeoutProvider>`. */
export function useInactivityTimeoutContext() {
  const value = useContext(Context);
  if (!value) throw new Error("useInactivityTimeoutContext: no <InactivityTimeoutProvider> above");
  return value;
}

/**
 * Holds the session (`tracker.hold(label)`) while `active` is true and the tracker runs; released
 * when `active` turns false, the label changes, or the component unmounts.
 */
export function useHold(label, active = true) {
  const { started } = useSnapshot();
  useEffect(() => {
    if (!active || !started) return;
    const handle = session.hold(label);
    return () => handle.release();
  }, [label, active, started]);
}
