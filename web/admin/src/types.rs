//! The TypeScript surface of the admin entry, written by hand (the policy types come from
//! `inactivity_bridge::types`).

use wasm_bindgen::prelude::*;

#[wasm_bindgen(typescript_custom_section)]
const TYPES: &'static str = r#"
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

"#;

#[wasm_bindgen]
extern "C" {
    /// `ClassifyOptions` in TypeScript.
    #[wasm_bindgen(typescript_type = "ClassifyOptions")]
    pub type ClassifyOptions;
}
