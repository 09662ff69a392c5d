// Real HTTP clients from npm, loaded after the tracker started (as an app's bundle would be):
// axios (XHR and fetch adapters), ky (retries), superagent, ofetch, the whatwg-fetch polyfill.
const E = "/api/v2/diff/echo";

async function axiosModule() {
  return (await import("/node_modules/axios/dist/esm/axios.js")).default;
}

/** An axios error or response reduced to what an app reads. */
function axiosResult(r) {
  if (r && r.isAxiosError) {
    return {
      error: [r.constructor.name, r.name, r.message, r.code ?? null],
      status: r.response?.status ?? null,
      data: r.response?.data ?? null,
      canceled: r.constructor.name === "CanceledError",
    };
  }
  return { status: r.status, statusText: r.statusText, data: r.data, headers: sortedHeaders(r.headers) };
}

function sortedHeaders(h) {
  const obj = typeof h?.toJSON === "function" ? h.toJSON() : h;
  return Object.fromEntries(Object.entries(obj ?? {}).sort(([a], [b]) => (a < b ? -1 : 1)));
}

async function axiosScenario(ctx, adapter) {
  const axios = await axiosModule();
  const api = axios.create({ adapter, headers: { "x-app": `axios-${adapter}` } });
  const order = [];
  api.interceptors.request.use((c) => (order.push(`request ${c.url}`), c));
  api.interceptors.response.use(
    (r) => (order.push(`response ${r.status}`), r),
    (e) => (order.push(`error ${e.response?.status ?? e.code}`), Promise.reject(e)),
  );
  const run = async (p) => {
    try {
      return axiosResult(await p);
    } catch (e) {
      return axiosResult(e);
    }
  };
  ctx.log("get", await run(api.get(`${E}/axios-${adapter}-get`, { params: { a: 1 } })));
  ctx.log("post json", await run(api.post(`${E}/axios-${adapter}-post`, { b: 2 })));
  ctx.log("put form", await run(api.put(`${E}/axios-${adapter}-put`, new URLSearchParams({ c: "3" }))));
  ctx.log("404", await run(api.get("/api/v2/diff/status/404")));
  ctx.log("500", await run(api.get("/api/v2/diff/status/500")));
  ctx.log("network error", await run(api.get("/api/v2/diff/netfail")));
  const c = new AbortController();
  const p = api.get("/api/v2/diff/hang", { signal: c.signal });
  // Abort once the request is on the wire: the server has it (a real condition).
  await ctx.serverHas("/api/v2/diff/hang");
  c.abort();
  ctx.log("abort", await run(p));
  ctx.log("pre-aborted", await run(api.get(`${E}/axios-${adapter}-pre`, { signal: AbortSignal.abort() })));
  ctx.log("arraybuffer", await run(api.get(`${E}/axios-${adapter}-ab`, { responseType: "arraybuffer" }).then((r) => ({ ...r, data: new Uint8Array(r.data).length }))));
  ctx.log("excluded", await run(api.get("/api/v2/diff/excluded/axios")));
  ctx.log("order", order);
}

