/** Why the embedded client signed the user out. */
export type LogoutReason = "idle" | "slept" | "server-revoked" | "other-tab" | "host-request";

export interface ConnectOptions {
  /** The embedded client's exact origin, e.g. "https://agent.example.com" (never "*"). */
  origin: string;
  /** The inactivity warning is showing: the user is signed out in `remainingMs` unless active. */
  onWarning?: (remainingMs: number) => void;
  /** The client signs the user out, for `reason`. */
  onLogout?: (reason: LogoutReason) => void;
  /** The user is signed in and active: the tracker started (e.g. after signing in again) or activity cleared a warning. */
  onResumed?: () => void;
  /** A hold began in the client (an interaction in progress, in any of its tabs): no sign-out while it lasts. */
  onHoldBegan?: (label: string) => void;
  /** A hold ended: released, expired (its maxHoldSeconds), or its tab went away. */
  onHoldEnded?: (label: string, reason: "released" | "expired" | "tab-gone") => void;
}

export interface InactivityTimeoutConnection {
  /** Asks the client to sign the user out (reason "host-request"); `false` when it cannot be asked (disconnected, no iframe window). */
  requestLogout(): boolean;
  /** Stops listening. */
  disconnect(): void;
}

/**
 * Connects the host page to the inactivity tracker of the client embedded in `iframe`: messages are
 * accepted only from that iframe's window at `options.origin`, and sent only to that origin.
 * Throws a `TypeError` for a missing iframe, an origin that is not exact, or a callback that is not a function.
 */
export function connectInactivityTimeout(
  iframe: HTMLIFrameElement,
  options: ConnectOptions,
): InactivityTimeoutConnection;
