// The browser half of the differential suite: runs one scenario in one mode and leaves the
// result in `window.__result` for the runner. Modes: "off" (a page without the package), "on"
// (the package imported, `await init()`, a tracker started), "naive" (the negative control's
// wrapper, loaded by the page before anything else).
//
// Everything a scenario observes goes through `ctx.log(label, value)`; values are reduced to
// plain JSON with the page's origin replaced by "ORIGIN", so the two runs compare as text.
import { scenarios, POLICY } from "./scenarios/index.mjs";

const cfg = window.__diff;
const ORIGIN = location.origin;
// The fetch the page had before the package (native, or the head scripts' own): the harness's
// questions to the test server go through it, never through the wrapper under test.
const harnessFetch = window.fetch;

/** Plain JSON of anything a scenario observes. */
export function plain(value, depth = 0) {
  if (depth > 6) return "…";
  if (value === null || value === undefined) return value === null ? null : { undefined: true };
  const t = typeof value;
  if (t === "string") return scrub(value);
  if (t === "number") return Number.isNaN(value) ? "NaN" : Object.is(value, -0) ? "-0" : value;
  if (t === "boolean") return value;
  if (t === "bigint") return `${value}n`;
  if (t === "symbol") return `Symbol(${value.description ?? ""})`;
  if (t === "function") return { function: value.name };
  if (value instanceof Error || value instanceof DOMException || isErrorLike(value)) return errorOf(value);
  if (Array.isArray(value)) return value.map((v) => plain(v, depth + 1));
  if (value instanceof ArrayBuffer) return { arrayBuffer: [...new Uint8Array(value)].join(",") };
  if (ArrayBuffer.isView(value)) return { [value.constructor.name]: [...new Uint8Array(value.buffer)].join(",") };
  const tag = Object.prototype.toString.call(value);
  if (tag === "[object Blob]") return { blob: value.size, type: value.type };
  if (tag === "[object Headers]") return { headers: [...value].map(([k, v]) => [k, scrub(v)]) };
  const out = {};
  for (const k of Object.keys(value).sort()) out[k] = plain(value[k], depth + 1);
  return out;
}

const isErrorLike = (v) => typeof v === "object" && v !== null && Object.prototype.toString.call(v) === "[object Error]";

function scrub(s) {
  return s
    .split(ORIGIN)
    .join("ORIGIN")
    .split(`:${location.port}/`)
    .join(":PORT/")
    .replace(/^blob:ORIGIN\/[0-9a-f-]{36}$/, "blob:ORIGIN/UUID")
    // Multipart boundaries are random; each engine names them its own way.
    .replace(/-{2,}(?:WebKitFormBoundary|geckoformboundary)\w+/g, "--BOUNDARY")
    .replace(/boundary=-*(?:WebKitFormBoundary|geckoformboundary)\w+/g, "boundary=BOUNDARY");
}

/** An error as the app sees it: its class, name, message (and a DOMException's code). */
export function errorOf(e) {
  if (e === null || typeof e !== "object") return { thrown: plain(e) };
  const out = {
    class: Object.getPrototypeOf(e)?.constructor?.name ?? null,
    name: scrub(String(e.name)),
    message: scrub(String(e.message)),
  };
  if (e instanceof DOMException) out.code = e.code;
  if (e.cause !== undefined) out.cause = plain(e.cause, 5);
  if (typeof e.code === "string") out.code = e.code; // axios, ofetch
  if (typeof e.status === "number") out.status = e.status; // superagent
  return out;
}

/** A macrotask turn (not a sleep: nothing waits for the clock). */
const turn = () =>
  new Promise((ok) => {
    const { port1, port2 } = new MessageChannel();
    port1.onmessage = () => {
      port1.close();
      ok();
    };
    port2.postMessage(0);
  });

