// The agent client demo: a small contact-center app that runs the inactivity tracker.
//
// It signs in through the authorization-code flow, loads the organization's policy with its
// own token and hands it to InactivityTracker.start with the user's id and groups. Every API
// call below goes through the page's fetch, which the tracker watches.

import { api, ApiError, initials } from "/js/oauth.js";
import { h, announce } from "/js/dom.js";
import { otherOrigin } from "/agent/config.js";
import { store, embedded, trackerLoginUrl, signInHere, signInAgain, promptSignIn } from "/agent/signin.js";
import { setUpCall } from "/agent/call.js";

const WARNING_SECONDS = 60;
const BACKGROUND_EVERY_MS = 10_000;
const LEDGER_SIZE = 2000;
const LEDGER_ROWS = 200;
const $ = (id) => document.getElementById(id);

let token = store.get();
let tracker = null;
let me = null;
let presences = [];
let routingStatus = "OFF_QUEUE";
let signedOut = false;
let warningOpen = false;
let lastFocus = null;
let backgroundTimer = null;
let tickTimer = null;
let callEnded = () => {};
let queues = null;

function setStatus(id, message, kind = "") {
  const el = $(id);
  el.className = `status-line ${kind}`;
  el.textContent = message;
}

const fmtClock = (ms) => {
  const s = Math.max(0, Math.ceil(ms / 1000));
  const hh = Math.floor(s / 3600);
  const mm = Math.floor((s % 3600) / 60);
  const ss = String(s % 60).padStart(2, "0");
  return hh ? `${hh}:${String(mm).padStart(2, "0")}:${ss}` : `${mm}:${ss}`;
};

function describeSeconds(seconds) {
  if (seconds == null) return "None";
  if (seconds % 3600 === 0) return `${seconds / 3600} hour${seconds === 3600 ? "" : "s"}`;
  if (seconds % 60 === 0) return `${seconds / 60} minute${seconds === 60 ? "" : "s"}`;
  return `${seconds} seconds`;
}

const timeOf = (ms) => new Date(ms).toLocaleTimeString("en-GB", { hour12: false });

// ---------------------------------------------------------------- sign-in

// The agent's own sign-out: the idle logout's sequence (Off Queue, Offline, revoke, every tab
// leaves), by the tracker; without one (it did not start), the token is revoked here.
async function signOut() {
  stopBackground();
  if (tracker && !signedOut) {
    tracker.signOut();
    return;
  }
  try {
    await api(token, "/api/v2/tokens/me", { method: "DELETE" });
  } catch {
    /* signed out either way */
  }
  signInAgain();
}

// ---------------------------------------------------------------- routes

/** The in-app route: `#/queues?filter=x`, `#/conversations`, `?tab=ledger#history`, else overview. */
function currentRoute() {
  const hash = location.hash;
  if (hash.startsWith("#/queues")) {
    const q = hash.indexOf("?");
    return { view: "queues", filter: q >= 0 ? new URLSearchParams(hash.slice(q + 1)).get("filter") ?? "" : "" };
  }
  if (hash.startsWith("#/conversations")) return { view: "conversations" };
  if (new URLSearchParams(location.search).get("tab") === "ledger") return { view: "ledger" };
  return { view: "overview" };
}

function showRoute({ focus = false } = {}) {
  const route = currentRoute();
  for (const v of ["overview", "queues", "conversations", "ledger"]) {
    $(`view-${v}`).hidden = v !== route.view;
    const tab = $(`tab-${v}`);
    if (v === route.view) tab.setAttribute("aria-current", "page");
    else tab.removeAttribute("aria-current");
  }
  if (route.view === "queues") {
    $("queue-filter").value = route.filter;
    if (!queues) loadQueues();
    else renderQueues();
  }
  if (route.view === "conversations" && !$("conversations-list").children.length) loadConversations();
  if (route.view === "ledger") {
    renderLedger();
    if (location.hash === "#history") $("history").scrollIntoView();
  }
  if (focus) {
    const heading = $(`view-${route.view}`).querySelector("h2");
    heading?.setAttribute("tabindex", "-1");
    heading?.focus();
  }
}

