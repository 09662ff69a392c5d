// Bundles the client entry into one minified ES module with a source map: the driver, the
// interception shim, the options reader and the wasm-bindgen glue (`core.js`), from the
// directory the build prepared. One file: every web client downloads it, and one gzip stream
// compresses better than four. The wasm stays beside it (`inactivity_timeout_bg.wasm`, found by
// `new URL(…, import.meta.url)`).
// Usage: node scripts/bundle-client.mjs <src-dir> <out-file>
import { rolldown } from "rolldown";
import { readFileSync, writeFileSync } from "node:fs";
import { basename } from "node:path";

const [srcDir, outFile] = process.argv.slice(2);
const bundle = await rolldown({ input: `${srcDir}/index.js`, treeshake: true, logLevel: "warn" });
await bundle.write({ file: outFile, format: "es", minify: true, sourcemap: true });
await bundle.close();
// Bundlers and size tools look for `new URL("….wasm", import.meta.url)` with plain quotes; the
// minifier may write template literals (same length: the source map stays exact).
const code = readFileSync(outFile, "utf8").replace(
  /new URL\(`([^`$\\]*)`,import\.meta\.url\)/g,
  (_, path) => `new URL(${JSON.stringify(path)},import.meta.url)`,
);
writeFileSync(outFile, code);
console.log(`bundle: ${basename(outFile)} ${code.length} B`);
