// The demo apps' sign-in: the authorization-code flow with PKCE (S256), the state check that
// refuses a sign-in this tab did not start (login CSRF), and where the token is kept.
//
// * A token is kept in sessionStorage when the document may use it; where storage is denied (a
//   cross-site iframe in Chromium) it lives in this document's memory only, and a reload signs
//   in again. Never in window.name: a frame keeps its name across navigations, so a page above
//   it could read it, or plant one.
// * A sign-in this tab starts keeps its PKCE verifier (and its own state) in the same store, for
//   the callback page. The callback exchanges the code only for a state this tab issued: its
//   own, or the tracker's (`isLoginState` of the inactivity-timeout package).
// * Inside a frame the login page is never shown: the platform's login pages refuse to be
//   framed (`frame-ancestors 'none'`, clickjacking), so the sign-in runs in a popup that hands
//   the code back to this document, which exchanges it itself.
import { ApiError, readJson } from "/js/oauth.js";

const memory = new Map();

/** sessionStorage, when this document may read it (a cross-site iframe may be denied it). */
function sessionStore() {
  try {
    const s = window.sessionStorage;
    s.getItem("inactivity-demo.probe");
    return s;
  } catch {
    return null;
  }
}

/** A value of this tab: sessionStorage, or this document's memory where storage is denied (or
 *  full). */
export function tokenStore(key) {
  return {
    get() {
      return sessionStore()?.getItem(key) ?? memory.get(key) ?? null;
    },
    set(value) {
      try {
        sessionStore().setItem(key, value);
        memory.delete(key);
      } catch {
        memory.set(key, value);
      }
    },
    clear() {
      try {
        sessionStore()?.removeItem(key);
      } catch {
        /* nothing kept there */
      }
      memory.delete(key);
    },
  };
}

const base64url = (bytes) =>
  btoa(String.fromCharCode(...bytes)).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");

/** `n` random bytes from crypto.getRandomValues, base64url. */
export function randomToken(n = 32) {
  return base64url(crypto.getRandomValues(new Uint8Array(n)));
}

/** The S256 challenge of a PKCE verifier: BASE64URL(SHA-256(verifier)). */
export async function challengeOf(verifier) {
  if (!crypto.subtle) throw new SignInRefused("Signing in needs a secure page (https, or localhost).");
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(verifier));
  return base64url(new Uint8Array(digest));
}

/** The sign-in URL (a same-origin path) of the authorization-code flow with PKCE. */
function authorizeUrl({ clientId, redirectPath, state, challenge }) {
  const u = new URL("/oauth/authorize", location.origin);
  u.searchParams.set("response_type", "code");
  u.searchParams.set("client_id", clientId);
  u.searchParams.set("redirect_uri", new URL(redirectPath, location.origin).href);
  u.searchParams.set("code_challenge", challenge);
  u.searchParams.set("code_challenge_method", "S256");
  if (state) u.searchParams.set("state", state);
  return u.pathname + u.search;
}

const pendingKey = (clientId) => `${clientId}.signin`;

/**
 * Starts a sign-in of this tab: a fresh PKCE verifier kept for the callback, and the login URL
 * with its challenge. With `returnTo` the app makes its own `state` (a nonce; the place to go
 * back to stays in this tab); without it the URL has no `state`, for the tracker to add its own
 * (`loginUrl` of `InactivityTracker.start`, `redirectToLogin`).
 */
export async function prepareSignIn({ clientId, redirectPath, returnTo = null }) {
  const verifier = randomToken(32);
  const state = returnTo === null ? null : `app.${randomToken(16)}`;
  tokenStore(pendingKey(clientId)).set(JSON.stringify({ verifier, state, returnTo }));
  return authorizeUrl({ clientId, redirectPath, state, challenge: await challengeOf(verifier) });
}

/** The pending sign-in of this tab, used once. */
function takePending(clientId) {
  const store = tokenStore(pendingKey(clientId));
  const text = store.get();
  store.clear();
  try {
    const p = JSON.parse(text);
    return p && typeof p.verifier === "string" ? p : null;
  } catch {
    return null;
  }
}

