// Shared by the apps' OAuth callback pages: exchanges ?code for a token, keeps the
// token in the app's session store (never in a URL), then returns to the saved page.
import { exchangeCode, tokenStore, authorizeUrl } from "/js/oauth.js";

/**
 * @param {object} o
 * @param {string} o.clientId
 * @param {string} o.storageKey
 * @param {string} o.redirectPath  this callback page's path (must equal the redirect_uri sent)
 * @param {() => (boolean|Promise<boolean>)} o.resume  navigates back to the saved page; false when there is none
 * @param {string} o.fallback  where to go when there is nothing to resume
 */
export async function completeSignIn({ clientId, storageKey, redirectPath, resume, fallback }) {
  const status = document.getElementById("status");
  const params = new URLSearchParams(location.search);
  const code = params.get("code");
  const error = params.get("error");
  const show = (msg, isError) => {
    status.textContent = msg;
    status.className = isError ? "notice notice-error" : "notice notice-info";
    if (isError) {
      status.setAttribute("role", "alert");
      document.getElementById("retry").hidden = false;
      document.getElementById("retry").href = authorizeUrl({ clientId, redirectPath, state: params.get("state") || "" });
    }
  };
  if (!code) {
    show(error ? `Sign-in failed: ${error}.` : "This page expects an authorization code from the sign-in page.", true);
    return;
  }
  try {
    const token = await exchangeCode({ clientId, code, redirectPath });
    tokenStore(storageKey).set(token);
  } catch (e) {
    show(`${e.message}. Try signing in again.`, true);
    return;
  }
  show("Signed in. Returning to your page…", false);
  let resumed = false;
  try {
    resumed = await resume();
  } catch (e) {
    console.warn("resume after login failed", e);
    resumed = false;
  }
  if (!resumed) location.replace(fallback);
}
