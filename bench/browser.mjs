// The in-browser benchmarks, in headless Chromium (the system
// /usr/bin/chromium through playwright-core; never a downloaded browser). Each export takes a
// launched browser and the base URL of bench/lib/server.mjs, and returns plain JSON.
//
// Timing: this machine is shared (2 cores, other builds beside the benchmark), so the per-call
// costs are measured in the renderer main thread's CPU time (CDP Performance.getMetrics
// ThreadTime, thread-ticks domain) around one evaluate() that runs the loop — time spent
// descheduled is not the code's cost — minus the cost of an empty evaluate(), divided by the
// number of calls. Every cell is sampled once per round, over several rounds, and the median is
// reported (the minimum is kept too).

const MODULE = "/bench/pages/bench-page.js";
const PAGE = "/bench/pages/blank.html";

export const DEFAULT_EXCLUSIONS = [
  "api/v2/featuretoggles",
  "api/v2/diagnostics/newrelic/insights",
  "api/v2/diagnostics/trace",
  "api/v2/integrations/clientapps",
  "api/v2/users/me",
];

/** The URLs of each kind of call: one repeated URL, and a template for first-seen ones. */
export const KINDS = {
  counted: {
    url: "/api/v2/routing/queues/8d3c6b1e-2f4a-4c59-9e1d-7a0b5c3e2f18/members",
    template: "/api/v2/routing/queues/${i}/members",
  },
  excluded: {
    url: "/api/v2/users/me?expand=presence",
    template: "/api/v2/users/me?expand=presence&_=${i}",
  },
  "non-API": {
    url: "/static/i18n/en-us.json",
    template: "/static/chunks/${i}.js",
  },
};

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[s.length >> 1] : NaN;
};
const round1 = (x) => Math.round(x * 10) / 10;

async function openPage(browser, base, { clock = false, context } = {}) {
  const ctx = context ?? (await browser.newContext());
  const page = await ctx.newPage();
  if (clock) await page.clock.install({ time: new Date("2026-01-05T09:00:00Z") });
  await page.goto(base + PAGE);
  await page.evaluate(async (m) => {
    window.__bench = window.__bench ?? {};
    window.__bench.mod = await import(m);
  }, MODULE);
  const cdp = await ctx.newCDPSession(page);
  await cdp.send("Performance.enable", { timeDomain: "threadTicks" });
  return { ctx, page, cdp };
}

async function threadSeconds(cdp) {
  const { metrics } = await cdp.send("Performance.getMetrics");
  return metrics.find((m) => m.name === "ThreadTime").value;
}

/** Main-thread CPU seconds of one evaluate() of `fn` in the page. */
async function timed(p, fn) {
  const a = await threadSeconds(p.cdp);
  await p.page.evaluate(fn);
  const b = await threadSeconds(p.cdp);
  return b - a;
}

const runJob = () => window.__bench.mod.run();
const nopJob = () => window.__bench.mod.nop();

/**
 * Interception overhead per call. Variants: no wrapper, a no-op wrapper (the floor), the
 * plain-JS peer, this tracker; × counted / excluded / non-API; × repeated / first-seen; × fetch /
 * XHR; × exclusion lists of 5, 100, 200 entries and the full catalog (the peer only: a policy
 * allows at most 200 entries, so the tracker refuses a longer list).
 */
