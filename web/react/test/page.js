// The React adapter under React Testing Library, in a real browser, against the real package:
// the node side (react.test.mjs) calls these steps and moves the page's clock between them.
import { Component, StrictMode, createElement as h } from "react";
import { render } from "@testing-library/react";
import { InactivityTimeoutProvider, useHold, useInactivityTimeout, useInactivityTimeoutContext } from "inactivity-timeout/react";
import { calls, holdLabels, options, work } from "../../adapters/test/fixtures.js";

let view = null;
const seen = { renders: 0, state: null };

/** Records every render of a component under the provider, and what it was given. */
function Probe() {
  const state = useInactivityTimeoutContext();
  seen.renders++;
  seen.state = state;
  return h("p", { id: "probe" }, `warning ${state.warning}, ${state.remainingMs} ms`);
}

/** A second, direct user of the hook (the tracker is the page's one). */
function Direct() {
  useInactivityTimeout(options);
  return null;
}

function Holder({ label, active }) {
  useHold(label, active);
  return null;
}

class Boundary extends Component {
  state = { error: null };
  static getDerivedStateFromError(error) {
    return { error };
  }
  render() {
    return this.state.error ? h("p", { id: "error" }, `${this.state.error.name}: ${this.state.error.message}`) : this.props.children;
  }
}

/** The tree: the provider with a probe, a second direct user, holders `{ label: active }`. */
function tree({ holds = {}, direct = true, opts = options }) {
  return h(
    Boundary,
    null,
    h(
      InactivityTimeoutProvider,
      { options: opts },
      h(Probe),
      direct ? h(Direct) : null,
      ...Object.entries(holds).map(([label, active]) => h(Holder, { key: label, label, active })),
    ),
  );
}

window.steps = {
  /** Mounts the tree; with `holdAtOnce`, returns what `hold()` says in the same task. */
  mount(props = {}, strict = true, holdAtOnce = false) {
    view = render(tree(props), { reactStrictMode: strict });
    if (!holdAtOnce) return null;
    try {
      seen.state.hold("too early");
      return null;
    } catch (e) {
      return e.message;
    }
  },
  rerender(props = {}) {
    view.rerender(tree(props));
  },
  unmount() {
    view.unmount();
  },
  /** Renders a consumer with no provider above it; returns what the error boundary shows. */
  orphan() {
    const orphan = render(h(Boundary, null, h(Probe)));
    const shown = document.getElementById("error")?.textContent ?? null;
    orphan.unmount();
    return shown;
  },
  badOptions() {
    view = render(tree({ direct: false, opts: { ...options, loginUrl: 42 } }));
  },
  error: () => document.getElementById("error")?.textContent ?? null,
  calls: () => ({ ...calls }),
  renders: () => seen.renders,
  state: () => ({ warning: seen.state?.warning, remainingMs: seen.state?.remainingMs, started: seen.state?.started }),
  holds: () => holdLabels(seen.state?.explain()),
  work,
  staySignedIn: () => seen.state.staySignedIn(),
};
window.ready = true;
