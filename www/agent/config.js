// Settings of the agent demo app shared by its pages.
import { authorizeUrl } from "/js/oauth.js";

export const CLIENT_ID = "agent-demo";
export const CALLBACK = "/agent/callback.html";
export const TOKEN_KEY = "agent-demo.token";
/** Marks a `state` the app made itself (first sign-in), as opposed to the tracker's. */
export const APP_STATE_PREFIX = "app:";

/** The login URL the tracker sends an idle user to (it adds `state` itself). */
export const loginUrl = () => authorizeUrl({ clientId: CLIENT_ID, redirectPath: CALLBACK });

/** The two origins of the demo: 127.0.0.1 and localhost on the same port. */
export function otherOrigin(loc = location) {
  const host = loc.hostname === "localhost" ? "127.0.0.1" : "localhost";
  return `${loc.protocol}//${host}${loc.port ? `:${loc.port}` : ""}`;
}