// ---------------------------------------------------------------- user state

function renderRouting() {
  const on = routingStatus !== "OFF_QUEUE";
  const badge = $("routing-badge");
  badge.className = `badge ${on ? "badge-success" : ""}`;
  badge.replaceChildren(h("span", { class: "dot", "aria-hidden": "true" }), on ? `On Queue (${routingStatus.replace("_", " ").toLowerCase()})` : "Off Queue");
  $("queue-toggle").textContent = on ? "Go Off Queue" : "Go On Queue";
  $("queue-toggle").className = `btn btn-block ${on ? "" : "btn-primary"}`;
}

function renderPresence(current) {
  const select = $("presence");
  if (!select.children.length) {
    for (const p of presences) {
      select.append(h("option", { value: p.id, text: p.languageLabels?.en_US ?? p.systemPresence }));
    }
  }
  if (current) select.value = current.presenceDefinition?.id ?? "";
  const label = presences.find((p) => p.id === select.value);
  $("user-presence").textContent = label ? `· ${label.languageLabels?.en_US ?? label.systemPresence}` : "";
}

async function changePresence() {
  const id = $("presence").value;
  try {
    const body = await api(token, `/api/v2/users/${encodeURIComponent(me.id)}/presences/purecloud`, {
      method: "PATCH",
      body: { presenceDefinition: { id } },
    });
    renderPresence(body);
    setStatus("status-msg", `Presence set to ${$("presence").selectedOptions[0]?.textContent}.`, "ok");
  } catch (e) {
    handleApiError(e, "status-msg", "The presence could not be changed");
  }
}

async function toggleQueue() {
  const next = routingStatus === "OFF_QUEUE" ? "IDLE" : "OFF_QUEUE";
  try {
    const body = await api(token, `/api/v2/users/${encodeURIComponent(me.id)}/routingstatus`, {
      method: "PUT",
      body: { status: next },
    });
    routingStatus = body?.status ?? next;
    renderRouting();
    setStatus("status-msg", routingStatus === "OFF_QUEUE" ? "You are Off Queue." : "You are On Queue.", "ok");
  } catch (e) {
    handleApiError(e, "status-msg", "The routing status could not be changed");
  }
}

function handleApiError(e, statusId, what) {
  if (e instanceof ApiError && e.status === 401) {
    // The server revoked the token (idle, or signed out elsewhere); the tracker notices too.
    setStatus(statusId, "Your session has ended.", "err");
    return;
  }
  setStatus(statusId, `${what}: ${e.message}`, "err");
}

// ---------------------------------------------------------------- work: counted API calls

async function loadQueues() {
  setStatus("work-status", "Loading queues…");
  try {
    const body = await api(token, "/api/v2/routing/queues");
    queues = Array.isArray(body?.entities) ? body.entities : [];
    renderQueues();
    setStatus("work-status", `Loaded ${queues.length} queues — your inactivity timer restarted.`, "ok");
  } catch (e) {
    handleApiError(e, "work-status", "The queues could not be loaded");
  }
}

function renderQueues() {
  const filter = $("queue-filter").value.trim().toLowerCase();
  const rows = (queues ?? []).filter((q) => !filter || String(q.name).toLowerCase().includes(filter));
  $("queues-body").replaceChildren(
    ...rows.map((q) => h("tr", {}, h("td", { text: q.name }), h("td", { class: "tabular", text: q.memberCount ?? "–" }))),
  );
  $("queues-note").textContent = queues
    ? filter
      ? `${rows.length} of ${queues.length} queues match "${filter}".`
      : `${queues.length} queues.`
    : "";
}

