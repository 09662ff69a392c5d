// The Preview panel: with unsaved changes, what they would have done to the sessions the server
// saw (POST /api/v2/inactivity/preview replays its history with the same rules it enforces),
// and what keeps sessions alive, with a button to exclude an API from the draft.
//
// It never takes focus and never writes to the page's shared announcer by itself (other parts
// announce there); its summary is a status region of its own.

import { api, ApiError } from "/js/oauth.js";
import { h, announce } from "/js/dom.js";
import { normalizeEntry, previewBody, snapshot } from "/admin/model.js";
import { $, page, problems } from "/admin/state.js";
import { runValidator } from "/admin/errors.js";
import { excludeApi } from "/admin/exclusions.js";

/** Quiet time after the last edit before the server is asked. */
const DEBOUNCE_MS = 400;
/** Rows of the table shown before "Show all". */
const ROWS = 10;
/** Sign-outs listed by name before "and N more". */
const LISTED = 10;

let timer = null;
/** Bumped by every request and every change: an answer to an older one is dropped. */
let generation = 0;
let last = null;
let showAll = false;
/** userId → display name (from GET /api/v2/users/{id}), fetched once. */
const names = new Map();

export function wirePreview() {
  $("preview-window").addEventListener("change", () => refreshPreview({ immediately: true }));
  $("preview-more").addEventListener("click", () => {
    showAll = !showAll;
    if (last) render(last);
    $("preview-more").focus();
  });
}

/**
 * Called after every change: without unsaved changes the panel is hidden; with problems it says
 * to fix them first; otherwise the server replays the draft (after a short quiet time).
 */
export function refreshPreview({ immediately = false } = {}) {
  clearTimeout(timer);
  timer = null;
  generation++;
  const panel = $("preview");
  const dirty = page.model !== null && snapshot(page.model) !== page.savedSnapshot;
  if (!dirty) {
    panel.hidden = true;
    last = null;
    setBusy(false);
    return;
  }
  panel.hidden = false;
  if (problems.errors.size) {
    setBusy(false);
    setSummary("Fix the problems above to see what these changes would do.");
    $("preview-details").hidden = true;
    return;
  }
  setBusy(true);
  if (!last) setSummary(`Replaying ${windowText()}…`);
  if (immediately) run();
  else timer = setTimeout(run, DEBOUNCE_MS);
}

const windowHours = () => Number($("preview-window").value) || 24;
const windowText = (hours = windowHours()) => (hours === 1 ? "the last hour" : `the last ${hours} hours`);

function setBusy(busy) {
  $("preview").setAttribute("aria-busy", String(busy));
}

function setSummary(text, warn = false) {
  const el = $("preview-summary");
  el.textContent = text;
  el.classList.toggle("has-sign-outs", warn);
}

async function run() {
  const mine = ++generation;
  let answer;
  try {
    answer = await api(page.token, "/api/v2/inactivity/preview", { method: "POST", body: previewBody(page.model, windowHours()) });
    await loadNames(answer.signedOut);
  } catch (e) {
    if (mine === generation) failed(e);
    return;
  }
  if (mine !== generation) return;
  last = answer;
  render(answer);
}

function failed(e) {
  setBusy(false);
  last = null;
  $("preview-details").hidden = true;
  if (e instanceof ApiError && e.status === 401) setSummary("Your session has ended: sign in again to see a preview.");
  else if (e instanceof ApiError && e.status === 403) setSummary("Only an organization administrator can preview changes.");
  else if (e instanceof ApiError && e.status === 400) setSummary(`The preview is not available: ${e.message}`);
  else setSummary(`The preview could not be loaded: ${e.message}`);
}

/** The names of the users of these sign-outs (the admin may read any user); ids stay when that fails. */
async function loadNames(signedOut) {
  const missing = [...new Set(signedOut.slice(0, LISTED).map((s) => s.userId))].filter((id) => !names.has(id));
  await Promise.all(
    missing.map(async (id) => {
      try {
        const user = await api(page.token, `/api/v2/users/${encodeURIComponent(id)}`);
        names.set(id, user?.name || id);
      } catch {
        names.set(id, id);
      }
    }),
  );
}

