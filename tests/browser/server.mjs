// The browser tests' HTTP server on 127.0.0.1: the package as published (pkg/) and the tests
// (tests/browser/), the test page with an import map built from pkg/package.json's exports (so
// the tests import "inactivity-timeout" by its name, whatever file the entry is), and the pages'
// results. Every other path, the platform API included, is a 404: the API of no organization (no
// user, no settings: the tracker fails closed; a logout's GET of the routing status fails and is
// followed by its PUT).
import { createServer } from "node:http";
import { readFile } from "node:fs/promises";
import { extname, join, normalize, sep } from "node:path";

const types = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".mjs": "text/javascript; charset=utf-8",
  ".json": "application/json; charset=utf-8",
  ".map": "application/json; charset=utf-8",
  ".wasm": "application/wasm",
  ".ts": "text/plain; charset=utf-8",
  ".md": "text/plain; charset=utf-8",
};

/** The directories served as files, relative to the repository. */
const served = ["pkg", "tests/browser"];

/** The conditions a browser's module loader matches in `exports`, in the order of the object. */
const conditions = new Set(["browser", "import", "module", "default"]);

/** The file an `exports` target resolves to in a browser (null: none). */
function resolveTarget(target) {
  if (typeof target === "string") return target;
  if (Array.isArray(target)) return target.map(resolveTarget).find((t) => t) ?? null;
  if (target && typeof target === "object") {
    for (const [key, value] of Object.entries(target)) {
      if (conditions.has(key)) {
        const file = resolveTarget(value);
        if (file) return file;
      }
    }
  }
  return null;
}

/** The import map of the package: each JS subpath of `exports` under the package's name. */
export async function importMap(root) {
  const manifest = JSON.parse(await readFile(join(root, "pkg/package.json"), "utf8"));
  if (!manifest.exports?.["."]) throw new Error('pkg/package.json has no exports["."]: run scripts/build.sh');
  const imports = {};
  for (const [subpath, target] of Object.entries(manifest.exports)) {
    const file = resolveTarget(target);
    if (file && /\.m?js$/.test(file)) imports[manifest.name + subpath.slice(1)] = new URL(file, "http://x/pkg/").pathname;
  }
  if (!imports[manifest.name]) throw new Error(`pkg/package.json: exports["."] names no JS file for a browser`);
  return { imports };
}

const page = (map) => `<!doctype html>
<html lang="en">
<meta charset="utf-8">
<title>inactivity-timeout browser test</title>
<script type="importmap">${JSON.stringify(map)}</script>
<script type="module" src="/tests/browser/page.mjs"></script>
</html>
`;

/**
 * Starts the server on a free port. Returns { url, result(run, ms), close() }: `result` waits
 * for the page of run `run` to post its result, and rejects after `ms`.
 */
export async function startServer(root) {
  const waiting = new Map();
  const early = new Map();
  const server = createServer(async (req, res) => {
    const url = new URL(req.url, "http://127.0.0.1");
    const send = (status, type, body) => {
      res.writeHead(status, { "content-type": type, "cache-control": "no-store" });
      res.end(body);
    };
    // Anything else, the platform API included (the API of no organization): a 404 in its JSON.
    const notFound = () => send(404, types[".json"], JSON.stringify({ status: 404, code: "not.found", message: "no such resource" }));
    try {
      if (req.method === "POST" && url.pathname === "/__result") {
        const body = await text(req);
        const run = url.searchParams.get("run");
        const waiter = waiting.get(run);
        if (waiter) waiter(JSON.parse(body));
        else early.set(run, JSON.parse(body));
        return send(204, "text/plain", "");
      }
      if (url.pathname === "/tests/browser/page.html") {
        return send(200, types[".html"], page(await importMap(root)));
      }
      const file = normalize(join(root, decodeURIComponent(url.pathname)));
      const allowed = served.some((dir) => file.startsWith(join(root, dir) + sep));
      if (req.method !== "GET" || !allowed) return notFound();
      const type = types[extname(file)] ?? "application/octet-stream";
      return send(200, type, await readFile(file));
    } catch (e) {
      if (e.code === "ENOENT" || e.code === "EISDIR") return notFound();
      return send(500, "text/plain", String(e.stack ?? e));
    }
  });
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  const url = `http://127.0.0.1:${server.address().port}`;
  return {
    url,
    result(run, ms) {
      run = String(run);
      if (early.has(run)) {
        const result = early.get(run);
        early.delete(run);
        return Promise.resolve(result);
      }
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => {
          waiting.delete(run);
          reject(new Error(`no result after ${ms / 1000} s`));
        }, ms);
        waiting.set(run, (result) => {
          clearTimeout(timer);
          waiting.delete(run);
          resolve(result);
        });
      });
    },
    close() {
      server.closeAllConnections();
      return new Promise((resolve) => server.close(resolve));
    },
  };
}

function text(req) {
  return new Promise((resolve, reject) => {
    const chunks = [];
    req.on("data", (c) => chunks.push(c));
    req.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    req.on("error", reject);
  });
}
