// inactivity-timeout/react: the page's one tracker as React hooks (React 19).
import type { ReactNode } from "react";
import type { Explanation, TrackerOptions } from "inactivity-timeout";

/** A hold on the session (`tracker.hold(label)`): no warning, no idle logout until `release()`. */
export interface Hold {
  release(): void;
  [Symbol.dispose](): void;
}

/** What the hooks give a component; a new object only when the warning or the countdown changes. */
export interface InactivityTimeoutState {
  /** Milliseconds until the logout while the warning shows (refreshed once per second), else `null`. */
  remainingMs: number | null;
  /** Whether the warning shows. */
  warning: boolean;
  /** Whether the tracker has started (the package is loaded after the first render). */
  started: boolean;
  /** `tracker.explain()`; `null` before the tracker started. */
  explain(): Explanation | null;
  /** `tracker.staySignedIn()`: counts as activity, resets the server's deadline; `false` before the start. */
  staySignedIn(): Promise<boolean>;
  /** `tracker.hold(label)`; throws before the tracker started (`useHold` waits for it). */
  hold(label: string): Hold;
}

/**
 * Starts the page's one tracker with `InactivityTracker.start(options)` (the first user's options;
 * its callbacks from its latest render), shared by every user and stopped when the last unmounts.
 */
export function useInactivityTimeout(options: TrackerOptions): InactivityTimeoutState;

/** `useInactivityTimeout(options)` for the tree below; read it with `useInactivityTimeoutContext()`. */
export function InactivityTimeoutProvider(props: { options: TrackerOptions; children?: ReactNode }): ReactNode;

/** The state of the nearest `<InactivityTimeoutProvider>`; throws without one. */
export function useInactivityTimeoutContext(): InactivityTimeoutState;

/** Holds the session while `active` (default `true`) and the tracker runs; released on unmount. */
export function useHold(label: string, active?: boolean): void;