/** Exchanges an authorization code for an access token (with the PKCE verifier). */
export async function exchangeCode({ clientId, code, redirectPath, verifier }) {
  const res = await fetch("/oauth/token", {
    method: "POST",
    headers: { "Content-Type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({
      grant_type: "authorization_code",
      code,
      redirect_uri: new URL(redirectPath, location.origin).href,
      client_id: clientId,
      code_verifier: verifier,
    }),
  });
  const data = await readJson(res);
  if (!res.ok || !data || typeof data.access_token !== "string") {
    throw new ApiError(res.status, data, "The sign-in could not be completed");
  }
  return data.access_token;
}

/** A sign-in refused before any code was exchanged, with a sentence for the user. */
export class SignInRefused extends Error {}

/**
 * On the callback page: checks that this tab started the sign-in and that the `state` is one it
 * issued — its own (`app.…`), or the tracker's when `isTrackerState(state)` says so — then
 * exchanges the code. Resolves to `{ token, returnTo }` (`returnTo` for the app's own sign-in,
 * `null` for the tracker's, whose page `resumeAfterLogin()` knows). Throws `SignInRefused`
 * before any exchange for a sign-in this tab did not start.
 */
export async function completeCode({ clientId, redirectPath, isTrackerState }) {
  const params = new URLSearchParams(location.search);
  const code = params.get("code");
  const state = params.get("state");
  const pending = takePending(clientId);
  if (!code) throw new SignInRefused(params.get("error") ? `Sign-in failed: ${params.get("error")}.` : "This page expects an authorization code from the sign-in page.");
  if (!pending) throw new SignInRefused("This sign-in was not started in this tab, so it was not completed.");
  const own = pending.state !== null && state === pending.state;
  const tracker = pending.state === null && state !== null && (await isTrackerState(state));
  if (!own && !tracker) throw new SignInRefused("This sign-in carries a state this tab did not issue, so it was not completed.");
  const token = await exchangeCode({ clientId, code, redirectPath, verifier: pending.verifier });
  return { token, returnTo: own ? pending.returnTo : null };
}

/** The message a popup's callback page sends to the document that opened it. */
export const POPUP_MESSAGE = "inactivity-demo:authorized";

/**
 * Signs in through a popup (inside a frame, where the login page may not be shown): the
 * verifier and the state stay in this document's memory, the popup's callback page posts the
 * code back (same origin only), and this document exchanges it. Must be called from a click
 * (popups need a user gesture). Resolves to the access token; rejects when the popup is blocked
 * or closed, or the sign-in fails.
 */
export async function signInWithPopup({ clientId, redirectPath }) {
  const verifier = randomToken(32);
  const state = `popup.${randomToken(16)}`;
  // Opened first, in the click's own task; navigated once the challenge is computed.
  const popup = window.open("about:blank", `${clientId}-signin`, "popup,width=520,height=720");
  if (!popup) throw new SignInRefused("The sign-in window was blocked. Allow pop-ups for this site and try again.");
  popup.location.href = authorizeUrl({ clientId, redirectPath, state, challenge: await challengeOf(verifier) });
  const code = await new Promise((resolve, reject) => {
    const closed = setInterval(() => {
      if (popup.closed) finish(() => reject(new SignInRefused("The sign-in window was closed before signing in.")));
    }, 500);
    const onMessage = (event) => {
      const data = event.data;
      if (event.source !== popup || event.origin !== location.origin || data?.type !== POPUP_MESSAGE) return;
      if (data.state !== state) return;
      finish(() => (typeof data.code === "string" ? resolve(data.code) : reject(new SignInRefused(`Sign-in failed: ${data.error || "no code"}.`))));
    };
    const finish = (then) => {
      clearInterval(closed);
      window.removeEventListener("message", onMessage);
      then();
    };
    window.addEventListener("message", onMessage);
  });
  return exchangeCode({ clientId, code, redirectPath, verifier });
}