async function loadConversations() {
  setStatus("work-status", "Loading conversations…");
  try {
    const body = await api(token, "/api/v2/conversations");
    const list = Array.isArray(body) ? body : Array.isArray(body?.entities) ? body.entities : [];
    $("conversations-list").replaceChildren(
      ...list.map((c) => {
        const customer = (c.participants ?? []).find((p) => p.purpose === "customer");
        return h(
          "li",
          {},
          h("strong", { text: customer?.name ?? "Customer" }),
          " ",
          h("span", { class: "badge", text: c.mediaType ?? "interaction" }),
          h("div", { class: "hint", text: `Started ${c.startTime ? timeOf(Date.parse(c.startTime)) : "–"} · ${c.id}` }),
        );
      }),
    );
    $("conversations-note").textContent = list.length ? "" : "No active conversations.";
    setStatus("work-status", `Loaded ${list.length} conversation${list.length === 1 ? "" : "s"} — your inactivity timer restarted.`, "ok");
  } catch (e) {
    handleApiError(e, "work-status", "The conversations could not be loaded");
  }
}

// ---------------------------------------------------------------- background: excluded APIs

const BACKGROUND = [
  { method: "POST", path: "/api/v2/diagnostics/newrelic/insights", body: () => ({ events: [{ eventType: "PageAction", name: "heartbeat" }] }) },
  { method: "POST", path: "/api/v2/diagnostics/trace", body: () => ({ spans: [{ name: "agent-ui.tick" }] }) },
  { method: "GET", path: "/api/v2/featuretoggles" },
  { method: "GET", path: "/api/v2/integrations/clientapps" },
];
const backgroundStats = new Map(BACKGROUND.map((b) => [b.path, { sent: 0, last: "–" }]));

function renderBackground() {
  $("background-list").replaceChildren(
    ...BACKGROUND.map((b) => {
      const s = backgroundStats.get(b.path);
      return h(
        "li",
        {},
        h("span", { class: "badge", text: b.method }),
        h("code", { text: b.path.slice(1) }),
        h("span", { class: "hint tabular", text: `${s.sent} sent · ${s.last}` }),
      );
    }),
  );
}

function backgroundTick() {
  if (signedOut || !$("background-on").checked) return;
  for (const b of BACKGROUND) {
    const s = backgroundStats.get(b.path);
    s.sent += 1;
    api(token, b.path, { method: b.method, body: b.body ? b.body() : undefined })
      .then(() => (s.last = "OK"))
      .catch((e) => {
        s.last = e instanceof ApiError ? `HTTP ${e.status}` : "failed";
        // The session is over (the tracker logs out): stop the background traffic.
        if (e instanceof ApiError && e.status === 401) stopBackground();
      })
      .finally(renderBackground);
  }
}

function stopBackground() {
  clearInterval(backgroundTimer);
  backgroundTimer = null;
}

// ---------------------------------------------------------------- the tracker's view

function outcomeOf(entry) {
  const o = String(entry.outcome ?? (entry.activity ? "counted" : entry.excludedBy ? "excluded" : "notApi")).toLowerCase();
  if (o === "hold-began") return { label: "Hold began", cls: "badge-info" };
  if (o === "hold-ended") return { label: `Hold ended (${entry.reason})`, cls: "badge-info" };
  if (o.startsWith("count")) return { label: "Counted", cls: "badge-success" };
  if (o.startsWith("excl")) return { label: "Excluded", cls: "badge-warning" };
  return { label: "Not an API call", cls: "" };
}

let ledgerSignature = "";

