// The admin page (Organization Settings › Authentication › Inactivity Timeout) in a real
// Chromium against the real server: every control and limit, validation from the package's
// Rust validator and from the server, save/reload exactness, cancel, HIPAA, 403.
// No sleeps: every wait is a condition polled by Playwright.
import { test, before, after, beforeEach } from "node:test";
import assert from "node:assert/strict";
import { startServer, launchBrowser, signIn, tokenFor } from "./harness.mjs";

let server;
let browser;
let adminToken;
let orgGroups;

before(async () => {
  server = await startServer();
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
  await server?.stop();
});
beforeEach(async () => {
  await server.reset();
  adminToken = await tokenFor(server, "admin");
  orgGroups = (await server.api(adminToken, "GET", "/api/v2/groups?pageSize=100")).body.entities;
});

// ------------------------------------------------------------------ helpers

/** Polls `predicate(arg)` in the page until it is true (Playwright's own polling; no sleeps). */
async function until(page, predicate, arg, what) {
  try {
    await page.waitForFunction(predicate, arg, { timeout: 10_000 });
  } catch (e) {
    throw new Error(`timed out waiting until ${what}: ${e.message.split("\n")[0]}`);
  }
}

async function expectValue(locator, value) {
  const el = await locator.elementHandle();
  await until(locator.page(), ([el, v]) => el.value === v, [el, value], `${await locator.evaluate((e) => e.id)} has the value ${JSON.stringify(value)}`);
}

async function expectText(locator, pattern) {
  const page = locator.page();
  const el = await locator.elementHandle();
  await until(
    page,
    ([el, src, flags]) => new RegExp(src, flags).test(el.textContent ?? ""),
    [el, pattern.source, pattern.flags],
    `${await locator.evaluate((e) => e.id || e.tagName)} shows ${pattern}`,
  );
}

async function expectEmpty(locator) {
  const el = await locator.elementHandle();
  await until(locator.page(), (el) => (el.textContent ?? "").trim() === "", el, `${await locator.evaluate((e) => e.id)} is empty`);
}

async function expectDisabled(locator, disabled = true) {
  const el = await locator.elementHandle();
  await until(locator.page(), ([el, d]) => el.matches(":disabled") === d, [el, disabled], `${await locator.evaluate((e) => e.id)} is ${disabled ? "disabled" : "enabled"}`);
}

/** Opens the admin page in a fresh browser context and signs in through the OAuth flow. */
async function openAdmin(user = "admin", { beforeLoad, viewport } = {}) {
  const context = await browser.newContext(viewport ? { viewport } : {});
  const page = await context.newPage();
  const errors = [];
  page.on("pageerror", (e) => errors.push(e.message));
  if (beforeLoad) await beforeLoad(page);
  await page.goto(`${server.url}/admin/`);
  await signIn(page, user);
  await page.waitForURL(`${server.url}/admin/`);
  await page.locator("#settings-form:not([hidden]), #page-error:not([hidden])").first().waitFor();
  return { page, context, errors };
}

const ui = (page) => ({
  orgEnabled: page.getByRole("checkbox", { name: /Enable inactivity timeout/ }),
  orgValue: page.getByRole("spinbutton", { name: "Timeout", exact: true }),
  orgUnit: page.getByRole("combobox", { name: "Timeout unit", exact: true }),
  orgInc: page.getByRole("button", { name: "Increase timeout", exact: true }),
  orgDec: page.getByRole("button", { name: "Decrease timeout", exact: true }),
  orgError: page.locator("#org-timeout-error"),
  groupsEnabled: page.getByRole("checkbox", { name: /Enable group-specific timeouts/ }),
  expand: page.locator("#groups-toggle"),
  bundles: page.locator("#bundles > li"),
  addBundle: page.getByRole("button", { name: "Add bundle" }),
  bundleCount: page.locator("#bundle-count"),
  combobox: page.getByRole("combobox", { name: "API path to exclude" }),
  listbox: page.getByRole("listbox", { name: "Matching APIs" }),
  addCustom: page.getByRole("button", { name: "Add", exact: true }),
  customError: page.locator("#custom-api-error"),
  customList: page.locator("#custom-list > li"),
  save: page.getByRole("button", { name: "Save", exact: true }),
  cancel: page.getByRole("button", { name: "Cancel", exact: true }),
  saveStatus: page.locator("#save-status"),
  summary: page.locator("#error-summary"),
  announcer: page.locator("#announcer"),
  hipaa: page.locator("#hipaa-notice"),
  pageError: page.locator("#page-error"),
});

