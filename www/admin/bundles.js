// The group bundles: rendering, reordering (Move buttons, Alt+Arrow, drag and drop), adding and
// removing bundles and their groups. A bundle's position is its priority (1 is the highest).

import { h, announce } from "/js/dom.js";
import { MAX_BUNDLES, MAX_GROUPS, NEW_BUNDLE_SECONDS, newKey } from "/admin/model.js";
import { $, page, problems, changed, maxSeconds, groupName, totalGroups, usedGroupIds } from "/admin/state.js";
import { durationControl } from "/admin/duration.js";
import { showErrors } from "/admin/errors.js";

/** Expands or collapses the group-specific timeouts panel. */
export function setExpanded(expanded) {
  const btn = $("groups-toggle");
  btn.setAttribute("aria-expanded", String(expanded));
  btn.querySelector(".toggle-text").textContent = expanded ? "Collapse" : "Expand";
  btn.querySelector(".chev").textContent = expanded ? "▾" : "▸";
  $("groups-panel").hidden = !expanded;
}

/** Renders every bundle; focus goes to `focusId`, else stays on the control that had it. */
export function renderBundles({ focusId } = {}) {
  const list = $("bundles");
  const active = document.activeElement;
  const restoreId = focusId ?? (list.contains(active) ? active.id : null);
  list.replaceChildren();
  const used = usedGroupIds();
  const total = totalGroups();
  const n = page.model.bundles.length;
  page.model.bundles.forEach((b, i) => {
    const num = i + 1;
    const id = `bundle-${b.key}`;
    const duration = durationControl({ id: `${id}-timeout`, label: `Bundle ${num} timeout`, target: b, errorKey: `bundle:${b.key}:timeout` });
    const available = page.groups.filter((g) => !used.has(g.id));
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
          problems.local.set(`bundle:${b.key}:groups`, ["Choose a group from the list first."]);
          changed();
          select.focus();
          return;
        }
        const gid = select.value;
        b.groups.push(gid);
        problems.local.delete(`bundle:${b.key}:groups`);
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
      if (to < 0 || to >= page.model.bundles.length) {
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
      const from = page.model.bundles.findIndex((x) => x.key === dragKey);
      dragKey = null;
      if (from < 0 || from === i) return;
      moveBundle(from, i, `bundle-${page.model.bundles[from].key}-up`, { viaDrag: true });
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
  if (to < 0 || to >= page.model.bundles.length || from === to) return;
  const [b] = page.model.bundles.splice(from, 1);
  page.model.bundles.splice(to, 0, b);
  // keep focus on the same control of the moved bundle; a Move button that became
  // disabled (first/last) hands focus to its sibling
  let fid = focusId;
  const el0 = fid && document.getElementById(fid);
  if (!el0 || !el0.closest(`#bundle-${b.key}`)) fid = `bundle-${b.key}-up`;
  if (fid === `bundle-${b.key}-up` && to === 0) fid = `bundle-${b.key}-down`;
  if (fid === `bundle-${b.key}-down` && to === page.model.bundles.length - 1) fid = `bundle-${b.key}-up`;
  renderBundles({ focusId: viaDrag ? null : fid });
  changed();
  announce(`Bundle moved to position ${to + 1} of ${page.model.bundles.length}: it now has priority ${to + 1}.`);
}

function removeBundle(i) {
  const [b] = page.model.bundles.splice(i, 1);
  for (const k of [...problems.local.keys()]) if (k.startsWith(`bundle:${b.key}`)) problems.local.delete(k);
  const next = page.model.bundles[i] ?? page.model.bundles[i - 1];
  renderBundles({ focusId: next ? `bundle-${next.key}-remove` : "add-bundle" });
  changed();
  announce(`Bundle ${i + 1} removed.`);
}

export function addBundle() {
  if (page.model.bundles.length >= MAX_BUNDLES) return;
  const b = { key: newKey(), extra: {}, seconds: Math.min(NEW_BUNDLE_SECONDS, maxSeconds()), unit: "Minutes", groups: [] };
  page.model.bundles.push(b);
  renderBundles({ focusId: `bundle-${b.key}-group-select` });
  changed();
  announce(`Bundle ${page.model.bundles.length} added. Add at least one group to it.`);
  if (document.activeElement?.id !== `bundle-${b.key}-group-select`) document.getElementById(`bundle-${b.key}-timeout-value`)?.focus();
}

