// The embedding CRM page: the agent client runs in an iframe from the OTHER origin
// (127.0.0.1 ↔ localhost, same port). Messages are accepted only from that iframe and
// its origin, and sent only to that origin — never "*".
import { otherOrigin } from "/agent/config.js";

const FRAME_ORIGIN = otherOrigin();
const frame = document.getElementById("agent-frame");
const events = document.getElementById("events");
const stateBox = document.getElementById("client-state");

document.getElementById("frame-origin").textContent = FRAME_ORIGIN;
document.getElementById("frame-badge").textContent = `embedded from ${FRAME_ORIGIN}`;
frame.src = `${FRAME_ORIGIN}/agent/`;

const time = () => new Date().toLocaleTimeString("en-GB", { hour12: false });

function logEvent(text, kind = "") {
  const li = document.createElement("li");
  const t = document.createElement("span");
  t.className = "hint tabular";
  t.textContent = time();
  const badge = document.createElement("span");
  badge.className = `badge ${kind}`;
  badge.textContent = text.split(":")[0];
  const body = document.createElement("code");
  body.textContent = text;
  li.append(t, badge, body);
  events.prepend(li);
}

function setState(message, kind) {
  stateBox.className = `notice notice-${kind}`;
  stateBox.replaceChildren();
  const p = document.createElement("p");
  p.textContent = message;
  stateBox.append(p);
}

// A warning's countdown keeps running on the host side until the client says otherwise.
let deadline = null;
setInterval(() => {
  if (deadline === null) return;
  const s = Math.max(0, Math.ceil((deadline - Date.now()) / 1000));
  stateBox.querySelector("p").textContent = `The agent will be signed out for inactivity in ${s} seconds.`;
}, 1000);

window.addEventListener("message", (e) => {
  // Only the embedded client, only from its origin.
  if (e.origin !== FRAME_ORIGIN || e.source !== frame.contentWindow) return;
  const data = e.data;
  if (!data || typeof data !== "object" || typeof data.type !== "string" || !data.type.startsWith("inactivity-timeout:")) return;
  switch (data.type) {
    case "inactivity-timeout:warning": {
      const s = Math.max(0, Math.ceil(Number(data.remainingMs) / 1000));
      deadline = Date.now() + s * 1000;
      setState(`The agent will be signed out for inactivity in ${s} seconds.`, "warning");
      logEvent(`warning: ${s} s left`, "badge-warning");
      break;
    }
    case "inactivity-timeout:logout":
      deadline = null;
      setState(`The agent was signed out (${String(data.reason ?? "unknown")}).`, "error");
      logEvent(`logout: ${String(data.reason ?? "unknown")}`, "badge-danger");
      break;
    case "inactivity-timeout:resumed":
      deadline = null;
      setState("The agent is signed in again.", "success");
      logEvent("resumed: signed in again", "badge-success");
      break;
    case "inactivity-timeout:hold-began":
      deadline = null;
      setState(`The agent is in an interaction (${String(data.label ?? "")}): no sign-out while it lasts.`, "info");
      logEvent(`hold-began: ${String(data.label ?? "")}`, "badge-info");
      break;
    case "inactivity-timeout:hold-ended":
      setState("The agent is signed in.", "success");
      logEvent(`hold-ended: ${String(data.label ?? "")} (${String(data.reason ?? "unknown")})`, "badge-info");
      break;
    default:
      logEvent(`${data.type.slice("inactivity-timeout:".length)}: (unknown message)`);
  }
});

document.getElementById("logout-request").addEventListener("click", () => {
  frame.contentWindow?.postMessage({ type: "inactivity-timeout:logout-request" }, FRAME_ORIGIN);
  logEvent("logout-request: sent to the agent client", "badge-info");
});

document.getElementById("note-form").addEventListener("submit", (e) => {
  e.preventDefault();
  const text = document.getElementById("note").value.trim();
  if (!text) return;
  const li = document.createElement("li");
  li.textContent = text;
  const hint = document.createElement("span");
  hint.className = "hint";
  hint.textContent = "Just now · you";
  li.append(hint);
  document.getElementById("notes").prepend(li);
  document.getElementById("note").value = "";
});
