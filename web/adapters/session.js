// The page's one tracker as the framework adapters (inactivity-timeout/react, /angular) share it —
// bundled into each of them by scripts/build.sh. Started through the package's public API only;
// its state is a plain snapshot that changes when the tracker starts, when the warning starts and
// ends, and once per second while the warning shows — never per request.
//
// The package is imported when the tracker starts, not when this module is: importing an adapter
// (server rendering included) runs nothing of the package and touches no browser global.

/** The state before the tracker started (and forever on a server). */
export const IDLE = { started: false, warning: false, remainingMs: null };

/**
 * A session: `{ state, start(), stop(), hold(label), explain(), staySignedIn() }`.
 * `options()`: the options now, read at start; each function option is looked up again at each
 * call, so the latest ones run. `changed(state)`: a new state. `call(f)`: runs the app's
 * `onWarning`, `onWarningCleared` and `onLogout` (Angular: inside its zone).
 */
export function Session(options, changed, call = (f) => f()) {
  let tracker = null;
  let tick;
  let stopped = false;
  const self = { state: IDLE };
  const set = (change) => changed((self.state = { ...self.state, ...change }));
  // Re-reads the time left when the displayed second changes: one update per second.
  const countdown = (ms) => {
    clearTimeout(tick);
    tick = setTimeout(() => {
      const left = tracker?.remainingMs();
      if (self.state.warning && left != null) {
        set({ remainingMs: left });
        countdown(left);
      }
    }, ms % 1000 || 1000);
  };
  // The warning is over (activity, Stay signed in, or the logout).
  const end = () => {
    clearTimeout(tick);
    if (self.state.warning) set({ warning: false, remainingMs: null });
  };
  const latest = (name) => (...args) => options()[name]?.(...args);
  // This session's own handlers first, then the app's (inside `call`).
  const own = {
    onWarning: (remainingMs) => {
      set({ warning: true, remainingMs });
      countdown(remainingMs);
    },
    onWarningCleared: end,
    onLogout: end,
  };
  /** Loads the package and starts the tracker; a refusal (bad options) becomes `state.error`. */
  self.start = async () => {
    try {
      const pkg = await import("inactivity-timeout");
      await pkg.default();
      if (stopped) return;
      const given = { ...options() };
      for (const name in given) if (typeof given[name] == "function") given[name] = latest(name);
      for (const name in own) {
        given[name] = (...args) => {
          own[name](...args);
          call(() => latest(name)(...args));
        };
      }
      tracker = pkg.InactivityTracker.start(given);
      set({ started: true });
    } catch (error) {
      if (!stopped) set({ error });
    }
  };
  /** Stops the tracker (or the start still under way). */
  self.stop = () => {
    stopped = true;
    clearTimeout(tick);
    tracker?.stop();
    tracker = null;
  };
  /** `tracker.hold(label)`; throws before the tracker started (nothing to hold yet). */
  self.hold = (label) => {
    if (!tracker) throw new Error(`hold("${label}"): the tracker has not started`);
    return tracker.hold(label);
  };
  /** `tracker.explain()`, `null` before the tracker started. */
  self.explain = () => tracker?.explain() ?? null;
  /** `tracker.staySignedIn()`; `false` before the tracker started. */
  self.staySignedIn = async () => (tracker ? tracker.staySignedIn() : false);
  return self;
}
