// What a web client loads from the package's main entry: the entry JS, every module it imports
// (transitively) and the wasm it loads, each gzip -9 as published — the number the 25 KB budget is
// about. Also the admin entry apart. Usage: node scripts/client-size.mjs [pkg-dir]
import { readFileSync, existsSync } from "node:fs";
import { dirname, join, normalize, relative } from "node:path";
import { gzipSync } from "node:zlib";

/** The files an entry loads: its JS, the modules it imports, and the .wasm files they name. */
export function entryFiles(pkgDir, entry) {
  const seen = new Set();
  const visit = (file) => {
    file = normalize(file);
    if (seen.has(file) || !existsSync(file)) return;
    seen.add(file);
    if (!file.endsWith(".js")) return;
    const text = readFileSync(file, "utf8");
    const dir = dirname(file);
    for (const m of text.matchAll(/(?:import|export)\s*(?:[^'"]*?from\s*)?['"](\.{1,2}\/[^'"]+)['"]/g)) visit(join(dir, m[1]));
    for (const m of text.matchAll(/['"]([^'"\s]+\.wasm)['"]/g)) visit(join(dir, m[1]));
  };
  visit(join(pkgDir, entry));
  return [...seen].map((file) => ({
    file: relative(pkgDir, file),
    raw: readFileSync(file).length,
    gzip: gzipSync(readFileSync(file), { level: 9 }).length,
  }));
}

/** The entry points as package.json's `exports` names them. */
export function entrySizes(pkgDir) {
  const manifest = JSON.parse(readFileSync(join(pkgDir, "package.json"), "utf8"));
  const pick = (e) => (typeof e === "string" ? e : e && (e.import || e.default));
  const out = {};
  for (const name of [".", "./admin", "./host"]) {
    const target = pick(manifest.exports[name]);
    if (!target) continue;
    const files = entryFiles(pkgDir, target);
    out[name] = { files, gzip: files.reduce((n, f) => n + f.gzip, 0), raw: files.reduce((n, f) => n + f.raw, 0) };
  }
  return out;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const pkgDir = process.argv[2] ?? "pkg";
  const sizes = entrySizes(pkgDir);
  for (const [name, s] of Object.entries(sizes)) {
    const label = name === "." ? "inactivity-timeout" : `inactivity-timeout${name.slice(1)}`;
    const parts = s.files.map((f) => `${f.file} ${f.gzip}`).join(", ");
    console.log(`build: ${label}: ${s.gzip} B gzipped (${parts})`);
  }
}
