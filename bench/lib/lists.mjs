// The exclusion lists of the benchmarks: the five defaults, then entries spread evenly over the
// API catalog (api-catalog.json), up to the whole catalog.
import { readFileSync } from "node:fs";
import { join } from "node:path";

export const DEFAULTS = [
  "api/v2/featuretoggles",
  "api/v2/diagnostics/newrelic/insights",
  "api/v2/diagnostics/trace",
  "api/v2/integrations/clientapps",
  "api/v2/users/me",
];

/** Whether template `t` (with `{param}` segments) matches the concrete `path`. */
export function templateMatches(t, path) {
  const a = t.split("/").filter(Boolean);
  const b = path.split("/").filter(Boolean);
  return a.length === b.length && a.every((s, i) => s.startsWith("{") || s.toLowerCase() === b[i].toLowerCase());
}

export function loadCatalog(root) {
  const catalog = JSON.parse(readFileSync(join(root, "api-catalog.json"), "utf8"));
  if (!Array.isArray(catalog) || catalog.length < 2000) {
    throw new Error(`api-catalog.json has ${catalog.length} entries; expected > 2000 (see scripts/gen-api-catalog.mjs)`);
  }
  return catalog;
}

/**
 * Lists of `sizes` entries (a size of "full" is the whole catalog plus the defaults), never
 * containing a template that matches one of `avoid` (the benchmark's counted URLs must stay
 * counted).
 */
export function exclusionLists(catalog, sizes, avoid) {
  const pool = catalog.filter((t) => !DEFAULTS.includes(t) && !avoid.some((p) => templateMatches(t, p)));
  const lists = {};
  for (const size of sizes) {
    const n = size === "full" ? pool.length : size - DEFAULTS.length;
    const picked = [];
    for (let k = 0; k < n; k++) picked.push(pool[Math.floor((k * pool.length) / n)]);
    lists[size === "full" ? `full (${DEFAULTS.length + n})` : String(size)] = [...DEFAULTS, ...picked];
  }
  return lists;
}