export const clientScenarios = [
  {
    name: "axios: XHR adapter",
    run: (ctx) => axiosScenario(ctx, "xhr"),
    counts: {
      counted: {
        [`${E}/axios-xhr-get`]: 1,
        [`${E}/axios-xhr-post`]: 1,
        [`${E}/axios-xhr-put`]: 1,
        "/api/v2/diff/status/404": 1,
        "/api/v2/diff/status/500": 1,
        "/api/v2/diff/netfail": 1,
        "/api/v2/diff/hang": 1,
        [`${E}/axios-xhr-ab`]: 1,
      },
      excluded: { "/api/v2/diff/excluded/axios": 1 },
    },
  },
  {
    name: "axios: fetch adapter",
    run: (ctx) => axiosScenario(ctx, "fetch"),
    counts: {
      counted: {
        [`${E}/axios-fetch-get`]: 1,
        [`${E}/axios-fetch-post`]: 1,
        [`${E}/axios-fetch-put`]: 1,
        "/api/v2/diff/status/404": 1,
        "/api/v2/diff/status/500": 1,
        "/api/v2/diff/netfail": 1,
        "/api/v2/diff/hang": 1,
        [`${E}/axios-fetch-ab`]: 1,
      },
      excluded: { "/api/v2/diff/excluded/axios": 1 },
    },
  },
  {
    name: "ky: retries, hooks, HTTPError, JSON",
    async run(ctx) {
      const { default: ky, HTTPError } = await import("/node_modules/ky/distribution/index.js");
      const order = [];
      const api = ky.create({
        retry: { limit: 3, delay: () => 0, methods: ["get", "put"], statusCodes: [503] },
        hooks: {
          beforeRequest: [(req) => order.push(`before ${req.method} ${new URL(req.url).pathname}`)],
          beforeRetry: [({ retryCount }) => order.push(`retry ${retryCount}`)],
          afterResponse: [(_req, _opts, res) => order.push(`after ${res.status}`)],
        },
      });
      ctx.log("retried GET", await api.get("/api/v2/diff/flaky/ky-get?fail=2").json());
      ctx.log("retried PUT with a body", await api.put("/api/v2/diff/flaky/ky-put?fail=1", { json: { p: 1 } }).json());
      try {
        await api.post("/api/v2/diff/flaky/ky-post?fail=1", { body: "not retried" });
      } catch (e) {
        ctx.log("POST not retried", [e instanceof HTTPError, e.name, e.message.replace(ctx.origin, "ORIGIN"), e.response.status]);
      }
      try {
        await api.get("/api/v2/diff/flaky/ky-exhausted?fail=9");
      } catch (e) {
        ctx.log("retries exhausted", [e.name, e.response.status, await e.response.json()]);
      }
      ctx.log("json body", await api.post(`${E}/ky-json`, { json: { k: "y" }, headers: { "x-app": "ky" } }).json());
      ctx.log("searchParams", await api.get(`${E}/ky-search`, { searchParams: { s: "1" } }).json());
      try {
        await ky.get("/api/v2/diff/status/404", { retry: 0 });
      } catch (e) {
        ctx.log("404", [e.name, e.message.replace(ctx.origin, "ORIGIN")]);
      }
      try {
        await ky.get(`${E}/ky-aborted`, { signal: AbortSignal.abort(new Error("ky abort")), retry: 0 });
      } catch (e) {
        ctx.log("aborted", [e.constructor.name, e.name, e.message]);
      }
      ctx.log("order", order);
    },
    counts: {
      counted: {
        "/api/v2/diff/flaky/ky-get": 3,
        "/api/v2/diff/flaky/ky-put": 2,
        "/api/v2/diff/flaky/ky-post": 1,
        "/api/v2/diff/flaky/ky-exhausted": 4,
        [`${E}/ky-json`]: 1,
        [`${E}/ky-search`]: 1,
        "/api/v2/diff/status/404": 1,
        [`${E}/ky-aborted`]: 1,
      },
    },
  },
  {
    name: "superagent (over XHR)",
    async run(ctx) {
      await ctx.loadScript("/node_modules/superagent/dist/superagent.js");
      const request = window.superagent;
      const res = await request.get(`${E}/sa-get`).query({ q: 1 }).set("x-app", "superagent");
      ctx.log("get", { status: res.status, body: res.body, type: res.type });
      const post = await request.post(`${E}/sa-post`).send({ s: 1 });
      ctx.log("post", { status: post.status, body: post.body });
      const form = await request.post(`${E}/sa-form`).type("form").send({ f: "v" });
      ctx.log("form", form.body);
      try {
        await request.get("/api/v2/diff/status/500");
      } catch (e) {
        ctx.log("500", [e.status, e.message, e.response.body]);
      }
      try {
        await request.get("/api/v2/diff/netfail");
      } catch (e) {
        ctx.log("network error", [e.message, e.crossDomain ?? null]);
      }
      const events = [];
      const aborted = request.get("/api/v2/diff/hang").on("abort", () => events.push("abort"));
      const settled = new Promise((ok) => aborted.end((err) => ok(err ? err.message : "no error")));
      await ctx.serverHas("/api/v2/diff/hang");
      aborted.abort();
      ctx.log("abort", [await Promise.race([settled, ctx.turn().then(() => "did not call back")]), events]);
      const cb = await new Promise((ok) => request.get(`${E}/sa-callback`).end((err, r) => ok([err, r.status])));
      ctx.log("callback style", cb);
    },
    counts: {
      counted: {
        [`${E}/sa-get`]: 1,
        [`${E}/sa-post`]: 1,
        [`${E}/sa-form`]: 1,
        "/api/v2/diff/status/500": 1,
        "/api/v2/diff/netfail": 1,
        "/api/v2/diff/hang": 1,
        [`${E}/sa-callback`]: 1,
      },
    },
  },
  {
    name: "ofetch: JSON, hooks, FetchError, retry",
    async run(ctx) {
      const { ofetch, FetchError } = await import("/node_modules/ofetch/dist/index.mjs");
      const order = [];
      const api = ofetch.create({
        onRequest: ({ request }) => order.push(`request ${request}`),
        onResponse: ({ response }) => order.push(`response ${response.status}`),
        onResponseError: ({ response }) => order.push(`error ${response.status}`),
      });
      ctx.log("get", await api(`${E}/of-get`, { query: { a: 1 } }));
      ctx.log("post", await api(`${E}/of-post`, { method: "POST", body: { o: 1 }, headers: { "x-app": "ofetch" } }));
      ctx.log("raw", await api.raw(`${E}/of-raw`).then((r) => [r.status, r._data, r.bodyUsed]));
      ctx.log("retry", await api("/api/v2/diff/flaky/of-retry?fail=1", { retry: 1, retryDelay: 0 }));
      try {
        await api("/api/v2/diff/status/404", { retry: 0 });
      } catch (e) {
        ctx.log("404", [e instanceof FetchError, e.name, e.message.replace(ctx.origin, "ORIGIN"), e.statusCode, e.data]);
      }
      try {
        await api("/api/v2/diff/netfail", { retry: 0 });
      } catch (e) {
        ctx.log("network error", [e.name, e.message.replace(ctx.origin, "ORIGIN"), e.cause && e.cause.name]);
      }
      ctx.log("order", order);
    },
    counts: {
      counted: {
        [`${E}/of-get`]: 1,
        [`${E}/of-post`]: 1,
        [`${E}/of-raw`]: 1,
        "/api/v2/diff/flaky/of-retry": 2,
        "/api/v2/diff/status/404": 1,
        "/api/v2/diff/netfail": 1,
      },
    },
  },
  {
    name: "whatwg-fetch polyfill (over XHR)",
    async run(ctx) {
      const poly = await import("/node_modules/whatwg-fetch/fetch.js");
      ctx.log("polyfill flag", poly.fetch.polyfill === true);
      const res = await poly.fetch(`${E}/poly-get`, { headers: { "x-app": "poly" } });
      ctx.log("get", { status: res.status, ok: res.ok, url: res.url.replace(ctx.origin, "ORIGIN"), body: await res.json(), bodyUsed: res.bodyUsed });
      const post = await poly.fetch(`${E}/poly-post`, { method: "POST", body: JSON.stringify({ w: 1 }), headers: { "content-type": "application/json" } });
      ctx.log("post", await post.json());
      const req = new poly.Request(`${E}/poly-request`, { method: "PUT", body: "poly request" });
      ctx.log("Request", await (await poly.fetch(req)).json());
      try {
        await poly.fetch("/api/v2/diff/netfail");
      } catch (e) {
        ctx.log("network error", [e.constructor.name, e.name, e.message]);
      }
      const c = new AbortController();
      const p = poly.fetch("/api/v2/diff/hang", { signal: c.signal });
      await ctx.serverHas("/api/v2/diff/hang");
      c.abort();
      try {
        await p;
      } catch (e) {
        ctx.log("abort", [e.name, e.message]);
      }
      ctx.log("404", (await poly.fetch("/api/v2/diff/status/404")).status);
    },
    counts: {
      counted: {
        [`${E}/poly-get`]: 1,
        [`${E}/poly-post`]: 1,
        [`${E}/poly-request`]: 1,
        "/api/v2/diff/netfail": 1,
        "/api/v2/diff/hang": 1,
        "/api/v2/diff/status/404": 1,
      },
    },
  },
];
