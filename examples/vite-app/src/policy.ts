// The admin entry (`inactivity-timeout/admin`), typed: what an admin page or a tool loads to
// check settings before saving them. Its own wasm module: web clients never download it.
import initAdmin, {
  classifyRequest,
  resolveTimeout,
  validatePolicy,
  type Classification,
  type Policy,
  type Resolution,
  type ValidationResult,
} from "inactivity-timeout/admin";

await initAdmin();
// The pure functions: the same Rust code the tracker and the server use.
const sample: Policy = {
  idleTokenTimeout: {
    enableIdleTokenTimeout: true,
    idleTokenTimeoutSeconds: 1800,
    inactivityTimeoutUnit: "Minutes",
    inactivityTimeoutGroupsEnabled: true,
    inactivityTimeoutGroupBundles: [
      { priority: 1, timeoutSeconds: 600, inactivityTimeoutUnit: "Minutes", groups: ["g1"] },
    ],
  },
  authSettings: { inactivityTimeoutExclusions: ["api/v2/diagnostics/trace"] },
  hipaa: false,
};
const validation: ValidationResult = validatePolicy(sample);
const resolution: Resolution = resolveTimeout(sample, ["g1"]);
const classification: Classification = classifyRequest(sample, "/api/v2/diagnostics/trace");
const broken: ValidationResult = validatePolicy({ idleTokenTimeout: { enableIdleTokenTimeout: true, idleTokenTimeoutSeconds: 60 } });
const out = document.getElementById("validation") as HTMLElement;
out.textContent =
  `sample policy valid: ${validation.valid}; bundle timeout ${resolution.timeoutSeconds} s; ` +
  `diagnostics counted: ${classification.activity}; ` +
  `60 s: ${broken.errors.map((e) => `${e.path}: ${e.message}`).join("; ")}`;
document.body.dataset.ready = "true";
