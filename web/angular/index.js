// inactivity-timeout/angular: the page's one tracker as an injectable service (Angular 22,
// standalone, zone-based or zoneless). Plain JS: no decorators, no compiler, no private API — the
// service class is its own token, made by a factory in an injection context.
//
// * Browser only (isPlatformBrowser): on the server nothing is imported or started.
// * The package is imported and the tracker started outside Angular's zone, so its timers and
//   listeners never trigger change detection; the signals change (inside the zone) only when the
//   warning starts or ends and once per second while it shows.
// * HttpClient needs nothing: its requests go through XHR or fetch, which the tracker sees.
import {
  DestroyRef,
  ErrorHandler,
  NgZone,
  PLATFORM_ID,
  inject,
  makeEnvironmentProviders,
  provideEnvironmentInitializer,
  signal,
} from "@angular/core";
import { isPlatformBrowser } from "@angular/common";
import { Session } from "../adapters/session.js";

/** A hold on the server, where nothing is tracked. */
const NO_HOLD = { release() {}, [Symbol.dispose]() {} };

export class InactivityTimeout {
  #started = signal(false);
  #warning = signal(false);
  #remainingMs = signal(null);
  #session = null;

  /** Made by `provideInactivityTimeout`'s factory (an injection context), not with `new`. */
  constructor(options) {
    /** Whether the tracker has started (the package loads after the application starts; a signal). */
    this.started = this.#started.asReadonly();
    /** Whether the warning shows (a signal). */
    this.warning = this.#warning.asReadonly();
    /** Milliseconds until the logout while the warning shows, else `null` (a signal). */
    this.remainingMs = this.#remainingMs.asReadonly();
    if (!isPlatformBrowser(inject(PLATFORM_ID))) return;
    const zone = inject(NgZone);
    const errors = inject(ErrorHandler);
    const session = new Session(
      () => options,
      (state) =>
        zone.run(() => {
          this.#started.set(state.started);
          this.#warning.set(state.warning);
          this.#remainingMs.set(state.remainingMs);
          if (state.error) errors.handleError(state.error);
        }),
      (f) => zone.run(f),
    );
    this.#session = session;
    zone.runOutsideAngular(() => session.start());
    inject(DestroyRef).onDestroy(() => session.stop());
  }

  /** `tracker.staySignedIn()`: counts as activity and resets the server's deadline; `false` before the start. */
  staySignedIn() {
    return this.#session?.staySignedIn() ?? Promise.resolve(false);
  }

  /** `tracker.hold(label)`: no warning or idle logout until `release()`. On the server: a no-op. */
  hold(label) {
    return this.#session === null ? NO_HOLD : this.#session.hold(label);
  }

  /** `tracker.explain()`: which rule set the timeout, and the holds; `null` before the start. */
  explain() {
    return this.#session?.explain() ?? null;
  }
}

/**
 * The providers of the page's tracker, for `bootstrapApplication(App, { providers: [...] })`:
 * `options` are `InactivityTracker.start`'s. The tracker starts with the application.
 */
export function provideInactivityTimeout(options) {
  if (options === null || typeof options !== "object") {
    throw new TypeError(`provideInactivityTimeout: options must be an object; got ${options}`);
  }
  return makeEnvironmentProviders([
    { provide: InactivityTimeout, useFactory: () => new InactivityTimeout(options) },
    provideEnvironmentInitializer(() => inject(InactivityTimeout)),
  ]);
}
