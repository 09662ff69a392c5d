// The page's model ↔ the platform's JSON. No DOM here.
//
// The page edits two platform resources, passed through in their own JSON shapes:
//   GET|PUT   /api/v2/tokens/timeout                       (IdleTokenTimeout)
//   GET|PATCH /api/v2/organizations/authentication/settings ({inactivityTimeoutExclusions})
// Seconds are the truth; the unit only says how the timeout is shown. Fields the page does not
// know are kept (`extra`) and sent back unchanged.

export const MIN_SECONDS = 300; // 5 minutes
export const MAX_SECONDS = 28800; // 8 hours
export const HIPAA_SECONDS = 900; // 15 minutes
export const MAX_BUNDLES = 5;
export const MAX_GROUPS = 25;
export const NEW_BUNDLE_SECONDS = 1800;
export const UNIT_FACTOR = { Minutes: 60, Hours: 3600 };

export const DEFAULT_APIS = [
  { path: "api/v2/featuretoggles", label: "Feature toggles", description: "Feature-flag look-ups the client makes in the background." },
  { path: "api/v2/diagnostics/newrelic/insights", label: "Performance insights", description: "Telemetry the client sends to New Relic." },
  { path: "api/v2/diagnostics/trace", label: "Diagnostic traces", description: "Trace uploads for troubleshooting." },
  { path: "api/v2/integrations/clientapps", label: "Client app integrations", description: "Embedded client apps checking for updates." },
  { path: "api/v2/users/me", label: "Current user", description: "The client's periodic look-up of the signed-in user." },
];

let nextKey = 1;
/** A key for a new bundle, unique on the page (ids and error keys are built from it). */
export const newKey = () => nextKey++;

export const normalizeEntry = (e) => String(e).trim().replace(/^\/+/, "").replace(/\/+$/, "").toLowerCase();
export const isDefault = (entry) => DEFAULT_APIS.some((d) => d.path === normalizeEntry(entry));
const unitOf = (u) => (u === "Hours" ? "Hours" : "Minutes");

/** The model of the settings as the server sent them. */
export function toModel(timeout, settings) {
  const {
    enableIdleTokenTimeout,
    idleTokenTimeoutSeconds,
    inactivityTimeoutUnit,
    inactivityTimeoutGroupsEnabled,
    inactivityTimeoutGroupBundles,
    ...extra
  } = timeout || {};
  const bundles = Array.isArray(inactivityTimeoutGroupBundles) ? [...inactivityTimeoutGroupBundles] : [];
  bundles.sort((a, b) => (a?.priority ?? 0) - (b?.priority ?? 0));
  return {
    extra,
    enabled: Boolean(enableIdleTokenTimeout),
    seconds: typeof idleTokenTimeoutSeconds === "number" ? idleTokenTimeoutSeconds : NEW_BUNDLE_SECONDS,
    unit: unitOf(inactivityTimeoutUnit),
    groupsEnabled: Boolean(inactivityTimeoutGroupsEnabled),
    bundles: bundles.map((b) => {
      const { priority, timeoutSeconds, inactivityTimeoutUnit: unit, groups: g, ...rest } = b || {};
      return {
        key: newKey(),
        extra: rest,
        seconds: typeof timeoutSeconds === "number" ? timeoutSeconds : NEW_BUNDLE_SECONDS,
        unit: unitOf(unit),
        groups: Array.isArray(g) ? [...g] : [],
      };
    }),
    exclusions: Array.isArray(settings?.inactivityTimeoutExclusions) ? [...settings.inactivityTimeoutExclusions] : [],
  };
}

/** `PUT /api/v2/tokens/timeout`'s body: the IdleTokenTimeout, priorities from the bundles' order. */
export function timeoutBody(m) {
  return {
    ...m.extra,
    enableIdleTokenTimeout: m.enabled,
    idleTokenTimeoutSeconds: m.seconds,
    inactivityTimeoutUnit: m.unit,
    inactivityTimeoutGroupsEnabled: m.groupsEnabled,
    inactivityTimeoutGroupBundles: m.bundles.map((b, i) => ({
      ...b.extra,
      priority: i + 1,
      timeoutSeconds: b.seconds,
      inactivityTimeoutUnit: b.unit,
      groups: [...b.groups],
    })),
  };
}

/** `PATCH /api/v2/organizations/authentication/settings`'s body. */
export const settingsBody = (m) => ({ inactivityTimeoutExclusions: [...m.exclusions] });
/** The policy validatePolicy checks: `{ idleTokenTimeout, authSettings, hipaa }`. */
export const policyOf = (m, hipaa) => ({ idleTokenTimeout: timeoutBody(m), authSettings: settingsBody(m), hipaa });
/** `POST /api/v2/inactivity/preview`'s body: the draft (HIPAA is the organization's). */
export const previewBody = (m, windowHours) => ({
  idleTokenTimeout: timeoutBody(m),
  inactivityTimeoutExclusions: [...m.exclusions],
  windowHours,
});
/** A string that changes exactly when what Save would send changes. */
export const snapshot = (m) => JSON.stringify([timeoutBody(m), settingsBody(m)]);

/** Seconds shown in a unit: whole numbers plain, fractions to at most four places. */
export function formatValue(seconds, unit) {
  if (typeof seconds !== "number" || !Number.isFinite(seconds)) return "";
  const v = seconds / UNIT_FACTOR[unit];
  return Number.isInteger(v) ? String(v) : String(Number(v.toFixed(4)));
}
