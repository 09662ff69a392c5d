// Minifies the published JS of pkg/ in place — the wasm-bindgen glue of each entry and the
// interception shim — and writes a source map beside each file (`<file>.map`, linked from the
// file), so a stack trace through the package still points at readable code.
// Usage: node scripts/minify.mjs <file.js>...
import { readFileSync, writeFileSync } from "node:fs";
import { basename } from "node:path";
import { minifySync } from "rolldown/utils";

for (const file of process.argv.slice(2)) {
  const code = readFileSync(file, "utf8");
  const result = minifySync(file, code, {
    module: true,
    compress: true,
    mangle: { toplevel: true },
    sourcemap: true,
  });
  if (result.errors?.length) {
    throw new Error(`minify ${file}: ${result.errors.map((e) => e.message).join("; ")}`);
  }
  // Bundlers and size tools look for `new URL("….wasm", import.meta.url)` with plain quotes;
  // the minifier writes template literals. Same length, so the source map stays exact.
  // Static imports keep a space after `import`, so simple scanners (size tools) see them too.
  const out = result.code
    .replace(
      /new URL\(`([^`$\\]*)`,import\.meta\.url\)/g,
      (_, path) => `new URL(${JSON.stringify(path)},import.meta.url)`,
    )
    .replace(/(^|[;}\n])import([{*])/g, "$1import $2");
  const map = typeof result.map === "string" ? JSON.parse(result.map) : result.map;
  map.file = basename(file);
  map.sources = [`${basename(file)}.orig`];
  map.sourcesContent = [code];
  writeFileSync(`${file}.map`, JSON.stringify(map));
  writeFileSync(file, `${out.trimEnd()}\n//# sourceMappingURL=${basename(file)}.map\n`);
}
