// How the agent client signs in. At the top level: the login page in this window, then the
// callback and back to the same page. In a frame (a CRM embedding it): the login page refuses to
// be framed, so the client shows a sign-in prompt whose button runs the sign-in in a popup, and
// the token comes back to this document (kept in memory where the frame is denied storage).
import { currentPath } from "/js/oauth.js";
import { tokenStore, prepareSignIn, signInWithPopup } from "/js/signin.js";
import { CLIENT_ID, CALLBACK, POPUP_CALLBACK, FRAMED_LOGIN, TOKEN_KEY } from "/agent/config.js";

export const store = tokenStore(TOKEN_KEY);
export const embedded = window.parent !== window;
const $ = (id) => document.getElementById(id);

/** The login URL for the tracker (it adds its own `state`): the platform's login page with a
 *  PKCE challenge whose verifier this tab keeps; in a frame, the page that brings the user back
 *  to sign in here. */
export function trackerLoginUrl() {
  return embedded ? Promise.resolve(FRAMED_LOGIN) : prepareSignIn({ clientId: CLIENT_ID, redirectPath: CALLBACK });
}

/** The first sign-in of this tab at the top level: to the login page and back to this page. The
 *  package saves the page (sessionStorage and the `state`); if it cannot load, the app's own
 *  sign-in keeps the page to return to in this tab. */
export async function signInHere(loadPackage) {
  store.clear();
  try {
    const pkg = await loadPackage();
    pkg.redirectToLogin(await trackerLoginUrl());
    return;
  } catch (e) {
    console.warn("redirectToLogin unavailable", e);
  }
  location.assign(await prepareSignIn({ clientId: CLIENT_ID, redirectPath: CALLBACK, returnTo: currentPath() }));
}

/** In a frame: shows the sign-in prompt; resolves to the token once the popup's sign-in is done. */
export function promptSignIn() {
  store.clear();
  $("loading").hidden = true;
  const prompt = $("signin-prompt");
  const error = $("signin-error");
  const button = $("signin-button");
  prompt.hidden = false;
  return new Promise((resolve) => {
    button.onclick = async () => {
      button.disabled = true;
      error.hidden = true;
      try {
        const token = await signInWithPopup({ clientId: CLIENT_ID, redirectPath: POPUP_CALLBACK });
        store.set(token);
        prompt.hidden = true;
        button.onclick = null;
        resolve(token);
      } catch (e) {
        error.textContent = e.message;
        error.hidden = false;
      } finally {
        button.disabled = false;
      }
    };
  });
}

/** After signing out: at the top level the login page, back to the client afterwards; in a frame
 *  the sign-in prompt. */
export async function signInAgain() {
  store.clear();
  if (embedded) {
    location.reload();
    return;
  }
  location.assign(await prepareSignIn({ clientId: CLIENT_ID, redirectPath: CALLBACK, returnTo: "/agent/" }));
}
