//! The TypeScript surface, written by hand (STYLE #7): the generated `.d.ts` gets these
//! declarations, and the exported functions use them instead of `any`.

use wasm_bindgen::prelude::*;

#[wasm_bindgen(typescript_custom_section)]
const TYPES: &'static str = r#"
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

/** One failed rule: the JSON path of the field, a stable code, and what to change. */
export interface PolicyError {
  path: string;
  code: string;
  message: string;
}

export interface ValidationResult {
  valid: boolean;
  errors: PolicyError[];
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
}

export interface Classification {
  /** Counts as activity: an API call that is not excluded. */
  activity: boolean;
  /** The exclusion entry that matched, as the admin wrote it. */
  excludedBy: string | null;
  /** The normalized API path (no leading `/`); `null` when not an API call. */
  path: string | null;
}

export interface ClassifyOptions {
  /** What relative URLs resolve against; default `document.baseURI`. */
  base?: string;
  /** URL prefixes of the platform API; default: same origin, paths under `/api/`. */
  apiBases?: string[];
}

export type LogoutReason = "idle" | "slept" | "server-revoked" | "other-tab" | "host-request";

/** One request seen by the tracker. */
export interface LedgerEntry {
  atMs: number;
  method: string;
  /** The URL as the app gave it, without query or fragment (they often carry tokens). */
  url: string;
  /** The normalized API path; `null` when not an API call. */
  path: string | null;
  outcome: "counted" | "excluded" | "not-api";
  excludedBy: string | null;
}

export interface TrackerOptions {
  /** The login page an idle user is sent to; the tracker appends `state` (the page to return to). */
  loginUrl: string;
  /** The settings; fetched from the platform API when absent. */
  policy?: Policy;
  /** The signed-in user; fetched from `users/me?expand=groups` when absent. */
  user?: { id: string; groups?: string[] };
  /** The bearer token for the tracker's own calls. */
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
}
"#;

#[wasm_bindgen]
extern "C" {
    /// `TrackerOptions` in TypeScript.
    #[wasm_bindgen(typescript_type = "TrackerOptions")]
    pub type TrackerOptions;
    /// `Explanation` in TypeScript.
    #[wasm_bindgen(typescript_type = "Explanation")]
    pub type Explanation;
    /// `LedgerEntry[]` in TypeScript.
    #[wasm_bindgen(typescript_type = "LedgerEntry[]")]
    pub type LedgerEntries;
    /// `ClassifyOptions` in TypeScript.
    #[wasm_bindgen(typescript_type = "ClassifyOptions")]
    pub type ClassifyOptions;
    /// `Promise<boolean>` in TypeScript.
    #[wasm_bindgen(typescript_type = "Promise<boolean>")]
    pub type BoolPromise;
}
