// Organization Settings › Authentication › Inactivity Timeout.
//
// The page edits two platform resources, passed through in their own JSON shapes:
//   GET|PUT   /api/v2/tokens/timeout                       (IdleTokenTimeout)
//   GET|PATCH /api/v2/organizations/authentication/settings ({inactivityTimeoutExclusions})
// Seconds are the truth; the unit only says how the timeout is shown. Every change is
// checked by the package's Rust validator (validatePolicy) and its messages are shown
// next to the field their JSON path names; the server's 400 errors are shown the same way.

import { tokenStore, authorizeUrl, currentPath, api, ApiError, initials } from "/js/oauth.js";

const CLIENT_ID = "admin-demo";
const CALLBACK = "/admin/callback.html";
const store = tokenStore("admin-demo.token");

const MIN_SECONDS = 300; // 5 minutes
const MAX_SECONDS = 28800; // 8 hours
const HIPAA_SECONDS = 900; // 15 minutes
const MAX_BUNDLES = 5;
const MAX_GROUPS = 25;
const NEW_BUNDLE_SECONDS = 1800;
const UNIT_FACTOR = { Minutes: 60, Hours: 3600 };

const DEFAULT_APIS = [
  { path: "api/v2/featuretoggles", label: "Feature toggles", description: "Feature-flag look-ups the client makes in the background." },
  { path: "api/v2/diagnostics/newrelic/insights", label: "Performance insights", description: "Telemetry the client sends to New Relic." },
  { path: "api/v2/diagnostics/trace", label: "Diagnostic traces", description: "Trace uploads for troubleshooting." },
  { path: "api/v2/integrations/clientapps", label: "Client app integrations", description: "Embedded client apps checking for updates." },
  { path: "api/v2/users/me", label: "Current user", description: "The client's periodic look-up of the signed-in user." },
];

// ---------------------------------------------------------------- state

/** @type {null | { enabled, seconds, unit, groupsEnabled, bundles, exclusions, extra }} */
let model = null;
let savedSnapshot = "";
let hipaa = false;
let groups = []; // [{id, name}]
let catalog = []; // ["api/v2/…"]
let validate = null; // validatePolicy from the package, when it loads
let token = null;
let nextKey = 1;
/** key → [message] from the last validation, plus server errors after a failed save */
let errors = new Map();
let serverErrors = new Map();
let localErrors = new Map();

const $ = (id) => document.getElementById(id);

// ---------------------------------------------------------------- DOM helper

function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === false || v === null || v === undefined) continue;
    if (k === "class") el.className = v;
    else if (k.startsWith("on") && typeof v === "function") el.addEventListener(k.slice(2), v);
    else if (k === "text") el.textContent = v;
    else el.setAttribute(k, v === true ? "" : String(v));
  }
  for (const c of children.flat()) {
    if (c === null || c === undefined || c === false) continue;
    el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return el;
}

function announce(message) {
  const a = $("announcer");
  // a trailing no-break space toggles so the same sentence twice is still announced
  a.textContent = a.textContent === message ? message + "\u00a0" : message;
}

// ---------------------------------------------------------------- model ↔ platform JSON

const normalizeEntry = (e) => String(e).trim().replace(/^\/+/, "").replace(/\/+$/, "").toLowerCase();
const isDefault = (entry) => DEFAULT_APIS.some((d) => d.path === normalizeEntry(entry));
const unitOf = (u) => (u === "Hours" ? "Hours" : "Minutes");

function toModel(timeout, settings) {
  const {
    enableIdleTokenTimeout,
    idleTokenTimeoutSeconds,
    inactivityTimeoutUnit,
    inactivityTimeoutGroupsEnabled,
    inactivityTimeoutGroupBundles,
    ...extra
  } = timeout || {};
  const bundles = Array.isArray(inactivityTimeoutGroupBundles) ? [...inactivityTimeoutGroupBundles] : [];
  bundles.sort((a, b) => (a?.priority ?? 0) - (b?.priority ?? 0));
  return {
    extra,
    enabled: Boolean(enableIdleTokenTimeout),
    seconds: typeof idleTokenTimeoutSeconds === "number" ? idleTokenTimeoutSeconds : NEW_BUNDLE_SECONDS,
    unit: unitOf(inactivityTimeoutUnit),
    groupsEnabled: Boolean(inactivityTimeoutGroupsEnabled),
    bundles: bundles.map((b) => {
      const { priority, timeoutSeconds, inactivityTimeoutUnit: unit, groups: g, ...rest } = b || {};
      return {
        key: nextKey++,
        extra: rest,
        seconds: typeof timeoutSeconds === "number" ? timeoutSeconds : NEW_BUNDLE_SECONDS,
        unit: unitOf(unit),
        groups: Array.isArray(g) ? [...g] : [],
      };
    }),
    exclusions: Array.isArray(settings?.inactivityTimeoutExclusions) ? [...settings.inactivityTimeoutExclusions] : [],
  };
}

function timeoutBody(m) {
  return {
    ...m.extra,
    enableIdleTokenTimeout: m.enabled,
    idleTokenTimeoutSeconds: m.seconds,
    inactivityTimeoutUnit: m.unit,
    inactivityTimeoutGroupsEnabled: m.groupsEnabled,
    inactivityTimeoutGroupBundles: m.bundles.map((b, i) => ({
      ...b.extra,
      priority: i + 1,
      timeoutSeconds: b.seconds,
      inactivityTimeoutUnit: b.unit,
      groups: [...b.groups],
    })),
  };
}

