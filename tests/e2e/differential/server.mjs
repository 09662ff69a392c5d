// The differential suite's own test server: a plain node:http server on 127.0.0.1 that serves
// the scenario pages, the browser half of the suite, the built package (pkg/, and a second copy
// of it under /pkg2/), the npm clients' browser bundles, and a small API whose answers are
// deterministic (no Date header, no time in bodies). It records exactly what it received for
// each run: method, path, the headers that matter, the body bytes.
//
// Runs are attributed by `server.run = id` (the runner runs one page at a time) and checked
// against the page's run id in the Referer, so a late request of an earlier page shows up as an
// error instead of silently counting for the next one.
import { createServer } from "node:http";
import { readFile, stat } from "node:fs/promises";
import { extname, join, normalize, resolve, sep } from "node:path";
import { root } from "../harness.mjs";

const here = resolve(root, "tests/e2e/differential");

const TYPES = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".mjs": "text/javascript; charset=utf-8",
  ".cjs": "text/javascript; charset=utf-8",
  ".json": "application/json",
  ".wasm": "application/wasm",
  ".txt": "text/plain; charset=utf-8",
};

/** Static trees: URL prefix → directory. Only these are served. */
const TREES = [
  ["/diff/lib/", join(here, "browser")],
  ["/pkg/", join(root, "pkg")],
  ["/pkg2/", join(root, "pkg")], // the package loaded twice: a second, separate module graph
  ...["axios", "ky", "superagent", "ofetch", "destr", "ufo", "whatwg-fetch", "zone.js"].map((p) => [
    `/node_modules/${p}/`,
    join(root, "node_modules", p),
  ]),
];

/**
 * What an echo shows of a body and its content type: a multipart boundary written as BOUNDARY.
 * Boundaries are random and each engine draws its own (Firefox's vary in length from one request
 * to the next): with them in it, the echo's own length would differ between two runs.
 */
function withoutBoundary(body, contentType) {
  const boundary = /boundary=([^;\s]+)/.exec(contentType ?? "")?.[1];
  if (!boundary) return { body, contentType };
  return {
    body: Buffer.from(body.toString("latin1").split(boundary).join("BOUNDARY"), "latin1"),
    contentType: contentType.split(boundary).join("BOUNDARY"),
  };
}

/** Request headers compared between the two runs (the rest are the browser's own business). */
const HEADERS_THAT_MATTER = [
  "content-type",
  "content-length",
  "transfer-encoding",
  "accept",
  "authorization",
  "cache-control",
  "pragma",
  "origin",
  "sec-fetch-mode",
  "sec-fetch-dest",
  "sec-fetch-site",
  "x-requested-with",
  "if-none-match",
  "range",
];

/** A tiny valid wasm module: (func (export "answer") (result i32) i32.const 42). */
export const ANSWER_WASM = Uint8Array.from([
  0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, 0x01, 0x05, 0x01, 0x60, 0x00, 0x01, 0x7f, 0x03,
  0x02, 0x01, 0x00, 0x07, 0x0a, 0x01, 0x06, 0x61, 0x6e, 0x73, 0x77, 0x65, 0x72, 0x00, 0x00, 0x0a,
  0x06, 0x01, 0x04, 0x00, 0x41, 0x2a, 0x0b,
]);

function readBody(req) {
  return new Promise((ok) => {
    const chunks = [];
    req.on("data", (c) => chunks.push(c));
    req.on("end", () => ok(Buffer.concat(chunks)));
    req.on("error", () => ok(Buffer.concat(chunks)));
    req.on("close", () => ok(Buffer.concat(chunks)));
  });
}

/** Headers of every answer: deterministic, nothing time-dependent. */
function send(res, status, body, headers = {}) {
  if (res.headersSent || res.destroyed) return;
  res.sendDate = false;
  const buf = Buffer.isBuffer(body) || body instanceof Uint8Array ? Buffer.from(body) : Buffer.from(String(body));
  res.writeHead(status, { "x-diff": "1", "content-length": buf.length, ...headers });
  res.end(buf);
}

const json = (res, status, value, headers = {}) =>
  send(res, status, JSON.stringify(value), { "content-type": "application/json", ...headers });