function renderLedger() {
  if (!tracker) return;
  let log = [];
  try {
    log = Array.from(tracker.activityLog() ?? []);
  } catch {
    return;
  }
  const last = log[log.length - 1];
  const sig = `${log.length}:${last?.atMs ?? ""}:${last?.url ?? ""}`;
  if (sig === ledgerSignature) return;
  ledgerSignature = sig;
  const newest = [...log].reverse();
  const counted = log.filter((e) => outcomeOf(e).label === "Counted").length;
  const excluded = log.filter((e) => outcomeOf(e).label === "Excluded").length;
  $("ledger-stats").replaceChildren(
    h("span", { class: "badge badge-success", text: `${counted} counted` }),
    h("span", { class: "badge badge-warning", text: `${excluded} excluded` }),
  );
  $("ledger-body").replaceChildren(
    ...newest.slice(0, LEDGER_ROWS).map((e) => {
      const o = outcomeOf(e);
      return h(
        "tr",
        {},
        h("td", { class: "tabular", text: e.atMs ? timeOf(e.atMs) : "–" }),
        h("td", { text: e.method ?? "" }),
        h(
          "td",
          {},
          h("code", { text: e.path ?? e.label ?? e.url ?? "" }),
          e.excludedBy ? h("div", { class: "excluded-by" }, "excluded by the entry ", h("code", { text: e.excludedBy })) : null,
        ),
        h("td", {}, h("span", { class: `badge ${o.cls}`, text: o.label })),
      );
    }),
  );
  const apiCalls = newest.filter((e) => e.label === undefined && outcomeOf(e).label !== "Not an API call");
  const lastCounted = newest.find((e) => outcomeOf(e).label === "Counted");
  $("last-activity").textContent = lastCounted ? `${lastCounted.method} ${lastCounted.path ?? lastCounted.url} at ${timeOf(lastCounted.atMs)}` : "None yet";
  $("recent").replaceChildren(
    ...apiCalls.slice(0, 6).map((e) => {
      const o = outcomeOf(e);
      return h(
        "li",
        {},
        h("span", { class: "time", text: e.atMs ? timeOf(e.atMs) : "" }),
        h("code", { text: `${e.method ?? ""} ${e.path ?? e.url ?? ""}` }),
        h("span", { class: `badge ${o.cls}`, text: o.label }),
      );
    }),
  );
  if (!apiCalls.length) $("recent").append(h("li", { class: "hint", text: "No API calls yet." }));
}

function renderExplain() {
  let x = null;
  try {
    x = tracker.explain();
  } catch {
    return;
  }
  if (!x) return;
  $("timeout-value").textContent = x.timeoutSeconds == null ? "No timeout" : describeSeconds(x.timeoutSeconds);
  const sources = {
    "group-bundle": `Group bundle ${x.bundlePriority ?? ""}`.trim(),
    organization: "Organization-wide setting",
    hipaa: "HIPAA rule",
    none: "No rule applies",
    fallback: "Fallback (settings not loaded)",
  };
  const group = (me?.groups ?? []).find((g) => g.id === x.groupId);
  $("timeout-source").textContent =
    (sources[x.source] ?? x.source ?? "–") + (group ? ` · ${group.name}` : "") + (x.hipaaCapped ? " · HIPAA cap" : "");
  // the package names groups by id; the app knows their names
  let why = String(x.message ?? "");
  for (const g of me?.groups ?? []) why = why.split(g.id).join(`"${g.name}"`);
  $("timeout-why").textContent = why;
  timeoutMs = x.timeoutSeconds == null ? null : x.timeoutSeconds * 1000;
}

let timeoutMs = null;

function tick() {
  if (!tracker || signedOut) return;
  let remaining = null;
  try {
    remaining = tracker.remainingMs();
  } catch {
    return;
  }
  const cd = $("countdown");
  const meter = $("countdown-meter");
  const warn = remaining != null && remaining <= WARNING_SECONDS * 1000;
  if (remaining == null) {
    cd.textContent = "No timeout";
    meter.style.width = "100%";
  } else {
    cd.textContent = fmtClock(remaining);
    meter.style.width = timeoutMs ? `${Math.max(0, Math.min(100, (remaining / timeoutMs) * 100))}%` : "100%";
  }
  cd.classList.toggle("warn", warn);
  meter.classList.toggle("warn", warn);
  if (warningOpen) {
    if (remaining == null || remaining > WARNING_SECONDS * 1000 + 1000) closeWarning({ announceIt: "Activity detected: you are still signed in." });
    else updateWarning(remaining);
  }
  renderLedger();
}

