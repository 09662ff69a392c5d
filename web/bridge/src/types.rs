//! The TypeScript types both entries share: the policy in the platform's own JSON and the
//! resolution of a user's timeout. wasm-bindgen puts them in each entry's `.d.ts`.

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

/** The effective timeout of a user, and why. */
export interface Resolution {
  /** `null`: no timeout applies to this user. */
  timeoutSeconds: number | null;
  source: "group-bundle" | "organization" | "hipaa" | "none";
  bundlePriority: number | null;
  groupId: string | null;
  hipaaCapped: boolean;
}

"#;