/** "With these changes, 3 of 41 sessions in the last 24 hours would have been signed out (2 while On Queue)." */
export function summarize({ windowHours: hours, sessions, signedOut }) {
  const span = windowText(hours);
  if (sessions === 0) return `No sessions in ${span} to replay: these changes would have signed nobody out.`;
  const k = signedOut.length;
  const of = `${sessions} session${sessions === 1 ? "" : "s"} in ${span}`;
  if (k === 0 && sessions === 1) return `With these changes, the one session in ${span} would not have been signed out.`;
  if (k === 0) return `With these changes, none of the ${of} would have been signed out.`;
  const onQueue = signedOut.filter((s) => s.onQueue).length;
  return `With these changes, ${k} of ${of} would have been signed out (${onQueue === 0 ? "none" : onQueue} while On Queue).`;
}

function render(answer) {
  setBusy(false);
  setSummary(summarize(answer), answer.signedOut.length > 0);
  const when = (at) => new Date(at).toLocaleString([], { weekday: "short", hour: "2-digit", minute: "2-digit" });
  const listed = answer.signedOut.slice(0, LISTED).map((s) =>
    h("li", {}, `${names.get(s.userId) ?? s.userId} at ${when(s.at)}`, s.onQueue ? h("strong", { text: ", while On Queue" }) : ""),
  );
  const more = answer.signedOut.length - LISTED;
  if (more > 0) listed.push(h("li", { text: `and ${more} more` }));
  $("preview-signed-out").replaceChildren(...listed);
  renderTable(answer);
  $("preview-details").hidden = false;
}

function renderTable(answer) {
  const body = $("preview-rows");
  const focused = body.contains(document.activeElement) ? document.activeElement.dataset.path : null;
  const rows = showAll ? answer.resetters : answer.resetters.slice(0, ROWS);
  body.replaceChildren(
    ...rows.map((r) =>
      h(
        "tr",
        {},
        h("td", {}, h("code", { text: r.path })),
        h("td", { class: "num", text: r.calls.toLocaleString("en-US") }),
        h("td", { class: "num", text: r.sessions.toLocaleString("en-US") }),
        h("td", {}, excludeButton(r)),
      ),
    ),
  );
  $("preview-table").hidden = rows.length === 0;
  $("preview-table-note").textContent = rows.length
    ? `The APIs whose calls reset idle deadlines in ${windowText(answer.windowHours)} under the saved settings, most calls first. Excluding one adds it to the custom APIs of these changes.`
    : `No API call reset an idle deadline in ${windowText(answer.windowHours)}.`;
  const moreButton = $("preview-more");
  moreButton.hidden = answer.resetters.length <= ROWS;
  moreButton.textContent = showAll ? `Show the top ${ROWS}` : `Show all ${answer.resetters.length}`;
  if (focused) [...body.querySelectorAll("button")].find((b) => b.dataset.path === focused)?.focus();
}

const excludedInDraft = (path) => page.model.exclusions.some((e) => normalizeEntry(e) === normalizeEntry(path));

/** Whether the validator accepts `path` as one more entry (a template outside the catalog may not be one). */
function excludable(path) {
  const candidate = { ...page.model, exclusions: [...page.model.exclusions, path] };
  const index = candidate.exclusions.length - 1;
  return !runValidator(candidate).some((e) => e.path === `authSettings.inactivityTimeoutExclusions[${index}]`);
}

function excludeButton(r) {
  if (r.excludedByDraft || excludedInDraft(r.path)) return markExcluded(h("button", { type: "button", class: "btn btn-sm", "data-path": r.path }), r.path);
  if (!excludable(r.path)) return h("span", { class: "hint", text: "Cannot be excluded" });
  const button = h("button", {
    type: "button",
    class: "btn btn-sm",
    "data-path": r.path,
    "aria-label": `Exclude ${r.path}`,
    text: "Exclude",
  });
  button.addEventListener("click", () => {
    if (button.getAttribute("aria-disabled") === "true") return;
    excludeApi(r.path);
    markExcluded(button, r.path);
    announce(`${r.path} added to the excluded APIs.`);
  });
  return button;
}

/** The button stays (and keeps focus), inert: aria-disabled rather than disabled. */
function markExcluded(button, path) {
  button.setAttribute("aria-disabled", "true");
  button.setAttribute("aria-label", `${path} is excluded in these changes`);
  button.textContent = "Excluded";
  return button;
}