const settingsBody = (m) => ({ inactivityTimeoutExclusions: [...m.exclusions] });
const policyOf = (m) => ({ idleTokenTimeout: timeoutBody(m), authSettings: settingsBody(m), hipaa });
const snapshot = (m) => JSON.stringify([timeoutBody(m), settingsBody(m)]);

const maxSeconds = () => (hipaa ? HIPAA_SECONDS : MAX_SECONDS);
const groupName = (id) => groups.find((g) => g.id === id)?.name ?? `Unknown group (${id})`;
const totalGroups = () => model.bundles.reduce((n, b) => n + b.groups.length, 0);
const usedGroupIds = () => new Set(model.bundles.flatMap((b) => b.groups));

function formatValue(seconds, unit) {
  if (typeof seconds !== "number" || !Number.isFinite(seconds)) return "";
  const v = seconds / UNIT_FACTOR[unit];
  return Number.isInteger(v) ? String(v) : String(Number(v.toFixed(4)));
}

// ---------------------------------------------------------------- duration control

/**
 * A number with increase/decrease arrows and a Minutes/Hours select, bound to `target`
 * ({seconds, unit}). Returns {el, refresh}.
 */
function durationControl({ id, label, target, errorKey }) {
  const input = h("input", {
    type: "number",
    id: `${id}-value`,
    inputmode: "decimal",
    step: "any",
    "aria-describedby": `${id}-hint ${id}-error`,
  });
  const inc = h("button", { type: "button", "aria-label": `Increase ${label.toLowerCase()}`, "aria-controls": input.id, id: `${id}-inc`, text: "▲" });
  const dec = h("button", { type: "button", "aria-label": `Decrease ${label.toLowerCase()}`, "aria-controls": input.id, id: `${id}-dec`, text: "▼" });
  const unit = h(
    "select",
    { id: `${id}-unit`, "aria-label": `${label} unit` },
    h("option", { value: "Minutes", text: "Minutes" }),
    h("option", { value: "Hours", text: "Hours" }),
  );
  const stepper = h("div", { class: "stepper" }, dec, input, inc);
  const hint = h("p", { class: "hint", id: `${id}-hint` });
  const error = h("p", { class: "error-text", id: `${id}-error`, "data-error-key": errorKey });
  const el = h(
    "div",
    { class: "field duration-field" },
    h("label", { for: input.id, class: "label", text: label }),
    h("div", { class: "duration" }, stepper, unit),
    hint,
    error,
  );

  function refresh({ keepValue = false } = {}) {
    unit.value = target.unit;
    if (!keepValue) input.value = formatValue(target.seconds, target.unit);
    input.min = formatValue(MIN_SECONDS, target.unit);
    input.max = formatValue(maxSeconds(), target.unit);
    const s = target.seconds;
    inc.disabled = typeof s === "number" && s >= maxSeconds();
    dec.disabled = typeof s === "number" && s <= MIN_SECONDS;
    hint.textContent = hipaa
      ? `From 5 to 15 minutes (HIPAA limit).`
      : target.unit === "Hours"
        ? `From 5 minutes to 8 hours (${formatValue(MIN_SECONDS, "Hours")} to 8 hours).`
        : `From 5 minutes to 8 hours (5 to 480 minutes).`;
  }

  function step(direction) {
    const f = UNIT_FACTOR[target.unit];
    const current = typeof target.seconds === "number" ? target.seconds / f : MIN_SECONDS / f;
    const next = direction > 0 ? Math.floor(current + 1e-9) + 1 : Math.ceil(current - 1e-9) - 1;
    target.seconds = Math.min(maxSeconds(), Math.max(MIN_SECONDS, Math.round(next * f)));
    localErrors.delete(errorKey);
    refresh();
    changed();
  }

  input.addEventListener("input", () => {
    const raw = input.value.trim();
    const v = raw === "" ? NaN : Number(raw);
    if (!Number.isFinite(v)) {
      target.seconds = null;
      localErrors.set(errorKey, [`Enter the timeout as a number of ${target.unit.toLowerCase()}.`]);
    } else {
      target.seconds = Math.round(v * UNIT_FACTOR[target.unit]);
      localErrors.delete(errorKey);
    }
    refresh({ keepValue: true });
    changed();
  });
  input.addEventListener("keydown", (e) => {
    // the number's own arrows step in whole units and stay within the limits
    if (!e.altKey && (e.key === "ArrowUp" || e.key === "ArrowDown")) {
      e.preventDefault();
      step(e.key === "ArrowUp" ? 1 : -1);
    }
  });
  input.addEventListener("change", () => refresh({ keepValue: target.seconds === null }));
  inc.addEventListener("click", () => step(1));
  dec.addEventListener("click", () => step(-1));
  unit.addEventListener("change", () => {
    target.unit = unit.value;
    refresh();
    changed();
  });
  refresh();
  return { el, refresh, input };
}

// ---------------------------------------------------------------- rendering

let orgDuration = null;

function renderAll() {
  $("org-enabled").checked = model.enabled;
  $("groups-enabled").checked = model.groupsEnabled;
  const holder = $("org-duration");
  holder.replaceChildren();
  orgDuration = durationControl({ id: "org-timeout", label: "Timeout", target: model, errorKey: "org" });
  holder.append(orgDuration.el);
  $("hipaa-notice").hidden = !hipaa;
  syncDisabled();
  renderBundles();
  renderDefaults();
  renderCustom();
  changed({ quiet: true });
}

