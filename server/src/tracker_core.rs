//! The tracker's pure core, as the server uses it. This is the one module that names the core's
//! crate: everything else in the server imports the core through here, so the same resolution,
//! exclusion matcher and idle machine decide enforcement and the preview, and a move of the core
//! changes these lines only.

pub use inactivity_core::exclusions::Exclusions;
pub use inactivity_core::idle::{IdleConfig, IdleMachine};
pub use inactivity_core::json::Value as PolicyJson;
pub use inactivity_core::policy::{self, Policy, Resolution};
pub use inactivity_core::url::normalize_api_path;
