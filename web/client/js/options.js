// The options of `InactivityTracker.start`, checked in JS: every mistake throws a TypeError or
// RangeError naming the option and the fix, and nothing starts. What JS cannot check (the API
// bases as URLs, the policy's rules) the wasm `Tab` refuses the same way at its start.

const FUNCTIONS = ["accessToken", "onWarning", "onWarningCleared", "onLogout", "onActivity", "beforeLogout", "clearTokens"];
// name, least, most, default
const NUMBERS = [
  ["warningSeconds", 0, 28800, 60],
  ["beforeLogoutTimeoutMs", 0, 60000, 3000],
  ["ledgerSize", 1, 10000, 100],
  ["requestTimeoutMs", 100, 60000, 5000],
];
const KNOWN = ["policy", "user", "loginUrl", "apiBases", "embed", "maxHoldSeconds", ...FUNCTIONS, ...NUMBERS.map((n) => n[0])];

/** A short description of a value's type for messages: "a number", "null", "an array"… */
export function describe(v) {
  if (v === null) return "null";
  if (Array.isArray(v)) return "an array";
  const t = typeof v;
  return t === "object" ? "an object" : t === "undefined" ? "undefined" : t === "boolean" ? "a boolean" : `a ${t}`;
}

const type = (message) => new TypeError(message);
const range = (message) => new RangeError(message);

/** `option "name"` reads: a getter that throws is a TypeError naming it; `null` is absent. */
function field(object, name, path = name) {
  let v;
  try {
    v = object[name];
  } catch (e) {
    throw type(`option "${path}" could not be read: ${e}`);
  }
  return v === null ? undefined : v;
}

function strings(v, path, max = 10000) {
  if (!Array.isArray(v)) throw type(`option "${path}" must be an array of strings; got ${describe(v)}`);
  if (v.length > max) throw range(`option "${path}" has ${v.length} entries; at most ${max} are allowed`);
  return Array.from(v, (s, i) => {
    if (typeof s !== "string") throw type(`option "${path}[${i}]" must be a string; got ${describe(s)}`);
    return s;
  });
}

/** A login URL: not empty, no control characters, a path or an http(s) URL (never `javascript:`). */
export function checkLoginUrl(url, name = 'option "loginUrl"') {
  const t = url.trim();
  if (t === "") throw range(`${name} must not be empty: give the URL of the login page, e.g. "/login"`);
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f-\u009f]/.test(url)) throw range(`${name} must not contain control characters`);
  const scheme = /^([a-z0-9+.-]+):/i.exec(t);
  if (scheme && !/^https?$/i.test(scheme[1])) {
    throw range(`${name} must be an http(s) URL or a path; "${scheme[1]}:" URLs are not allowed`);
  }
}

/** An allowed parent origin must be a serialized http(s) origin, exactly as the browser reports one. */
function checkOrigin(entry, i) {
  let origin = null;
  try {
    const u = new URL(entry);
    if (u.protocol === "http:" || u.protocol === "https:") origin = u.origin;
  } catch (_) {}
  if (origin === entry) return;
  throw range(
    `option "embed.parentOrigins[${i}]" must be an origin: scheme, host and optional port, e.g. "https://crm.example.com"; got "${entry}"` +
      (origin ? ` (did you mean "${origin}"?)` : ""),
  );
}

/**
 * Checks `options` as passed to `InactivityTracker.start`. Returns `{ callbacks, config }`:
 * the app's functions, and the JSON-ready part the wasm `Tab` reads.
 */
export function readOptions(options) {
  if (options === null || typeof options !== "object" || Array.isArray(options)) {
    throw type(`InactivityTracker.start needs an options object { loginUrl, policy, user, … }; got ${describe(options)}`);
  }
  for (const key of Object.keys(options)) {
    if (!KNOWN.includes(key)) throw type(`unknown option "${key}"; the options are: ${KNOWN.join(", ")}`);
  }
  const loginUrl = field(options, "loginUrl");
  if (loginUrl === undefined) throw type('option "loginUrl" is required: the URL of the login page an idle user is sent to');
  if (typeof loginUrl !== "string") throw type(`option "loginUrl" must be a string such as "/login"; got ${describe(loginUrl)}`);
  checkLoginUrl(loginUrl);
  const config = { loginUrl };
  const policy = field(options, "policy");
  if (policy !== undefined) {
    // The policy crosses as JSON text: a cycle, a BigInt or a throwing getter cannot.
    try {
      config.policy = JSON.parse(JSON.stringify(policy));
    } catch (e) {
      throw type(`option "policy" could not be read: ${e && e.message}`);
    }
  }
  const user = field(options, "user");
  if (user !== undefined) {
    if (typeof user !== "object" || Array.isArray(user)) throw type(`option "user" must be an object { id, groups }; got ${describe(user)}`);
    const id = field(user, "id", "user.id");
    if (typeof id !== "string" || id.trim() === "") throw type('option "user.id" must be the user\'s id (a non-empty string)');
    const groups = field(user, "groups", "user.groups");
    config.user = { id, groups: groups === undefined ? [] : strings(groups, "user.groups") };
  }
  const bases = field(options, "apiBases");
  config.apiBases = bases === undefined ? [] : strings(bases, "apiBases");
  const embed = field(options, "embed");
  config.parentOrigins = [];
  if (embed !== undefined) {
    const origins = field(embed, "parentOrigins", "embed.parentOrigins");
    if (origins === undefined) {
      throw type('option "embed.parentOrigins" is required: the origins of the pages allowed to embed this client, e.g. ["https://crm.example.com"]');
    }
    config.parentOrigins = strings(origins, "embed.parentOrigins");
    config.parentOrigins.forEach(checkOrigin);
  }
  const callbacks = {};
  for (const name of FUNCTIONS) {
    const f = field(options, name);
    if (f !== undefined && typeof f !== "function") throw type(`option "${name}" must be a function; got ${describe(f)}`);
    callbacks[name] = f;
  }
  const n = {};
  for (const [name, min, max, fallback] of NUMBERS) n[name] = number(options, name, min, max, fallback);
  config.warningMs = n.warningSeconds * 1000;
  config.hookTimeoutMs = n.beforeLogoutTimeoutMs;
  config.ledgerSize = n.ledgerSize;
  config.requestTimeoutMs = n.requestTimeoutMs;
  // Anything but a whole number of seconds in range is a RangeError: every wrong bound is the
  // same mistake, a string included.
  let hold;
  try {
    hold = number(options, "maxHoldSeconds", 60, 28800, 14400);
  } catch (e) {
    throw range(e.message);
  }
  if (!Number.isInteger(hold)) throw range(`option "maxHoldSeconds" must be a whole number of seconds; got ${hold}`);
  config.maxHoldMs = hold * 1000;
  config.onActivity = callbacks.onActivity !== undefined;
  return { callbacks, config };
}

function number(options, name, min, max, fallback) {
  const v = field(options, name);
  if (v === undefined) return fallback;
  if (typeof v !== "number") throw type(`option "${name}" must be a number; got ${describe(v)}`);
  if (!(v >= min && v <= max)) throw range(`option "${name}" must be between ${min} and ${max}; got ${v}`);
  return v;
}