function syncDisabled() {
  $("org-fieldset").disabled = !model.enabled;
  $("bundles-fieldset").disabled = !model.groupsEnabled;
}

function setExpanded(expanded) {
  const btn = $("groups-toggle");
  btn.setAttribute("aria-expanded", String(expanded));
  btn.querySelector(".toggle-text").textContent = expanded ? "Collapse" : "Expand";
  btn.querySelector(".chev").textContent = expanded ? "▾" : "▸";
  $("groups-panel").hidden = !expanded;
}

function renderBundles({ focusId } = {}) {
  const list = $("bundles");
  const active = document.activeElement;
  const restoreId = focusId ?? (list.contains(active) ? active.id : null);
  list.replaceChildren();
  const used = usedGroupIds();
  const total = totalGroups();
  const n = model.bundles.length;
  model.bundles.forEach((b, i) => {
    const num = i + 1;
    const id = `bundle-${b.key}`;
    const duration = durationControl({ id: `${id}-timeout`, label: `Bundle ${num} timeout`, target: b, errorKey: `bundle:${b.key}:timeout` });
    const available = groups.filter((g) => !used.has(g.id));
    const full = total >= MAX_GROUPS;
    const select = h(
      "select",
      { id: `${id}-group-select`, "aria-label": `Group to add to bundle ${num}`, disabled: full || available.length === 0, "aria-describedby": `${id}-groups-hint` },
      h("option", { value: "", text: available.length ? "Choose a group…" : "No groups left to add" }),
      available.map((g) => h("option", { value: g.id, text: g.name })),
    );
    const addGroup = h("button", {
      type: "button",
      class: "btn",
      id: `${id}-group-add`,
      disabled: full || available.length === 0,
      text: "Add group",
      "aria-label": `Add group to bundle ${num}`,
      onclick: () => {
        if (!select.value) {
          localErrors.set(`bundle:${b.key}:groups`, ["Choose a group from the list first."]);
          changed();
          select.focus();
          return;
        }
        const gid = select.value;
        b.groups.push(gid);
        localErrors.delete(`bundle:${b.key}:groups`);
        renderBundles({ focusId: select.id });
        changed();
        announce(`${groupName(gid)} added to bundle ${num}.`);
      },
    });
    const chips = h(
      "ul",
      { class: "chips", "aria-label": `Groups in bundle ${num}` },
      b.groups.map((gid, gi) =>
        h(
          "li",
          { class: "chip" },
          h("span", { text: groupName(gid) }),
          h("button", {
            type: "button",
            id: `${id}-chip-${gi}`,
            "aria-label": `Remove ${groupName(gid)} from bundle ${num}`,
            text: "×",
            onclick: () => {
              b.groups.splice(gi, 1);
              const nextFocus = b.groups.length ? `${id}-chip-${Math.min(gi, b.groups.length - 1)}` : select.id;
              renderBundles({ focusId: nextFocus });
              changed();
              announce(`${groupName(gid)} removed from bundle ${num}.`);
            },
          }),
        ),
      ),
    );
    const handle = h("span", { class: "drag-handle", draggable: "true", title: "Drag to reorder", "aria-hidden": "true", text: "⋮⋮" });
    const li = h(
      "li",
      { class: "bundle", id, "data-key": b.key, "aria-labelledby": `${id}-title` },
      h(
        "div",
        { class: "bundle-head" },
        handle,
        h("h3", { id: `${id}-title` }, `Bundle ${num}`, h("span", { class: "badge badge-info", text: `Priority ${num}` })),
        h(
          "div",
          { class: "bundle-actions" },
          h(
            "button",
            { type: "button", class: "btn btn-sm", id: `${id}-up`, disabled: i === 0, onclick: () => moveBundle(i, i - 1, `${id}-up`) },
            h("span", { "aria-hidden": "true", text: "↑" }),
            "Move up",
            h("span", { class: "visually-hidden", text: ` bundle ${num}` }),
          ),
          h(
            "button",
            { type: "button", class: "btn btn-sm", id: `${id}-down`, disabled: i === n - 1, onclick: () => moveBundle(i, i + 1, `${id}-down`) },
            h("span", { "aria-hidden": "true", text: "↓" }),
            "Move down",
            h("span", { class: "visually-hidden", text: ` bundle ${num}` }),
          ),
          h("button", { type: "button", class: "btn btn-sm btn-danger", id: `${id}-remove`, text: "Remove bundle", "aria-label": `Remove bundle ${num}`, onclick: () => removeBundle(i) }),
        ),
      ),
      h("p", { class: "error-text", id: `${id}-error`, "data-error-key": `bundle:${b.key}` }),
      h(
        "div",
        { class: "bundle-body" },
        duration.el,
        h(
          "div",
          { class: "field", role: "group", "aria-labelledby": `${id}-groups-label` },
          h("span", { class: "label", id: `${id}-groups-label`, text: `Groups` }),
          b.groups.length ? chips : h("p", { class: "hint", text: "No groups yet: add at least one." }),
          h("div", { class: "group-picker" }, select, addGroup),
          h("p", { class: "hint", id: `${id}-groups-hint`, text: full ? `All ${MAX_GROUPS} groups are used: remove a group to add another.` : "A group can be in one bundle only." }),
          h("p", { class: "error-text", id: `${id}-groups-error`, "data-error-key": `bundle:${b.key}:groups` }),
        ),
      ),
    );
    // Keyboard reordering from anywhere inside the bundle (except a select, whose Alt+↓ opens it).
    li.addEventListener("keydown", (e) => {
      if (!e.altKey || (e.key !== "ArrowUp" && e.key !== "ArrowDown") || e.target.tagName === "SELECT") return;
      e.preventDefault();
      const to = e.key === "ArrowUp" ? i - 1 : i + 1;
      if (to < 0 || to >= model.bundles.length) {
        announce(`Bundle ${num} is already ${to < 0 ? "first" : "last"}.`);
        return;
      }
      moveBundle(i, to, document.activeElement?.id || `${id}-up`);
    });
    // Drag and drop: the handle drags; every bundle is a drop target.
    handle.addEventListener("dragstart", (e) => {
      dragKey = b.key;
      e.dataTransfer.effectAllowed = "move";
      e.dataTransfer.setData("text/plain", String(b.key));
      if (e.dataTransfer.setDragImage) e.dataTransfer.setDragImage(li, 16, 16);
      li.classList.add("dragging");
    });
    handle.addEventListener("dragend", () => {
      dragKey = null;
      for (const x of list.children) x.classList.remove("dragging", "drag-over");
    });
    li.addEventListener("dragover", (e) => {
      if (dragKey === null) return;
      e.preventDefault();
      e.dataTransfer.dropEffect = "move";
      li.classList.add("drag-over");
    });
    li.addEventListener("dragleave", (e) => {
      if (!li.contains(e.relatedTarget)) li.classList.remove("drag-over");
    });
    li.addEventListener("drop", (e) => {
      e.preventDefault();
      li.classList.remove("drag-over");
      const from = model.bundles.findIndex((x) => x.key === dragKey);
      dragKey = null;
      if (from < 0 || from === i) return;
      moveBundle(from, i, `bundle-${model.bundles[from].key}-up`, { viaDrag: true });
    });
    list.append(li);
  });
  $("bundles-empty").hidden = n > 0;
  $("add-bundle").disabled = n >= MAX_BUNDLES;
  $("bundle-count").textContent =
    `${n} of ${MAX_BUNDLES} bundles · ${total} of ${MAX_GROUPS} groups` + (n >= MAX_BUNDLES ? " — the maximum number of bundles" : "");
  if (restoreId) {
    const el = document.getElementById(restoreId);
    if (el && !el.disabled) el.focus();
    else if (el) el.closest(".bundle")?.querySelector("button:not(:disabled)")?.focus();
  }
  showErrors();
}

