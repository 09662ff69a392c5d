// The demo apps' side of the authorization-code flow, and a small API helper.
// Plain ES module, no build step. Tokens never travel in a URL.

/** Storage that degrades: sessionStorage when the document may use it; inside a
 *  cross-site iframe (where Chromium can deny storage outright) the browsing
 *  context's `window.name`, which survives the same-origin navigations of the
 *  sign-in flow (app → /oauth/authorize → callback → app) and nothing else. */
const NAME_PREFIX = "inactivity-demo:";

function sessionStore() {
  try {
    const s = window.sessionStorage;
    s.getItem("inactivity-demo.probe");
    return s;
  } catch {
    return null;
  }
}

function readNameBag() {
  if (typeof window.name === "string" && window.name.startsWith(NAME_PREFIX)) {
    try {
      return JSON.parse(window.name.slice(NAME_PREFIX.length)) || {};
    } catch {
      return {};
    }
  }
  return {};
}

function writeNameBag(bag) {
  const keys = Object.keys(bag);
  window.name = keys.length ? NAME_PREFIX + JSON.stringify(bag) : "";
}

export function tokenStore(key) {
  return {
    get() {
      const s = sessionStore();
      if (s) {
        const v = s.getItem(key);
        if (v) return v;
      }
      return readNameBag()[key] || null;
    },
    set(value) {
      const s = sessionStore();
      if (s) {
        s.setItem(key, value);
        return;
      }
      const bag = readNameBag();
      bag[key] = value;
      writeNameBag(bag);
    },
    clear() {
      const s = sessionStore();
      if (s) s.removeItem(key);
      const bag = readNameBag();
      if (key in bag) {
        delete bag[key];
        writeNameBag(bag);
      }
    },
  };
}

/** The sign-in URL of the authorization-code flow (a same-origin path). */
export function authorizeUrl({ clientId, redirectPath, state }) {
  const u = new URL("/oauth/authorize", location.origin);
  u.searchParams.set("response_type", "code");
  u.searchParams.set("client_id", clientId);
  u.searchParams.set("redirect_uri", new URL(redirectPath, location.origin).href);
  if (state) u.searchParams.set("state", state);
  return u.pathname + u.search;
}

/** The current location as a same-origin path (path, query and hash). */
export function currentPath() {
  return location.pathname + location.search + location.hash;
}

/** A return location is only ever a same-origin path under `prefix`: never an open redirect. */
export function safeReturnPath(candidate, prefix) {
  if (typeof candidate !== "string" || !candidate.startsWith("/") || candidate.startsWith("//")) return null;
  try {
    const u = new URL(candidate, location.origin);
    if (u.origin !== location.origin || !u.pathname.startsWith(prefix)) return null;
    return u.pathname + u.search + u.hash;
  } catch {
    return null;
  }
}

/** Exchanges an authorization code for an access token. */
export async function exchangeCode({ clientId, code, redirectPath }) {
  const body = new URLSearchParams({
    grant_type: "authorization_code",
    code,
    redirect_uri: new URL(redirectPath, location.origin).href,
    client_id: clientId,
  });
  const res = await fetch("/oauth/token", {
    method: "POST",
    headers: { "Content-Type": "application/x-www-form-urlencoded" },
    body,
  });
  const data = await readJson(res);
  if (!res.ok || !data || typeof data.access_token !== "string") {
    throw new ApiError(res.status, data, "The sign-in could not be completed");
  }
  return data.access_token;
}

export class ApiError extends Error {
  constructor(status, body, fallbackMessage) {
    const msg = (body && typeof body.message === "string" && body.message) || fallbackMessage || `Request failed (HTTP ${status})`;
    super(msg);
    this.name = "ApiError";
    this.status = status;
    this.body = body;
    /** the platform error shape's failing fields: [{path, code, message}] */
    this.errors = body && Array.isArray(body.errors) ? body.errors : [];
  }
}

async function readJson(res) {
  const text = await res.text();
  if (!text) return null;
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}

/** Calls the platform API with a bearer token; resolves to the parsed JSON body. */
export async function api(token, path, { method = "GET", body } = {}) {
  const headers = { Authorization: `Bearer ${token}` };
  const init = { method, headers };
  if (body !== undefined) {
    headers["Content-Type"] = "application/json";
    init.body = JSON.stringify(body);
  }
  let res;
  try {
    res = await fetch(path, init);
  } catch (e) {
    throw new ApiError(0, null, `The server could not be reached (${e.message})`);
  }
  const data = await readJson(res);
  if (!res.ok) throw new ApiError(res.status, data);
  return data;
}

/** Initials for an avatar. */
export function initials(name) {
  return String(name || "?")
    .split(/\s+/)
    .filter(Boolean)
    .slice(0, 2)
    .map((p) => p[0].toUpperCase())
    .join("");
}
