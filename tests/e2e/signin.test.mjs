// Sign-in done right, end to end: the demo apps use the authorization-code grant with PKCE
// (S256); a callback refuses a sign-in its tab did not start (login CSRF: an attacker's own code
// and state, planted in a link) before exchanging anything; and no page of this server can be
// framed but the agent client (the login page least of all).
import { test } from "node:test";
import assert from "node:assert/strict";
import { createHash, randomBytes } from "node:crypto";
import { setUp, signIn } from "./harness.mjs";

const { server, browser } = await setUp({ browser: { crossSiteFrames: true } });


/** The attacker's side: a real code for `username`, from a flow the attacker ran with PKCE. */
async function attackerCode(clientId, redirectPath, username = "supervisor") {
  const verifier = randomBytes(32).toString("base64url");
  const challenge = createHash("sha256").update(verifier).digest("base64url");
  const res = await fetch(`${server.url}/oauth/authorize`, {
    method: "POST",
    redirect: "manual",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({
      username,
      password: username,
      client_id: clientId,
      redirect_uri: server.url + redirectPath,
      state: "attacker-state",
      code_challenge: challenge,
      code_challenge_method: "S256",
    }),
  });
  const location = new URL(res.headers.get("location"), server.url);
  assert.ok(location.searchParams.get("code"), `no code: ${res.status}`);
  return location.search;
}

test("the agent client signs in with PKCE: a challenge out, the verifier back, only to its callback", async () => {
  const context = await browser.newContext();
  const page = await context.newPage();
  const sent = [];
  page.on("request", (r) => {
    if (r.url().includes("/oauth/")) sent.push({ url: r.url() });
  });
  // The token exchange's body, as the page sends it (Firefox over WebDriver BiDi does not show
  // request bodies): kept in the tab's sessionStorage across the callback's navigation.
  await context.addInitScript(() => {
    const native = window.fetch;
    window.fetch = function (input, init) {
      if (String(input).endsWith("/oauth/token")) sessionStorage.setItem("test.exchange", String(init?.body ?? ""));
      return native.apply(this, arguments);
    };
  });
  await page.goto(`${server.url}/agent/#/conversations`);
  await signIn(page, "agent");
  await page.waitForURL(`${server.url}/agent/#/conversations`);
  await page.locator("#app").waitFor({ state: "visible" });

  const authorize = new URL(sent.find((r) => r.url.includes("/oauth/authorize?")).url);
  const challenge = authorize.searchParams.get("code_challenge");
  assert.equal(authorize.searchParams.get("code_challenge_method"), "S256");
  assert.match(challenge, /^[A-Za-z0-9_-]{43}$/);
  assert.ok(sent.some((r) => r.url.endsWith("/oauth/token")), "the code was exchanged");
  const exchange = new URLSearchParams(await page.evaluate(() => sessionStorage.getItem("test.exchange")));
  assert.equal(exchange.get("client_id"), "agent-demo");
  const verifier = exchange.get("code_verifier");
  assert.equal(createHash("sha256").update(verifier).digest("base64url"), challenge, "the verifier matches");
  assert.equal(await page.evaluate(() => window.name), "", "nothing in window.name");
  await context.close();
});

for (const [app, callback, tokenKey] of [
  ["agent-demo", "/agent/callback.html", "agent-demo.token"],
  ["admin-demo", "/admin/callback.html", "admin-demo.token"],
  ["minimal", "/minimal/callback.html", "minimal.token"],
]) {
  test(`login CSRF: ${callback} refuses a code and state it did not issue, and exchanges nothing`, async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    // The victim has this app open (a sign-in of its own pending, as after the tracker's logout)…
    await page.goto(`${server.url}${callback.replace(/callback\.html$/, "")}`);
    await page.waitForURL(/\/oauth\/authorize/);
    // …and follows the attacker's link: the attacker's real code, the attacker's state.
    const query = await attackerCode(app, callback);
    const exchanges = [];
    page.on("request", (r) => r.url().endsWith("/oauth/token") && exchanges.push(r));
    await page.goto(`${server.url}${callback}${query}`);
    await page.getByRole("alert").filter({ hasText: /not started in this tab|did not issue/ }).or(
      page.getByRole("status").filter({ hasText: /not started in this tab/ }),
    ).waitFor();
    assert.deepEqual(exchanges, [], "no code was exchanged");
    assert.equal(await page.evaluate((k) => sessionStorage.getItem(k), tokenKey), null, "not signed in as the attacker");
    await context.close();
  });
}

test("a callback opened in a tab that started no sign-in refuses too", async () => {
  const context = await browser.newContext();
  const page = await context.newPage();
  const query = await attackerCode("agent-demo", "/agent/callback.html");
  await page.goto(`${server.url}/agent/callback.html${query}`);
  await page.getByRole("alert").filter({ hasText: /not started in this tab/ }).waitFor();
  assert.equal(await page.evaluate(() => sessionStorage.getItem("agent-demo.token")), null);
  await context.close();
});

test("only the agent client may be framed: the login page and the admin page refuse", async () => {
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto(`${server.altUrl}/`);
  await page.setContent(`<!doctype html><title>framer</title>
    <iframe id="login" src="${server.url}/oauth/authorize"></iframe>
    <iframe id="admin" src="${server.url}/admin/"></iframe>
    <iframe id="agent" src="${server.url}/agent/"></iframe>`);
  await page.waitForLoadState("load");
  const byId = async (id) => (await page.locator(`#${id}`).elementHandle()).contentFrame();
  const login = await byId("login");
  const admin = await byId("admin");
  const agent = await byId("agent");
  assert.ok(!login.url().startsWith(server.url), `the login page was framed: ${login.url()}`);
  assert.ok(!admin.url().startsWith(server.url), `the admin page was framed: ${admin.url()}`);
  assert.equal(await login.getByLabel("Password").count(), 0);
  await agent.getByRole("button", { name: "Sign in", exact: true }).waitFor();
  await context.close();
});