export async function overhead(browser, base, { lists, rounds = 7, targetMs = 15, log = () => {}, variants = ["none", "floor", "peer", "tracker"], builds = {} }) {
  const pages = [];
  const add = async (variant, size, install) => {
    const p = await openPage(browser, base);
    await p.page.evaluate((m) => window.__bench.mod.stubNetwork(), null);
    await install(p);
    pages.push({ variant, size, ...p });
  };
  if (variants.includes("none")) await add("none", null, async () => {});
  if (variants.includes("floor")) await add("floor", null, (p) => p.page.evaluate(() => window.__bench.mod.installFloor()));
  for (const [size, list] of Object.entries(lists)) {
    if (variants.includes("peer")) await add("peer", size, (p) => p.page.evaluate((l) => window.__bench.mod.installPeer(l), list));
    if (list.length <= 200) {
      if (variants.includes("tracker")) {
        await add("tracker", size, (p) => p.page.evaluate((l) => window.__bench.mod.installTracker(l), list));
      }
      // Other builds of the package (e.g. profile experiments), as `tracker <label>`.
      for (const [label, urls] of Object.entries(builds)) {
        await add(`tracker ${label}`, size, (p) => p.page.evaluate(({ l, urls }) => window.__bench.mod.installTracker(l, urls), { l: list, urls }));
      }
    }
  }
  // Sanity: every variant that classifies sees each kind as expected.
  for (const p of pages.filter((p) => p.variant !== "none" && p.variant !== "floor")) {
    for (const [kind, { url }] of Object.entries(KINDS)) {
      for (const api of ["fetch", "xhr"]) {
        const outcome = await p.page.evaluate(
          ({ url, api, variant }) => {
            const m = window.__bench.mod;
            m.prepare({ api, url, firstSeen: false, n: 1 });
            m.run();
            return variant === "peer" ? m.peerLastOutcome() : m.trackerLastOutcome();
          },
          { url, api, variant: p.variant },
        );
        if (outcome !== (kind === "non-API" ? "not-api" : kind)) {
          throw new Error(`${p.variant} with ${p.size} exclusions: ${api} ${url} was ${outcome}, expected ${kind}`);
        }
      }
    }
  }
  const cells = [];
  for (const p of pages) {
    for (const kind of Object.keys(KINDS)) {
      for (const seen of ["repeated", "first-seen"]) {
        for (const api of ["fetch", "xhr"]) cells.push({ p, kind, seen, api, samples: [], n: 0 });
      }
    }
  }
  let tag = 0;
  const sample = async (cell, n) => {
    const { url, template } = KINDS[cell.kind];
    await cell.p.page.evaluate((job) => window.__bench.mod.prepare(job), {
      api: cell.api,
      url,
      template,
      firstSeen: cell.seen === "first-seen",
      n,
      tag: `t${tag++}`,
    });
    return timed(cell.p, runJob);
  };
  // The cost of an empty evaluate() per page (subtracted from every sample).
  for (const p of pages) {
    const xs = [];
    for (let i = 0; i < 15; i++) xs.push(await timed(p, nopJob));
    p.emptySeconds = median(xs);
  }
  // Calibration (also the JIT warm-up): about `targetMs` of thread time per sample.
  for (const cell of cells) {
    let n = cell.seen === "first-seen" ? 2_000 : 20_000;
    for (let k = 0; k < 3; k++) {
      const s = (await sample(cell, n)) - cell.p.emptySeconds;
      const next = Math.round((n * targetMs) / 1000 / Math.max(s, 1e-5));
      n = Math.min(Math.max(next, 1_000), cell.seen === "first-seen" ? 200_000 : 3_000_000);
    }
    cell.n = n;
  }
  log(`overhead: ${cells.length} cells on ${pages.length} pages calibrated; ${rounds} rounds`);
  for (let r = 0; r < rounds; r++) {
    for (const cell of cells) {
      const s = (await sample(cell, cell.n)) - cell.p.emptySeconds;
      cell.samples.push((s * 1e9) / cell.n);
    }
    log(`overhead: round ${r + 1}/${rounds}`);
  }
  for (const p of pages) await p.ctx.close();
  const rows = cells.map((c) => ({
    variant: c.p.variant,
    entries: c.p.size,
    kind: c.kind,
    seen: c.seen,
    api: c.api,
    calls: c.n,
    nsPerCall: round1(median(c.samples)),
    minNsPerCall: round1(Math.min(...c.samples)),
  }));
  return { rounds, targetMs, rows };
}

/**
 * Timer arms (setTimeout calls) while 10,000 counted requests arrive over a simulated ten
 * minutes (Playwright's clock), with a 5-minute timeout and a 60-second warning — next to the
 * peer written the obvious way (clearTimeout + setTimeout on every counted call).
 */
