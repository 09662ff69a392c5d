// Shared by the apps' OAuth callback pages: refuses a sign-in this tab did not start, exchanges
// ?code for a token (with the PKCE verifier), keeps the token in the app's store (never in a
// URL), then returns to the page the sign-in started from.
import { safeReturnPath } from "/js/oauth.js";
import { completeCode, prepareSignIn, tokenStore, SignInRefused } from "/js/signin.js";

/**
 * @param {object} o
 * @param {string} o.clientId
 * @param {string} o.storageKey
 * @param {string} o.redirectPath  this callback page's path (must equal the redirect_uri sent)
 * @param {string} o.prefix  the app's path: an app's own return path must be under it
 * @param {string} o.fallback  where to go when there is nothing to resume
 * @param {() => Promise<object|null>} [o.loadPackage]  the inactivity-timeout package (initialised),
 *   when the app runs the tracker: its `isLoginState` and `resumeAfterLogin`
 */
export async function completeSignIn({ clientId, storageKey, redirectPath, prefix, fallback, loadPackage = async () => null }) {
  const status = document.getElementById("status");
  const show = async (msg, isError) => {
    status.textContent = msg;
    status.className = isError ? "notice notice-error" : "notice notice-info";
    if (isError) {
      status.setAttribute("role", "alert");
      const retry = document.getElementById("retry");
      retry.href = await prepareSignIn({ clientId, redirectPath, returnTo: fallback });
      retry.hidden = false;
    }
  };
  const pkg = await loadPackage().catch((e) => {
    console.warn("inactivity-timeout package unavailable", e);
    return null;
  });
  let result;
  try {
    result = await completeCode({
      clientId,
      redirectPath,
      isTrackerState: async (state) => Boolean(pkg?.isLoginState(state)),
    });
  } catch (e) {
    await show(e instanceof SignInRefused ? e.message : `${e.message}. Try signing in again.`, true);
    return;
  }
  tokenStore(storageKey).set(result.token);
  await show("Signed in. Returning to your page…", false);
  if (result.returnTo !== null) {
    const back = safeReturnPath(result.returnTo, prefix);
    location.replace(back && !back.startsWith(redirectPath) ? back : fallback);
    return;
  }
  // The tracker's sign-in: back to the page the user was on, validated by the package.
  let resumed = false;
  try {
    resumed = Boolean(pkg?.resumeAfterLogin());
  } catch (e) {
    console.warn("resume after login failed", e);
  }
  if (!resumed) location.replace(fallback);
}
