// Settings of the agent demo app shared by its pages.

export const CLIENT_ID = "agent-demo";
/** The callback of a sign-in in this window (top level). */
export const CALLBACK = "/agent/callback.html";
/** The callback of a sign-in in a popup (when the client is framed). */
export const POPUP_CALLBACK = "/agent/popup.html";
/** Where the tracker sends a framed client at logout: back to the page, to sign in again there. */
export const FRAMED_LOGIN = "/agent/signin.html";
export const TOKEN_KEY = "agent-demo.token";

/** The two origins of the demo: 127.0.0.1 and localhost on the same port. */
export function otherOrigin(loc = location) {
  const host = loc.hostname === "localhost" ? "127.0.0.1" : "localhost";
  return `${loc.protocol}//${host}${loc.port ? `:${loc.port}` : ""}`;
}
