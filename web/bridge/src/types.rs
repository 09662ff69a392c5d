//! The TypeScript types of the policy in the platform's own JSON and of the resolution of a
//! user's timeout, for the admin entry's `.d.ts`: written once, in the main entry's hand-written
//! `inactivity_timeout.d.ts` (`web/client/js/index.d.ts`), and taken from there.

use wasm_bindgen::prelude::*;

#[wasm_bindgen(typescript_custom_section)]
const TYPES: &'static str = r#"
import type { IdleTokenTimeout, InactivityTimeoutGroupBundle, Policy, Resolution } from "../inactivity_timeout.js";
export type { IdleTokenTimeout, InactivityTimeoutGroupBundle, Policy, Resolution };
"#;
