// Organization Settings › Authentication › Inactivity Timeout: the page's entry point — loading,
// saving, the page-level messages and the wiring of its parts:
//
//   model.js       the model ↔ the platform's JSON (no DOM)
//   state.js       the shared state and the "something changed" hook
//   duration.js    the duration field          bundles.js     group bundles, drag and drop
//   exclusions.js  default and custom APIs      combobox.js    the custom API autocomplete
//   errors.js      validator/server errors → fields
//   preview.js     the Preview panel (what unsaved changes would have done)
//   validator.js   the one import of the package (validatePolicy)
//
// Every change is checked by the package's Rust validator (validatePolicy) and its messages are
// shown next to the field their JSON path names; the server's 400 errors are shown the same way.

import { currentPath, api, ApiError, initials } from "/js/oauth.js";
import { tokenStore, prepareSignIn } from "/js/signin.js";
import { h } from "/js/dom.js";
import { settingsBody, snapshot, timeoutBody, toModel } from "/admin/model.js";
import { $, page, problems, onChange } from "/admin/state.js";
import { durationControl } from "/admin/duration.js";
import { addBundle, renderBundles, setExpanded } from "/admin/bundles.js";
import { renderCustom, renderDefaults } from "/admin/exclusions.js";
import { wireCombobox } from "/admin/combobox.js";
import { collectErrors, isBundleKey, setServerErrors, showErrors, showSummary } from "/admin/errors.js";
import { refreshPreview, wirePreview } from "/admin/preview.js";
import { loadValidator } from "/admin/validator.js";

const CLIENT_ID = "admin-demo";
const CALLBACK = "/admin/callback.html";
const store = tokenStore("admin-demo.token");

// ---------------------------------------------------------------- rendering

function renderAll() {
  const { model } = page;
  $("org-enabled").checked = model.enabled;
  $("groups-enabled").checked = model.groupsEnabled;
  const holder = $("org-duration");
  holder.replaceChildren();
  holder.append(durationControl({ id: "org-timeout", label: "Timeout", target: model, errorKey: "org" }).el);
  $("hipaa-notice").hidden = !page.hipaa;
  syncDisabled();
  renderBundles();
  renderDefaults();
  renderCustom();
  changed({ quiet: true });
}

function syncDisabled() {
  $("org-fieldset").disabled = !page.model.enabled;
  $("bundles-fieldset").disabled = !page.model.groupsEnabled;
}

/** The model changed: re-validate, show the errors, whether there are unsaved changes, and their preview. */
function changed({ quiet = false } = {}) {
  if (!page.model) return;
  // an edit makes the server's last answer stale for the parts it touched; keep it simple: drop it
  if (!quiet) problems.server = new Map();
  syncDisabled();
  collectErrors();
  showErrors();
  const dirty = snapshot(page.model) !== page.savedSnapshot;
  const status = $("save-status");
  if (!quiet || dirty) {
    status.className = "status-line";
    status.textContent = dirty ? "You have unsaved changes." : "";
  }
  if (!quiet && !$("error-summary").hidden && problems.errors.size === 0) $("error-summary").hidden = true;
  refreshPreview();
}

/** Before an error summary link focuses a field inside the group bundles, expand them. */
const reveal = (key) => {
  if (isBundleKey(key)) setExpanded(true);
};

// ---------------------------------------------------------------- load / save

async function signIn() {
  store.clear();
  location.assign(await prepareSignIn({ clientId: CLIENT_ID, redirectPath: CALLBACK, returnTo: currentPath() }));
}

function showPageError(content) {
  const box = $("page-error");
  box.replaceChildren(...(Array.isArray(content) ? content : [content]));
  box.hidden = false;
  box.focus();
}

function forbiddenMessage(me) {
  return h(
    "div",
    {},
    h("p", {}, h("strong", { text: "You don't have permission to change these settings." })),
    h("p", {
      text: `Only an organization administrator can change the inactivity timeout${me?.name ? `, and you are signed in as ${me.name}` : ""}. Sign in as an administrator to continue.`,
    }),
    h("button", { type: "button", class: "btn", text: "Sign in as a different user", onclick: () => signOut() }),
  );
}

function sessionEndedMessage() {
  return h(
    "div",
    {},
    h("p", {}, h("strong", { text: "Your session has ended." })),
    h("p", { text: "You were signed out, for example after a period of inactivity. Sign in again to continue; unsaved changes are lost." }),
    h("button", { type: "button", class: "btn btn-primary", text: "Sign in again", onclick: () => signIn() }),
  );
}

async function loadSettings() {
  const [timeout, settings, org] = await Promise.all([
    api(page.token, "/api/v2/tokens/timeout"),
    api(page.token, "/api/v2/organizations/authentication/settings"),
    api(page.token, "/api/v2/organizations/me"),
  ]);
  page.hipaa = Boolean(org?.features?.hipaa);
  page.model = toModel(timeout, settings);
  page.savedSnapshot = snapshot(page.model);
  problems.local = new Map();
  problems.server = new Map();
}

function handleLoadError(e) {
  $("loading").hidden = true;
  if (e instanceof ApiError && e.status === 401) {
    signIn();
    return;
  }
  $("settings-form").hidden = true;
  if (e instanceof ApiError && e.status === 403) showPageError(forbiddenMessage(page.me));
  else showPageError(h("p", { text: `The settings could not be loaded: ${e.message}` }));
}