export async function startDiffServer() {
  const state = {
    run: null,
    runs: new Map(), // run id → [records]
    stray: [], // requests outside any run, or whose Referer names another run
    counters: new Map(), // per-run counters (flaky endpoints)
    streams: new Map(), // stream id → { closed: boolean, waiters: [] }
    waiters: [], // [{ run, predicate, ok }]
    pending: new Set(), // hanging responses, ended at stop()
    reports: new Map(), // run id → what the page beaconed at pagehide
    results: new Map(), // run id → the page's result (what it observed)
  };

  const recordFor = (run) => {
    if (!state.runs.has(run)) state.runs.set(run, []);
    return state.runs.get(run);
  };

  const notify = () => {
    state.waiters = state.waiters.filter((w) => {
      const list = state.runs.get(w.run) ?? [];
      if (w.predicate(list, state.reports.get(w.run), state.results.get(w.run))) {
        w.ok(list);
        return false;
      }
      return true;
    });
  };

  const streamState = (id) => {
    if (!state.streams.has(id)) state.streams.set(id, { closed: false, waiters: [] });
    return state.streams.get(id);
  };

  async function api(req, res, url, body) {
    const path = url.pathname;
    const run = state.run;
    const key = (k) => `${run}:${k}`;
    const m = (re) => path.match(re);
    let r;
    if (path === "/api/v2/tokens/me") {
      // The tracker's own token check (after a 401): a deadline far away.
      return json(res, 200, { dateTokenIdles: "2999-01-01T00:00:00.000Z" });
    }
    if (path === "/api/v2/featuretoggles" || path.startsWith("/api/v2/diff/")) {
      // fall through to the scenario endpoints below
    } else {
      return json(res, 404, { message: `no such API: ${path}` });
    }
    if ((r = m(/^\/api\/v2\/diff\/status\/(\d{3})/))) {
      const status = Number(r[1]);
      if (status === 204 || status === 304) return send(res, status, "");
      return json(res, status, { status, method: req.method });
    }
    if ((r = m(/^\/api\/v2\/diff\/redirect\/(\d{3})$/))) {
      const to = url.searchParams.get("to") ?? "/api/v2/diff/echo/redirected";
      return send(res, Number(r[1]), "", { location: to });
    }
    if ((r = m(/^\/api\/v2\/diff\/flaky\/([\w-]+)$/))) {
      // Fails with 503 `fail` times per run, then answers.
      const fail = Number(url.searchParams.get("fail") ?? "2");
      const n = (state.counters.get(key(r[1])) ?? 0) + 1;
      state.counters.set(key(r[1]), n);
      if (n <= fail) return json(res, 503, { attempt: n });
      return json(res, 200, { attempt: n, method: req.method });
    }
    if (path === "/api/v2/diff/netfail") {
      // Not HTTP at all: a network error the browser does not retry (it retries a reset socket).
      req.socket.end("NOT HTTP\r\n\r\n");
      return;
    }
    if (path === "/api/v2/diff/hang") {
      // Never answers: the page aborts it, or stop() ends it.
      state.pending.add(res);
      res.on("close", () => state.pending.delete(res));
      return;
    }
    if ((r = m(/^\/api\/v2\/diff\/stream\/([\w-]+)$/))) {
      const s = streamState(key(r[1]));
      res.sendDate = false;
      res.writeHead(200, { "content-type": "text/plain", "x-diff": "1" });
      res.write("first chunk\n");
      state.pending.add(res);
      res.on("close", () => {
        state.pending.delete(res);
        s.closed = true;
        for (const w of s.waiters.splice(0)) w();
      });
      return;
    }
    if ((r = m(/^\/api\/v2\/diff\/stream-closed\/([\w-]+)$/))) {
      // Answers once the stream's connection is closed (or says it was not, after 15 s). A
      // browser may drain a cancelled body for a while to reuse its connection before it gives
      // up and closes it (Chromium's drainer waits seconds): the wait must outlast that, or the
      // observation races it, tracker or not.
      const s = streamState(key(r[1]));
      if (!s.closed) {
        await new Promise((ok) => {
          const t = setTimeout(ok, 15_000);
          s.waiters.push(() => {
            clearTimeout(t);
            ok();
          });
        });
      }
      return json(res, 200, { closed: s.closed });
    }
    if (path === "/api/v2/diff/wasm") {
      return send(res, 200, ANSWER_WASM, { "content-type": "application/wasm" });
    }
    if (path === "/api/v2/diff/cached") {
      if (req.headers["if-none-match"] === '"v1"') return send(res, 304, "", { etag: '"v1"' });
      return json(res, 200, { cached: true }, { etag: '"v1"', "cache-control": "no-cache" });
    }
    if (path === "/api/v2/diff/cors-headers") {
      return json(res, 200, { ok: true }, { "x-custom": "a, b", "set-cookie": "s=1; Path=/", "x-empty": "" });
    }
    // Everything else under /api/v2/diff/ and /api/v2/featuretoggles: echo what was received.
    const seen = withoutBoundary(body, req.headers["content-type"]);
    const echo = {
      method: req.method,
      path,
      query: url.search,
      contentType: seen.contentType ?? null,
      accept: req.headers.accept ?? null,
      custom: req.headers["x-app"] ?? null,
      bodyLength: seen.body.length,
      body: seen.body.length <= 4096 ? seen.body.toString("utf8") : `${seen.body.subarray(0, 64).toString("utf8")}…`,
    };
    return json(res, 200, echo, { "x-echo-method": req.method });
  }

  const server = createServer(async (req, res) => {
    const url = new URL(req.url, "http://127.0.0.1");
    const path = url.pathname;
    try {
      // Harness files: not recorded.
      if (path === "/diff/page") return send(res, 200, pageHtml(url), { "content-type": TYPES[".html"] });
      if (path === "/diff/frame.html") return send(res, 200, "<!doctype html><title>frame</title>", { "content-type": TYPES[".html"] });
      if (path === "/favicon.ico") return send(res, 404, "");
      if (path === "/diff/has") {
        // Answers once this run's records hold a request for `path` (at most 5 s).
        const want = url.searchParams.get("path");
        const run = state.run;
        const has = (list) => list.some((r) => r.path === want || r.path + r.query === want);
        let ok = has(state.runs.get(run) ?? []);
        if (!ok) {
          ok = await new Promise((done) => {
            const t = setTimeout(() => done(false), 5_000);
            state.waiters.push({ run, predicate: has, ok: () => (clearTimeout(t), done(true)) });
          });
        }
        return json(res, 200, { has: ok });
      }
      if (path === "/diff/result") {
        // The page's result: what the scenario observed (plain JSON).
        const run = url.searchParams.get("run");
        state.results.set(run, JSON.parse((await readBody(req)).toString("utf8")));
        notify();
        return send(res, 204, "");
      }
      if (path === "/diff/report") {
        // The page's last word at pagehide (its activity ledger), sent as a beacon.
        const run = url.searchParams.get("run");
        state.reports.set(run, JSON.parse((await readBody(req)).toString("utf8") || "null"));
        notify();
        return send(res, 204, "");
      }
      for (const [prefix, dir] of TREES) {
        if (path.startsWith(prefix)) return serveFile(res, dir, path.slice(prefix.length));
      }

      // Everything else is part of what a scenario did: record it.
      const body = await readBody(req);
      const referer = req.headers.referer ?? "";
      const refRun = referer.match(/[?&]run=([\w-]+)/)?.[1] ?? null;
      const headers = {};
      for (const h of HEADERS_THAT_MATTER) if (req.headers[h] !== undefined) headers[h] = req.headers[h];
      for (const h of Object.keys(req.headers)) if (h.startsWith("x-")) headers[h] = req.headers[h];
      const record = {
        method: req.method,
        path,
        query: url.search,
        headers,
        body: body.toString("base64"),
        referer: referer.replace(/\?.*$/, ""),
      };
      if (state.run === null || (refRun !== null && refRun !== state.run)) {
        state.stray.push({ ...record, run: state.run, refRun });
      } else {
        recordFor(state.run).push(record);
        notify();
      }

      if (path.startsWith("/api/")) return await api(req, res, url, body);
      if (path === "/s/text.txt") return send(res, 200, "static text\n", { "content-type": TYPES[".txt"] });
      if (path === "/s/answer.wasm") return send(res, 200, ANSWER_WASM, { "content-type": "application/wasm" });
      if (path.startsWith("/s/")) return json(res, 200, { static: path, method: req.method });
      return send(res, 404, "not found");
    } catch (e) {
      if (!res.headersSent) send(res, 500, String(e));
    }
  });
  server.keepAliveTimeout = 5_000;

  await new Promise((ok) => server.listen(0, "127.0.0.1", ok));
  const port = server.address().port;
  return {
    url: `http://127.0.0.1:${port}`,
    /** Starts attributing what arrives to run `id`. */
    beginRun(id) {
      state.run = id;
      state.runs.set(id, []);
    },
    endRun() {
      state.run = null;
    },
    received: (id) => state.runs.get(id) ?? [],
    report: (id) => state.reports.get(id),
    result: (id) => state.results.get(id),
    stray: () => state.stray,
    /**
     * Resolves when `predicate(records of run id, its pagehide report, its result)` holds; rejects
     * after `ms` (a real condition, bounded).
     */
    waitFor(id, predicate, ms = 5_000) {
      const list = state.runs.get(id) ?? [];
      if (predicate(list, state.reports.get(id), state.results.get(id))) return Promise.resolve(list);
      return new Promise((ok, fail) => {
        const t = setTimeout(() => fail(new Error(`the server did not receive what run ${id} waited for`)), ms);
        state.waiters.push({ run: id, predicate, ok: (l) => (clearTimeout(t), ok(l)) });
      });
    },
    async stop() {
      for (const res of state.pending) res.destroy();
      server.closeAllConnections?.();
      await new Promise((ok) => server.close(ok));
    },
  };
}