let dragKey = null;

function moveBundle(from, to, focusId, { viaDrag = false } = {}) {
  if (to < 0 || to >= model.bundles.length || from === to) return;
  const [b] = model.bundles.splice(from, 1);
  model.bundles.splice(to, 0, b);
  // keep focus on the same control of the moved bundle; a Move button that became
  // disabled (first/last) hands focus to its sibling
  let fid = focusId;
  const el0 = fid && document.getElementById(fid);
  if (!el0 || !el0.closest(`#bundle-${b.key}`)) fid = `bundle-${b.key}-up`;
  if (fid === `bundle-${b.key}-up` && to === 0) fid = `bundle-${b.key}-down`;
  if (fid === `bundle-${b.key}-down` && to === model.bundles.length - 1) fid = `bundle-${b.key}-up`;
  renderBundles({ focusId: viaDrag ? null : fid });
  changed();
  announce(`Bundle moved to position ${to + 1} of ${model.bundles.length}: it now has priority ${to + 1}.`);
}

function removeBundle(i) {
  const [b] = model.bundles.splice(i, 1);
  for (const k of [...localErrors.keys()]) if (k.startsWith(`bundle:${b.key}`)) localErrors.delete(k);
  const next = model.bundles[i] ?? model.bundles[i - 1];
  renderBundles({ focusId: next ? `bundle-${next.key}-remove` : "add-bundle" });
  changed();
  announce(`Bundle ${i + 1} removed.`);
}

function addBundle() {
  if (model.bundles.length >= MAX_BUNDLES) return;
  const b = { key: nextKey++, extra: {}, seconds: Math.min(NEW_BUNDLE_SECONDS, maxSeconds()), unit: "Minutes", groups: [] };
  model.bundles.push(b);
  renderBundles({ focusId: `bundle-${b.key}-group-select` });
  changed();
  announce(`Bundle ${model.bundles.length} added. Add at least one group to it.`);
  if (document.activeElement?.id !== `bundle-${b.key}-group-select`) document.getElementById(`bundle-${b.key}-timeout-value`)?.focus();
}

