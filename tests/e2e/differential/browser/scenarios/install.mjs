// How the package lives with other code that touches fetch/XHR: loaded twice, fetch captured
// before install, a polyfill or an app wrapper assigned over it, stop() under a wrapper, zone.js
// loaded before and after.
const E = "/api/v2/diff/echo";

/** A fetch and an XHR round trip; what the app sees of both. */
async function both(ctx, tag) {
  const res = await fetch(`${E}/${tag}-fetch`, { method: "POST", body: tag });
  const fetched = await ctx.response(res, "json");
  const xhr = new XMLHttpRequest();
  xhr.open("PUT", `${E}/${tag}-xhr`);
  const done = ctx.loadend(xhr);
  xhr.send(tag);
  await done;
  return { fetched, xhr: ctx.xhrState(xhr) };
}

/** What zone.js users observe: the zone callbacks run in, and the tasks zone saw. */
async function zoneScenario(ctx) {
  const Zone = window.Zone;
  const tasks = [];
  const zone = Zone.current.fork({
    name: "app",
    onScheduleTask(delegate, current, target, task) {
      tasks.push(`${task.type}:${task.source}`);
      return delegate.scheduleTask(target, task);
    },
  });
  const seen = await zone.run(async () => {
    const out = {};
    const p = fetch(`${E}/zone-fetch`);
    out.promiseClass = p.constructor.name;
    out.isZonePromise = p instanceof Promise;
    const res = await p;
    out.zoneAfterFetch = Zone.current.name;
    out.body = await res.json();
    out.zoneAfterBody = Zone.current.name;
    await new Promise((ok) => {
      const xhr = new XMLHttpRequest();
      xhr.open("GET", `${E}/zone-xhr`);
      xhr.onload = () => {
        out.zoneInOnload = Zone.current.name;
        out.xhrStatus = xhr.status;
        ok();
      };
      xhr.send();
    });
    try {
      await fetch("/api/v2/diff/netfail");
    } catch (e) {
      out.error = [e.name, e.message, Zone.current.name];
    }
    return out;
  });
  ctx.log("observed", seen);
  ctx.log("tasks zone saw", [...new Set(tasks)].sort());
  ctx.log("global Promise is zone's", Promise.name, String(Promise).includes("native code"));
}

export const installScenarios = [
  {
    name: "install: the package loaded twice",
    async run(ctx) {
      if (ctx.mode === "on") {
        // A second, separate copy (another URL, another module graph, another wasm instance).
        const copy = await import("/pkg2/inactivity_timeout.js");
        await copy.default();
        ctx.info("second copy loaded", true);
      }
      ctx.log("round trips", await both(ctx, "twice"));
      ctx.log("fetch is still a function", typeof fetch);
    },
  },
  {
    name: "install: the package loaded twice, both started (the second start is refused or takes over, never counts twice)",
    async run(ctx) {
      if (ctx.mode === "on") {
        const copy = await import("/pkg2/inactivity_timeout.js");
        await copy.default();
        ctx.info("second start", await ctx.outcome(() => copy.InactivityTracker.start({
          policy: { idleTokenTimeout: { enableIdleTokenTimeout: true, idleTokenTimeoutSeconds: 1800 } },
          user: { id: "u2", groups: [] },
          loginUrl: "/login",
          warningSeconds: 0,
        })));
      }
      ctx.log("round trips", await both(ctx, "twice-started"));
    },
  },
  {
    name: "install: fetch captured by the app before install",
    head: ["capture-fetch"],
    async run(ctx) {
      const captured = window.capturedFetch;
      ctx.log("captured is still native-callable", typeof captured);
      ctx.log("captured", await ctx.response(await captured(`${E}/captured`), "json"));
      ctx.log("captured with this=window", await ctx.response(await captured.call(window, `${E}/captured-window`), "json"));
      ctx.log("window.fetch", await ctx.response(await window.fetch(`${E}/current`), "json"));
    },
    // The captured native function never goes through the wrapper: not counted (and cannot be).
    counts: { counted: { [`${E}/current`]: 1 } },
  },
  {
    name: "install: a polyfill assigned over the wrapper",
    async run(ctx) {
      const poly = await import("/node_modules/whatwg-fetch/fetch.js");
      const before = window.fetch;
      window.fetch = poly.fetch;
      ctx.log("assigned", window.fetch === poly.fetch);
      const res = await fetch(`${E}/polyfilled`, { method: "POST", body: "over the wrapper" });
      ctx.log("response", { status: res.status, body: await res.json() });
      window.fetch = before;
      ctx.log("restored", await ctx.response(await fetch(`${E}/restored`), "json"));
    },
  },
  {
    name: "install: an app wrapper over the package, then stop() leaves a pass-through",
    async run(ctx) {
      let calls = 0;
      const inner = window.fetch;
      window.fetch = function appFetch(...args) {
        calls++;
        return inner.apply(this, args);
      };
      const { send } = XMLHttpRequest.prototype;
      XMLHttpRequest.prototype.send = function appSend(...args) {
        calls++;
        return send.apply(this, args);
      };
      ctx.log("before stop", await both(ctx, "wrapped"));
      if (ctx.tracker) ctx.tracker.stop();
      ctx.log("after stop", await both(ctx, "after-stop"));
      ctx.log("the app's wrappers are still in place", [window.fetch.name, XMLHttpRequest.prototype.send.name, calls]);
      ctx.log("abort still works", await ctx.outcome(() => fetch(`${E}/after-stop-abort`, { signal: AbortSignal.abort() })));
    },
    counts: { counted: { [`${E}/wrapped-fetch`]: 1, [`${E}/wrapped-xhr`]: 1 } },
  },
  {
    name: "install: stop() restores the originals",
    head: ["capture-fetch"],
    async run(ctx) {
      const native = window.capturedFetch;
      ctx.log("before", await ctx.response(await fetch(`${E}/before-stop`), "json"));
      if (ctx.tracker) {
        ctx.tracker.stop();
        ctx.tracker.stop(); // idempotent
      }
      ctx.log("fetch is the original again", window.fetch === native);
      ctx.log("after", await both(ctx, "stopped"));
    },
    counts: { counted: { [`${E}/before-stop`]: 1 } },
  },
  {
    name: "install: zone.js loaded before the package",
    head: ["zone"],
    run: zoneScenario,
  },
  {
    name: "install: zone.js loaded after the package",
    async run(ctx) {
      await ctx.loadScript("/node_modules/zone.js/bundles/zone.umd.js");
      await zoneScenario(ctx);
    },
  },
];
