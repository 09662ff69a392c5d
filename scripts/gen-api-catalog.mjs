#!/usr/bin/env node
// Generates api-catalog.json: the platform's public API path templates, for the admin page's
// exclusion autocomplete and for the matcher benchmarks (docs/rules.md §4).
//
// The paths are facts taken from the platform's public JavaScript SDK, the npm package
// `purecloud-platform-client-v2`: every '/api/v2/...' string literal in its sources (each API
// method names its path template, e.g. '/api/v2/users/{userId}/presences/{sourceId}').
// They are deduplicated (also when they differ only in a parameter's name), sorted, and written
// without the leading slash, as exclusion entries are written: ["api/v2/users/{userId}", ...].
// Internal APIs that the SDK does not expose (e.g. api/v2/featuretoggles, one of the default
// exclusions) are not in it: the admin page shows the defaults as toggles of their own.
//
// The SDK is NOT a dependency of this repository. To re-run, install it somewhere else:
//
//   mkdir -p /tmp/cat && cd /tmp/cat && npm install purecloud-platform-client-v2
//   cd -   # back to the repository root
//   node scripts/gen-api-catalog.mjs /tmp/cat/node_modules/purecloud-platform-client-v2
//
// The output path defaults to api-catalog.json at the repository root; a second argument
// overrides it. The script fails (exit 1) when it finds fewer than 2000 paths or a path that is
// not a valid exclusion template, so a changed SDK layout cannot silently produce a bad catalog.

import { readFileSync, readdirSync, statSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const [sdkDir, outArg] = process.argv.slice(2);
if (!sdkDir) {
  console.error("usage: node scripts/gen-api-catalog.mjs <path to node_modules/purecloud-platform-client-v2> [output.json]");
  process.exit(2);
}
const out = resolve(outArg ?? join(here, "..", "api-catalog.json"));

const pkg = JSON.parse(readFileSync(join(sdkDir, "package.json"), "utf8"));
if (pkg.name !== "purecloud-platform-client-v2") {
  console.error(`${sdkDir} is ${pkg.name}, not purecloud-platform-client-v2`);
  process.exit(1);
}

/** Every .js file under dir. */
function* jsFiles(dir) {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) yield* jsFiles(path);
    else if (name.endsWith(".js")) yield path;
  }
}

const literal = /'(\/api\/v2\/[^'\s]*)'/g;
const paths = new Set();
for (const file of jsFiles(join(sdkDir, "src"))) {
  for (const [, path] of readFileSync(file, "utf8").matchAll(literal)) {
    paths.add(path.replace(/^\/+/, "").replace(/\/+$/, ""));
  }
}

// The same syntax rules as the exclusion entries (src/exclusions/entry.rs): no query, fragment,
// wildcard, dot segment or whitespace; `{name}` only as a whole segment.
const invalid = [...paths].filter(
  (p) =>
    /[?#*\s]/.test(p) ||
    p.split("/").some((s) => s === "" || s === "." || s === ".." || (/[{}]/.test(s) && !/^\{[^{}]+\}$/.test(s))),
);
if (invalid.length > 0) {
  console.error(`not valid path templates:\n  ${invalid.join("\n  ")}`);
  process.exit(1);
}
if (paths.size < 2000) {
  console.error(`only ${paths.size} paths found: has the SDK's layout changed?`);
  process.exit(1);
}

// Some templates differ only in a parameter's name (one HTTP method says {messageId}, another
// {messageIds}). They are the same API path — and the same exclusion entry, which validation
// would reject as a duplicate — so keep the first in sort order.
const sorted = [...paths].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
const shapes = new Set();
const catalog = sorted.filter((p) => {
  const shape = p.toLowerCase().replace(/\{[^{}]+\}/g, "{}");
  if (shapes.has(shape)) return false;
  shapes.add(shape);
  return true;
});
if (catalog.length < 2000) {
  console.error(`only ${catalog.length} distinct paths found: has the SDK's layout changed?`);
  process.exit(1);
}
writeFileSync(out, `[\n${catalog.map((p) => `  ${JSON.stringify(p)}`).join(",\n")}\n]\n`);
console.log(
  `${catalog.length} API paths (${sorted.length - catalog.length} same-shape variants dropped) from ${pkg.name}@${pkg.version} -> ${out}`,
);
