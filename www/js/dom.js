// DOM helpers shared by the demo pages.

/**
 * Creates an element: `h("button", { class: "btn", onclick: f, text: "Save" }, child, …)`.
 * Attributes that are `false`, `null` or `undefined` are left out, `true` sets an empty one;
 * `class` sets the class name, `text` the text content, `on<event>` with a function adds a
 * listener. Children are nodes or strings (arrays are flattened; null, undefined and false skipped).
 */
export function h(tag, attrs = {}, ...children) {
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

/**
 * Says `message` through a polite live region (the page's `#announcer` unless another is given).
 * A trailing no-break space toggles so that the same sentence twice is still announced.
 */
export function announce(message, region = document.getElementById("announcer")) {
  if (!region) return;
  region.textContent = region.textContent === message ? message + "\u00a0" : message;
}