function renderDefaults() {
  const ul = $("default-apis");
  ul.replaceChildren(
    ...DEFAULT_APIS.map((d, i) => {
      const on = model.exclusions.some((e) => normalizeEntry(e) === d.path);
      const input = h("input", {
        type: "checkbox",
        role: "switch",
        id: `default-api-${i}`,
        "data-path": d.path,
        "aria-describedby": `default-api-${i}-desc`,
      });
      input.checked = on;
      const state = h("span", { class: "switch-state", "aria-hidden": "true", text: on ? "Excluded" : "Counts" });
      input.addEventListener("change", () => {
        if (input.checked) {
          if (!model.exclusions.some((e) => normalizeEntry(e) === d.path)) model.exclusions.push(d.path);
        } else {
          model.exclusions = model.exclusions.filter((e) => normalizeEntry(e) !== d.path);
        }
        state.textContent = input.checked ? "Excluded" : "Counts";
        renderCustom();
        changed();
      });
      return h(
        "li",
        {},
        h(
          "label",
          { class: "switch", for: input.id },
          input,
          h(
            "span",
            { class: "switch-text" },
            h("span", { class: "api-label" }, `Exclude ${d.label}`),
            h("span", { class: "api-path", id: `default-api-${i}-desc` }, d.path, h("span", { class: "visually-hidden", text: ` — ${d.description}` })),
          ),
          state,
        ),
      );
    }),
  );
}

function renderCustom({ focusId } = {}) {
  const ul = $("custom-list");
  const items = [];
  model.exclusions.forEach((entry, index) => {
    if (isDefault(entry)) return;
    items.push(
      h(
        "li",
        { "data-index": index },
        h("code", { text: entry }),
        h("button", {
          type: "button",
          class: "btn btn-sm btn-danger",
          id: `custom-remove-${index}`,
          "aria-label": `Remove ${entry}`,
          text: "Remove",
          onclick: () => removeCustom(index),
        }),
        h("p", { class: "error-text", id: `custom-error-${index}`, "data-error-key": `custom:${index}` }),
      ),
    );
  });
  ul.replaceChildren(...items);
  $("custom-empty").hidden = items.length > 0;
  if (focusId) document.getElementById(focusId)?.focus();
  showErrors();
}

function removeCustom(index) {
  const entry = model.exclusions[index];
  model.exclusions.splice(index, 1);
  // focus the next Remove button in the list, else the previous one, else the input
  const rest = model.exclusions.map((e, i) => [e, i]).filter(([e]) => !isDefault(e));
  const after = rest.find(([, i]) => i >= index) ?? rest[rest.length - 1];
  renderCustom({ focusId: after ? `custom-remove-${after[1]}` : "custom-api" });
  changed();
  announce(`${entry} removed from the excluded APIs.`);
}

// ---------------------------------------------------------------- validation

function pathToKey(path, m) {
  let p = String(path || "");
  let match;
  if ((match = /^idleTokenTimeout\.inactivityTimeoutGroupBundles\[(\d+)\](?:\.(\w+))?/.exec(p))) {
    const b = m.bundles[Number(match[1])];
    if (!b) return "bundles";
    const field = match[2];
    if (field === "timeoutSeconds" || field === "inactivityTimeoutUnit") return `bundle:${b.key}:timeout`;
    if (field === "groups") return `bundle:${b.key}:groups`;
    return `bundle:${b.key}`;
  }
  if (/^idleTokenTimeout\.(inactivityTimeoutGroupBundles|inactivityTimeoutGroupsEnabled)/.test(p)) return "bundles";
  if (/^idleTokenTimeout\.(idleTokenTimeoutSeconds|inactivityTimeoutUnit|enableIdleTokenTimeout)/.test(p)) return "org";
  if ((match = /^authSettings\.inactivityTimeoutExclusions\[(\d+)\]/.exec(p))) {
    const i = Number(match[1]);
    const entry = m.exclusions[i];
    if (entry !== undefined && isDefault(entry)) return "defaults";
    return `custom:${i}`;
  }
  if (/^authSettings/.test(p)) return "exclusions";
  if (/^hipaa/.test(p)) return "org";
  return "general";
}

/** What an error's key names, as the admin sees it on the page. */
function fieldLabel(key, m) {
  let x;
  const bundleNo = (k) => m.bundles.findIndex((b) => b.key === Number(k)) + 1;
  if (key === "org") return "Timeout";
  if (key === "bundles") return "Group bundles";
  if (key === "defaults") return "Default APIs";
  if (key === "exclusions") return "Excluded APIs";
  if ((x = /^bundle:(\d+):timeout$/.exec(key))) return `Bundle ${bundleNo(x[1])} timeout`;
  if ((x = /^bundle:(\d+):groups$/.exec(key))) return `Bundle ${bundleNo(x[1])} groups`;
  if ((x = /^bundle:(\d+)$/.exec(key))) return `Bundle ${bundleNo(x[1])}`;
  if ((x = /^custom:(\d+)$/.exec(key))) return m.exclusions[Number(x[1])] ?? "Entry";
  return "";
}

/** The validator's message, with the field it is about, group names for ids, and bundle numbers for paths. */
function humanize(key, message, m) {
  let msg = String(message || "").trim();
  msg = msg.replace(/(?:idleTokenTimeout\.)?inactivityTimeoutGroupBundles\[(\d+)\]/g, (_, i) => `bundle ${Number(i) + 1}`);
  for (const g of groups) msg = msg.split(`"${g.id}"`).join(`"${g.name}"`);
  const label = fieldLabel(key, m);
  if (label && /^[a-z]/.test(msg)) msg = `${label}: ${msg}`;
  else if (msg) msg = msg[0].toUpperCase() + msg.slice(1);
  return /[.!?]$/.test(msg) ? msg : `${msg}.`;
}

function runValidator(m) {
  if (!validate) return [];
  try {
    const result = validate(policyOf(m));
    return Array.isArray(result?.errors) ? result.errors : [];
  } catch (e) {
    return [{ path: "", code: "validator", message: `The validator failed: ${e.message}` }];
  }
}

