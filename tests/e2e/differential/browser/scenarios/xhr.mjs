// Native XMLHttpRequest: constants, instanceof, subclassing, setters, handlers, sync, errors,
// upload progress, aborts.
const E = "/api/v2/diff/echo";

/** Opens, sends, waits for loadend; returns the events and the final state. */
async function roundTrip(ctx, xhr, method, url, body, { upload = false, setup } = {}) {
  const events = ctx.watchXhr(xhr, "xhr", { upload });
  xhr.open(method, url);
  if (setup) setup(xhr);
  const done = ctx.loadend(xhr);
  xhr.send(body);
  await done;
  return { events, state: ctx.xhrState(xhr) };
}

export const xhrScenarios = [
  {
    name: "xhr: constants, instanceof, prototype chain",
    async run(ctx) {
      const X = XMLHttpRequest;
      ctx.log("static", [X.UNSENT, X.OPENED, X.HEADERS_RECEIVED, X.LOADING, X.DONE]);
      ctx.log("prototype", [X.prototype.UNSENT, X.prototype.DONE]);
      const xhr = new X();
      ctx.log("instance", [xhr.UNSENT, xhr.OPENED, xhr.DONE, xhr.readyState]);
      ctx.log("instanceof", [xhr instanceof X, xhr instanceof XMLHttpRequestEventTarget, xhr instanceof EventTarget]);
      ctx.log("constructor", [xhr.constructor === X, X.name, X.length, Object.prototype.toString.call(xhr)]);
      ctx.log("chain", [Object.getPrototypeOf(xhr) === X.prototype, Object.getPrototypeOf(X.prototype) === XMLHttpRequestEventTarget.prototype]);
      ctx.log("upload", [xhr.upload instanceof XMLHttpRequestUpload, Object.prototype.toString.call(xhr.upload)]);
      ctx.log("own keys of an instance", Reflect.ownKeys(xhr).map(String));
      ctx.log("calling without new", await ctx.outcome(() => X()));
      ctx.log("open is inherited", Object.prototype.hasOwnProperty.call(xhr, "open"));
    },
  },
  {
    name: "xhr: a full GET and a POST, every event in order",
    async run(ctx) {
      const get = await roundTrip(ctx, new XMLHttpRequest(), "GET", `${E}/xhr-get?q=1`, null);
      ctx.log("get", get);
      const post = await roundTrip(ctx, new XMLHttpRequest(), "POST", `${E}/xhr-post`, JSON.stringify({ b: 2 }), {
        upload: true,
        setup: (x) => {
          x.setRequestHeader("content-type", "application/json");
          x.setRequestHeader("x-app", "xhr");
        },
      });
      ctx.log("post", post);
      ctx.log("excluded", await roundTrip(ctx, new XMLHttpRequest(), "GET", "/api/v2/diff/excluded/7", null));
      ctx.log("not API", await roundTrip(ctx, new XMLHttpRequest(), "GET", "/s/xhr-static", null));
      ctx.log("404", await roundTrip(ctx, new XMLHttpRequest(), "GET", "/api/v2/diff/status/404", null));
      ctx.log("401", await roundTrip(ctx, new XMLHttpRequest(), "GET", "/api/v2/diff/status/401", null));
    },
  },
  {
    name: "xhr: on* handlers and listeners, the order between them",
    async run(ctx) {
      const order = [];
      const xhr = new XMLHttpRequest();
      xhr.onreadystatechange = () => order.push(`onreadystatechange ${xhr.readyState}`);
      xhr.addEventListener("readystatechange", () => order.push(`listener ${xhr.readyState}`));
      xhr.onload = function (e) {
        order.push(`onload this=${this === xhr} target=${e.target === xhr}`);
      };
      xhr.addEventListener("load", () => order.push("listener load"));
      xhr.onloadend = () => order.push("onloadend");
      xhr.open("GET", `${E}/handlers`);
      const done = ctx.loadend(xhr);
      xhr.send();
      await done;
      await ctx.turn();
      ctx.log("order", order.filter((o, i) => !(o.endsWith(" 3") && order[i - 2] === o)));
      ctx.log("handler values", [typeof xhr.onload, xhr.onerror, typeof xhr.onreadystatechange]);
    },
  },
  {
    name: "xhr: subclassing",
    async run(ctx) {
      class AppXhr extends XMLHttpRequest {
        constructor() {
          super();
          this.calls = [];
        }
        open(method, url, ...rest) {
          this.calls.push(`open ${method}`);
          return super.open(method, url, ...rest);
        }
        send(body) {
          this.calls.push("send");
          return super.send(body);
        }
      }
      const xhr = new AppXhr();
      ctx.log("instanceof", [xhr instanceof AppXhr, xhr instanceof XMLHttpRequest, AppXhr.DONE]);
      const r = await roundTrip(ctx, xhr, "PUT", `${E}/subclass`, "sub body");
      ctx.log("round trip", r);
      ctx.log("calls", xhr.calls);
      class Plain extends XMLHttpRequest {}
      ctx.log("plain subclass", (await roundTrip(ctx, new Plain(), "GET", `${E}/plain-subclass`, null)).state);
      // An app that patches the prototype itself, after the package (as many SDKs do).
      const open = XMLHttpRequest.prototype.open;
      XMLHttpRequest.prototype.open = function (...args) {
        ctx.log("app's own open wrapper", args[1]);
        return open.apply(this, args);
      };
      ctx.log("app wrapper", (await roundTrip(ctx, new XMLHttpRequest(), "GET", `${E}/app-patched`, null)).state.status);
      XMLHttpRequest.prototype.open = open;
    },
  },
  {
    name: "xhr: property setters before and after open",
    async run(ctx) {
      const tryIt = (fn) => {
        try {
          return { ok: plainOf(fn()) };
        } catch (e) {
          return { threw: [e.constructor.name, e.name, e.message] };
        }
      };
      const plainOf = (v) => (v === undefined ? "undefined" : v);
      const xhr = new XMLHttpRequest();
      ctx.log("before open", {
        timeout: tryIt(() => (xhr.timeout = 5000)),
        withCredentials: tryIt(() => (xhr.withCredentials = true)),
        responseType: tryIt(() => (xhr.responseType = "json")),
        setRequestHeader: tryIt(() => xhr.setRequestHeader("x-app", "early")),
        overrideMimeType: tryIt(() => xhr.overrideMimeType("application/json")),
        status: tryIt(() => xhr.status),
      });
      xhr.open("POST", `${E}/setters`);
      ctx.log("after open", {
        timeout: tryIt(() => (xhr.timeout = 0)),
        withCredentials: tryIt(() => (xhr.withCredentials = false)),
        responseType: tryIt(() => (xhr.responseType = "text")),
        setRequestHeader: tryIt(() => xhr.setRequestHeader("x-app", "late")),
        forbidden: tryIt(() => xhr.setRequestHeader("cookie", "x=1")),
        invalid: tryIt(() => xhr.setRequestHeader("bad name", "x")),
        values: [xhr.timeout, xhr.withCredentials, xhr.responseType, xhr.readyState],
      });
      const done = ctx.loadend(xhr);
      xhr.send("setters");
      ctx.log("after send", {
        setRequestHeader: tryIt(() => xhr.setRequestHeader("x-app", "too late")),
        withCredentials: tryIt(() => (xhr.withCredentials = true)),
        timeout: tryIt(() => (xhr.timeout = 60_000)),
      });
      await done;
      ctx.log("state", ctx.xhrState(xhr));
      const sync = new XMLHttpRequest();
      sync.open("GET", `${E}/sync-setters`, false);
      ctx.log("sync: responseType", tryIt(() => (sync.responseType = "json")));
      ctx.log("sync: timeout", tryIt(() => (sync.timeout = 10)));
      sync.send();
      ctx.log("sync state", ctx.xhrState(sync));
    },
  },
  {
    name: "xhr: handlers assigned after send",
    async run(ctx) {
      const xhr = new XMLHttpRequest();
      xhr.open("GET", `${E}/late-handlers`);
      xhr.send();
      const events = ctx.watchXhr(xhr, "late");
      const got = new Promise((ok) => {
        xhr.onload = () => ok("onload");
      });
      ctx.log("first", await got);
      await ctx.loadend(xhr);
      ctx.log("events", events);
      ctx.log("state", ctx.xhrState(xhr));
    },
  },
  {
    name: "xhr: synchronous requests",
    async run(ctx) {
      const xhr = new XMLHttpRequest();
      const events = ctx.watchXhr(xhr, "sync");
      xhr.open("POST", `${E}/sync`, false);
      xhr.setRequestHeader("content-type", "text/plain");
      const ret = xhr.send("sync body");
      ctx.log("send returned", ret === undefined);
      ctx.log("events", events);
      ctx.log("state", ctx.xhrState(xhr));
      const fail = new XMLHttpRequest();
      fail.open("GET", "/api/v2/diff/netfail", false);
      let thrown = null;
      try {
        fail.send();
      } catch (e) {
        thrown = e;
      }
      ctx.log("sync network error throws", thrown);
      ctx.log("sync 500", (() => {
        const x = new XMLHttpRequest();
        x.open("GET", "/api/v2/diff/status/500", false);
        x.send();
        return ctx.xhrState(x);
      })());
    },
  },
  {
    name: "xhr: an invalid URL in open, send before open, send twice",
    async run(ctx) {
      const attempt = (fn) => {
        try {
          return { returned: fn() === undefined ? "undefined" : "value" };
        } catch (e) {
          return { threw: [e.constructor.name, e.name, e.message.replace(ctx.origin, "ORIGIN")] };
        }
      };
      const bad = new XMLHttpRequest();
      ctx.log("open invalid", attempt(() => bad.open("GET", "http://[::1")));
      ctx.log("readyState", bad.readyState);
      ctx.log("send after failed open", attempt(() => bad.send()));
      ctx.log("bad method", attempt(() => new XMLHttpRequest().open("BAD METHOD", `${E}/m`)));
      ctx.log("forbidden method", attempt(() => new XMLHttpRequest().open("TRACE", `${E}/m`)));
      ctx.log("no arguments", attempt(() => new XMLHttpRequest().open()));
      ctx.log("send unopened", attempt(() => new XMLHttpRequest().send()));
      const twice = new XMLHttpRequest();
      twice.open("GET", `${E}/twice`);
      const done = ctx.loadend(twice);
      ctx.log("first send", attempt(() => twice.send()));
      ctx.log("second send", attempt(() => twice.send()));
      await done;
      ctx.log("state", ctx.xhrState(twice));
    },
    // One request went out; the refused second send() of the same XHR is not a second one.
    counts: { counted: { [`${E}/twice`]: 1 } },
  },
  {
    name: "xhr: upload progress",
    async run(ctx) {
      const body = new Uint8Array(512 * 1024).fill(97);
      const r = await roundTrip(ctx, new XMLHttpRequest(), "POST", `${E}/upload`, body, { upload: true });
      ctx.log("events", r.events);
      ctx.log("status", r.state.status);
      const text = await roundTrip(ctx, new XMLHttpRequest(), "POST", `${E}/upload-small`, "tiny", { upload: true });
      ctx.log("small", text.events);
      const noListeners = new XMLHttpRequest();
      noListeners.open("POST", `${E}/upload-no-listeners`);
      const done = ctx.loadend(noListeners);
      noListeners.send("x");
      await done;
      ctx.log("no upload listeners", noListeners.status);
    },
  },
  {
    name: "xhr: abort, network error, timeout, reopen",
    async run(ctx) {
      const a = new XMLHttpRequest();
      const events = ctx.watchXhr(a, "abort");
      a.open("GET", "/api/v2/diff/hang?x=1");
      a.send();
      await ctx.serverHas("/api/v2/diff/hang?x=1");
      const ended = ctx.loadend(a);
      a.abort();
      await ended;
      ctx.log("abort", { events, state: ctx.xhrState(a) });

      const before = new XMLHttpRequest();
      const ev2 = ctx.watchXhr(before, "pre");
      before.open("GET", `${E}/abort-before-send`);
      before.abort();
      ctx.log("abort before send", { ev2, readyState: before.readyState });

      const err = await roundTrip(ctx, new XMLHttpRequest(), "GET", "/api/v2/diff/netfail", null);
      ctx.log("network error", err);

      const t = new XMLHttpRequest();
      const ev3 = ctx.watchXhr(t, "timeout");
      t.open("GET", "/api/v2/diff/hang?x=2");
      // Long enough for the request to reach the server on a loaded machine: with 1 ms, whether
      // the server saw it at all depended on timing, not on the tracker.
      t.timeout = 1500;
      const tend = ctx.loadend(t);
      t.send();
      await ctx.serverHas("/api/v2/diff/hang?x=2");
      await tend;
      ctx.log("timeout", { ev3, state: ctx.xhrState(t) });

      const re = new XMLHttpRequest();
      const ev4 = ctx.watchXhr(re, "reopen");
      re.open("GET", "/api/v2/diff/hang?x=3");
      re.send();
      await ctx.serverHas("/api/v2/diff/hang?x=3");
      re.open("GET", `${E}/reopened`);
      const rend = ctx.loadend(re);
      re.send();
      await rend;
      ctx.log("reopen", { ev4, state: ctx.xhrState(re) });
    },
    counts: { counted: { "/api/v2/diff/hang": 3, "/api/v2/diff/netfail": 1, [`${E}/reopened`]: 1 } },
  },
  {
    name: "xhr: response types, headers, redirects, body types",
    async run(ctx) {
      for (const type of ["", "text", "json", "arraybuffer", "blob", "document"]) {
        const r = await roundTrip(ctx, new XMLHttpRequest(), "GET", `${E}/type-${type || "default"}`, null, {
          setup: (x) => (x.responseType = type),
        });
        const resp = r.state.response;
        ctx.log(`type ${type}`, { events: r.events, type: r.state.responseType, response: type === "document" ? String(resp && typeof resp) : resp });
      }
      const redirected = await roundTrip(ctx, new XMLHttpRequest(), "POST", `/api/v2/diff/redirect/307?to=${E}/xhr-after`, "kept");
      ctx.log("redirect", redirected.state);
      const mime = await roundTrip(ctx, new XMLHttpRequest(), "GET", `${E}/mime`, null, { setup: (x) => x.overrideMimeType("text/plain") });
      ctx.log("overrideMimeType", mime.state.responseText.length);
      const form = new FormData();
      form.append("k", "v");
      const bodies = { form, params: new URLSearchParams("a=1"), blob: new Blob(["b"], { type: "x/y" }), buffer: new Uint8Array([1, 2, 3]), doc: document.implementation.createHTMLDocument("t") };
      for (const [k, body] of Object.entries(bodies)) {
        ctx.log(`body ${k}`, (await roundTrip(ctx, new XMLHttpRequest(), "POST", `${E}/xhr-body-${k}`, body)).state.response);
      }
    },
    counts: {
      counted: {
        ...Object.fromEntries(["default", "text", "json", "arraybuffer", "blob", "document"].map((t) => [`${E}/type-${t}`, 1])),
        "/api/v2/diff/redirect/307": 1,
        [`${E}/mime`]: 1,
        ...Object.fromEntries(["form", "params", "blob", "buffer", "doc"].map((k) => [`${E}/xhr-body-${k}`, 1])),
      },
    },
  },
  {
    name: "xhr: `this` handling and Illegal invocation",
    async run(ctx) {
      const { open, send } = XMLHttpRequest.prototype;
      const frame = await ctx.frame();
      const attempt = (fn) => {
        try {
          fn();
          return "ok";
        } catch (e) {
          return [e.constructor.name, e.name, e.message];
        }
      };
      ctx.log("open.call({})", attempt(() => open.call({}, "GET", `${E}/x`)));
      ctx.log("send.call({})", attempt(() => send.call({})));
      ctx.log("open.call(undefined)", attempt(() => open.call(undefined, "GET", `${E}/x`)));
      ctx.log("send.call(null)", attempt(() => send.call(null)));
      ctx.log("open.call(1)", attempt(() => open.call(1, "GET", `${E}/x`)));
      ctx.log("new open()", attempt(() => new open("GET", `${E}/x`)));
      // Top's open/send on the frame's XHR: same interface, another realm.
      const fx = new frame.XMLHttpRequest();
      ctx.log("top open on a frame XHR", attempt(() => open.call(fx, "GET", `${E}/frame-xhr`)));
      const done = new Promise((ok) => fx.addEventListener("loadend", ok));
      const sent = attempt(() => send.call(fx));
      ctx.log("top send on a frame XHR", sent);
      if (sent === "ok") await done;
      ctx.log("frame xhr", [fx.status, fx.responseText.length > 0]);
      // The frame's own open/send on a top XHR: not seen by the top's tracker.
      const tx = new XMLHttpRequest();
      frame.XMLHttpRequest.prototype.open.call(tx, "GET", `${E}/top-xhr-frame-open`);
      const tdone = ctx.loadend(tx);
      frame.XMLHttpRequest.prototype.send.call(tx);
      await tdone;
      ctx.log("top xhr, frame methods", tx.status);
    },
    counts: { counted: { [`${E}/frame-xhr`]: 1 } },
  },
];
