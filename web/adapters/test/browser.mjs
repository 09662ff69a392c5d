// The adapters' unit tests run in a real browser (the engine of ENGINE, as the end-to-end tests)
// against the real package in pkg/: a test page bundled by Vite with the framework from
// node_modules, served from a temporary directory, with Playwright's clock installed.
import { createServer } from "node:http";
import { mkdtempSync, readFileSync, rmSync, existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { extname, join, resolve } from "node:path";
import { after } from "node:test";
import { build } from "vite";
import { launchBrowser, root } from "../../../tests/e2e/harness.mjs";

/** The package's test policy: a 10-minute organization timeout, the warning a minute before. */
export const MINUTE = 60_000;

const types = { ".html": "text/html", ".js": "text/javascript", ".wasm": "application/wasm" };

/**
 * Bundles `dir/index.html` (development build: React's StrictMode checks run), serves it and
 * launches the browser; both are closed after the file's tests. Returns { open() }: a fresh
 * context and page on the test page, clock installed and paused, ready when `window.ready` is.
 */
export async function testPage(dir) {
  if (!existsSync(join(root, "pkg/inactivity_timeout.js"))) throw new Error("build the package first: bash scripts/build.sh");
  const out = mkdtempSync(join(tmpdir(), "adapter-test-"));
  const pkg = (path) => resolve(root, "pkg", path);
  await build({
    root: dir,
    mode: "development",
    logLevel: "warn",
    configFile: false,
    define: { "process.env.NODE_ENV": JSON.stringify("development") },
    resolve: {
      alias: [
        { find: /^inactivity-timeout\/(react|angular)$/, replacement: pkg("$1/index.js") },
        { find: /^inactivity-timeout$/, replacement: pkg("inactivity_timeout.js") },
      ],
    },
    build: {
      outDir: out,
      emptyOutDir: true,
      target: "es2022",
      minify: false,
      // The fixtures import the package too (to count starts), so the adapter's import of it is not a chunk of its own.
      rollupOptions: { onwarn: (warning, warn) => warning.code === "INEFFECTIVE_DYNAMIC_IMPORT" || warn(warning) },
    },
  });
  const server = createServer((req, res) => {
    const path = join(out, new URL(req.url, "http://x").pathname);
    if (!path.startsWith(out) || !existsSync(path) || !extname(path)) {
      res.writeHead(404, { "content-type": "application/json" }).end("{}");
      return;
    }
    res.writeHead(200, { "content-type": types[extname(path)] ?? "application/octet-stream" }).end(readFileSync(path));
  });
  await new Promise((ok) => server.listen(0, "127.0.0.1", ok));
  const url = `http://127.0.0.1:${server.address().port}/index.html`;
  const browser = await launchBrowser();
  after(async () => {
    await browser.close();
    server.close();
    rmSync(out, { recursive: true, force: true });
  });
  return {
    async open(t) {
      const context = await browser.newContext();
      t.after(() => context.close());
      const page = await context.newPage();
      const errors = [];
      page.on("pageerror", (e) => errors.push(e.message));
      await page.clock.install();
      await page.goto(url);
      await page.waitForFunction(() => window.ready === true);
      await page.clock.pauseAt((await page.evaluate(() => Date.now())) + 1_000);
      return { page, errors };
    },
  };
}