function collectErrors() {
  errors = new Map();
  const add = (key, msg) => {
    if (!errors.has(key)) errors.set(key, []);
    if (!errors.get(key).includes(msg)) errors.get(key).push(msg);
  };
  for (const [k, msgs] of localErrors) msgs.forEach((msg) => add(k, msg));
  for (const e of runValidator(model)) {
    const key = pathToKey(e.path, model);
    if (localErrors.has(key)) continue; // "wrong type" for a field the user is still typing in
    add(key, humanize(key, e.message, model));
  }
  for (const [k, msgs] of serverErrors) msgs.forEach((msg) => add(k, msg));
}

function showErrors() {
  for (const el of document.querySelectorAll("[data-error-key]")) {
    const msgs = errors.get(el.dataset.errorKey) || [];
    el.textContent = msgs.join(" ");
    // the field(s) this message describes
    const field = el.closest(".field, li, .bundle");
    const inputs = el.id === "custom-api-error" ? [] : field ? field.querySelectorAll("input[type=number], select") : [];
    for (const input of inputs) {
      if (el.id.endsWith("-timeout-error") || el.id === "org-timeout-error") {
        if (input.type === "number") input.setAttribute("aria-invalid", String(msgs.length > 0));
      } else if (el.id.endsWith("-groups-error") && input.tagName === "SELECT") {
        input.setAttribute("aria-invalid", String(msgs.length > 0));
      }
    }
    const stepper = field?.querySelector(".stepper");
    if (stepper && (el.id.endsWith("-timeout-error") || el.id === "org-timeout-error")) stepper.dataset.invalid = String(msgs.length > 0);
  }
  // errors that have no field of their own go to the general line
  const orphans = [...errors.entries()].filter(([k]) => k !== "general" && !document.querySelector(`[data-error-key="${CSS.escape(k)}"]`));
  const box = $("general-errors");
  if (box) box.textContent = [...(errors.get("general") || []), ...orphans.flatMap(([, m]) => m)].join(" ");
}

function changed({ quiet = false } = {}) {
  if (!model) return;
  // an edit makes the server's last answer stale for the parts it touched; keep it simple: drop it
  if (!quiet) serverErrors = new Map();
  syncDisabled();
  collectErrors();
  showErrors();
  const dirty = snapshot(model) !== savedSnapshot;
  const status = $("save-status");
  if (!quiet || dirty) {
    status.className = "status-line";
    status.textContent = dirty ? "You have unsaved changes." : "";
  }
  if (!quiet && !$("error-summary").hidden && errors.size === 0) $("error-summary").hidden = true;
}

function fieldIdFor(key) {
  if (key === "org") return "org-timeout-value";
  if (key === "bundles") return "add-bundle";
  if (key === "defaults") return "default-api-0";
  if (key === "exclusions" || key === "general") return "custom-api";
  let m;
  if ((m = /^bundle:(\d+):timeout$/.exec(key))) return `bundle-${m[1]}-timeout-value`;
  if ((m = /^bundle:(\d+):groups$/.exec(key))) return `bundle-${m[1]}-group-select`;
  if ((m = /^bundle:(\d+)$/.exec(key))) return `bundle-${m[1]}-up`;
  if ((m = /^custom:(\d+)$/.exec(key))) return `custom-remove-${m[1]}`;
  return "custom-api";
}

function showSummary(title) {
  const box = $("error-summary");
  const items = [];
  for (const [key, msgs] of errors) {
    for (const msg of msgs) {
      const target = fieldIdFor(key);
      items.push(
        h(
          "li",
          {},
          h("a", {
            href: `#${target}`,
            text: msg,
            onclick: (e) => {
              e.preventDefault();
              if (key.startsWith("bundle") || key === "bundles") setExpanded(true);
              const el = document.getElementById(target);
              if (el) {
                el.scrollIntoView({ block: "center" });
                el.focus();
              }
            },
          }),
        ),
      );
    }
  }
  box.replaceChildren(h("div", {}, h("p", {}, h("strong", { text: title })), h("ul", {}, items)));
  box.hidden = false;
  box.focus();
}

// ---------------------------------------------------------------- custom API combobox

const combo = {
  input: () => $("custom-api"),
  listbox: () => $("custom-api-listbox"),
  options: [],
  active: -1,
};

function matches(query) {
  const q = normalizeEntry(query);
  const taken = new Set(model.exclusions.map(normalizeEntry));
  const out = [];
  for (const path of catalog) {
    const p = path.toLowerCase();
    if (taken.has(normalizeEntry(path))) continue;
    const at = p.indexOf(q);
    if (q && at < 0) continue;
    out.push({ path, at });
  }
  // paths that start with the query first, then shorter paths, then alphabetical
  out.sort((a, b) => (a.at === 0 ? 0 : 1) - (b.at === 0 ? 0 : 1) || a.path.length - b.path.length || a.path.localeCompare(b.path));
  return out;
}

const MAX_OPTIONS = 12;

