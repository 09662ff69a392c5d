// A tiny static file server for the benchmarks: serves the repository root (pkg/, bench/pages/)
// on 127.0.0.1 with the right MIME types, no caching headers beyond the default. The benchmark
// needs a real http: origin (the tracker's API scope is the page's origin) without the reference
// server's routes, cookies or logging in the way.
import { createServer } from "node:http";
import { readFile } from "node:fs/promises";
import { extname, join, normalize, sep } from "node:path";

const TYPES = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".mjs": "text/javascript; charset=utf-8",
  ".json": "application/json",
  ".wasm": "application/wasm",
  ".svg": "image/svg+xml",
};

/**
 * Serves `root` on a free port of 127.0.0.1; `mounts` maps URL prefixes ("/named/") to other
 * directories. Returns { url, close() }.
 */
export async function serveStatic(root, mounts = {}) {
  const server = createServer(async (req, res) => {
    let path = decodeURIComponent(new URL(req.url, "http://x").pathname);
    let dir = root;
    for (const [prefix, target] of Object.entries(mounts)) {
      if (path.startsWith(prefix)) {
        dir = target;
        path = "/" + path.slice(prefix.length);
      }
    }
    const file = normalize(join(dir, path));
    if (!file.startsWith(dir + sep)) {
      res.writeHead(403).end();
      return;
    }
    try {
      const body = await readFile(file);
      res.writeHead(200, {
        "content-type": TYPES[extname(file)] ?? "application/octet-stream",
        "cache-control": "no-store",
      });
      res.end(body);
    } catch {
      res.writeHead(404, { "content-type": "text/plain" }).end("not found");
    }
  });
  await new Promise((ok) => server.listen(0, "127.0.0.1", ok));
  const { port } = server.address();
  return {
    url: `http://127.0.0.1:${port}`,
    close: () => new Promise((ok) => server.close(ok)),
  };
}
