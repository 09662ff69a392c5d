// Bundle size. Each entry point of the package as built into pkg/ — what importing it loads: the
// entry JS, every module it imports and the wasm it fetches (scripts/client-size.mjs walks them;
// source maps are never loaded, so never counted) — raw and compressed, next to the published
// bundles of react-idle-timer and @ng-idle/core measured the same way (the ES-module entry a
// bundler takes, as published; their peer dependencies — React, Angular, RxJS — not counted).
// Then what an app pays: a minimal Vite app built with and without the package. And, when twiggy
// is installed, where the client wasm's bytes go: the same cargo output re-optimized with its
// names kept (wasm-opt -g), grouped by crate and module, with the largest items.
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, statSync, symlinkSync, writeFileSync } from "node:fs";
import { homedir, tmpdir } from "node:os";
import { basename, join, relative } from "node:path";
import { brotliCompressSync, constants, gzipSync } from "node:zlib";
import { entryFiles, entrySizes } from "../scripts/client-size.mjs";

export const COMPETITORS = [
  { name: "react-idle-timer", version: "5.7.3", files: ["dist/index.esm.mjs"] },
  { name: "@ng-idle/core", version: "16.0.0", files: ["fesm2022/ng-idle-core.mjs"] },
];

/** The budget for what every web client loads (the main entry, gzip -9, all files summed). */
export const CLIENT_BUDGET_GZIP = 40 * 1024;

/** The package's entry points, as package.json `exports` names them, and how the report calls them. */
export const ENTRIES = [
  { key: ".", name: "inactivity-timeout", role: "what every web client loads" },
  { key: "./admin", name: "inactivity-timeout/admin", role: "the admin page only" },
  { key: "./host", name: "inactivity-timeout/host", role: "the page that embeds a client in an iframe" },
  // The framework adapters: what each adds to an app that already loads the main entry and the
  // framework (both stay imports of the adapter's one module). Target: at most 1 KB gzipped.
  { key: "./react", name: "inactivity-timeout/react", role: "added to a React app that uses the package (target ≤ 1,024 B gzipped)" },
  { key: "./angular", name: "inactivity-timeout/angular", role: "added to an Angular app that uses the package (target ≤ 1,024 B gzipped)" },
];

/** The adapter entries' files (their relative imports; the package and the framework are the app's). */
function adapterEntry(pkgDir, key) {
  const target = JSON.parse(readFileSync(join(pkgDir, "package.json"), "utf8")).exports[key]?.default;
  return target ? { files: entryFiles(pkgDir, target) } : null;
}

function measure(buf) {
  return {
    raw: buf.length,
    gzip: gzipSync(buf, { level: 9 }).length,
    brotli: brotliCompressSync(buf, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }).length,
  };
}

function sum(files) {
  const total = { raw: 0, gzip: 0, brotli: 0 };
  for (const f of files) for (const k of Object.keys(total)) total[k] += f[k];
  return total;
}

function* walk(dir) {
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) yield* walk(p);
    else yield p;
  }
}

/**
 * Every entry point of the package in `pkgDir`: the files importing it loads (entry JS, imported
 * modules, wasm), each raw, gzip -9 and brotli 11, and their sums. An entry the package does not
 * have (an older build) is left out.
 */