const bundle = (page, n) => ({
  root: page.locator("#bundles > li").nth(n - 1),
  value: page.getByRole("spinbutton", { name: `Bundle ${n} timeout`, exact: true }),
  unit: page.getByRole("combobox", { name: `Bundle ${n} timeout unit`, exact: true }),
  inc: page.getByRole("button", { name: `Increase bundle ${n} timeout`, exact: true }),
  groupSelect: page.getByRole("combobox", { name: `Group to add to bundle ${n}`, exact: true }),
  addGroup: page.getByRole("button", { name: `Add group to bundle ${n}`, exact: true }),
  up: page.getByRole("button", { name: `Move up bundle ${n}`, exact: true }),
  down: page.getByRole("button", { name: `Move down bundle ${n}`, exact: true }),
  remove: page.getByRole("button", { name: `Remove bundle ${n}`, exact: true }),
  groupsError: page.locator("#bundles > li").nth(n - 1).locator("[id$=-groups-error]"),
  timeoutError: page.locator("#bundles > li").nth(n - 1).locator("[id$=-timeout-error]"),
  chips: page.locator("#bundles > li").nth(n - 1).locator(".chip"),
});

async function saveAndWait(page) {
  await ui(page).save.click();
  await expectText(ui(page).saveStatus, /Settings saved\./);
}

const getTimeout = async () => (await server.api(adminToken, "GET", "/api/v2/tokens/timeout")).body;
const getSettings = async () => (await server.api(adminToken, "GET", "/api/v2/organizations/authentication/settings")).body;
const groupId = (name) => orgGroups.find((g) => g.name === name).id;

async function expandGroups(page) {
  const u = ui(page);
  if ((await u.expand.getAttribute("aria-expanded")) !== "true") await u.expand.click();
  await until(page, () => !document.getElementById("groups-panel").hidden, undefined, "the group panel is open");
}

async function bundleOrder(page) {
  return page.locator("#bundles > li").evaluateAll((lis) =>
    lis.map((li) => [...li.querySelectorAll(".chip > span")].map((s) => s.textContent).join("+")),
  );
}

// ------------------------------------------------------------------ tests

test("shows the saved settings on load, in the breadcrumb page", async () => {
  const { page, context, errors } = await openAdmin();
  const u = ui(page);
  await page.getByRole("heading", { name: "Inactivity Timeout", level: 1 }).waitFor();
  await page.getByRole("navigation", { name: "Breadcrumb" }).getByText("Organization Settings").waitFor();
  assert.equal(await u.orgEnabled.isChecked(), true);
  await expectValue(u.orgValue, "10");
  await expectValue(u.orgUnit, "Minutes");
  assert.equal(await u.groupsEnabled.isChecked(), false);
  await expandGroups(page);
  assert.deepEqual(await bundleOrder(page), ["Supervisors", "Sales"]);
  await expectValue(bundle(page, 1).value, "15");
  await expectValue(bundle(page, 2).value, "30");
  // The note that group timeouts override the org-wide one.
  await page.getByText(/overrides the organization-wide timeout/).waitFor();
  for (const name of ["Feature toggles", "Performance insights", "Diagnostic traces", "Client app integrations", "Current user"]) {
    assert.equal(await page.getByRole("switch", { name: `Exclude ${name}` }).isChecked(), true, name);
  }
  assert.equal(await u.customList.count(), 0);
  assert.equal(await u.hipaa.isVisible(), false, "no HIPAA notice for a non-HIPAA org");
  assert.deepEqual(errors, []);
  await context.close();
});

