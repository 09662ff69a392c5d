// The admin page's group bundles and excluded APIs in a real Chromium against the real server:
// bundles (groups, limits, reordering by keyboard and by drag and drop), the custom APIs'
// autocomplete from the catalog, the default APIs' switches. No sleeps: every wait is a condition
// polled by Playwright.
import { test } from "node:test";
import assert from "node:assert/strict";
import { expectText, expectValue, expectEmpty, expectDisabled, until } from "./expect.mjs";
import { adminSuite, openAdmin, ui, bundle, saveAndWait, getTimeout, getSettings, groupId, expandGroups, bundleOrder } from "./admin-page.mjs";
import { replaceValue, dragAndDrop } from "./harness.mjs";

const suite = await adminSuite();

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
    suite.orgGroups.map((g) => g.name).filter((n) => !inBundles.includes(n)).sort(),
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
  await replaceValue(bundle(page, 2).value, "2");
  await expectText(bundle(page, 2).timeoutError, /Bundle 2 timeout: must be between 5 minutes/);
  await replaceValue(bundle(page, 2).value, "481");
  await expectText(bundle(page, 2).timeoutError, /got 28860 s/);
  await replaceValue(bundle(page, 2).value, "480");
  await expectEmpty(bundle(page, 2).timeoutError);
  await saveAndWait(page);
  const saved = await getTimeout();
  assert.equal(saved.inactivityTimeoutGroupsEnabled, true);
  assert.equal(saved.inactivityTimeoutGroupBundles[1].timeoutSeconds, 28800);
  await context.close();
});

test("at most 25 groups across all bundles", async () => {
  // The demo organization has more than 25 groups, so the limit is reached with real data.
  assert.ok(suite.orgGroups.length > 25, `the demo organization has ${suite.orgGroups.length} groups`);
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
  await dragAndDrop(bundle(page, 3).root.locator(".drag-handle"), bundle(page, 1).root);
  assert.deepEqual(await bundleOrder(page), ["Billing", "Supervisors", "Sales"]);
  await expectText(u.announcer, /Bundle moved to position 1 of 3/);
  // And bundle 1 onto bundle 2.
  await dragAndDrop(bundle(page, 1).root.locator(".drag-handle"), bundle(page, 2).root);
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
  const catalogRes = await fetch(`${suite.server.url}/catalog/api-catalog.json`);
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
