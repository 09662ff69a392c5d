// The page's one tracker as the framework adapters (inactivity-timeout/react, /angular) share it —
// bundled into each of them by scripts/build.sh. Started through the package's public API only;
// its state is a plain snapshot that changes when the tracker starts, when the warning starts and
// ends, and once per second while the warning shows — never per request.
//
// The package is imported when the tracker starts, not when this module is: importing an adapter
// (server rendering included) runs nothing of the package and touches no browser global.

/** The state before the tracker started (and forever on a server). */
export const IDLE = { started: false, warning: false, remainingMs: null, error: null };

export class Session {
  #options;
  #changed;
  #call;
  #tracker = null;
  #tick = null;
  #stopped = false;
  state = IDLE;

  /**
   * `options()`: the options now, read at start; each function option is looked up again at
   * each call, so the latest ones run. `changed(state)`: a new state. `call(f)`: runs the app's
   * `onWarning`, `onWarningCleared` and `onLogout` (Angular: inside its zone).
   */
  constructor(options, changed, call = (f) => f()) {
    this.#options = options;
    this.#changed = changed;
    this.#call = call;
  }

  /** Loads the package and starts the tracker; a refusal (bad options) becomes `state.error`. */
  async start() {
    try {
      const pkg = await import("inactivity-timeout");
      await pkg.default();
      if (this.#stopped) return;
      const given = this.#options();
      const latest = (name) => (...args) => this.#options()[name]?.(...args);
      const options = { ...given };
      for (const name in given) if (typeof given[name] == "function") options[name] = latest(name);
      // This session's own handlers first, then the app's (inside `call`).
      const own = {
        onWarning: (remainingMs) => {
          this.#set({ warning: true, remainingMs });
          this.#countdown(remainingMs);
        },
        onWarningCleared: () => this.#end(),
        onLogout: () => this.#end(),
      };
      for (const name in own) {
        options[name] = (...args) => {
          own[name](...args);
          this.#call(() => latest(name)(...args));
        };
      }
      this.#tracker = pkg.InactivityTracker.start(options);
      this.#set({ started: true });
    } catch (error) {
      if (!this.#stopped) this.#set({ error });
    }
  }

  /** Re-reads the time left when the displayed second changes: one update per second. */
  #countdown(ms) {
    clearTimeout(this.#tick);
    this.#tick = setTimeout(() => {
      const left = this.#tracker?.remainingMs();
      if (this.state.warning && left != null) {
        this.#set({ remainingMs: left });
        this.#countdown(left);
      }
    }, ms % 1000 || 1000);
  }

  /** The warning is over (activity, Stay signed in, or the logout). */
  #end() {
    clearTimeout(this.#tick);
    if (this.state.warning) this.#set({ warning: false, remainingMs: null });
  }

  #set(change) {
    this.state = { ...this.state, ...change };
    this.#changed(this.state);
  }

  /** Stops the tracker (or the start still under way). */
  stop() {
    this.#stopped = true;
    clearTimeout(this.#tick);
    this.#tracker?.stop();
    this.#tracker = null;
  }

  /** `tracker.hold(label)`; throws before the tracker started (nothing to hold yet). */
  hold(label) {
    if (!this.#tracker) throw new Error(`hold("${label}"): the tracker has not started`);
    return this.#tracker.hold(label);
  }

  /** `tracker.explain()`, `null` before the tracker started. */
  explain() {
    return this.#tracker?.explain() ?? null;
  }

  /** `tracker.staySignedIn()`; `false` before the tracker started. */
  staySignedIn() {
    return this.#tracker?.staySignedIn() ?? Promise.resolve(false);
  }
}
