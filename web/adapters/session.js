// The page's one tracker as the framework adapters (inactivity-timeout/react, /angular) share it:
// started through the package's public API only, its state kept as a plain snapshot that changes
// on the warning's start and end and once per second while the warning shows — never per request.
//
// The package is imported when the tracker starts, not when this module is: importing an adapter
// (server rendering included) runs nothing of the package and touches no browser global.

/** The callbacks that tell the app something: run through `call` (Angular: inside its zone). */
const NOTIFY = ["onWarning", "onWarningCleared", "onLogout"];
/** The other function options: called as they are, from the latest options. */
const PASS = ["onActivity", "beforeLogout", "clearTokens", "accessToken"];

/** The snapshot before the tracker started (and forever on a server). */
export const IDLE = Object.freeze({ started: false, warning: false, remainingMs: null, error: null });

export class Session {
  /**
   * @param {() => object} options  the options now: read once at start for the tracker's options;
   *   its function options are looked up again at each call, so the latest ones run
   * @param {{ changed: (state) => void, call?: (f: () => unknown) => unknown }} hooks
   */
  constructor(options, { changed, call = (f) => f() }) {
    this.options = options;
    this.changed = changed;
    this.call = call;
    this.state = IDLE;
    this.tracker = null;
    this.stopped = false;
    this.tick = null;
  }

  /** Loads the package and starts the tracker; a failure (bad options) becomes `state.error`. */
  async start() {
    try {
      const pkg = await import("inactivity-timeout");
      await pkg.default();
      if (this.stopped) return;
      this.tracker = pkg.InactivityTracker.start(this.trackerOptions());
      this.set({ started: true });
    } catch (error) {
      if (!this.stopped) this.set({ error });
    }
  }

  /** The app's options, with this session's warning handlers in front of the app's own. */
  trackerOptions() {
    const given = this.options();
    if (given === null || typeof given !== "object") {
      throw new TypeError(`inactivity-timeout: options must be an object (InactivityTracker.start's options); got ${given}`);
    }
    const latest = (name) => this.options()?.[name];
    const options = { ...given };
    for (const name of PASS) {
      if (typeof given[name] === "function") options[name] = (...args) => latest(name)?.(...args);
    }
    for (const name of NOTIFY) options[name] = (...args) => this.call(() => latest(name)?.(...args));
    const onWarning = options.onWarning;
    options.onWarning = (remainingMs) => {
      this.set({ warning: true, remainingMs });
      this.countdown(remainingMs);
      onWarning(remainingMs);
    };
    const onWarningCleared = options.onWarningCleared;
    options.onWarningCleared = () => {
      this.endWarning();
      onWarningCleared();
    };
    const onLogout = options.onLogout;
    options.onLogout = (reason) => {
      this.endWarning();
      onLogout(reason);
    };
    return options;
  }

  /** Re-reads the time left when the displayed second changes: one update per second. */
  countdown(remainingMs) {
    clearTimeout(this.tick);
    this.tick = setTimeout(() => {
      const left = this.tracker?.remainingMs() ?? null;
      if (!this.state.warning || left === null) return;
      this.set({ remainingMs: left });
      this.countdown(left);
    }, remainingMs % 1000 || 1000);
  }

  endWarning() {
    clearTimeout(this.tick);
    this.tick = null;
    if (this.state.warning) this.set({ warning: false, remainingMs: null });
  }

  set(change) {
    this.state = Object.freeze({ ...this.state, ...change });
    this.changed(this.state);
  }

  /** Stops the tracker (or the start still under way). */
  stop() {
    this.stopped = true;
    clearTimeout(this.tick);
    this.tracker?.stop();
    this.tracker = null;
  }

  /** `tracker.hold(label)`; throws before the tracker started (nothing to hold yet). */
  hold(label) {
    if (this.tracker === null) {
      throw new Error(`inactivity-timeout: hold("${label}") before the tracker started; wait until it has (useHold waits by itself)`);
    }
    return this.tracker.hold(label);
  }

  /** `tracker.explain()`, `null` before the tracker started. */
  explain() {
    return this.tracker?.explain() ?? null;
  }

  /** `tracker.staySignedIn()`; `false` before the tracker started. */
  staySignedIn() {
    return this.tracker === null ? Promise.resolve(false) : this.tracker.staySignedIn();
  }
}