export async function timers(browser, base, { requests = 10_000, minutes = 10, timeoutSeconds = 300 } = {}) {
  const out = {};
  for (const variant of ["tracker", "peer-with-timer"]) {
    const p = await openPage(browser, base, { clock: true });
    await p.page.evaluate(
      async ({ variant, timeoutSeconds, exclusions }) => {
        const B = window.__bench;
        B.mod.stubNetwork({ respond: true });
        const real = { set: window.setTimeout, clear: window.clearTimeout, si: window.setInterval };
        B.schedule = real.set; // the benchmark's own timers are not counted
        B.timerCalls = { setTimeout: 0, clearTimeout: 0, setInterval: 0, delays: [] };
        window.setTimeout = function setTimeout(fn, delay, ...rest) {
          B.timerCalls.setTimeout++;
          B.timerCalls.delays.push(delay);
          return Reflect.apply(real.set, this, [fn, delay, ...rest]);
        };
        window.clearTimeout = function clearTimeout(id) {
          B.timerCalls.clearTimeout++;
          return Reflect.apply(real.clear, this, [id]);
        };
        window.setInterval = function setInterval(...args) {
          B.timerCalls.setInterval++;
          return Reflect.apply(real.si, this, args);
        };
        if (variant === "tracker") {
          await B.mod.installTracker(exclusions, { timeoutSeconds, warningSeconds: 60 });
        } else {
          B.mod.installPeer(exclusions);
          // The obvious idle timer: reset on every counted call.
          const originalFetch = window.fetch;
          let timer;
          window.fetch = function fetch(input, init) {
            clearTimeout(timer);
            timer = setTimeout(() => {}, timeoutSeconds * 1000);
            return Reflect.apply(originalFetch, this, arguments);
          };
        }
        B.atStart = { setTimeout: B.timerCalls.setTimeout, clearTimeout: B.timerCalls.clearTimeout };
      },
      { variant, timeoutSeconds, exclusions: DEFAULT_EXCLUSIONS },
    );
    const spacing = (minutes * 60_000) / requests;
    await p.page.evaluate(
      ({ requests, spacing, url }) => {
        const B = window.__bench;
        B.timerCalls.setTimeout = 0;
        B.timerCalls.clearTimeout = 0;
        B.timerCalls.setInterval = 0;
        B.timerCalls.delays = [];
        for (let i = 1; i <= requests; i++) B.schedule(() => fetch(url), Math.round(i * spacing));
      },
      { requests, spacing, url: KINDS.counted.url },
    );
    await p.page.clock.runFor(minutes * 60_000);
    const result = await p.page.evaluate(() => {
      const B = window.__bench;
      return {
        ...B.timerCalls,
        remainingMs: B.tracker ? B.tracker.remainingMs() : null,
        ledger: B.tracker ? B.tracker.activityLog().length : null,
        atStart: B.atStart,
      };
    });
    const periods = (minutes * 60) / timeoutSeconds;
    out[variant] = {
      requests,
      simulatedMinutes: minutes,
      timeoutSeconds,
      warningSeconds: 60,
      setTimeout: result.setTimeout,
      clearTimeout: result.clearTimeout,
      setInterval: result.setInterval,
      armsPerTimeoutPeriod: round1(result.setTimeout / periods),
      delaysMs: result.delays.slice(0, 20),
      armsAtStart: result.atStart.setTimeout,
      remainingMsAtEnd: result.remainingMs,
    };
    await p.ctx.close();
  }
  return out;
}

/**
 * The wasm memory (Memory.buffer.byteLength) after 1,000 … 1,000,000 requests, every
 * URL distinct (the worst case for the per-URL cache and the ledger): a third counted, a third
 * excluded, a third not API calls.
 *
 * `varied`: the allocator's soak — every URL of another length (a query of 0 to 3,000
 * characters from a fixed pseudo-random sequence, so the per-URL cache and the ledger hold
 * strings of every size up to their cuts), and every 1,000 requests `activityLog()`,
 * `explain()` and a hold taken and released (large strings built and freed between them). An
 * allocator that fragments grows here where the plain run stays flat.
 */
