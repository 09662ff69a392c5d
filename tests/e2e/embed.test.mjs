// The embedded client (README, "Embedded in an iframe"): the agent client in a cross-site iframe
// (the host page on http://127.0.0.1:PORT, the client on http://localhost:PORT), connected with
// the package's host helper (inactivity-timeout/host). The host hears resumed, warning and
// logout; its logout request signs the agent out (host-request); sign-in from the iframe (through
// a popup: the login page refuses to be framed) comes back to the same page, with the token in
// the frame's memory, never in window.name; hostile messages (wrong window, wrong origin, wrong
// shape) are ignored both ways; a host whose origin the server does not list in frame-ancestors
// cannot frame the client at all, and one it lists but the client does not hears nothing and
// cannot sign anyone out; and what the iframe shares with a standalone tab of the same client.
import { test } from "node:test";
import assert from "node:assert/strict";
import { setUp, signIn, signInFramed, advanceTogether, isFirefox } from "./harness.mjs";

const MINUTE = 60_000;
// The harness's server, letting evil.localhost frame the client, and its browser with two more
// names for this machine. (A page fulfilled by routing would count as a public page, and
// Chromium's local network access rules would block its iframe.)
const { server, browser } = await setUp({
  resetEachTest: true,
  server: { args: ["--frame-ancestors", "http://evil.localhost:*"] },
  browser: { hosts: ["evil.localhost", "stranger.localhost"], crossSiteFrames: true },
});
/** A third origin, not in the agent client's allowlist (resolved to this machine by Chromium; a
 *  *.localhost name, so that its pages are secure contexts, as an https CRM's would be);
 *  the server lets it frame the client, so that the client's own allowlist is what refuses it. */
const EVIL = `http://evil.localhost:${server.port}`;
/** A fourth origin, not even among the server's frame-ancestors. */
const STRANGER = `http://stranger.localhost:${server.port}`;


