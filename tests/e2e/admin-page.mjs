// The admin page's fixture for its end-to-end tests: the server and browser for a test file,
// the admin's token and the organization's groups before each test, opening the page signed in,
// and its controls by role and name.
import { beforeEach } from "node:test";
import { setUp, signIn, tokenFor } from "./harness.mjs";
import { until, expectText } from "./expect.mjs";

/** What the tests of a file share; filled in by `adminSuite()`'s hooks. */
export const suite = { server: null, browser: null, adminToken: null, orgGroups: null };

/** The file's server and browser (the harness's `setUp`, reset before each test), and an admin
 *  token and the organization's groups before each test. */
export async function adminSuite() {
  const { server, browser } = await setUp({ resetEachTest: true });
  Object.assign(suite, { server, browser });
  beforeEach(async () => {
    suite.adminToken = await tokenFor(suite.server, "admin");
    suite.orgGroups = (await suite.server.api(suite.adminToken, "GET", "/api/v2/groups?pageSize=100")).body.entities;
  });
  return suite;
}

/** Opens the admin page in a fresh browser context and signs in through the OAuth flow. */
export async function openAdmin(user = "admin", { beforeLoad, viewport } = {}) {
  const context = await suite.browser.newContext(viewport ? { viewport } : {});
  const page = await context.newPage();
  const errors = [];
  page.on("pageerror", (e) => errors.push(e.message));
  if (beforeLoad) await beforeLoad(page);
  await page.goto(`${suite.server.url}/admin/`);
  await signIn(page, user);
  await page.waitForURL(`${suite.server.url}/admin/`);
  await page.locator("#settings-form:not([hidden]), #page-error:not([hidden])").first().waitFor();
  return { page, context, errors };
}

export const ui = (page) => ({
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

export const bundle = (page, n) => ({
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

export async function saveAndWait(page) {
  await ui(page).save.click();
  await expectText(ui(page).saveStatus, /Settings saved\./);
}

export const getTimeout = async () => (await suite.server.api(suite.adminToken, "GET", "/api/v2/tokens/timeout")).body;
export const getSettings = async () => (await suite.server.api(suite.adminToken, "GET", "/api/v2/organizations/authentication/settings")).body;
export const groupId = (name) => suite.orgGroups.find((g) => g.name === name).id;

export async function expandGroups(page) {
  const u = ui(page);
  if ((await u.expand.getAttribute("aria-expanded")) !== "true") await u.expand.click();
  await until(page, () => !document.getElementById("groups-panel").hidden, undefined, "the group panel is open");
}

export async function bundleOrder(page) {
  return page.locator("#bundles > li").evaluateAll((lis) =>
    lis.map((li) => [...li.querySelectorAll(".chip > span")].map((s) => s.textContent).join("+")),
  );
}