export async function memory(browser, base, { total = 1_000_000, varied = false, log = () => {} } = {}) {
  const p = await openPage(browser, base);
  await p.page.evaluate(async (l) => {
    window.__bench.mod.stubNetwork();
    await window.__bench.mod.installTracker(l);
  }, DEFAULT_EXCLUSIONS);
  const checkpoints = (varied ? [0, 1_000, 10_000, 50_000, 100_000, 200_000, 500_000, total] : [0, 1_000, 2_000, 5_000, 10_000, 100_000, total]).filter(
    (c) => c <= total,
  );
  const points = [];
  let done = 0;
  for (const at of checkpoints) {
    while (done < at) {
      const to = Math.min(at, done + 100_000);
      await p.page.evaluate(
        ({ from, to, varied }) => {
          const pad = "abcdefghij".repeat(300);
          for (let i = from; i < to; i++) {
            const k = i % 3;
            // A fixed pseudo-random length per request (the same every run).
            const tail = varied ? `?q=${pad.slice(0, (Math.imul(i, 2654435761) >>> 0) % 3001)}` : "";
            fetch(
              (k === 0
                ? `/api/v2/routing/queues/q-${i}/members`
                : k === 1
                  ? `/api/v2/users/me?expand=presence&_=${i}`
                  : `/static/chunks/${i}.js`) + (k === 1 && tail ? `&${tail.slice(1)}` : tail),
            );
            if (varied && i % 1000 === 999) {
              window.__bench.tracker.activityLog();
              window.__bench.tracker.explain();
              window.__bench.tracker.hold(`soak ${i}`).release();
            }
          }
        },
        { from: done, to, varied },
      );
      done = to;
    }
    const bytes = await p.page.evaluate(() => window.__bench.wasm.memory.buffer.byteLength);
    const { metrics } = await p.cdp.send("Performance.getMetrics");
    const heap = metrics.find((m) => m.name === "JSHeapUsedSize").value;
    points.push({ requests: at, wasmBytes: bytes, jsHeapUsedBytes: heap });
    log(`memory${varied ? " (varied sizes)" : ""}: ${at} requests → wasm ${bytes} B`);
  }
  const ledger = await p.page.evaluate(() => window.__bench.tracker.activityLog().length);
  await p.ctx.close();
  const after1k = points.find((x) => x.requests === 1_000)?.wasmBytes;
  const after10k = points.find((x) => x.requests === 10_000)?.wasmBytes;
  const end = points.at(-1).wasmBytes;
  return {
    varied,
    points,
    ledgerEntries: ledger,
    flatAfter1000: end === after1k,
    growthAfter1000Bytes: end - after1k,
    flatAfter10000: end === after10k,
    growthAfter10000Bytes: end - after10k,
  };
}

/**
 * Start-up in a fresh browser context (no cache): module import → interception installed (the
 * moment the shim assigns `window.fetch`, seen by an accessor), → import resolved, → wasm ready
 * (`init()` resolved), → tracker started. `builds` are package directories served under the
 * benchmark's origin (`path` is the URL of the one holding inactivity_timeout.js); their runs are
 * interleaved, so a slower moment of the shared machine falls on every build alike.
 */