// ---------------------------------------------------------------- warning dialog

let lastSpoken = null;

function updateWarning(remaining) {
  $("warning-countdown").textContent = fmtClock(remaining);
  // Speak the countdown at a pace a screen reader user can follow.
  const s = Math.ceil(remaining / 1000);
  const speak = s === WARNING_SECONDS || s % 15 === 0 || s <= 10;
  if (speak && s !== lastSpoken) {
    lastSpoken = s;
    $("warning-live").textContent = `${s} second${s === 1 ? "" : "s"} until you are signed out.`;
  }
}

function openWarning(remainingMs) {
  if (signedOut) return;
  const dialog = $("warning-dialog");
  if (!warningOpen) {
    lastFocus = document.activeElement;
    warningOpen = true;
    lastSpoken = null;
    if (!dialog.open) dialog.showModal();
    $("stay-signed-in").focus();
  }
  updateWarning(remainingMs ?? tracker?.remainingMs() ?? WARNING_SECONDS * 1000);
}

function closeWarning({ announceIt } = {}) {
  const dialog = $("warning-dialog");
  warningOpen = false;
  if (dialog.open) dialog.close();
  $("warning-live").textContent = "";
  if (lastFocus && document.contains(lastFocus) && lastFocus !== document.body) lastFocus.focus();
  else $("main").focus();
  if (announceIt) announce(announceIt);
}

async function staySignedIn() {
  closeWarning({ announceIt: "You are still signed in." });
  try {
    await tracker.staySignedIn();
  } catch (e) {
    console.warn("staySignedIn failed", e);
  }
  tick();
}

// ---------------------------------------------------------------- logout

const REASONS = {
  idle: "you were inactive",
  slept: "the computer slept past your inactivity timeout",
  "server-revoked": "the server ended your session",
  "other-tab": "you were signed out in another tab",
  "host-request": "the host application signed you out",
  user: "you signed out",
};

function onLogout(reason) {
  callEnded();
  signedOut = true;
  stopBackground();
  if (warningOpen) closeWarning();
  store.clear();
  const box = $("signed-out");
  box.replaceChildren(
    h("div", {}, h("p", {}, h("strong", { text: "You have been signed out" }), ` because ${REASONS[reason] ?? reason}.`), h("p", { text: reason === "user" ? "Taking you to the sign-in page." : "Taking you to the sign-in page; afterwards you come back to this page." })),
  );
  box.hidden = false;
  box.focus();
  $("countdown").textContent = "Signed out";
}

// ---------------------------------------------------------------- start

let pkgPromise = null;
function loadPackage() {
  pkgPromise ??= import("/pkg/inactivity_timeout.js").then(async (pkg) => {
    await pkg.default();
    return pkg;
  });
  return pkgPromise;
}

function showPageError(message) {
  $("loading").hidden = true;
  const box = $("page-error");
  box.textContent = message;
  box.hidden = false;
  box.focus();
}

