// inactivity-timeout: what every web client loads. Written by hand (ARCHITECTURE.md).

/** `GET|PUT /api/v2/tokens/timeout`, the platform's own JSON. Seconds are the truth. */
export interface IdleTokenTimeout {
  enableIdleTokenTimeout?: boolean;
  idleTokenTimeoutSeconds?: number;
  inactivityTimeoutUnit?: "Minutes" | "Hours";
  inactivityTimeoutGroupsEnabled?: boolean;
  inactivityTimeoutGroupBundles?: InactivityTimeoutGroupBundle[];
  [other: string]: unknown;
}

/** One group bundle: priority 1 is the highest. */
export interface InactivityTimeoutGroupBundle {
  priority: number;
  timeoutSeconds: number;
  inactivityTimeoutUnit?: "Minutes" | "Hours";
  groups: string[];
  [other: string]: unknown;
}

/** The inputs of every decision, as the platform API returns them. */
export interface Policy {
  /** `GET /api/v2/tokens/timeout` */
  idleTokenTimeout: IdleTokenTimeout;
  /** `GET /api/v2/organizations/authentication/settings` */
  authSettings?: { inactivityTimeoutExclusions?: string[]; [other: string]: unknown };
  /** `GET /api/v2/organizations/me` → `features.hipaa` */
  hipaa?: boolean;
}

/** The effective timeout of a user, and why. */
export interface Resolution {
  /** `null`: no timeout applies to this user. */
  timeoutSeconds: number | null;
  source: "group-bundle" | "organization" | "hipaa" | "none";
  bundlePriority: number | null;
  groupId: string | null;
  hipaaCapped: boolean;
}

/** `tracker.explain()`: the resolution and a sentence; `source: "fallback"` until the settings load. */
export interface Explanation extends Omit<Resolution, "source"> {
  source: Resolution["source"] | "fallback";
  message: string;
  /** The active holds of the session (this tab's and the other tabs'): no logout while any lasts. */
  holds: { label: string; sinceMs: number }[];
}

/** Why a hold ended: `release()`, its `maxHoldSeconds`, or its tab went away. */
export type HoldEndReason = "released" | "expired" | "tab-gone";

/** Why the user was signed out. */
export type LogoutReason = "idle" | "slept" | "server-revoked" | "other-tab" | "host-request" | "user";

/** One request seen by the tracker, or a hold's begin or end (`outcome` `"hold-began"`/`"hold-ended"`: `method` and `url` are empty). */
export interface LedgerEntry {
  atMs: number;
  method: string;
  /** The URL as the app gave it, without query or fragment (they often carry tokens). */
  url: string;
  /** The normalized API path; `null` when not an API call. */
  path: string | null;
  outcome: "counted" | "excluded" | "not-api" | "hold-began" | "hold-ended";
  excludedBy: string | null;
  /** Hold entries: the hold's label. */
  label?: string;
  /** Hold entries: why it ended (`null` when it began). */
  reason?: HoldEndReason | null;
  /** Hold entries: whether it is another tab's hold. */
  otherTab?: boolean;
}

export interface TrackerOptions {
  /** The login page an idle user is sent to; the tracker appends `state` (the page to return to). */
  loginUrl: string;
  /** The settings; fetched from the platform API when absent. */
  policy?: Policy;
  /** The signed-in user; fetched from `users/me?expand=groups` when absent. */
  user?: { id: string; groups?: string[] };
  /** The bearer token for the tracker's own calls; tabs holding the same token share one idle timer. */
  accessToken?: () => string;
  /** URL prefixes of the platform API; default: same origin, paths under `/api/`. */
  apiBases?: string[];
  /** The warning before logout, in seconds; default 60; 0 turns it off. */
  warningSeconds?: number;
  onWarning?: (remainingMs: number) => void;
  onWarningCleared?: () => void;
  onLogout?: (reason: LogoutReason) => void;
  onActivity?: (entry: LedgerEntry) => void;
  /** Awaited (at most `beforeLogoutTimeoutMs`, default 3000) before the logout calls. */
  beforeLogout?: (reason: LogoutReason) => void | Promise<unknown>;
  beforeLogoutTimeoutMs?: number;
  /** Called after the token is revoked: forget it. */
  clearTokens?: (reason: LogoutReason) => void | Promise<unknown>;
  /** Inside an iframe: the parent origins allowed to receive events and send logout requests. */
  embed?: { parentOrigins: string[] };
  /** How many requests `activityLog()` keeps; default 100. */
  ledgerSize?: number;
  /** The bound on each of the tracker's own HTTP calls; default 5000 ms. */
  requestTimeoutMs?: number;
  /** How long a hold lasts at most, in whole seconds (60–28800); default 14400 (4 hours). */
  maxHoldSeconds?: number;
}

/** An active hold: `release()` ends it (idempotent); `using h = tracker.hold("call")` releases at the end of the block. */
export interface Hold {
  release(): void;
  [Symbol.dispose](): void;
}

/** How this tab shares the session with the other tabs of the same client and user. */
export interface TabsInfo {
  tabId: string;
  /** `null` while the user id is not known yet. */
  transport: "broadcast-channel" | "storage-events" | "none" | null;
  /** Whether the shared last activity and logout record in `localStorage` are usable. */
  sharedStorage: boolean;
}

/** The inactivity tracker of one page. Start it once with {@link InactivityTracker.start}. */
export class InactivityTracker {
  private constructor();
  /** Starts tracking. Throws a `TypeError`/`RangeError` naming the option to fix; nothing starts then. */
  static start(options: TrackerOptions): InactivityTracker;
  /** Removes the interception (or leaves a pass-through), the timer and the listeners. Idempotent. */
  stop(): void;
  /** Milliseconds until the idle logout, `null` when no timeout applies. */
  remainingMs(): number | null;
  /** Which rule set the timeout, and the active holds. */
  explain(): Explanation;
  /** The last requests seen, and the holds' begins and ends, oldest first. */
  activityLog(): LedgerEntry[];
  /** Holds the session during an interaction (a call): no warning, no idle logout in any tab until `release()`. */
  hold(label: string): Hold;
  /** Counts as activity and makes a call the server counts too; resolves to `true` on 2xx. */
  staySignedIn(): Promise<boolean>;
  /** The user's own sign-out: the idle logout's sequence with reason `"user"`; the page is saved to come back to only with `returnToPage`. */
  signOut(options?: { returnToPage?: boolean }): void;
  /** How this tab shares the session with the others. */
  tabs(): TabsInfo | null;
  /** Makes the tracker fail, to test the fail-closed fallback; throws the error. */
  simulateFailure(): never;
}

/** On the login's return page: back to the saved page; `false` when there is none. */
export function resumeAfterLogin(): boolean;
/** Whether `state` is the one this tab's tracker or `redirectToLogin` issued. Changes nothing. */
export function isLoginState(state: string): boolean;
/** Goes to the login page now, saving this page to come back to. */
export function redirectToLogin(loginUrl: string): void;

export type InitInput = RequestInfo | URL | Response | BufferSource | WebAssembly.Module;
/** Loads the wasm (once). The interception is installed at import, before this resolves. */
export default function init(
  moduleOrPath?: { module_or_path: InitInput | Promise<InitInput> } | InitInput | Promise<InitInput>,
): Promise<unknown>;
/** Loads the wasm synchronously from its bytes or a compiled module. */
export function initSync(module: { module: BufferSource | WebAssembly.Module } | BufferSource | WebAssembly.Module): unknown;