test("org-wide timeout: 5 minutes to 8 hours, arrows, keyboard, units; saved seconds reload exactly", async () => {
  const { page, context } = await openAdmin();
  const u = ui(page);

  // Below the minimum: the Rust validator's message next to the field.
  await u.orgValue.fill("4");
  await expectText(u.orgError, /Timeout: must be between 5 minutes \(300 s\) and 8 hours \(28800 s\); got 240 s/);
  assert.equal(await u.orgValue.getAttribute("aria-invalid"), "true");
  await u.orgValue.fill("5");
  await expectEmpty(u.orgError);
  await expectDisabled(u.orgDec, true);
  await u.orgInc.click();
  await expectValue(u.orgValue, "6");
  await expectDisabled(u.orgDec, false);

  // The maximum.
  await u.orgValue.fill("481");
  await expectText(u.orgError, /got 28860 s/);
  await u.orgValue.fill("480");
  await expectEmpty(u.orgError);
  await expectDisabled(u.orgInc, true);
  assert.equal(await u.orgValue.getAttribute("max"), "480");
  assert.equal(await u.orgValue.getAttribute("min"), "5");

  // Units: 480 minutes shown as 8 hours; arrows step whole hours.
  await u.orgUnit.selectOption("Hours");
  await expectValue(u.orgValue, "8");
  assert.equal(await u.orgValue.getAttribute("max"), "8");
  await u.orgDec.click();
  await expectValue(u.orgValue, "7");
  // The keyboard: ArrowUp/ArrowDown in the field step too and stay within the limits.
  await u.orgValue.focus();
  await page.keyboard.press("ArrowUp");
  await expectValue(u.orgValue, "8");
  await page.keyboard.press("ArrowUp");
  await expectValue(u.orgValue, "8");
  await page.keyboard.press("ArrowDown");
  await page.keyboard.press("ArrowDown");
  await expectValue(u.orgValue, "6");

  // A fraction of an hour is kept to the second.
  await u.orgValue.fill("1.5");
  await expectEmpty(u.orgError);
  await saveAndWait(page);
  let saved = await getTimeout();
  assert.equal(saved.idleTokenTimeoutSeconds, 5400);
  assert.equal(saved.inactivityTimeoutUnit, "Hours");
  await page.reload();
  await expectValue(u.orgValue, "1.5");
  await expectValue(u.orgUnit, "Hours");

  // Disabling the org-wide timeout disables its field; the value is kept.
  await u.orgEnabled.uncheck();
  await expectDisabled(u.orgValue, true);
  await saveAndWait(page);
  saved = await getTimeout();
  assert.equal(saved.enableIdleTokenTimeout, false);
  assert.equal(saved.idleTokenTimeoutSeconds, 5400);
  await context.close();
});

test("saved state reloads exactly: bundles, units, priorities, exclusions", async () => {
  const { page, context } = await openAdmin();
  const u = ui(page);
  await u.orgValue.fill("7.5");
  await u.groupsEnabled.check();
  await expandGroups(page);
  await bundle(page, 1).unit.selectOption("Hours");
  await expectValue(bundle(page, 1).value, "0.25");
  await bundle(page, 2).value.fill("45");
  await u.addBundle.click();
  await bundle(page, 3).groupSelect.selectOption({ label: "Billing" });
  await bundle(page, 3).addGroup.click();
  await bundle(page, 3).groupSelect.selectOption({ label: "Support" });
  await bundle(page, 3).addGroup.click();
  await bundle(page, 3).unit.selectOption("Hours");
  await bundle(page, 3).value.fill("2");
  await page.getByRole("switch", { name: "Exclude Current user" }).uncheck();
  await u.combobox.fill("api/v2/routing/queues");
  await u.addCustom.click();
  await u.customList.first().waitFor();
  await saveAndWait(page);

  const expected = {
    enableIdleTokenTimeout: true,
    idleTokenTimeoutSeconds: 450,
    inactivityTimeoutUnit: "Minutes",
    inactivityTimeoutGroupsEnabled: true,
    inactivityTimeoutGroupBundles: [
      { priority: 1, timeoutSeconds: 900, inactivityTimeoutUnit: "Hours", groups: [groupId("Supervisors")] },
      { priority: 2, timeoutSeconds: 2700, inactivityTimeoutUnit: "Minutes", groups: [groupId("Sales")] },
      { priority: 3, timeoutSeconds: 7200, inactivityTimeoutUnit: "Hours", groups: [groupId("Billing"), groupId("Support")] },
    ],
  };
  const saved = await getTimeout();
  assert.deepEqual(
    { ...saved, inactivityTimeoutGroupBundles: saved.inactivityTimeoutGroupBundles.map((b) => ({ ...b })) },
    expected,
  );
  assert.deepEqual((await getSettings()).inactivityTimeoutExclusions, [
    "api/v2/featuretoggles",
    "api/v2/diagnostics/newrelic/insights",
    "api/v2/diagnostics/trace",
    "api/v2/integrations/clientapps",
    "api/v2/routing/queues",
  ]);

  // A fresh load shows exactly what was saved.
  await page.reload();
  await expectValue(u.orgValue, "7.5");
  await expectValue(u.orgUnit, "Minutes");
  assert.equal(await u.groupsEnabled.isChecked(), true);
  await expandGroups(page);
  assert.deepEqual(await bundleOrder(page), ["Supervisors", "Sales", "Billing+Support"]);
  await expectValue(bundle(page, 1).value, "0.25");
  await expectValue(bundle(page, 1).unit, "Hours");
  await expectValue(bundle(page, 2).value, "45");
  await expectValue(bundle(page, 3).value, "2");
  await expectValue(bundle(page, 3).unit, "Hours");
  assert.equal(await page.getByRole("switch", { name: "Exclude Current user" }).isChecked(), false);
  assert.deepEqual(await u.customList.locator("code").allTextContents(), ["api/v2/routing/queues"]);
  await expectText(u.saveStatus, /^$/);
  await context.close();
});

