// The demo apps' API helper and same-origin return paths. Plain ES module, no build step.
// Sign-in (PKCE, the token store) is in signin.js.

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

export async function readJson(res) {
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