function openList() {
  const input = combo.input();
  const q = input.value;
  if (!normalizeEntry(q)) {
    closeList();
    return;
  }
  const found = matches(q);
  combo.options = found.slice(0, MAX_OPTIONS).map((m) => m.path);
  combo.active = -1;
  const lb = combo.listbox();
  const nq = normalizeEntry(q);
  lb.replaceChildren(
    ...combo.options.map((path, i) => {
      const at = path.toLowerCase().indexOf(nq);
      const parts = at >= 0 ? [path.slice(0, at), h("mark", { text: path.slice(at, at + nq.length) }), path.slice(at + nq.length)] : [path];
      return h(
        "li",
        {
          role: "option",
          id: `custom-api-option-${i}`,
          "aria-selected": "false",
          "data-value": path,
          onmousedown: (e) => e.preventDefault(),
          onclick: () => choose(i),
        },
        ...parts,
      );
    }),
  );
  if (combo.options.length === 0) {
    closeList();
    setComboStatus(catalog.length ? "No matching APIs in the catalog." : "");
    return;
  }
  lb.hidden = false;
  input.setAttribute("aria-expanded", "true");
  input.removeAttribute("aria-activedescendant");
  const more = found.length > MAX_OPTIONS ? ` Showing the first ${MAX_OPTIONS} of ${found.length}: type more to narrow the list.` : "";
  setComboStatus(`${found.length} matching API${found.length === 1 ? "" : "s"}.${more}`);
}

function setComboStatus(text) {
  announce(text);
}

function closeList() {
  const input = combo.input();
  combo.listbox().hidden = true;
  combo.listbox().replaceChildren();
  combo.options = [];
  combo.active = -1;
  input.setAttribute("aria-expanded", "false");
  input.removeAttribute("aria-activedescendant");
}

function setActive(i) {
  const lb = combo.listbox();
  combo.active = i;
  [...lb.children].forEach((li, j) => li.setAttribute("aria-selected", String(j === i)));
  const input = combo.input();
  if (i >= 0) {
    const li = lb.children[i];
    input.setAttribute("aria-activedescendant", li.id);
    li.scrollIntoView({ block: "nearest" });
  } else input.removeAttribute("aria-activedescendant");
}

function choose(i) {
  const input = combo.input();
  input.value = combo.options[i];
  closeList();
  localErrors.delete("custom-input");
  $("custom-api-error").textContent = "";
  input.focus();
  announce(`${input.value} chosen. Press Enter or Add to exclude it.`);
}

function addCustom() {
  const input = combo.input();
  const entry = input.value.trim();
  const err = $("custom-api-error");
  if (!entry) {
    closeList();
    err.textContent = "Type an API path or choose one from the list.";
    input.setAttribute("aria-invalid", "true");
    input.focus();
    return;
  }
  const candidate = { ...model, exclusions: [...model.exclusions, entry] };
  const index = candidate.exclusions.length - 1;
  let problems = runValidator(candidate)
    .filter((e) => {
      const m = /^authSettings\.inactivityTimeoutExclusions(?:\[(\d+)\])?/.exec(e.path || "");
      return m && (m[1] === undefined || Number(m[1]) === index);
    })
    .map((e) => humanize(`custom:${index}`, e.message, candidate));
  if (!validate && model.exclusions.some((e) => normalizeEntry(e) === normalizeEntry(entry))) {
    problems = [`${entry} is already excluded.`];
  }
  if (problems.length) {
    closeList();
    err.textContent = problems.join(" ");
    input.setAttribute("aria-invalid", "true");
    input.focus();
    return;
  }
  err.textContent = "";
  input.setAttribute("aria-invalid", "false");
  closeList();
  model.exclusions.push(entry);
  input.value = "";
  closeList();
  renderDefaults();
  renderCustom();
  changed();
  input.focus();
  announce(`${entry} added to the excluded APIs.`);
}

function wireCombobox() {
  const input = combo.input();
  input.addEventListener("input", () => {
    $("custom-api-error").textContent = "";
    input.setAttribute("aria-invalid", "false");
    openList();
  });
  input.addEventListener("keydown", (e) => {
    const open = !combo.listbox().hidden && combo.options.length > 0;
    switch (e.key) {
      case "ArrowDown":
        e.preventDefault();
        if (!open) {
          openList();
          if (combo.options.length) setActive(0);
        } else setActive((combo.active + 1) % combo.options.length);
        break;
      case "ArrowUp":
        e.preventDefault();
        if (!open) {
          openList();
          if (combo.options.length) setActive(combo.options.length - 1);
        } else setActive(combo.active <= 0 ? combo.options.length - 1 : combo.active - 1);
        break;
      case "Enter":
        e.preventDefault();
        if (open && combo.active >= 0) choose(combo.active);
        else addCustom();
        break;
      case "Escape":
        if (open) {
          e.preventDefault();
          closeList();
        } else if (input.value) {
          e.preventDefault();
          input.value = "";
        }
        break;
      case "Tab":
        closeList();
        break;
      default:
        break;
    }
  });
  // Leaving the field closes the list, except towards Add: closing first could shorten the page
  // under the pointer (the list may reach past its end) and lose the click; addCustom closes it.
  input.addEventListener("blur", (e) => {
    if (e.relatedTarget?.id !== "custom-add") closeList();
  });
  $("custom-add").addEventListener("click", addCustom);
}

// ---------------------------------------------------------------- load / save

