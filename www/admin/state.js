// The admin page's shared state: the model being edited, what the organization has (groups,
// HIPAA, the API catalog), the validator, the error maps, and the one "something changed" hook.
// Every module of the page reads and writes these objects; only admin.js replaces whole values.

import { HIPAA_SECONDS, MAX_SECONDS } from "/admin/model.js";

export const $ = (id) => document.getElementById(id);

export const page = {
  /** @type {null | { enabled, seconds, unit, groupsEnabled, bundles, exclusions, extra }} */
  model: null,
  /** snapshot(model) of the saved settings: the model is dirty when it differs */
  savedSnapshot: "",
  hipaa: false,
  /** [{ id, name }] */
  groups: [],
  /** ["api/v2/…"] */
  catalog: [],
  /** validatePolicy from the package, when it loads */
  validate: null,
  token: null,
  me: null,
};

/** key → [message]: `errors` is what is shown; it is collected from the three others. */
export const problems = {
  errors: new Map(),
  /** the server's 400 errors after a failed save */
  server: new Map(),
  /** the page's own checks (a number that does not parse, "choose a group first") */
  local: new Map(),
};

let changeHandler = () => {};

/** admin.js installs the handler that re-validates, re-renders the status and the preview. */
export function onChange(handler) {
  changeHandler = handler;
}

/** Something in the model changed (`{ quiet: true }`: a re-render, not an edit). */
export function changed(options = {}) {
  changeHandler(options);
}

export const maxSeconds = () => (page.hipaa ? HIPAA_SECONDS : MAX_SECONDS);
export const groupName = (id) => page.groups.find((g) => g.id === id)?.name ?? `Unknown group (${id})`;
export const totalGroups = () => page.model.bundles.reduce((n, b) => n + b.groups.length, 0);
export const usedGroupIds = () => new Set(page.model.bundles.flatMap((b) => b.groups));
