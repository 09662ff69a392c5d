// Item 3: bundle size. The package as built into pkg/ (wasm after wasm-opt, the JS glue, the
// snippets), raw and compressed, next to the published bundles of react-idle-timer and
// @ng-idle/core measured the same way (the ES-module entry a bundler takes, as published; their
// peer dependencies — React, Angular, RxJS — not counted). And, when twiggy is installed, where
// the wasm's bytes go: the same build re-optimized with its names kept (wasm-opt -g), grouped.
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, readdirSync, statSync } from "node:fs";
import { homedir, tmpdir } from "node:os";
import { join, relative } from "node:path";
import { brotliCompressSync, constants, gzipSync } from "node:zlib";

export const COMPETITORS = [
  { name: "react-idle-timer", version: "5.7.3", files: ["dist/index.esm.mjs"] },
  { name: "@ng-idle/core", version: "16.0.0", files: ["fesm2022/ng-idle-core.mjs"] },
];

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
 * The runtime files of pkg/ that a client loads — the .wasm, the JS glue and its snippets — and,
 * apart, any other JS entry point the package ships (e.g. host.js, for the page that embeds a
 * client in an iframe: not loaded by the client).
 */
export function packageSize(root) {
  const dir = join(root, "pkg");
  const all = [...walk(dir)]
    .filter((p) => p.endsWith(".wasm") || p.endsWith(".js"))
    .sort()
    .map((p) => ({ file: relative(dir, p), ...measure(readFileSync(p)) }));
  const client = (f) => f.file.endsWith(".wasm") || f.file === "inactivity_timeout.js" || f.file.startsWith("snippets/");
  const files = all.filter(client);
  const others = all.filter((f) => !client(f));
  return { files, total: sum(files), otherEntryPoints: others };
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

/** Groups of functions, by name, for the twiggy breakdown (first match wins). */
const GROUPS = [
  ["float formatting (f64 Display, flt2dec)", /flt2dec|fmt::float|bignum|float_to_decimal|f64 as core\S*::fmt/],
  ["sorting (stable sort monomorphizations)", /slice::sort/],
  ["allocator (dlmalloc, RawVec)", /dlmalloc|__rdl_|__rust_(alloc|dealloc|realloc)|raw_vec|RawVec/],
  ["HashMap (hashbrown, SipHash)", /hashbrown|HashMap|RandomState|sip::/],
  ["core::fmt machinery", /core\S*::fmt|fmt::Write|Formatter|Arguments/],
  ["drop glue", /drop_in_place/],
  ["panics and bounds errors", /panic|slice_error|slice_index|unwrap_failed|expect_failed|str_index/],
  ["serde / serde_wasm_bindgen", /serde/],
  ["policy validation and messages (core::policy)", /inactivity_timeout::core::policy|validatePolicy|resolveTimeout/],
  ["URL parsing (core::url)", /inactivity_timeout::core::url/],
  ["return-to / OAuth state (core::return_to, web::resume)", /return_to|web::resume|resumeAfterLogin|redirectToLogin/],
  ["tracker and start() (web::tracker, web::options)", /web::tracker|web::options|inactivitytracker_/],
  ["logout plan and HTTP (web::logout, web::http, core::logout)", /web::logout|web::http|core::logout/],
  ["classifyRequest / policy_api", /policy_api|classifyRequest/],
  ["exclusion matcher (core::exclusions, classify)", /core::exclusions|core::classify/],
  ["tabs, leader, embed (web::tabs, web::leader, web::embed, core::tab_sync, core::tabs)", /web::tabs|web::leader|web::embed|core::tab_sync|core::tabs/],
  ["idle machine, ledger, fallback (core::idle, core::ledger, web::fallback, web::timer)", /core::idle|core::ledger|web::fallback|web::timer/],
  ["wasm-bindgen / js-sys runtime", /wasm_bindgen|js_sys|web_sys|externref|__wbg|closures|futures/],
];

/**
 * Where the wasm's bytes go, with names: wasm-bindgen the cargo output again, wasm-opt it with
 * the build's flags plus -g (keeps the name section; the code is the same as pkg/'s), and run
 * `twiggy top`. Returns null (with the reason) when a tool is missing.
 */
export function twiggyBreakdown(root, { log = () => {} } = {}) {
  const bin = (name) => {
    for (const p of [join(homedir(), ".cargo/bin", name), `/usr/local/bin/${name}`, `/usr/bin/${name}`]) if (existsSync(p)) return p;
    return null;
  };
  const twiggy = bin("twiggy");
  const bindgen = bin("wasm-bindgen");
  const input = join(root, "target/wasm32-unknown-unknown/release/inactivity_timeout.wasm");
  if (!twiggy) return { skipped: "twiggy is not installed (cargo install twiggy --locked)" };
  if (!bindgen || !existsSync(input)) return { skipped: "no cargo wasm output (run scripts/build.sh)" };
  const dir = join(tmpdir(), "inactivity-timeout-bench-twiggy");
  mkdirSync(dir, { recursive: true });
  log("size: twiggy — wasm-bindgen, wasm-opt -Oz -g (names kept)");
  execFileSync(bindgen, ["--target", "web", "--out-dir", dir, "--out-name", "t", input]);
  const named = join(dir, "t_named.wasm");
  execFileSync(join(root, "node_modules/.bin/wasm-opt"), [
    "-Oz", "-g", "--strip-producers", "--enable-bulk-memory", "--enable-nontrapping-float-to-int",
    "--enable-sign-ext", "--enable-mutable-globals", "--enable-reference-types", "--enable-multivalue",
    join(dir, "t_bg.wasm"), "-o", named,
  ]);
  const out = JSON.parse(execFileSync(twiggy, ["top", "-n", "100000", "-f", "json", named], { maxBuffer: 64 << 20 }).toString());
  const items = (Array.isArray(out) ? out : out.items).map((i) => ({ name: i.name, bytes: i.shallow_size }));
  const code = items.filter((i) => !/function names|names" subsection/.test(i.name));
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
    wasmBytesWithoutNames: total,
    groups: [...groups].map(([group, bytes]) => ({ group, bytes })).concat([
      { group: "data segments (strings: messages, names, tables)", bytes: data },
      { group: "everything else", bytes: other },
    ]).sort((a, b) => b.bytes - a.bytes),
    top: code.sort((a, b) => b.bytes - a.bytes).slice(0, 25).map((i) => ({ name: strip(i.name), bytes: i.bytes })),
  };
}
