// inactivity-timeout/host: the helper for the page that embeds the client in an iframe (a CRM).
//
//   import { connectInactivityTimeout } from "inactivity-timeout/host";
//   const connection = connectInactivityTimeout(iframe, {
//     origin: "https://agent.example.com",           // the embedded client's exact origin
//     onWarning: (remainingMs) => …, onLogout: (reason) => …, onResumed: () => …,
//     onHoldBegan: (label) => …, onHoldEnded: (label, reason) => …,
//   });
//   connection.requestLogout();                       // sign the agent out (reason "host-request")
//   connection.disconnect();
//
// Messages are accepted only from that iframe's window at that origin, and only in the shapes the
// tracker sends; the logout request is posted to that exact origin only — never "*". Plain ES
// module, no dependency, no wasm: it loads on the host page without the tracker.

const PREFIX = "inactivity-timeout:";
const REASONS = new Set(["idle", "slept", "server-revoked", "other-tab", "host-request"]);
const HOLD_END_REASONS = new Set(["released", "expired", "tab-gone"]);

function checkOrigin(origin) {
  let parsed = null;
  if (typeof origin === "string") {
    try {
      parsed = new URL(origin);
    } catch {
      parsed = null;
    }
  }
  if (parsed === null || parsed.origin === "null" || parsed.origin !== origin) {
    throw new TypeError(
      `connectInactivityTimeout: option "origin" must be the embedded client's exact origin, ` +
        `such as "https://agent.example.com" (scheme, host and port; no path, no trailing slash, ` +
        `never "*"); got ${JSON.stringify(origin)}`,
    );
  }
  return origin;
}

function checkCallback(options, name) {
  const f = options[name];
  if (f !== undefined && f !== null && typeof f !== "function") {
    throw new TypeError(`connectInactivityTimeout: option "${name}" must be a function; got ${typeof f}`);
  }
  return typeof f === "function" ? f : null;
}

/**
 * Connects the host page to the inactivity tracker of the client in `iframe`.
 * @param {HTMLIFrameElement} iframe
 * @param {{ origin: string, onWarning?: (remainingMs: number) => void,
 *           onLogout?: (reason: string) => void, onResumed?: () => void,
 *           onHoldBegan?: (label: string) => void,
 *           onHoldEnded?: (label: string, reason: string) => void }} options
 * @returns {{ requestLogout(): boolean, disconnect(): void }}
 */
export function connectInactivityTimeout(iframe, options) {
  if (iframe === null || typeof iframe !== "object" || !("contentWindow" in iframe)) {
    throw new TypeError("connectInactivityTimeout: the first argument must be the <iframe> element of the embedded client");
  }
  if (options === null || typeof options !== "object") {
    throw new TypeError('connectInactivityTimeout: options { origin, onWarning, onLogout, onResumed } are required');
  }
  const origin = checkOrigin(options.origin);
  const onWarning = checkCallback(options, "onWarning");
  const onLogout = checkCallback(options, "onLogout");
  const onResumed = checkCallback(options, "onResumed");
  const onHoldBegan = checkCallback(options, "onHoldBegan");
  const onHoldEnded = checkCallback(options, "onHoldEnded");
  const view = iframe.ownerDocument?.defaultView ?? globalThis;

  const listener = (event) => {
    // Only the embedded client: its origin and its window (not another frame of that origin).
    if (event.origin !== origin || event.source === null || event.source !== iframe.contentWindow) return;
    const data = event.data;
    if (data === null || typeof data !== "object" || typeof data.type !== "string") return;
    switch (data.type) {
      case `${PREFIX}warning`: {
        const ms = data.remainingMs;
        if (typeof ms === "number" && Number.isFinite(ms) && ms >= 0) onWarning?.(ms);
        break;
      }
      case `${PREFIX}logout`:
        if (REASONS.has(data.reason)) onLogout?.(data.reason);
        break;
      case `${PREFIX}resumed`:
        onResumed?.();
        break;
      case `${PREFIX}hold-began`:
        if (typeof data.label === "string") onHoldBegan?.(data.label);
        break;
      case `${PREFIX}hold-ended`:
        if (typeof data.label === "string" && HOLD_END_REASONS.has(data.reason)) onHoldEnded?.(data.label, data.reason);
        break;
      default:
        break;
    }
  };
  view.addEventListener("message", listener);
  let connected = true;

  return {
    /** Asks the client to sign the user out (reason "host-request"); false when it cannot be asked. */
    requestLogout() {
      const target = iframe.contentWindow;
      if (!connected || target === null) return false;
      // Delivered only if the iframe is at `origin` right now (not, say, on a sign-in page elsewhere).
      target.postMessage({ type: `${PREFIX}logout-request` }, origin);
      return true;
    },
    /** Stops listening; later messages are ignored and requestLogout() returns false. */
    disconnect() {
      if (connected) {
        connected = false;
        view.removeEventListener("message", listener);
      }
    },
  };
}
