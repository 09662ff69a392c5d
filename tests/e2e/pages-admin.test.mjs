// The admin page (Organization Settings › Authentication › Inactivity Timeout) in a real
// Chromium against the real server: the org-wide timeout, save/reload exactness, cancel, HIPAA,
// the server's errors next to their fields, 403, the sign-in page. Bundles and exclusions are in
// pages-admin-groups.test.mjs. No sleeps: every wait is a condition polled by Playwright.
import { test } from "node:test";
import assert from "node:assert/strict";
import { signIn, replaceValue } from "./harness.mjs";
import { expectText, expectValue, expectEmpty, expectDisabled } from "./expect.mjs";
import { adminSuite, openAdmin, ui, bundle, saveAndWait, getTimeout, getSettings, groupId, expandGroups, bundleOrder } from "./admin-page.mjs";

const suite = await adminSuite();

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
  await replaceValue(u.orgValue, "4");
  await expectText(u.orgError, /Timeout: must be between 5 minutes \(300 s\) and 8 hours \(28800 s\); got 240 s/);
  assert.equal(await u.orgValue.getAttribute("aria-invalid"), "true");
  await replaceValue(u.orgValue, "5");
  await expectEmpty(u.orgError);
  await expectDisabled(u.orgDec, true);
  await u.orgInc.click();
  await expectValue(u.orgValue, "6");
  await expectDisabled(u.orgDec, false);

  // The maximum.
  await replaceValue(u.orgValue, "481");
  await expectText(u.orgError, /got 28860 s/);
  await replaceValue(u.orgValue, "480");
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
  await replaceValue(u.orgValue, "1.5");
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
  await replaceValue(u.orgValue, "7.5");
  await u.groupsEnabled.check();
  await expandGroups(page);
  await bundle(page, 1).unit.selectOption("Hours");
  await expectValue(bundle(page, 1).value, "0.25");
  await replaceValue(bundle(page, 2).value, "45");
  await u.addBundle.click();
  await bundle(page, 3).groupSelect.selectOption({ label: "Billing" });
  await bundle(page, 3).addGroup.click();
  await bundle(page, 3).groupSelect.selectOption({ label: "Support" });
  await bundle(page, 3).addGroup.click();
  await bundle(page, 3).unit.selectOption("Hours");
  await replaceValue(bundle(page, 3).value, "2");
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
  await replaceValue(u.orgValue, "20");
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

test("HIPAA organization: the 15-minute notice, and the cap enforced in the controls", async () => {
  const hipaa = await suite.server.api(suite.adminToken, "PATCH", "/api/v2/organizations/features/hipaa", { enabled: true });
  assert.equal(hipaa.status < 300, true, `HIPAA on: ${JSON.stringify(hipaa.body)}`);
  const { page, context } = await openAdmin();
  const u = ui(page);
  await u.hipaa.waitFor();
  await expectText(u.hipaa, /15 minutes/);
  assert.equal(await u.orgValue.getAttribute("max"), "15");
  await page.getByText("From 5 to 15 minutes (HIPAA limit).").first().waitFor();
  // The arrows stop at 15 minutes.
  await replaceValue(u.orgValue, "14");
  await u.orgInc.click();
  await expectValue(u.orgValue, "15");
  await expectDisabled(u.orgInc, true);
  await u.orgValue.focus();
  await page.keyboard.press("ArrowUp");
  await expectValue(u.orgValue, "15");
  // A typed value over the cap gets the validator's HIPAA message, and Save is refused.
  await replaceValue(u.orgValue, "16");
  await expectText(u.orgError, /HIPAA/);
  await u.save.click();
  await u.summary.waitFor();
  assert.equal((await getTimeout()).idleTokenTimeoutSeconds, 600, "nothing saved");
  // In hours the cap is a quarter of an hour.
  await replaceValue(u.orgValue, "15");
  await u.orgUnit.selectOption("Hours");
  await expectValue(u.orgValue, "0.25");
  assert.equal(await u.orgValue.getAttribute("max"), "0.25");
  // The bundles are capped too: the default bundle 2 (30 minutes) is over the cap.
  await expandGroups(page);
  await u.groupsEnabled.check();
  await expectText(bundle(page, 2).timeoutError, /HIPAA/);
  await replaceValue(bundle(page, 2).value, "15");
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
  // The page's PUT answered by the real server for the same settings with 60 s (Firefox over
  // WebDriver BiDi shows a route neither the request's body nor a way to change it).
  await page.route("**/api/v2/tokens/timeout", async (route) => {
    if (route.request().method() !== "PUT") return route.continue();
    const body = { ...(await getTimeout()), idleTokenTimeoutSeconds: 60 };
    const answer = await suite.server.api(suite.adminToken, "PUT", "/api/v2/tokens/timeout", body);
    await route.fulfill({ status: answer.status, json: answer.body });
  });
  await replaceValue(u.orgValue, "12");
  await u.save.click();
  await u.summary.waitFor();
  await expectText(u.summary, /The server did not accept the settings/);
  await expectText(u.orgError, /Timeout: must be between 5 minutes \(300 s\) and 8 hours \(28800 s\); got 60 s/);
  await expectText(u.saveStatus, /Not saved/);
  assert.equal((await getTimeout()).idleTokenTimeoutSeconds, 600, "the stored settings are untouched");
  // Editing the field clears the stale server message.
  await replaceValue(u.orgValue, "13");
  await expectEmpty(u.orgError);
  await page.unroute("**/api/v2/tokens/timeout");
  await saveAndWait(page);
  assert.equal((await getTimeout()).idleTokenTimeoutSeconds, 780);
  await context.close();
});

test("a non-admin gets a clear message (403) and nothing changes", async () => {
  const { page, context } = await openAdmin("agent");
  const u = ui(page);
  await replaceValue(u.orgValue, "20");
  await u.save.click();
  await u.pageError.waitFor();
  await expectText(u.pageError, /You don't have permission to change these settings/);
  await expectText(u.pageError, /signed in as Alex Agent/);
  assert.equal(await page.evaluate(() => document.activeElement?.id), "page-error", "the message takes focus");
  assert.equal((await getTimeout()).idleTokenTimeoutSeconds, 600);
  // The way out: sign in as someone else.
  await page.getByRole("button", { name: "Sign in as a different user" }).click();
  await signIn(page, "admin");
  await page.waitForURL(`${suite.server.url}/admin/`);
  await page.locator("#settings-form:not([hidden])").waitFor();
  await expectText(page.locator("#user-name"), /Ada Admin/);
  await context.close();
});

test("the sign-in page shows a wrong password accessibly and keeps the flow", async () => {
  const context = await suite.browser.newContext();
  const page = await context.newPage();
  await page.goto(`${suite.server.url}/admin/`);
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
  await Promise.all([page.waitForURL(`${suite.server.url}/admin/`), page.getByRole("button", { name: /sign in/i }).click()]);
  await page.locator("#settings-form:not([hidden])").waitFor();
  await context.close();
});