function signIn() {
  store.clear();
  location.assign(authorizeUrl({ clientId: CLIENT_ID, redirectPath: CALLBACK, state: currentPath() }));
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

let me = null;

async function loadSettings() {
  const [timeout, settings, org] = await Promise.all([
    api(token, "/api/v2/tokens/timeout"),
    api(token, "/api/v2/organizations/authentication/settings"),
    api(token, "/api/v2/organizations/me"),
  ]);
  hipaa = Boolean(org?.features?.hipaa);
  model = toModel(timeout, settings);
  savedSnapshot = snapshot(model);
  localErrors = new Map();
  serverErrors = new Map();
}

function handleLoadError(e) {
  $("loading").hidden = true;
  if (e instanceof ApiError && e.status === 401) {
    signIn();
    return;
  }
  $("settings-form").hidden = true;
  if (e instanceof ApiError && e.status === 403) showPageError(forbiddenMessage(me));
  else showPageError(h("p", { text: `The settings could not be loaded: ${e.message}` }));
}

async function save(e) {
  e?.preventDefault();
  const status = $("save-status");
  serverErrors = new Map();
  collectErrors();
  showErrors();
  if (errors.size) {
    if ([...errors.keys()].some((k) => k.startsWith("bundle"))) setExpanded(true);
    showSummary(`Fix ${errors.size === 1 ? "this problem" : "these problems"} before saving:`);
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
    await api(token, "/api/v2/tokens/timeout", { method: "PUT", body: timeoutBody(model) });
    step = "settings";
    await api(token, "/api/v2/organizations/authentication/settings", { method: "PATCH", body: settingsBody(model) });
  } catch (err) {
    saveBtn.removeAttribute("aria-disabled");
    status.className = "status-line err";
    status.textContent = step === "settings" ? "The timeout was saved, but the excluded APIs were not." : "Not saved.";
    if (err instanceof ApiError && err.status === 401) {
      showPageError(sessionEndedMessage());
      return;
    }
    if (err instanceof ApiError && err.status === 403) {
      showPageError(forbiddenMessage(me));
      return;
    }
    if (err instanceof ApiError && err.status === 400) {
      const prefix = step === "timeout" ? "idleTokenTimeout" : "authSettings";
      for (const fe of err.errors) {
        const path = String(fe.path || "");
        const full = path.startsWith(prefix) ? path : path ? `${prefix}.${path}` : prefix;
        const key = pathToKey(full, model);
        if (!serverErrors.has(key)) serverErrors.set(key, []);
        serverErrors.get(key).push(humanize(key, fe.message || err.message, model));
      }
      if (!err.errors.length) serverErrors.set("general", [err.message]);
      collectErrors();
      showErrors();
      if ([...serverErrors.keys()].some((k) => k.startsWith("bundle"))) setExpanded(true);
      showSummary(`The server did not accept the settings: ${err.message}`);
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
    await api(token, "/api/v2/tokens/me", { method: "DELETE" });
  } catch {
    /* signed out either way */
  }
  signIn();
}

async function loadValidator() {
  try {
    const pkg = await import("/pkg/admin/inactivity_timeout_admin.js");
    await pkg.default();
    if (typeof pkg.validatePolicy !== "function") throw new Error("validatePolicy is missing");
    validate = pkg.validatePolicy;
  } catch (e) {
    console.warn("validator unavailable", e);
    $("validator-warning").hidden = false;
  }
}

async function loadCatalog() {
  try {
    const res = await fetch("/catalog/api-catalog.json");
    const data = await res.json();
    // an array of path templates, or { paths: [...] }
    const list = Array.isArray(data) ? data : Array.isArray(data?.paths) ? data.paths : [];
    catalog = list.map((x) => (typeof x === "string" ? x : x?.path)).filter((x) => typeof x === "string");
  } catch (e) {
    console.warn("API catalog unavailable", e);
    catalog = [];
  }
}

async function boot() {
  token = store.get();
  if (!token) {
    $("loading").textContent = "Redirecting to sign in…";
    signIn();
    return;
  }
  try {
    me = await api(token, "/api/v2/users/me");
    $("user-name").textContent = me?.name ?? "";
    $("user-avatar").textContent = initials(me?.name);
    $("user-chip").hidden = false;
  } catch (e) {
    if (e instanceof ApiError && e.status === 401) {
      signIn();
      return;
    }
  }
  $("sign-out").addEventListener("click", signOut);
  try {
    const [, , all] = await Promise.all([loadValidator(), loadCatalog(), allGroups(), loadSettings()]);
    groups = all;
  } catch (e) {
    handleLoadError(e);
    return;
  }
  $("loading").hidden = true;
  $("settings-form").hidden = false;
  // a general error line for messages whose path names no field of the page
  $("error-summary").insertAdjacentElement("afterend", h("p", { class: "error-text", id: "general-errors", "data-error-key": "general" }));

  $("org-enabled").addEventListener("change", (e) => {
    model.enabled = e.target.checked;
    changed();
  });
  $("groups-enabled").addEventListener("change", (e) => {
    model.groupsEnabled = e.target.checked;
    if (model.groupsEnabled) setExpanded(true);
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
  // Collapsed unless group timeouts are on (the platform's "click Expand" step).
  setExpanded(model.groupsEnabled);
  renderAll();
}

boot();

/** Every group of the organization: `GET /api/v2/groups` is paged. */
async function allGroups() {
  const all = [];
  for (let page = 1; page <= 100; page++) {
    const body = await api(token, `/api/v2/groups?pageSize=100&pageNumber=${page}`);
    const entities = Array.isArray(body?.entities) ? body.entities : [];
    all.push(...entities);
    if (entities.length < 100) break;
  }
  return all;
}