test("Cancel reloads the saved state and discards the edits", async () => {
  const { page, context } = await openAdmin();
  const u = ui(page);
  await u.orgValue.fill("20");
  await u.orgEnabled.uncheck();
  await page.getByRole("switch", { name: "Exclude Feature toggles" }).uncheck();
  await u.groupsEnabled.check();
  await expandGroups(page);
  await bundle(page, 2).remove.click();
  await expectText(u.saveStatus, /unsaved changes/);
  await u.cancel.click();
  await expectText(u.saveStatus, /Changes discarded/);
  await expectValue(u.orgValue, "10");
  assert.equal(await u.orgEnabled.isChecked(), true);
  assert.equal(await u.groupsEnabled.isChecked(), false);
  assert.equal(await page.getByRole("switch", { name: "Exclude Feature toggles" }).isChecked(), true);
  assert.equal(await u.bundles.count(), 2);
  const saved = await getTimeout();
  assert.equal(saved.idleTokenTimeoutSeconds, 600);
  assert.equal(saved.inactivityTimeoutGroupBundles.length, 2);
  await context.close();
});

test("group bundles: expand/collapse, groups from the organization, add up to 5, remove, validation", async () => {
  const { page, context } = await openAdmin();
  const u = ui(page);
  // Expand and collapse.
  assert.equal(await u.expand.getAttribute("aria-expanded"), "false");
  assert.equal(await page.locator("#groups-panel").isVisible(), false);
  await u.expand.click();
  assert.equal(await u.expand.getAttribute("aria-expanded"), "true");
  await page.locator("#groups-panel").waitFor();
  await u.expand.click();
  assert.equal(await u.expand.getAttribute("aria-expanded"), "false");
  await page.locator("#groups-panel").waitFor({ state: "hidden" });

  // Enabling groups opens the panel; the bundle controls are usable only while enabled.
  await expandGroups(page);
  await expectDisabled(bundle(page, 1).value, true);
  await u.groupsEnabled.check();
  await expectDisabled(bundle(page, 1).value, false);

  // The group picker lists the organization's groups that are in no bundle yet.
  const offered = await bundle(page, 1).groupSelect.locator("option").allTextContents();
  const inBundles = ["Supervisors", "Sales"];
  assert.deepEqual(
    offered.slice(1).sort(),
    orgGroups.map((g) => g.name).filter((n) => !inBundles.includes(n)).sort(),
  );

  // Add bundles up to 5.
  await expectText(u.bundleCount, /2 of 5 bundles · 2 of 25 groups/);
  for (let n = 3; n <= 5; n++) {
    await u.addBundle.click();
    await bundle(page, n).root.waitFor();
  }
  await expectText(u.bundleCount, /5 of 5 bundles/);
  await expectDisabled(u.addBundle, true);
  // A new bundle has no group: the validator says so next to its groups.
  await expectText(bundle(page, 5).groupsError, /Bundle 5 groups: must contain at least one group/);
  // Saving is refused with a summary that links to the field.
  await u.save.click();
  await u.summary.waitFor();
  await expectText(u.summary, /Fix these problems before saving/);
  assert.equal((await getTimeout()).inactivityTimeoutGroupBundles.length, 2, "nothing was saved");
  await u.summary.getByRole("link", { name: /Bundle 5 groups/ }).click();
  assert.equal(await page.evaluate(() => document.activeElement?.getAttribute("aria-label")), "Group to add to bundle 5");

  // "Add group" with nothing chosen explains itself.
  await bundle(page, 5).addGroup.click();
  await expectText(bundle(page, 5).groupsError, /Choose a group from the list first/);
  await bundle(page, 5).groupSelect.selectOption({ label: "Billing" });
  await bundle(page, 5).addGroup.click();
  await expectEmpty(bundle(page, 5).groupsError);
  // A group can stand in one bundle only: Billing is no longer offered elsewhere.
  assert.ok(!(await bundle(page, 4).groupSelect.locator("option").allTextContents()).includes("Billing"));
  // Removing a group chip offers it again.
  await page.getByRole("button", { name: "Remove Billing from bundle 5" }).click();
  assert.ok((await bundle(page, 4).groupSelect.locator("option").allTextContents()).includes("Billing"));

  // Remove bundles 3–5: Add bundle is enabled again.
  for (let n = 5; n >= 3; n--) await bundle(page, n).remove.click();
  await expectText(u.bundleCount, /2 of 5 bundles/);
  await expectDisabled(u.addBundle, false);

  // A bundle's timeout has the same limits as the org-wide one.
  await bundle(page, 2).value.fill("2");
  await expectText(bundle(page, 2).timeoutError, /Bundle 2 timeout: must be between 5 minutes/);
  await bundle(page, 2).value.fill("481");
  await expectText(bundle(page, 2).timeoutError, /got 28860 s/);
  await bundle(page, 2).value.fill("480");
  await expectEmpty(bundle(page, 2).timeoutError);
  await saveAndWait(page);
  const saved = await getTimeout();
  assert.equal(saved.inactivityTimeoutGroupsEnabled, true);
  assert.equal(saved.inactivityTimeoutGroupBundles[1].timeoutSeconds, 28800);
  await context.close();
});