async function serveFile(res, dir, rel) {
  const file = normalize(join(dir, decodeURIComponent(rel)));
  if (!file.startsWith(dir + sep)) return send(res, 403, "forbidden");
  try {
    if (!(await stat(file)).isFile()) return send(res, 404, "not found");
    const type = TYPES[extname(file)] ?? "application/octet-stream";
    return send(res, 200, await readFile(file), { "content-type": type, "cache-control": "no-store" });
  } catch {
    return send(res, 404, "not found");
  }
}

const escapeAttr = (s) => String(s).replace(/[&"<>]/g, (c) => `&#${c.charCodeAt(0)};`);

/**
 * The page of one run: the scenario's <base href> and head scripts (which run before the package
 * is imported), then the browser half of the suite. `mode`: off (no package), on (the package),
 * naive (the negative control's wrapper).
 */
function pageHtml(url) {
  const scenario = url.searchParams.get("scenario") ?? "";
  const mode = url.searchParams.get("mode") ?? "off";
  const run = url.searchParams.get("run") ?? "";
  const base = url.searchParams.get("base");
  const head = (url.searchParams.get("head") ?? "").split(",").filter(Boolean);
  const scripts = head.map((name) => {
    if (name === "zone") return '<script src="/node_modules/zone.js/bundles/zone.umd.js"></script>';
    if (name === "capture-fetch") return "<script>window.capturedFetch = window.fetch;</script>";
    throw new Error(`unknown head script ${name}`);
  });
  const config = JSON.stringify({ scenario, mode, run });
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>differential: ${escapeAttr(scenario)} (${escapeAttr(mode)})</title>
${base ? `<base href="${escapeAttr(base)}">` : ""}
<script type="importmap">{"imports":{"destr":"/node_modules/destr/dist/index.mjs","ufo":"/node_modules/ufo/dist/index.mjs"}}</script>
<script>
  window.__diff = ${config};
  window.__diff.unhandled = [];
  addEventListener("unhandledrejection", (e) => {
    const r = e.reason;
    window.__diff.unhandled.push(r && typeof r === "object" ? String(r.name) + ": " + String(r.message) : String(r));
    e.preventDefault();
  });
</script>
${mode === "naive" ? '<script src="/diff/lib/naive-wrapper.js"></script>' : ""}
${scripts.join("\n")}
<script type="module" src="/diff/lib/page.mjs"></script>
</head><body></body></html>`;
}