export async function startup(browser, base, { runs = 9, builds = [{ label: "this build", path: "/pkg" }] } = {}) {
  const samples = builds.map(() => []);
  for (let r = 0; r < runs; r++) {
    for (const [b, build] of builds.entries()) {
      const ctx = await browser.newContext();
      const page = await ctx.newPage();
      await page.goto(base + PAGE);
      const s = await page.evaluate(
        async ({ exclusions, module }) => {
          let installedAt = null;
          let value = window.fetch;
          Object.defineProperty(window, "fetch", {
            configurable: true,
            get: () => value,
            set: (v) => {
              if (installedAt === null) installedAt = performance.now();
              value = v;
            },
          });
          const t0 = performance.now();
          const m = await import(module);
          const imported = performance.now();
          await m.default();
          const ready = performance.now();
          window.__tracker = m.InactivityTracker.start({
            policy: {
              idleTokenTimeout: { enableIdleTokenTimeout: true, idleTokenTimeoutSeconds: 1800 },
              authSettings: { inactivityTimeoutExclusions: exclusions },
            },
            user: { id: "u", groups: [] },
            loginUrl: "/login",
          });
          const started = performance.now();
          return {
            installedMs: installedAt === null ? null : installedAt - t0,
            importedMs: imported - t0,
            readyMs: ready - t0,
            startedMs: started - t0,
          };
        },
        { exclusions: DEFAULT_EXCLUSIONS, module: `${build.path}/inactivity_timeout.js` },
      );
      samples[b].push(s);
      await ctx.close();
    }
  }
  const pick = (xs, k) => (xs.some((s) => s[k] === null) ? null : round1(median(xs.map((s) => s[k]))));
  return {
    runs,
    builds: builds.map((build, b) => ({
      ...build,
      installedMs: pick(samples[b], "installedMs"),
      importedMs: pick(samples[b], "importedMs"),
      readyMs: pick(samples[b], "readyMs"),
      startedMs: pick(samples[b], "startedMs"),
      samples: samples[b],
    })),
  };
}

/**
 * Whether the page at `url` (an app built with the package) starts: it sets
 * `document.body.dataset.ready` and `window.tracker`, whose `remainingMs()` is a number.
 */
export async function appStarts(browser, url) {
  const ctx = await browser.newContext();
  try {
    const page = await ctx.newPage();
    const errors = [];
    page.on("pageerror", (e) => errors.push(String(e)));
    await page.goto(url);
    await page.waitForFunction(() => document.body?.dataset.ready === "true", null, { timeout: 10_000 });
    const left = await page.evaluate(() => window.tracker?.remainingMs());
    if (errors.length) throw new Error(`${url}: ${errors.join("; ")}`);
    return typeof left === "number" && left > 0;
  } finally {
    await ctx.close();
  }
}

/**
 * Cross-tab traffic between three tabs of one origin while one makes 100 requests per
 * second (real time): BroadcastChannel postMessage calls and `storage` events, per tab.
 */
