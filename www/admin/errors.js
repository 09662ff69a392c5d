// Error mapping: the validator's and the server's errors (JSON paths) → the page's fields.
//
// Every error has a key naming the field it belongs to: "org", "bundles", "bundle:<key>",
// "bundle:<key>:timeout", "bundle:<key>:groups", "defaults", "custom:<index>", "exclusions",
// "general". An element with `data-error-key` shows the messages of its key.

import { h } from "/js/dom.js";
import { isDefault, policyOf } from "/admin/model.js";
import { $, page, problems, groupName } from "/admin/state.js";

/** The key of the field a JSON path (`idleTokenTimeout.inactivityTimeoutGroupBundles[1].groups`) names. */
export function pathToKey(path, m) {
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
export function humanize(key, message, m) {
  let msg = String(message || "").trim();
  msg = msg.replace(/(?:idleTokenTimeout\.)?inactivityTimeoutGroupBundles\[(\d+)\]/g, (_, i) => `bundle ${Number(i) + 1}`);
  for (const g of page.groups) msg = msg.split(`"${g.id}"`).join(`"${g.name}"`);
  const label = fieldLabel(key, m);
  if (label && /^[a-z]/.test(msg)) msg = `${label}: ${msg}`;
  else if (msg) msg = msg[0].toUpperCase() + msg.slice(1);
  return /[.!?]$/.test(msg) ? msg : `${msg}.`;
}

/** The validator's errors for the model `m` ([] when the validator did not load). */
export function runValidator(m) {
  if (!page.validate) return [];
  try {
    const result = page.validate(policyOf(m, page.hipaa));
    return Array.isArray(result?.errors) ? result.errors : [];
  } catch (e) {
    return [{ path: "", code: "validator", message: `The validator failed: ${e.message}` }];
  }
}

/** problems.errors ← the local checks, the validator on the model, the server's last answer. */
export function collectErrors() {
  const errors = new Map();
  const add = (key, msg) => {
    if (!errors.has(key)) errors.set(key, []);
    if (!errors.get(key).includes(msg)) errors.get(key).push(msg);
  };
  for (const [k, msgs] of problems.local) msgs.forEach((msg) => add(k, msg));
  for (const e of runValidator(page.model)) {
    const key = pathToKey(e.path, page.model);
    if (problems.local.has(key)) continue; // "wrong type" for a field the user is still typing in
    add(key, humanize(key, e.message, page.model));
  }
  for (const [k, msgs] of problems.server) msgs.forEach((msg) => add(k, msg));
  problems.errors = errors;
}

/** Writes every key's messages into its element and marks the fields invalid. */
export function showErrors() {
  const { errors } = problems;
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

/** The id of the control to focus for an error key. */
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

/**
 * The error summary: `title`, then each message as a link to its field. `reveal(key)` runs
 * before a link focuses its field (e.g. to expand the group bundles).
 */
export function showSummary(title, reveal = () => {}) {
  const box = $("error-summary");
  const items = [];
  for (const [key, msgs] of problems.errors) {
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
              reveal(key);
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

/** The server's 400 errors after a save, under the key of the field each path names. */
export function setServerErrors(err, prefix) {
  problems.server = new Map();
  for (const fe of err.errors) {
    const path = String(fe.path || "");
    const full = path.startsWith(prefix) ? path : path ? `${prefix}.${path}` : prefix;
    const key = pathToKey(full, page.model);
    if (!problems.server.has(key)) problems.server.set(key, []);
    problems.server.get(key).push(humanize(key, fe.message || err.message, page.model));
  }
  if (!err.errors.length) problems.server.set("general", [err.message]);
}

/** Whether an error key belongs to a group bundle (its field is inside the collapsible panel). */
export const isBundleKey = (key) => key.startsWith("bundle");
