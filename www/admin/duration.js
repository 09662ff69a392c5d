// The duration field: a number with increase/decrease arrows and a Minutes/Hours select.

import { h } from "/js/dom.js";
import { MIN_SECONDS, UNIT_FACTOR, formatValue } from "/admin/model.js";
import { page, problems, changed, maxSeconds } from "/admin/state.js";

/**
 * A duration field bound to `target` ({seconds, unit}). Returns {el, refresh, input}.
 * A value that is not a number sets `target.seconds` to null and a local error under `errorKey`.
 */
export function durationControl({ id, label, target, errorKey }) {
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
    hint.textContent = page.hipaa
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
    problems.local.delete(errorKey);
    refresh();
    changed();
  }

  input.addEventListener("input", () => {
    const raw = input.value.trim();
    const v = raw === "" ? NaN : Number(raw);
    if (!Number.isFinite(v)) {
      target.seconds = null;
      problems.local.set(errorKey, [`Enter the timeout as a number of ${target.unit.toLowerCase()}.`]);
    } else {
      target.seconds = Math.round(v * UNIT_FACTOR[target.unit]);
      problems.local.delete(errorKey);
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