export async function crossTab(browser, base, { seconds = 10, rate = 100 } = {}) {
  const ctx = await browser.newContext();
  await ctx.addInitScript(() => {
    const c = (window.__crossTab = { channels: 0, posts: 0, received: 0, storageEvents: 0, setItem: 0, locks: 0 });
    if (typeof BroadcastChannel === "function") {
      const BC = BroadcastChannel;
      const post = BC.prototype.postMessage;
      BC.prototype.postMessage = function postMessage(m) {
        c.posts++;
        return Reflect.apply(post, this, arguments);
      };
      // Deliveries: every "message" listener added to a channel, and onmessage, is counted once
      // per message (a tab that listens twice would count twice: none does).
      const add = EventTarget.prototype.addEventListener;
      EventTarget.prototype.addEventListener = function addEventListener(type, listener, options) {
        if (this instanceof BC && type === "message" && typeof listener === "function") {
          const inner = listener;
          listener = function (e) {
            c.received++;
            return Reflect.apply(inner, this, arguments);
          };
        }
        return Reflect.apply(add, this, [type, listener, options]);
      };
      const onmessage = Object.getOwnPropertyDescriptor(BC.prototype, "onmessage");
      if (onmessage && onmessage.set) {
        Object.defineProperty(BC.prototype, "onmessage", {
          configurable: true,
          get: onmessage.get,
          set(f) {
            onmessage.set.call(this, typeof f === "function" ? function (e) { c.received++; return Reflect.apply(f, this, arguments); } : f);
          },
        });
      }
      window.BroadcastChannel = new Proxy(BC, {
        construct(target, args, nt) {
          c.channels++;
          return Reflect.construct(target, args, nt);
        },
      });
    }
    const setItem = Storage.prototype.setItem;
    Storage.prototype.setItem = function (k, v) {
      if (this === window.localStorage) c.setItem++;
      return Reflect.apply(setItem, this, arguments);
    };
    window.addEventListener("storage", () => c.storageEvents++);
    if (navigator.locks) {
      const request = navigator.locks.request.bind(navigator.locks);
      navigator.locks.request = (...a) => {
        c.locks++;
        return request(...a);
      };
    }
  });
  const tabs = [];
  for (let i = 0; i < 3; i++) {
    const p = await openPage(browser, base, { context: ctx });
    await p.page.evaluate(async (l) => {
      window.__bench.mod.stubNetwork({ respond: true });
      await window.__bench.mod.installTracker(l);
    }, DEFAULT_EXCLUSIONS);
    tabs.push(p);
  }
  await new Promise((ok) => setTimeout(ok, 500)); // let start-up messages settle
  const before = await Promise.all(tabs.map((t) => t.page.evaluate(() => ({ ...window.__crossTab }))));
  await tabs[0].page.evaluate(
    ({ seconds, rate, url }) =>
      new Promise((done) => {
        let n = 0;
        const total = seconds * rate;
        const id = setInterval(() => {
          fetch(url);
          if (++n >= total) {
            clearInterval(id);
            done();
          }
        }, 1000 / rate);
      }),
    { seconds, rate, url: KINDS.counted.url },
  );
  await new Promise((ok) => setTimeout(ok, 1500)); // trailing sends
  const after = await Promise.all(tabs.map((t) => t.page.evaluate(() => ({ ...window.__crossTab }))));
  const requests = seconds * rate;
  await ctx.close();
  const perTab = after.map((a, i) => {
    const b = before[i];
    const sent = a.posts - b.posts + (a.setItem - b.setItem);
    const received = a.received - b.received + (a.storageEvents - b.storageEvents);
    return {
      tab: i,
      channels: a.channels,
      broadcastPosts: a.posts - b.posts,
      localStorageWrites: a.setItem - b.setItem,
      broadcastReceived: a.received - b.received,
      storageEvents: a.storageEvents - b.storageEvents,
      sentPerSecond: round1(sent / seconds),
      receivedPerSecond: round1(received / seconds),
      messagesPerSecond: round1(Math.max(sent, received) / seconds),
    };
  });
  const multiTabLanded = after.some((a) => a.channels > 0 || a.setItem > 0);
  return { seconds, rate, requestsInTab0: requests, multiTabLanded, perTab };
}

/**
 * For scale: the main-thread cost of one real, unstubbed `fetch()` call and one real XHR
 * open+send (same origin, not awaited inside the measured part) — what the interception's
 * overhead adds to.
 */
export async function realCalls(browser, base, { calls = 300, rounds = 5 } = {}) {
  const p = await openPage(browser, base);
  const out = {};
  for (const api of ["fetch", "xhr"]) {
    const xs = [];
    for (let r = 0; r < rounds + 1; r++) {
      const s = await timed(p, () => window.__bench.mod.nop());
      await p.page.evaluate(({ api, calls }) => {
        window.__bench.pending = [];
        window.__bench.realJob = { api, calls };
      }, { api, calls });
      const t = await timed(p, () => {
        const { api, calls } = window.__bench.realJob;
        const pending = window.__bench.pending;
        for (let i = 0; i < calls; i++) {
          if (api === "fetch") pending.push(fetch(`/bench/pages/blank.html?real=${i}`));
          else {
            const x = new XMLHttpRequest();
            x.open("GET", `/bench/pages/blank.html?real=${i}`);
            x.send();
            pending.push(new Promise((ok) => x.addEventListener("loadend", ok)));
          }
        }
      });
      await p.page.evaluate(() => Promise.allSettled(window.__bench.pending));
      if (r > 0) xs.push(((t - s) * 1e9) / calls); // the first round warms up
    }
    out[api] = round1(median(xs));
  }
  await p.ctx.close();
  return { calls, rounds, nsPerCall: out };
}
