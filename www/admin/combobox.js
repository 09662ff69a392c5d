// The custom API combobox: type part of an API path, choose from the matching catalog entries
// (ARIA combobox with a listbox: ↓/↑ move, Enter chooses or adds, Esc closes), Add.

import { h, announce } from "/js/dom.js";
import { normalizeEntry } from "/admin/model.js";
import { $, page, problems } from "/admin/state.js";
import { humanize, runValidator } from "/admin/errors.js";
import { excludeApi } from "/admin/exclusions.js";

const combo = {
  input: () => $("custom-api"),
  listbox: () => $("custom-api-listbox"),
  options: [],
  active: -1,
};

function matches(query) {
  const q = normalizeEntry(query);
  const taken = new Set(page.model.exclusions.map(normalizeEntry));
  const out = [];
  for (const path of page.catalog) {
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
    setComboStatus(page.catalog.length ? "No matching APIs in the catalog." : "");
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
  problems.local.delete("custom-input");
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
  const candidate = { ...page.model, exclusions: [...page.model.exclusions, entry] };
  const index = candidate.exclusions.length - 1;
  let refused = runValidator(candidate)
    .filter((e) => {
      const m = /^authSettings\.inactivityTimeoutExclusions(?:\[(\d+)\])?/.exec(e.path || "");
      return m && (m[1] === undefined || Number(m[1]) === index);
    })
    .map((e) => humanize(`custom:${index}`, e.message, candidate));
  if (!page.validate && page.model.exclusions.some((e) => normalizeEntry(e) === normalizeEntry(entry))) {
    refused = [`${entry} is already excluded.`];
  }
  if (refused.length) {
    closeList();
    err.textContent = refused.join(" ");
    input.setAttribute("aria-invalid", "true");
    input.focus();
    return;
  }
  err.textContent = "";
  input.setAttribute("aria-invalid", "false");
  closeList();
  excludeApi(entry);
  input.value = "";
  closeList();
  input.focus();
  announce(`${entry} added to the excluded APIs.`);
}

export function wireCombobox() {
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