test("at most 25 groups across all bundles", async () => {
  // The demo organization has more than 25 groups, so the limit is reached with real data.
  assert.ok(orgGroups.length > 25, `the demo organization has ${orgGroups.length} groups`);
  const { page, context } = await openAdmin("admin");
  const u = ui(page);
  await u.groupsEnabled.check();
  await expandGroups(page);
  await u.addBundle.click();
  await u.addBundle.click();
  // Fill bundles 1, 3 and 4 until 25 groups stand in the bundles.
  const fill = async (n) => {
    const b = bundle(page, n);
    const options = await b.groupSelect.locator("option").count();
    if (options <= 1 || (await b.groupSelect.isDisabled())) return false;
    await b.groupSelect.selectOption({ index: 1 });
    await b.addGroup.click();
    return true;
  };
  let total = 2;
  for (const n of [1, 3, 4]) {
    for (let i = 0; i < 8 && total < 25; i++) if (await fill(n)) total++;
  }
  assert.equal(total, 25);
  await expectText(u.bundleCount, /25 of 25 groups/);
  for (const n of [1, 2, 3, 4]) {
    await expectDisabled(bundle(page, n).groupSelect, true);
    await expectDisabled(bundle(page, n).addGroup, true);
  }
  await page.getByText(`All 25 groups are used: remove a group to add another.`).first().waitFor();
  // Removing one makes room again.
  await bundle(page, 4).root.locator(".chip button").first().click();
  await expectText(u.bundleCount, /24 of 25 groups/);
  await expectDisabled(bundle(page, 4).groupSelect, false);
  await context.close();
});

test("bundles reorder by keyboard: Move up/down buttons and Alt+Arrow, with an announcement", async () => {
  const { page, context } = await openAdmin();
  const u = ui(page);
  await u.groupsEnabled.check();
  await expandGroups(page);
  assert.deepEqual(await bundleOrder(page), ["Supervisors", "Sales"]);
  assert.equal(await bundle(page, 1).up.isDisabled(), true, "the first bundle cannot move up");
  assert.equal(await bundle(page, 2).down.isDisabled(), true, "the last bundle cannot move down");

  // Move up with the keyboard on the button.
  await bundle(page, 2).up.focus();
  await page.keyboard.press("Enter");
  assert.deepEqual(await bundleOrder(page), ["Sales", "Supervisors"]);
  await expectText(u.announcer, /Bundle moved to position 1 of 2: it now has priority 1/);
  // Focus stays with the moved bundle (its Move up is now disabled, so Move down has it).
  assert.equal(await page.evaluate(() => document.activeElement?.id), await bundle(page, 1).down.getAttribute("id"));

  // Alt+ArrowDown from inside the bundle (its timeout field) moves it back.
  await bundle(page, 1).value.focus();
  await page.keyboard.press("Alt+ArrowDown");
  assert.deepEqual(await bundleOrder(page), ["Supervisors", "Sales"]);
  await expectText(u.announcer, /Bundle moved to position 2 of 2: it now has priority 2/);
  assert.equal(await page.evaluate(() => document.activeElement?.id), await bundle(page, 2).value.getAttribute("id"), "focus stays in the moved bundle's field");
  await expectValue(bundle(page, 2).value, "30");
  await page.keyboard.press("Alt+ArrowUp");
  assert.deepEqual(await bundleOrder(page), ["Sales", "Supervisors"]);
  await page.keyboard.press("Alt+ArrowUp");
  await expectText(u.announcer, /already first/);

  await saveAndWait(page);
  const saved = await getTimeout();
  assert.deepEqual(
    saved.inactivityTimeoutGroupBundles.map((b) => [b.priority, b.groups[0], b.timeoutSeconds]),
    [
      [1, groupId("Sales"), 1800],
      [2, groupId("Supervisors"), 900],
    ],
  );
  await context.close();
});

