// The agent screen: routes (React Router, in the URL's fragment: the reference server serves
// files, so a route must not be a path of its own), the warning dialog, "On a call".
import { useEffect, useState } from "react";
import { Link, Outlet, RouterProvider, createHashRouter, useParams } from "react-router";
import type { LogoutReason, TrackerOptions } from "inactivity-timeout";
import { InactivityTimeoutProvider, useHold, useInactivityTimeoutContext } from "inactivity-timeout/react";
import { signIn } from "./signin";

const { token } = signIn;

const router = createHashRouter([
  {
    path: "/",
    element: <Agent />,
    children: [
      { index: true, element: <Queues /> },
      { path: "queues/:id", element: <Queue /> },
    ],
  },
]);

export function App({ loginUrl }: { loginUrl: string }) {
  const options: TrackerOptions = {
    loginUrl,
    accessToken: () => token.get() ?? "",
    onLogout: (reason: LogoutReason) => sessionStorage.setItem("react-example.lastLogout", reason),
    clearTokens: () => token.clear(),
  };
  return (
    <InactivityTimeoutProvider options={options}>
      <RouterProvider router={router} />
    </InactivityTimeoutProvider>
  );
}

function Agent() {
  const { explain, started } = useInactivityTimeoutContext();
  const [onCall, setOnCall] = useState(false);
  // For the end-to-end tests: the tracker runs from here on.
  useEffect(() => {
    document.body.dataset.tracking = String(started);
  }, [started]);
  const [status, setStatus] = useState("");
  useHold("On a call", onCall);
  const work = async () => {
    const res = await fetch("/api/v2/routing/queues", { headers: { authorization: `Bearer ${token.get()}` } });
    setStatus(`GET routing/queues: ${res.status}`);
  };
  return (
    <>
      <h1>React example</h1>
      <nav>
        <Link to="/">Queues</Link> · <Link to="/queues/support?tab=members">Support queue</Link>
      </nav>
      <p>
        <button type="button" onClick={work}>Do some work (an API call)</button>{" "}
        <button type="button" onClick={() => setStatus(explain()?.message ?? "Starting…")}>Why this timeout?</button>{" "}
        <label>
          <input type="checkbox" checked={onCall} onChange={(e) => setOnCall(e.target.checked)} /> On a call
        </label>
      </p>
      <p id="activity" role="status">{onCall ? "Held: on a call. " : ""}{status}</p>
      <Outlet />
      <WarningDialog />
    </>
  );
}

function Queues() {
  return <h2>Queues</h2>;
}

function Queue() {
  const { id } = useParams();
  return <h2 id="queue">Queue {id}</h2>;
}

/** The warning: a countdown re-rendered once per second, and Stay signed in. */
function WarningDialog() {
  const { warning, remainingMs, staySignedIn } = useInactivityTimeoutContext();
  if (!warning) return null;
  return (
    <div role="alertdialog" aria-labelledby="warning-text" className="notice notice-warning">
      <p id="warning-text">You will be signed out in {Math.ceil((remainingMs ?? 0) / 1000)} s.</p>
      <button type="button" onClick={() => staySignedIn()}>Stay signed in</button>
    </div>
  );
}