async function boot() {
  if (!token && embedded) token = await promptSignIn();
  if (!token) {
    $("loading").textContent = "Redirecting to sign in…";
    signInHere(loadPackage);
    return;
  }
  const pkgLoad = loadPackage();
  let timeout, settings, org, defs, presence, routing;
  try {
    me = await api(token, "/api/v2/users/me?expand=groups");
    [timeout, settings, org, defs, presence, routing] = await Promise.all([
      api(token, "/api/v2/tokens/timeout"),
      api(token, "/api/v2/organizations/authentication/settings"),
      api(token, "/api/v2/organizations/me"),
      api(token, "/api/v2/presencedefinitions"),
      api(token, `/api/v2/users/${encodeURIComponent(me.id)}/presences/purecloud`),
      api(token, `/api/v2/users/${encodeURIComponent(me.id)}/routingstatus`),
    ]);
  } catch (e) {
    if (e instanceof ApiError && e.status === 401) {
      token = null;
      store.clear();
      boot();
      return;
    }
    showPageError(`The agent client could not load: ${e.message}`);
    return;
  }
  presences = Array.isArray(defs?.entities) ? defs.entities : [];
  routingStatus = routing?.status ?? "OFF_QUEUE";

  $("me-name").textContent = me.name;
  $("user-name").textContent = me.name;
  $("user-avatar").textContent = initials(me.name);
  $("user-chip").hidden = false;
  renderPresence(presence);
  renderRouting();
  renderBackground();

  let pkg;
  try {
    pkg = await pkgLoad;
  } catch (e) {
    showPageError(`The inactivity tracker could not be loaded (${e.message}). The server still signs idle users out.`);
  }
  if (pkg) {
    try {
      tracker = pkg.InactivityTracker.start({
        policy: { idleTokenTimeout: timeout, authSettings: settings, hipaa: Boolean(org?.features?.hipaa) },
        user: { id: me.id, groups: (me.groups ?? []).map((g) => g.id) },
        loginUrl: await trackerLoginUrl(),
        warningSeconds: WARNING_SECONDS,
        ledgerSize: LEDGER_SIZE,
        accessToken: () => token,
        onWarning: (remainingMs) => openWarning(remainingMs),
        onWarningCleared: () => {
          if (warningOpen) closeWarning({ announceIt: "Activity detected: you are still signed in." });
        },
        onLogout,
        onActivity: () => queueMicrotask(renderLedger),
        clearTokens: () => store.clear(),
        ...(embedded ? { embed: { parentOrigins: [location.origin, otherOrigin()] } } : {}),
      });
    } catch (e) {
      showPageError(`The inactivity tracker did not start: ${e.message}`);
    }
  }
  if (tracker) renderExplain();

  $("loading").hidden = true;
  $("app").hidden = false;
  $("presence").addEventListener("change", changePresence);
  $("queue-toggle").addEventListener("click", toggleQueue);
  callEnded = setUpCall(() => tracker, (message, kind) => setStatus("status-msg", message, kind), renderLedger);
  $("sign-out").addEventListener("click", signOut);
  $("load-queues").addEventListener("click", loadQueues);
  $("reload-queues").addEventListener("click", loadQueues);
  $("load-conversations").addEventListener("click", loadConversations);
  $("reload-conversations").addEventListener("click", loadConversations);
  $("queue-filter").addEventListener("input", () => {
    const f = $("queue-filter").value;
    history.replaceState(null, "", `${location.pathname}${location.search}#/queues${f ? `?filter=${encodeURIComponent(f)}` : ""}`);
    renderQueues();
  });
  $("stay-signed-in").addEventListener("click", staySignedIn);
  $("warning-sign-out").addEventListener("click", signOut);
  // Esc in the warning: the user is here, so it means "stay signed in".
  $("warning-dialog").addEventListener("cancel", (e) => {
    e.preventDefault();
    staySignedIn();
  });
  window.addEventListener("hashchange", () => showRoute({ focus: true }));
  window.addEventListener("popstate", () => showRoute({ focus: true }));
  // The tabs navigate inside the page (history.pushState), so the tracker and its ledger carry
  // on; the address still shows the route, query and hash, for the return after a re-login.
  document.addEventListener("click", (e) => {
    const a = e.target.closest("a[data-route]");
    if (!a || e.ctrlKey || e.metaKey || e.shiftKey || e.button !== 0) return;
    const url = new URL(a.href);
    if (url.origin !== location.origin || url.pathname !== location.pathname) return;
    e.preventDefault();
    if (url.href !== location.href) history.pushState(null, "", url.pathname + url.search + url.hash);
    showRoute({ focus: true });
  });
  showRoute();
  tick();
  tickTimer = setInterval(tick, 1000);
  backgroundTimer = setInterval(backgroundTick, BACKGROUND_EVERY_MS);
  void tickTimer;
}

boot();