test("bundles reorder by drag and drop", async () => {
  // Tall enough that source and target are both on screen: a drag does not scroll.
  const { page, context } = await openAdmin("admin", { viewport: { width: 1280, height: 1600 } });
  const u = ui(page);
  await u.groupsEnabled.check();
  await expandGroups(page);
  await u.addBundle.click();
  await bundle(page, 3).groupSelect.selectOption({ label: "Billing" });
  await bundle(page, 3).addGroup.click();
  assert.deepEqual(await bundleOrder(page), ["Supervisors", "Sales", "Billing"]);
  // Drag bundle 3 by its handle onto bundle 1: it takes priority 1.
  await bundle(page, 3).root.locator(".drag-handle").dragTo(bundle(page, 1).root);
  assert.deepEqual(await bundleOrder(page), ["Billing", "Supervisors", "Sales"]);
  await expectText(u.announcer, /Bundle moved to position 1 of 3/);
  // And bundle 1 onto bundle 2.
  await bundle(page, 1).root.locator(".drag-handle").dragTo(bundle(page, 2).root);
  assert.deepEqual(await bundleOrder(page), ["Supervisors", "Billing", "Sales"]);
  await saveAndWait(page);
  const saved = await getTimeout();
  assert.deepEqual(
    saved.inactivityTimeoutGroupBundles.map((b) => [b.priority, b.groups[0]]),
    [
      [1, groupId("Supervisors")],
      [2, groupId("Billing")],
      [3, groupId("Sales")],
    ],
  );
  await context.close();
});