function makeCtx(tracker, pkg) {
  const entries = [];
  const info = [];
  const ctx = {
    mode: cfg.mode,
    tracker,
    pkg,
    origin: ORIGIN,
    /** Records one observation. */
    log(label, value) {
      entries.push([label, plain(value)]);
    },
    /** Recorded, shown on failure, never compared (e.g. function source text). */
    info(label, value) {
      info.push([label, plain(value)]);
    },
    url: (path) => new URL(path, ORIGIN).href,
    /** Resolves once the test server has received a request for `path` (or path and query) in this run. */
    async serverHas(path) {
      const res = await Reflect.apply(harnessFetch, window, [`/diff/has?path=${encodeURIComponent(path)}`]);
      if (!(await res.json()).has) throw new Error(`the server never received ${path}`);
    },
    turn,
    /**
     * The outcome of a call that may throw or return a promise: how it ended (sync throw,
     * fulfilled, rejected) and how many microtask ticks the promise took to settle when it
     * settles within 20 (an immediately rejected promise: native rejects in 1).
     */
    async outcome(fn) {
      let p;
      try {
        p = fn();
      } catch (e) {
        return { threw: errorOf(e) };
      }
      if (!(p && typeof p.then === "function")) return { returned: plain(p) };
      let settled = false;
      p.then(
        () => (settled = true),
        () => (settled = true),
      );
      let ticks = null;
      for (let i = 0; i < 20; i++) {
        await null;
        if (settled) {
          ticks = i;
          break;
        }
      }
      try {
        const v = await p;
        return { fulfilled: v instanceof Response ? await ctx.response(v) : plain(v), ticks };
      } catch (e) {
        return { rejected: errorOf(e), ticks };
      }
    },
    /** A Response as the app sees it, body read as `as` ("text", "json", "arrayBuffer", "none"). */
    async response(res, as = "text") {
      const out = {
        class: res.constructor.name,
        type: res.type,
        status: res.status,
        statusText: res.statusText,
        ok: res.ok,
        redirected: res.redirected,
        url: scrub(res.url),
        headers: [...res.headers].map(([k, v]) => [k, scrub(v)]),
        bodyUsedBefore: res.bodyUsed,
        hasBody: res.body !== null,
      };
      if (as !== "none") {
        try {
          out.body = plain(await res[as]());
        } catch (e) {
          out.bodyError = errorOf(e);
        }
      }
      out.bodyUsedAfter = res.bodyUsed;
      return out;
    },
    /** Records every event of an XHR (and its upload), in order; repeated progress events are folded into one. */
    watchXhr(xhr, name = "xhr", { upload = false } = {}) {
      const events = [];
      const push = (e, where) => {
        const entry = `${where}:${e.type}`;
        const detail =
          e.type === "readystatechange"
            ? `rs=${xhr.readyState},st=${where === "xhr" ? safeStatus(xhr) : "-"}`
            : e.lengthComputable !== undefined
              ? `lc=${e.lengthComputable},loaded=${e.type === "progress" ? "n" : e.loaded},total=${e.total}`
              : "";
        const item = `${entry}(${detail})`;
        if (e.type === "progress" && events[events.length - 1] === item) return;
        if (e.type === "readystatechange" && xhr.readyState === 3 && events[events.length - 1] === item) return;
        events.push(item);
      };
      for (const type of ["readystatechange", "loadstart", "progress", "abort", "error", "load", "timeout", "loadend"]) {
        xhr.addEventListener(type, (e) => push(e, name));
        if (upload && type !== "readystatechange") xhr.upload.addEventListener(type, (e) => push(e, `${name}.upload`));
      }
      return events;
    },
    /** Resolves at the XHR's loadend. */
    loadend: (xhr) => new Promise((ok) => xhr.addEventListener("loadend", () => ok(), { once: true })),
    /** What an XHR shows the app once done. */
    xhrState(xhr) {
      const out = {
        readyState: xhr.readyState,
        status: safeStatus(xhr),
        statusText: xhr.statusText,
        responseURL: scrub(xhr.responseURL),
        responseType: xhr.responseType,
        headers: scrub(xhr.getAllResponseHeaders()),
      };
      try {
        out.response = plain(xhr.response);
      } catch (e) {
        out.response = errorOf(e);
      }
      if (xhr.responseType === "" || xhr.responseType === "text") out.responseText = scrub(xhr.responseText);
      return out;
    },
    /** Loads a classic script (a UMD bundle) and resolves when it ran. */
    loadScript(src) {
      return new Promise((ok, fail) => {
        const s = document.createElement("script");
        s.src = src;
        s.onload = () => ok();
        s.onerror = () => fail(new Error(`could not load ${src}`));
        document.head.append(s);
      });
    },
    /** A same-origin iframe (another realm), loaded. */
    async frame() {
      const f = document.createElement("iframe");
      f.src = "/diff/frame.html";
      const loaded = new Promise((ok) => (f.onload = ok));
      document.body.append(f);
      await loaded;
      return f.contentWindow;
    },
  };
  return { ctx, entries, info };
}

function safeStatus(xhr) {
  try {
    return xhr.status;
  } catch (e) {
    return errorOf(e);
  }
}

async function main() {
  const scenario = scenarios.find((s) => s.name === cfg.scenario);
  if (!scenario) throw new Error(`no scenario named ${cfg.scenario}`);
  let tracker = null;
  let pkg = null;
  if (cfg.mode === "on") {
    pkg = await import("/pkg/inactivity_timeout.js");
    await pkg.default();
    tracker = pkg.InactivityTracker.start({
      policy: POLICY,
      user: { id: "u-differential", groups: [] },
      loginUrl: "/login",
      warningSeconds: 0,
      ledgerSize: 1000,
    });
  }
  const { ctx, entries, info } = makeCtx(tracker, pkg);
  const activity = () => (tracker ? tracker.activityLog().map((e) => ({ ...e })) : null);
  try {
    await scenario.run(ctx);
  } catch (e) {
    ctx.log("scenario threw", errorOf(e));
  }
  if (scenario.unload) {
    // After the scenario's own pagehide listeners: reports the ledger as it stands once they ran
    // (a beacon to a harness path: neither recorded nor intercepted).
    addEventListener("pagehide", () => {
      navigator.sendBeacon(`/diff/report?run=${cfg.run}`, JSON.stringify({ activity: activity() }));
    });
  }
  // Unhandled rejections are reported in a task after the microtask checkpoint: let a few run.
  for (let i = 0; i < 3; i++) await turn();
  finish({
    log: entries,
    info,
    unhandled: window.__diff.unhandled.slice(),
    activity: activity(),
  });
}

/** Leaves the result on the page and posts it to the test server, where the runner reads it. */
function finish(result) {
  window.__result = result;
  harnessFetch(`/diff/result?run=${encodeURIComponent(cfg.run)}`, { method: "POST", body: JSON.stringify(result) });
}

main().catch((e) => finish({ fatal: `${e && e.stack ? e.stack : e}` }));
