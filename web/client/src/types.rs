//! The TypeScript surface of the client entry, written by hand: the generated `.d.ts` gets these
//! declarations (and the policy types of `inactivity_bridge::types`), and the exported functions
//! use them instead of `any`.

use wasm_bindgen::prelude::*;

#[wasm_bindgen(typescript_custom_section)]
const TYPES: &'static str = r#"
/** `tracker.explain()`: the resolution and a sentence; `source: "fallback"` until the settings load. */
export interface Explanation extends Omit<Resolution, "source"> {
  source: Resolution["source"] | "fallback";
  message: string;
  /** The active holds of the session (this tab's and the other tabs'): no logout while any lasts. */
  holds: { label: string; sinceMs: number }[];
}

/** Why a hold ended: `release()`, its `maxHoldSeconds`, or its tab went away. */
export type HoldEndReason = "released" | "expired" | "tab-gone";

export type LogoutReason = "idle" | "slept" | "server-revoked" | "other-tab" | "host-request";

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
  /** How long a hold lasts at most, in whole seconds (60–28800); default 14400 (4 hours). */
  maxHoldSeconds?: number;
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
    /// `Promise<boolean>` in TypeScript.
    #[wasm_bindgen(typescript_type = "Promise<boolean>")]
    pub type BoolPromise;
}
