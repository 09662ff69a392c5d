// Every scenario of the differential suite. Imported by the page (to run one) and by node (for
// the names and the metadata): nothing here touches a browser global at import time.
//
// A scenario: { name, run(ctx), head?, base?, unload?, awaitServer?, counts? }
//   head         classic scripts the page runs before the package is imported ("zone", "capture-fetch")
//   base         the page's <base href>
//   unload       the runner navigates away after run() and waits for `awaitServer(records, report)`
//   counts       what the tracker must count: { counted: { "/path": n }, excluded: { "/path": n } }.
//                Without it: each API request the server received counts exactly once (excluded
//                ones never), and nothing else counts.
import { fetchScenarios } from "./fetch.mjs";
import { xhrScenarios } from "./xhr.mjs";
import { clientScenarios } from "./clients.mjs";
import { installScenarios } from "./install.mjs";

/** The exclusion entries of the tracker's policy: some scenario paths are excluded. */
export const EXCLUSIONS = ["api/v2/featuretoggles", "api/v2/diff/excluded/{id}"];

/** The tracker's policy in the "on" runs: the platform's own JSON. */
export const POLICY = {
  idleTokenTimeout: {
    enableIdleTokenTimeout: true,
    idleTokenTimeoutSeconds: 1800,
    inactivityTimeoutUnit: "Minutes",
    inactivityTimeoutGroupsEnabled: false,
    inactivityTimeoutGroupBundles: [],
  },
  authSettings: { inactivityTimeoutExclusions: EXCLUSIONS },
  hipaa: false,
};

export const scenarios = [...fetchScenarios, ...xhrScenarios, ...clientScenarios, ...installScenarios];