export function packageSize(pkgDir) {
  const sizes = entrySizes(pkgDir);
  const entries = [];
  for (const e of ENTRIES) {
    const adapter = !sizes[e.key];
    const s = sizes[e.key] ?? adapterEntry(pkgDir, e.key);
    if (!s) continue;
    const files = s.files
      .filter((f) => !f.file.endsWith(".map"))
      .map((f) => {
        let buf = readFileSync(join(pkgDir, f.file));
        // An adapter imports its framework by a bare name, so it only ever reaches a browser
        // through the app's bundler, which drops the source-map comment (and makes its own).
        if (adapter) buf = Buffer.from(buf.toString("utf8").replace(/\n\/\/# sourceMappingURL=\S+\s*$/, "\n"));
        return { file: f.file, ...measure(buf) };
      });
    entries.push({ ...e, files, total: sum(files) });
  }
  if (!entries.length) throw new Error(`${pkgDir}: no entry point in package.json exports`);
  return { entries };
}

/** Installs the competitors (pinned) into a cache directory outside the repository, once. */
export function competitorSizes({ log = () => {} } = {}) {
  const dir = join(tmpdir(), "inactivity-timeout-bench-competitors");
  const missing = COMPETITORS.filter((c) => !existsSync(join(dir, "node_modules", c.name, c.files[0])));
  if (missing.length) {
    mkdirSync(dir, { recursive: true });
    log(`size: npm install ${missing.map((c) => `${c.name}@${c.version}`).join(" ")} into ${dir}`);
    execFileSync(
      "npm",
      ["install", "--no-save", "--no-package-lock", "--legacy-peer-deps", "--ignore-scripts", "--no-audit", "--no-fund",
        ...COMPETITORS.map((c) => `${c.name}@${c.version}`)],
      { cwd: dir, stdio: ["ignore", "ignore", "inherit"] },
    );
  }
  return COMPETITORS.map((c) => {
    const base = join(dir, "node_modules", c.name);
    const version = JSON.parse(readFileSync(join(base, "package.json"), "utf8")).version;
    const files = c.files.map((f) => ({ file: f, ...measure(readFileSync(join(base, f))) }));
    return { name: c.name, version, files, total: sum(files) };
  });
}

/** The minimal app: the quick start's calls, a policy given so that it makes no request. */
const APP_WITH = `import init, { InactivityTracker } from "inactivity-timeout";

await init();
window.tracker = InactivityTracker.start({
  policy: {
    idleTokenTimeout: { enableIdleTokenTimeout: true, idleTokenTimeoutSeconds: 1800 },
    authSettings: { inactivityTimeoutExclusions: ["api/v2/users/me"] },
  },
  user: { id: "b0000000-0000-4000-8000-000000000001", groups: [] },
  loginUrl: "/login",
});
document.body.dataset.ready = "true";
`;
const APP_WITHOUT = `document.body.dataset.ready = "true";
`;
const APP_HTML = `<!doctype html>
<html lang="en"><meta charset="utf-8"><title>app</title>
<body><script type="module" src="./main.js"></script></body>
</html>
`;

/**
 * What an app pays: a minimal app built by Vite for production (its defaults: minified, hashed
 * assets) once importing `inactivity-timeout` (init() and InactivityTracker.start) and once
 * without it; the package resolved from node_modules through package.json `exports`, as after
 * `npm install`. Returns both builds' JS and wasm files (gzip -9 each) and the difference.
 */
export async function viteAppDelta(root, pkgDir, { log = () => {} } = {}) {
  const dir = join(tmpdir(), "inactivity-timeout-bench-vite");
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(join(dir, "node_modules"), { recursive: true });
  symlinkSync(pkgDir, join(dir, "node_modules", "inactivity-timeout"), "dir");
  const vite = await import(join(root, "node_modules/vite/dist/node/index.js"));
  const version = JSON.parse(readFileSync(join(root, "node_modules/vite/package.json"), "utf8")).version;
  const out = { vite: version, builds: {} };
  for (const [name, main] of [["without", APP_WITHOUT], ["with", APP_WITH]]) {
    const app = join(dir, name);
    mkdirSync(app, { recursive: true });
    writeFileSync(join(app, "index.html"), APP_HTML);
    writeFileSync(join(app, "main.js"), main);
    log(`size: vite build, minimal app ${name} the package`);
    await vite.build({
      root: app,
      configFile: false,
      logLevel: "warn",
      base: "./", // relative asset URLs: the benchmark serves the app under a prefix
      build: { outDir: join(app, "dist"), emptyOutDir: true, target: "es2022" },
    });
    const files = [...walk(join(app, "dist"))]
      .filter((p) => /\.(m?js|wasm)$/.test(p))
      .sort()
      .map((p) => ({ file: relative(join(app, "dist"), p), ...measure(readFileSync(p)) }));
    out.builds[name] = { files, total: sum(files) };
  }
  const w = out.builds.with;
  if (!w.files.some((f) => f.file.endsWith(".wasm")) && !w.files.some((f) => f.raw > 20_000)) {
    throw new Error("vite app: the build with the package has no wasm and no large JS: did the import resolve?");
  }
  out.delta = Object.fromEntries(["raw", "gzip", "brotli"].map((k) => [k, w.total[k] - out.builds.without.total[k]]));
  out.appDir = join(dir, "with", "dist");
  return out;
}

/** Groups of functions, by name, for the twiggy breakdown (first match wins). */
const GROUPS = [
  ["float formatting (f64 Display, flt2dec)", /flt2dec|fmt::float|bignum|float_to_decimal|f64 as core\S*::fmt/],
  ["sorting (slice::sort monomorphizations)", /slice::sort/],
  ["allocator (talc, dlmalloc, RawVec)", /talc|dlmalloc|__rdl_|__rust_(alloc|dealloc|realloc)|raw_vec|RawVec/],
  ["hashing and hash maps (hashbrown, core::hash)", /hashbrown|HashMap|RandomState|sip::|core\S*::hash|rustc_hash|FxHash/],
  ["core::fmt machinery", /core\S*::fmt|fmt::Write|Formatter|Arguments|PadAdapter/],
  ["drop glue", /drop_in_place/],
  ["panics and bounds errors", /panic|slice_error|slice_index|unwrap_failed|expect_failed|str_index/],
  ["serde / serde_wasm_bindgen", /serde/],
  ["the Tab: what a tab decides (inactivity_core::tab)", /inactivity_core::tab::/],
  ["the wasm boundary: the Tab's exports and their shims (inactivity_client)", /inactivity_client::|^tab_|^export "tab_|loginTarget|resumeTarget|replacesStored/],
  ["cross-tab sync and messages (inactivity_core::tabs)", /inactivity_core::tabs/],
  ["logout plan (inactivity_core::logout)", /inactivity_core::logout/],
  ["return to the page, sign-in state (inactivity_core::return_to)", /inactivity_core::return_to/],
  ["JSON text reader and tree (inactivity_core::json)", /inactivity_core::json/],
  ["URL parsing (inactivity_core::url)", /inactivity_core::url/],
  ["exclusion matcher (inactivity_core::exclusions, ::classify)", /inactivity_core::(exclusions|classify)/],
  ["settings reader, types and resolution (inactivity_core::policy)", /inactivity_core::policy/],
  ["idle machine, ledger (inactivity_core::idle, ::ledger)", /inactivity_core::(idle|ledger)/],
  ["other core (inactivity_core::text, ::map, ::sort, ::reason)", /inactivity_core::/],
  ["JS boundary (inactivity_bridge)", /inactivity_bridge::/],
  ["wasm-bindgen / js-sys runtime, imports and exports", /wasm_bindgen|js_sys|web_sys|externref|__wbg|closures|futures|once_cell|^import |^export |^elem\[/],
  ["Rust core and alloc (str, iter, vec, string, option)", /^<?(core|alloc)(\[|::)|^<(u8|u16|u32|u64|usize|i32|i64|str|char|T)\b/],
];

const bin = (name) => {
  for (const p of [join(homedir(), ".cargo/bin", name), `/usr/local/bin/${name}`, `/usr/bin/${name}`]) if (existsSync(p)) return p;
  return null;
};

/** The newest cargo output of `crate` for wasm32 (any profile), or null. */
function cargoWasm(root, crate) {
  const base = join(process.env.CARGO_TARGET_DIR ?? join(root, "target"), "wasm32-unknown-unknown");
  if (!existsSync(base)) return null;
  const found = readdirSync(base)
    .map((profile) => join(base, profile, `${crate.replace(/-/g, "_")}.wasm`))
    .filter((p) => existsSync(p))
    .sort((a, b) => statSync(b).mtimeMs - statSync(a).mtimeMs);
  return found[0] ?? null;
}

/** The wasm-opt flags scripts/build.sh uses (so the named build is the published one), with -g. */
function wasmOptFlags(root) {
  const fallback = ["-Os", "--one-caller-inline-max-function-size=20", "--converge", "--strip-producers", "--enable-bulk-memory", "--enable-nontrapping-float-to-int",
    "--enable-sign-ext", "--enable-mutable-globals", "--enable-reference-types", "--enable-multivalue"];
  let flags = [];
  try {
    const script = readFileSync(join(root, "scripts/build.sh"), "utf8").replace(/\\\n/g, " ");
    // The command line that runs wasm-opt (not a test for it): `[path/]wasm-opt -…`.
    const line = script.split("\n").find((l) => /^\s*(\S*\/)?wasm-opt\s+-/.test(l));
    if (line) flags = line.slice(line.indexOf("wasm-opt")).split(/\s+/).filter((t) => /^-{1,2}[A-Za-z]/.test(t) && t !== "-o");
  } catch {}
  if (!flags.length) flags = fallback;
  return [...flags.filter((f) => f !== "--strip-debug" && f !== "-g"), "-g"];
}

/**
 * Where the client wasm's bytes go, with names: wasm-bindgen the cargo output of web/client
 * again, wasm-opt it with the build's flags plus -g (keeps the name section; the code is the same
 * as pkg/'s), and run `twiggy top`. Returns { skipped } when a tool or the cargo output is missing.
 */
export function twiggyBreakdown(root, { log = () => {}, crate = "inactivity-client", pkgWasm = join(root, "pkg/inactivity_timeout_bg.wasm") } = {}) {
  const twiggy = bin("twiggy");
  const bindgen = bin("wasm-bindgen");
  const input = cargoWasm(root, crate);
  if (!twiggy) return { skipped: "twiggy is not installed (cargo install twiggy --locked)" };
  if (!bindgen || !input) return { skipped: `no cargo wasm output of ${crate} (run scripts/build.sh)` };
  const dir = join(tmpdir(), "inactivity-timeout-bench-twiggy");
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const flags = wasmOptFlags(root);
  log(`size: twiggy — ${relative(root, input)}: wasm-bindgen, wasm-opt ${flags.join(" ")}`);
  // The published out-name: the import section names the glue module, so it counts too.
  const outName = basename(pkgWasm).replace(/_bg\.wasm$/, "");
  execFileSync(bindgen, ["--target", "web", "--out-dir", dir, "--out-name", outName, input]);
  const named = join(dir, "named.wasm");
  execFileSync(join(root, "node_modules/.bin/wasm-opt"), [...flags, join(dir, `${outName}_bg.wasm`), "-o", named]);
  const out = JSON.parse(execFileSync(twiggy, ["top", "-n", "100000", "-f", "json", named], { maxBuffer: 64 << 20 }).toString());
  const items = (Array.isArray(out) ? out : out.items).map((i) => ({ name: i.name, bytes: i.shallow_size }));
  const code = items.filter((i) => !/subsection|^custom section/.test(i.name));
  const total = code.reduce((a, i) => a + i.bytes, 0);
  const groups = new Map(GROUPS.map(([label]) => [label, 0]));
  let data = 0;
  let other = 0;
  for (const i of code) {
    if (i.name.startsWith("data segment")) {
      data += i.bytes;
      continue;
    }
    const g = GROUPS.find(([, rx]) => rx.test(i.name));
    if (g) groups.set(g[0], groups.get(g[0]) + i.bytes);
    else other += i.bytes;
  }
  const strip = (n) => n.replace(/\[[0-9a-f]{16}\]/g, "").replace(/::h[0-9a-f]{16}$/, "");
  return {
    crate,
    wasmBytesWithoutNames: total,
    publishedWasmBytes: existsSync(pkgWasm) ? statSync(pkgWasm).size : null,
    groups: [...groups].map(([group, bytes]) => ({ group, bytes })).concat([
      { group: "data segments (strings, tables)", bytes: data },
      { group: "everything else", bytes: other },
    ]).sort((a, b) => b.bytes - a.bytes),
    top: code.sort((a, b) => b.bytes - a.bytes).slice(0, 25).map((i) => ({ name: strip(i.name), bytes: i.bytes })),
  };
}
