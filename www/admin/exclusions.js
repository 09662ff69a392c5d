// The excluded APIs: the five default APIs as switches, and the list of custom entries. Both
// are entries of the one list `inactivityTimeoutExclusions` (the model's `exclusions`).

import { h, announce } from "/js/dom.js";
import { DEFAULT_APIS, isDefault, normalizeEntry } from "/admin/model.js";
import { $, page, changed } from "/admin/state.js";
import { showErrors } from "/admin/errors.js";

/** Adds an (already validated) entry to the excluded APIs and shows it: a default API's switch turns on. */
export function excludeApi(entry) {
  page.model.exclusions.push(entry);
  renderDefaults();
  renderCustom();
  changed();
}

export function renderDefaults() {
  const ul = $("default-apis");
  ul.replaceChildren(
    ...DEFAULT_APIS.map((d, i) => {
      const on = page.model.exclusions.some((e) => normalizeEntry(e) === d.path);
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
          if (!page.model.exclusions.some((e) => normalizeEntry(e) === d.path)) page.model.exclusions.push(d.path);
        } else {
          page.model.exclusions = page.model.exclusions.filter((e) => normalizeEntry(e) !== d.path);
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

export function renderCustom({ focusId } = {}) {
  const ul = $("custom-list");
  const items = [];
  page.model.exclusions.forEach((entry, index) => {
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
  const entry = page.model.exclusions[index];
  page.model.exclusions.splice(index, 1);
  // focus the next Remove button in the list, else the previous one, else the input
  const rest = page.model.exclusions.map((e, i) => [e, i]).filter(([e]) => !isDefault(e));
  const after = rest.find(([, i]) => i >= index) ?? rest[rest.length - 1];
  renderCustom({ focusId: after ? `custom-remove-${after[1]}` : "custom-api" });
  changed();
  announce(`${entry} removed from the excluded APIs.`);
}
