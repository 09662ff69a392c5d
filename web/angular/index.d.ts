// inactivity-timeout/angular: the page's one tracker as an injectable service (Angular 22).
import type { EnvironmentProviders, Signal } from "@angular/core";
import type { Explanation, TrackerOptions } from "inactivity-timeout";

/** A hold on the session (`tracker.hold(label)`): no warning, no idle logout until `release()`. */
export interface Hold {
  release(): void;
  [Symbol.dispose](): void;
}

/** The page's tracker; inject it where `provideInactivityTimeout` was provided. */
export declare class InactivityTimeout {
  /** Made by the provider's factory; inject the service instead. */
  private constructor(options: TrackerOptions);
  /** Whether the tracker has started (the package loads after the application starts). */
  readonly started: Signal<boolean>;
  /** Whether the warning shows. */
  readonly warning: Signal<boolean>;
  /** Milliseconds until the logout while the warning shows (refreshed once per second), else `null`. */
  readonly remainingMs: Signal<number | null>;
  /** `tracker.staySignedIn()`: counts as activity, resets the server's deadline; `false` before the start. */
  staySignedIn(): Promise<boolean>;
  /** `tracker.hold(label)`; throws before the tracker started; a no-op on the server. */
  hold(label: string): Hold;
  /** `tracker.explain()`; `null` before the tracker started (and on the server). */
  explain(): Explanation | null;
}

/** Starts the page's tracker with the application (browser only), outside Angular's zone. */
export function provideInactivityTimeout(options: TrackerOptions): EnvironmentProviders;