/** A CRM page embedding `clientUrl`, connected with the host helper; its events in `window.events`. */
function hostPage(clientUrl) {
  const origin = new URL(clientUrl).origin;
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>CRM</title></head>
<body>
  <iframe id="client" title="Agent client" src="${clientUrl}" style="width:1100px;height:800px"></iframe>
  <script type="module">
    import { connectInactivityTimeout } from "/pkg/host.js";
    window.events = [];
    window.connection = connectInactivityTimeout(document.getElementById("client"), {
      origin: ${JSON.stringify(origin)},
      onWarning: (remainingMs) => window.events.push(["warning", remainingMs]),
      onLogout: (reason) => window.events.push(["logout", reason]),
      onResumed: () => window.events.push(["resumed"]),
    });
    window.hostReady = true;
  </script>
</body></html>`;
}

/** Opens a host page at `hostOrigin` in `context`: a page of that origin, its content replaced. */
async function openHost(context, hostOrigin, clientPath = "/agent/#/queues") {
  const page = await context.newPage();
  await page.goto(`${hostOrigin}/`);
  await page.setContent(hostPage(server.altUrl + clientPath));
  await page.waitForFunction(() => window.hostReady === true);
  return page;
}

const clientFrame = (page) => page.frames().find((f) => f.parentFrame() === page.mainFrame());
const events = (page) => page.evaluate(() => window.events);
const count = (page, kind) => page.evaluate((k) => window.events.filter((e) => e[0] === k).length, kind);

/** Signs in from the iframe (the login page in a popup), and waits for the agent client. */
const signInFrame = (frame, username = "agent") => signInFramed(frame, username);

async function revocations() {
  return (await server.log()).filter((r) => r.method === "DELETE" && r.path === "/api/v2/tokens/me").length;
}

test("the host hears resumed, warning and logout; its logout request signs the agent out; back after sign-in", async () => {
  const context = await browser.newContext();
  await context.clock.install();
  const host = await openHost(context, server.url);
  const frame = clientFrame(host);
  await signInFrame(frame);
  assert.ok(frame.url().endsWith("/agent/#/queues"), frame.url());
  await host.waitForFunction(() => window.events.some((e) => e[0] === "resumed"));

  await advanceTogether(host, server, 9 * MINUTE + 30_000, 30_000);
  await host.waitForFunction(() => window.events.some((e) => e[0] === "warning"));
  const [, remainingMs] = (await events(host)).find((e) => e[0] === "warning");
  assert.ok(remainingMs > 0 && remainingMs <= 60_000, `${remainingMs}`);

  await server.clearLog();
  assert.equal(await host.evaluate(() => window.connection.requestLogout()), true);
  await host.waitForFunction(() => window.events.some((e) => e[0] === "logout"));
  assert.deepEqual((await events(host)).find((e) => e[0] === "logout"), ["logout", "host-request"]);
  // Back on the same page (storage is denied in this iframe: the return location travelled in the
  // tracker's state), signed out, with the sign-in prompt.
  await frame.getByRole("button", { name: "Sign in", exact: true }).waitFor();
  assert.equal(await revocations(), 1, "the embedded client made the logout calls");
  assert.ok(frame.url().endsWith("/agent/#/queues"), `back on the same page: ${frame.url()}`);
  assert.equal(await frame.locator("#app").isVisible(), false);

  await signInFrame(frame);
  assert.ok(frame.url().endsWith("/agent/#/queues"), `back on the same page: ${frame.url()}`);
  await host.waitForFunction(() => window.events.filter((e) => e[0] === "resumed").length === 2);
  await context.close();
});

test("hostile messages are ignored both ways: wrong window, wrong origin, wrong shape", async () => {
  const context = await browser.newContext();
  const host = await openHost(context, server.url);
  const frame = clientFrame(host);
  await signInFrame(frame);
  await host.waitForFunction(() => window.events.length === 1);
  await server.clearLog();

  // To the client: not exactly the request, or not from the parent window.
  await host.evaluate((origin) => {
    const target = document.getElementById("client").contentWindow;
    for (const bad of [
      "inactivity-timeout:logout-request",
      { type: "inactivity-timeout:logout-request " },
      { type: "INACTIVITY-TIMEOUT:LOGOUT-REQUEST" },
      { type: ["inactivity-timeout:logout-request"] },
      { kind: "inactivity-timeout:logout-request" },
      null,
    ]) {
      target.postMessage(bad, origin);
    }
  }, server.altUrl);
  const [popup] = await Promise.all([
    context.waitForEvent("page"),
    host.evaluate(() => window.open("/login.html", "popup")),
  ]);
  await popup.waitForLoadState();
  // The popup is at an allowed origin, but it is not the embedding page.
  await popup.evaluate(
    (origin) => window.opener.frames[0].postMessage({ type: "inactivity-timeout:logout-request" }, origin),
    server.altUrl,
  );
  // To the host: from the client's frame but malformed, or well-formed but from another window.
  await frame.evaluate(() => {
    for (const bad of [
      { type: "inactivity-timeout:logout", reason: "bored" },
      { type: "inactivity-timeout:logout" },
      { type: "inactivity-timeout:warning", remainingMs: "soon" },
      { type: "inactivity-timeout:warning", remainingMs: -5 },
      { type: "inactivity-timeout:warning", remainingMs: Infinity },
      "inactivity-timeout:resumed",
    ]) {
      window.parent.postMessage(bad, "*");
    }
  });
  await popup.evaluate(() => window.opener.postMessage({ type: "inactivity-timeout:logout", reason: "idle" }, "*"));
  await host.waitForTimeout(500);
  assert.deepEqual(await events(host), [["resumed"]], "the host ignored all of it");
  assert.ok(frame.url().includes("/agent/"), "the agent is still signed in");
  assert.equal(await frame.locator("#signed-out").isVisible(), false);
  assert.equal(await revocations(), 0);

  // The real thing works.
  await host.evaluate(() => window.connection.requestLogout());
  await host.waitForFunction(() => window.events.some((e) => e[0] === "logout"));
  await context.close();
});

test("a host whose origin is not allowed hears nothing and cannot sign the agent out", async () => {
  const context = await browser.newContext();
  await context.clock.install();
  const host = await openHost(context, EVIL);
  const frame = clientFrame(host);
  await signInFrame(frame);
  await host.waitForTimeout(300);
  assert.deepEqual(await events(host), [], "not even resumed");
  await server.clearLog();
  assert.equal(await host.evaluate(() => window.connection.requestLogout()), true, "posted…");
  await host.waitForTimeout(500);
  assert.equal(await frame.locator("#signed-out").isVisible(), false, "…and ignored");
  assert.equal(await revocations(), 0);
  await advanceTogether(host, server, 9 * MINUTE + 30_000, 30_000);
  await frame.getByRole("dialog").filter({ hasText: /signed out/i }).waitFor();
  assert.deepEqual(await events(host), [], "the warning is not told to this host");
  await context.close();
});

test("a host the server does not list in frame-ancestors cannot frame the client at all", async () => {
  const context = await browser.newContext();
  const host = await openHost(context, STRANGER);
  await host.waitForLoadState("load");
  const frame = clientFrame(host);
  // Chromium shows its own error page in place of the client.
  assert.ok(!frame.url().startsWith(server.altUrl), `the frame holds ${frame.url()}`);
  assert.equal(await frame.locator("#signin-prompt, #app, #loading").count(), 0, "nothing of the client rendered");
  assert.deepEqual(await events(host), []);
  await context.close();
});

test("a cross-site iframe shares nothing with a standalone tab of the same client", async () => {
  const context = await browser.newContext();
  const host = await openHost(context, server.url);
  const frame = clientFrame(host);
  await signInFrame(frame);
  const standalone = await context.newPage();
  await standalone.goto(`${server.altUrl}/agent/`);
  await signIn(standalone, "agent");
  await standalone.locator("#app").waitFor({ state: "visible" });

  const probe = () => ({
    localStorage: (() => {
      try {
        return typeof localStorage.getItem("x") === "object" ? "usable" : "usable";
      } catch (e) {
        return `denied (${e.name})`;
      }
    })(),
    broadcastChannel: (() => {
      try {
        new BroadcastChannel("probe").close();
        return "usable";
      } catch (e) {
        return `denied (${e.name})`;
      }
    })(),
  });
  const locks = (f) =>
    f.evaluate(() => navigator.locks.request("probe", () => "usable").catch((e) => `denied (${e.name})`));
  const inFrame = { ...(await frame.evaluate(probe)), webLocks: await locks(frame) };
  const inTab = { ...(await standalone.evaluate(probe)), webLocks: await locks(standalone) };
  console.log(`# cross-site iframe: ${JSON.stringify(inFrame)}; standalone tab: ${JSON.stringify(inTab)}`);
  assert.deepEqual(inTab, { localStorage: "usable", broadcastChannel: "usable", webLocks: "usable" });
  if (isFirefox) {
    // Firefox partitions a cross-site iframe's storage and locks by top-level site instead of
    // denying them: usable, but nothing the standalone tab has is visible in the frame.
    assert.deepEqual(inFrame, { localStorage: "usable", broadcastChannel: "usable", webLocks: "usable" });
    await standalone.evaluate(() => localStorage.setItem("probe.partition", "the tab's"));
    assert.equal(await frame.evaluate(() => localStorage.getItem("probe.partition")), null, "the frame's localStorage is another one");
    await standalone.evaluate(() => {
      navigator.locks.request("probe.partition", () => new Promise(() => {}));
    });
    const lockInFrame = await frame.evaluate(() =>
      navigator.locks.request("probe.partition", { ifAvailable: true }, (lock) => (lock ? "free" : "held")),
    );
    assert.equal(lockInFrame, "free", "a lock the tab holds is not the frame's");
  } else {
    assert.match(inFrame.localStorage, /^denied/);
    assert.match(inFrame.webLocks, /^denied/);
  }

  // Each signed in separately: two access tokens, two sessions for the server — and for the
  // tracker. The frame keeps its token in memory: not in window.name, where a page above it (or
  // the next page of the frame) could read it.
  assert.equal(await frame.evaluate(() => window.name), "");
  const [request] = await Promise.all([
    host.waitForRequest((r) => r.frame() === frame && r.url().includes("/api/v2/routing/queues")),
    frame.locator("#reload-queues").click(),
  ]);
  const frameToken = (await request.allHeaders()).authorization?.replace(/^Bearer /, "");
  const tabToken = await standalone.evaluate(() => sessionStorage.getItem("agent-demo.token"));
  assert.ok(frameToken && tabToken && frameToken !== tabToken, `${frameToken} ${tabToken}`);

  // Signing the agent out in the iframe leaves the standalone tab's own session alone.
  await host.evaluate(() => window.connection.requestLogout());
  await frame.getByRole("button", { name: "Sign in", exact: true }).waitFor();
  await standalone.waitForTimeout(1_000);
  assert.equal(await standalone.locator("#signed-out").isVisible(), false);
  assert.ok(standalone.url().includes("/agent/"));
  assert.equal((await server.api(tabToken, "GET", "/api/v2/routing/queues")).status, 200);
  assert.equal((await server.api(frameToken, "GET", "/api/v2/routing/queues")).status, 401);
  await context.close();
});