async function save(e) {
  e?.preventDefault();
  const status = $("save-status");
  problems.server = new Map();
  collectErrors();
  showErrors();
  const { errors } = problems;
  if (errors.size) {
    if ([...errors.keys()].some(isBundleKey)) setExpanded(true);
    showSummary(`Fix ${errors.size === 1 ? "this problem" : "these problems"} before saving:`, reveal);
    status.className = "status-line err";
    status.textContent = "Not saved.";
    return;
  }
  $("error-summary").hidden = true;
  const saveBtn = $("save");
  saveBtn.setAttribute("aria-disabled", "true");
  status.className = "status-line";
  status.textContent = "Saving…";
  let step = "timeout";
  try {
    await api(page.token, "/api/v2/tokens/timeout", { method: "PUT", body: timeoutBody(page.model) });
    step = "settings";
    await api(page.token, "/api/v2/organizations/authentication/settings", { method: "PATCH", body: settingsBody(page.model) });
  } catch (err) {
    saveBtn.removeAttribute("aria-disabled");
    status.className = "status-line err";
    status.textContent = step === "settings" ? "The timeout was saved, but the excluded APIs were not." : "Not saved.";
    if (err instanceof ApiError && err.status === 401) {
      showPageError(sessionEndedMessage());
      return;
    }
    if (err instanceof ApiError && err.status === 403) {
      showPageError(forbiddenMessage(page.me));
      return;
    }
    if (err instanceof ApiError && err.status === 400) {
      setServerErrors(err, step === "timeout" ? "idleTokenTimeout" : "authSettings");
      collectErrors();
      showErrors();
      if ([...problems.server.keys()].some(isBundleKey)) setExpanded(true);
      showSummary(`The server did not accept the settings: ${err.message}`, reveal);
      return;
    }
    showPageError(h("p", { text: `The settings could not be saved: ${err.message}` }));
    return;
  }
  saveBtn.removeAttribute("aria-disabled");
  try {
    await loadSettings();
  } catch (err) {
    handleLoadError(err);
    return;
  }
  renderAll();
  status.className = "status-line ok";
  status.textContent = "Settings saved.";
  $("page-error").hidden = true;
}

async function cancel() {
  const status = $("save-status");
  try {
    await loadSettings();
  } catch (err) {
    handleLoadError(err);
    return;
  }
  $("error-summary").hidden = true;
  renderAll();
  status.className = "status-line";
  status.textContent = "Changes discarded: showing the saved settings.";
}

async function signOut() {
  try {
    await api(page.token, "/api/v2/tokens/me", { method: "DELETE" });
  } catch {
    /* signed out either way */
  }
  signIn();
}

async function loadCatalog() {
  try {
    const res = await fetch("/catalog/api-catalog.json");
    const data = await res.json();
    // an array of path templates, or { paths: [...] }
    const list = Array.isArray(data) ? data : Array.isArray(data?.paths) ? data.paths : [];
    page.catalog = list.map((x) => (typeof x === "string" ? x : x?.path)).filter((x) => typeof x === "string");
  } catch (e) {
    console.warn("API catalog unavailable", e);
    page.catalog = [];
  }
}

/** Every group of the organization: `GET /api/v2/groups` is paged. */
async function allGroups() {
  const all = [];
  for (let n = 1; n <= 100; n++) {
    const body = await api(page.token, `/api/v2/groups?pageSize=100&pageNumber=${n}`);
    const entities = Array.isArray(body?.entities) ? body.entities : [];
    all.push(...entities);
    if (entities.length < 100) break;
  }
  return all;
}

async function boot() {
  page.token = store.get();
  if (!page.token) {
    $("loading").textContent = "Redirecting to sign in…";
    signIn();
    return;
  }
  try {
    page.me = await api(page.token, "/api/v2/users/me");
    $("user-name").textContent = page.me?.name ?? "";
    $("user-avatar").textContent = initials(page.me?.name);
    $("user-chip").hidden = false;
  } catch (e) {
    if (e instanceof ApiError && e.status === 401) {
      signIn();
      return;
    }
  }
  $("sign-out").addEventListener("click", signOut);
  try {
    const [validate, , all] = await Promise.all([loadValidator(), loadCatalog(), allGroups(), loadSettings()]);
    page.validate = validate;
    if (!validate) $("validator-warning").hidden = false;
    page.groups = all;
  } catch (e) {
    handleLoadError(e);
    return;
  }
  $("loading").hidden = true;
  $("settings-form").hidden = false;
  // a general error line for messages whose path names no field of the page
  $("error-summary").insertAdjacentElement("afterend", h("p", { class: "error-text", id: "general-errors", "data-error-key": "general" }));

  onChange(changed);
  $("org-enabled").addEventListener("change", (e) => {
    page.model.enabled = e.target.checked;
    changed();
  });
  $("groups-enabled").addEventListener("change", (e) => {
    page.model.groupsEnabled = e.target.checked;
    if (page.model.groupsEnabled) setExpanded(true);
    changed();
  });
  $("groups-toggle").addEventListener("click", () => setExpanded($("groups-toggle").getAttribute("aria-expanded") !== "true"));
  $("add-bundle").addEventListener("click", addBundle);
  $("settings-form").addEventListener("submit", (e) => {
    if ($("save").getAttribute("aria-disabled") === "true") {
      e.preventDefault();
      return;
    }
    save(e);
  });
  $("cancel").addEventListener("click", cancel);
  wireCombobox();
  wirePreview();
  // Collapsed unless group timeouts are on (the platform's "click Expand" step).
  setExpanded(page.model.groupsEnabled);
  renderAll();
}

boot();