test("custom APIs: autocomplete from the catalog, keyboard-navigable; Add and Remove", async (t) => {
  const catalogRes = await fetch(`${server.url}/catalog/api-catalog.json`);
  const useFixture = !catalogRes.ok;
  if (useFixture) t.diagnostic(`the server has no API catalog (HTTP ${catalogRes.status}): the page gets a small fixture`);
  const { page, context } = await openAdmin("admin", {
    beforeLoad: useFixture
      ? (p) =>
          p.route("**/catalog/api-catalog.json", (route) =>
            route.fulfill({
              json: ["api/v2/routing/queues", "api/v2/routing/queues/{queueId}", "api/v2/routing/queues/{queueId}/members", "api/v2/routing/skills", "api/v2/users/{userId}", "api/v2/users/me"],
            }),
          )
      : undefined,
  });
  const u = ui(page);
  const input = u.combobox;
  assert.equal(await input.getAttribute("aria-expanded"), "false");

  // Typing opens the list of matching APIs.
  await input.click();
  await page.keyboard.type("routing/queues");
  await u.listbox.waitFor();
  assert.equal(await input.getAttribute("aria-expanded"), "true");
  const options = u.listbox.getByRole("option");
  const count = await options.count();
  assert.ok(count >= 2, `several matches, got ${count}`);
  for (const text of await options.allTextContents()) assert.match(text, /routing\/queues/i);

  // ArrowDown/ArrowUp move the active option (aria-activedescendant + aria-selected), wrapping.
  await page.keyboard.press("ArrowDown");
  const first = await options.nth(0).getAttribute("id");
  assert.equal(await input.getAttribute("aria-activedescendant"), first);
  assert.equal(await options.nth(0).getAttribute("aria-selected"), "true");
  await page.keyboard.press("ArrowDown");
  assert.equal(await input.getAttribute("aria-activedescendant"), await options.nth(1).getAttribute("id"));
  assert.equal(await options.nth(0).getAttribute("aria-selected"), "false");
  await page.keyboard.press("ArrowUp");
  await page.keyboard.press("ArrowUp");
  assert.equal(await input.getAttribute("aria-activedescendant"), await options.nth(count - 1).getAttribute("id"), "ArrowUp wraps to the last");
  await page.keyboard.press("ArrowDown");
  const chosen = (await options.nth(0).textContent()).trim();

  // Escape closes the list; ArrowDown reopens it.
  await page.keyboard.press("Escape");
  await u.listbox.waitFor({ state: "hidden" });
  assert.equal(await input.getAttribute("aria-expanded"), "false");
  assert.equal(await input.getAttribute("aria-activedescendant"), null);
  await page.keyboard.press("ArrowDown");
  await u.listbox.waitFor();

  // Enter takes the active option into the field; Enter again adds it.
  await page.keyboard.press("Enter");
  await u.listbox.waitFor({ state: "hidden" });
  await expectValue(input, chosen);
  await page.keyboard.press("Enter");
  await u.customList.first().waitFor();
  assert.deepEqual(await u.customList.locator("code").allTextContents(), [chosen]);
  await expectValue(input, "");
  await expectText(u.announcer, /added to the excluded APIs/);

  // A path already in the list is refused by the validator.
  await input.fill(chosen);
  await u.addCustom.click();
  await expectText(u.customError, /.+/);
  assert.equal(await u.customList.count(), 1);
  // An invalid path is refused with the validator's message.
  await input.fill("api/v2/users/{userId");
  await u.addCustom.click();
  await expectText(u.customError, /\{/);
  await input.fill("api/v2/x y");
  await u.addCustom.click();
  await expectText(u.customError, /space/);
  assert.equal(await input.getAttribute("aria-invalid"), "true");
  // A second one with the mouse: click an option.
  await input.fill("");
  await input.pressSequentially("users/{userId}");
  await u.listbox.getByRole("option", { name: "api/v2/users/{userId}", exact: true }).click();
  await expectValue(input, "api/v2/users/{userId}");
  await u.addCustom.click();
  await expectText(u.announcer, /api\/v2\/users\/\{userId\} added/);
  assert.equal(await u.customList.count(), 2);

  // Remove, with focus handed to the next Remove button.
  await page.getByRole("button", { name: `Remove ${chosen}` }).click();
  assert.deepEqual(await u.customList.locator("code").allTextContents(), ["api/v2/users/{userId}"]);
  assert.equal(await page.evaluate(() => document.activeElement?.getAttribute("aria-label")), "Remove api/v2/users/{userId}");
  await saveAndWait(page);
  assert.deepEqual((await getSettings()).inactivityTimeoutExclusions.slice(-1), ["api/v2/users/{userId}"]);
  await page.getByRole("button", { name: "Remove api/v2/users/{userId}" }).click();
  assert.equal(await page.evaluate(() => document.activeElement?.id), "custom-api", "focus returns to the field");
  await saveAndWait(page);
  assert.equal((await getSettings()).inactivityTimeoutExclusions.length, 5);
  await context.close();
});

test("default APIs are five switches mapped to entries of inactivityTimeoutExclusions", async () => {
  const { page, context } = await openAdmin();
  const u = ui(page);
  const sw = (name) => page.getByRole("switch", { name: `Exclude ${name}` });
  assert.equal(await page.getByRole("switch").count(), 5);
  await sw("Current user").uncheck();
  await sw("Diagnostic traces").uncheck();
  await saveAndWait(page);
  assert.deepEqual((await getSettings()).inactivityTimeoutExclusions, [
    "api/v2/featuretoggles",
    "api/v2/diagnostics/newrelic/insights",
    "api/v2/integrations/clientapps",
  ]);
  await page.reload();
  assert.equal(await sw("Current user").isChecked(), false);
  assert.equal(await sw("Diagnostic traces").isChecked(), false);
  assert.equal(await sw("Feature toggles").isChecked(), true);
  // The keyboard toggles a switch (Space).
  await sw("Diagnostic traces").focus();
  await page.keyboard.press("Space");
  assert.equal(await sw("Diagnostic traces").isChecked(), true);
  await saveAndWait(page);
  assert.deepEqual((await getSettings()).inactivityTimeoutExclusions, [
    "api/v2/featuretoggles",
    "api/v2/diagnostics/newrelic/insights",
    "api/v2/integrations/clientapps",
    "api/v2/diagnostics/trace",
  ]);
  assert.equal(await u.customList.count(), 0, "defaults never show up as custom entries");
  await context.close();
});

test("HIPAA organization: the 15-minute notice, and the cap enforced in the controls", async () => {
  const hipaa = await server.api(adminToken, "PATCH", "/api/v2/organizations/features/hipaa", { enabled: true });
  assert.equal(hipaa.status < 300, true, `HIPAA on: ${JSON.stringify(hipaa.body)}`);
  const { page, context } = await openAdmin();
  const u = ui(page);
  await u.hipaa.waitFor();
  await expectText(u.hipaa, /15 minutes/);
  assert.equal(await u.orgValue.getAttribute("max"), "15");
  await page.getByText("From 5 to 15 minutes (HIPAA limit).").first().waitFor();
  // The arrows stop at 15 minutes.
  await u.orgValue.fill("14");
  await u.orgInc.click();
  await expectValue(u.orgValue, "15");
  await expectDisabled(u.orgInc, true);
  await u.orgValue.focus();
  await page.keyboard.press("ArrowUp");
  await expectValue(u.orgValue, "15");
  // A typed value over the cap gets the validator's HIPAA message, and Save is refused.
  await u.orgValue.fill("16");
  await expectText(u.orgError, /HIPAA/);
  await u.save.click();
  await u.summary.waitFor();
  assert.equal((await getTimeout()).idleTokenTimeoutSeconds, 600, "nothing saved");
  // In hours the cap is a quarter of an hour.
  await u.orgValue.fill("15");
  await u.orgUnit.selectOption("Hours");
  await expectValue(u.orgValue, "0.25");
  assert.equal(await u.orgValue.getAttribute("max"), "0.25");
  // The bundles are capped too: the default bundle 2 (30 minutes) is over the cap.
  await expandGroups(page);
  await u.groupsEnabled.check();
  await expectText(bundle(page, 2).timeoutError, /HIPAA/);
  await bundle(page, 2).value.fill("15");
  await expectEmpty(bundle(page, 2).timeoutError);
  await u.addBundle.click();
  await expectValue(bundle(page, 3).value, "15");
  await bundle(page, 3).remove.click();
  await saveAndWait(page);
  const saved = await getTimeout();
  assert.equal(saved.idleTokenTimeoutSeconds, 900);
  assert.equal(saved.inactivityTimeoutGroupBundles[1].timeoutSeconds, 900);
  await context.close();
});

test("the server's 400 errors are shown next to the fields their paths name", async () => {
  const { page, context } = await openAdmin();
  const u = ui(page);
  // Send what the page would not: the server must refuse it with its own validation.
  await page.route("**/api/v2/tokens/timeout", async (route) => {
    if (route.request().method() !== "PUT") return route.continue();
    const body = JSON.parse(route.request().postData());
    body.idleTokenTimeoutSeconds = 60;
    await route.continue({ postData: JSON.stringify(body) });
  });
  await u.orgValue.fill("12");
  await u.save.click();
  await u.summary.waitFor();
  await expectText(u.summary, /The server did not accept the settings/);
  await expectText(u.orgError, /Timeout: must be between 5 minutes \(300 s\) and 8 hours \(28800 s\); got 60 s/);
  await expectText(u.saveStatus, /Not saved/);
  assert.equal((await getTimeout()).idleTokenTimeoutSeconds, 600, "the stored settings are untouched");
  // Editing the field clears the stale server message.
  await u.orgValue.fill("13");
  await expectEmpty(u.orgError);
  await page.unroute("**/api/v2/tokens/timeout");
  await saveAndWait(page);
  assert.equal((await getTimeout()).idleTokenTimeoutSeconds, 780);
  await context.close();
});

test("a non-admin gets a clear message (403) and nothing changes", async () => {
  const { page, context } = await openAdmin("agent");
  const u = ui(page);
  await u.orgValue.fill("20");
  await u.save.click();
  await u.pageError.waitFor();
  await expectText(u.pageError, /You don't have permission to change these settings/);
  await expectText(u.pageError, /signed in as Alex Agent/);
  assert.equal(await page.evaluate(() => document.activeElement?.id), "page-error", "the message takes focus");
  assert.equal((await getTimeout()).idleTokenTimeoutSeconds, 600);
  // The way out: sign in as someone else.
  await page.getByRole("button", { name: "Sign in as a different user" }).click();
  await signIn(page, "admin");
  await page.waitForURL(`${server.url}/admin/`);
  await page.locator("#settings-form:not([hidden])").waitFor();
  await expectText(page.locator("#user-name"), /Ada Admin/);
  await context.close();
});

test("the sign-in page shows a wrong password accessibly and keeps the flow", async () => {
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto(`${server.url}/admin/`);
  await page.waitForURL(/\/oauth\/authorize/);
  await page.getByRole("cell", { name: "supervisor", exact: true }).first().waitFor();
  await page.getByLabel("Username").fill("admin");
  await page.getByLabel("Password").fill("wrong");
  await page.getByRole("button", { name: /sign in/i }).click();
  await page.waitForURL(/error=invalid_credentials/);
  const alert = page.getByRole("alert");
  await expectText(alert, /username or password is incorrect/);
  assert.equal(await page.evaluate(() => document.activeElement?.id), "error");
  // The flow's parameters survived: the "Use" button and a correct sign-in land on the admin page.
  await page.getByRole("button", { name: "Use the admin demo user" }).click();
  await Promise.all([page.waitForURL(`${server.url}/admin/`), page.getByRole("button", { name: /sign in/i }).click()]);
  await page.locator("#settings-form:not([hidden])").waitFor();
  await context.close();
});
