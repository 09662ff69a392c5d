// The client's whole API, typed: `tsc --noEmit` checks it against the package's .d.ts. A web
// client loads the main entry only; the policy functions are the admin entry's (policy.ts).
import init, {
  InactivityTracker,
  redirectToLogin,
  type Explanation,
  type LedgerEntry,
  type LogoutReason,
  type TrackerOptions,
} from "inactivity-timeout";
import { TOKEN_KEY, prepareLoginUrl } from "./auth";

const $ = (id: string) => document.getElementById(id) as HTMLElement;

await init();
const token = sessionStorage.getItem(TOKEN_KEY);
const loginUrl = await prepareLoginUrl();
if (token === null) {
  redirectToLogin(loginUrl);
} else {
  const options: TrackerOptions = {
    loginUrl,
    accessToken: () => token,
    warningSeconds: 60,
    onWarning: (remainingMs: number) => {
      $("warning").hidden = false;
      $("warning-text").textContent = `You will be signed out in ${Math.ceil(remainingMs / 1000)} s.`;
    },
    onWarningCleared: () => {
      $("warning").hidden = true;
    },
    onLogout: (reason: LogoutReason) => sessionStorage.setItem("vite-example.lastLogout", reason),
    onActivity: (entry: LedgerEntry) => {
      $("status").textContent = `${entry.method} ${entry.path} counted`;
    },
    beforeLogout: async () => {
      /* save drafts here */
    },
    clearTokens: () => sessionStorage.removeItem(TOKEN_KEY),
  };
  // No policy or user given: the tracker fetches both from the platform API.
  const tracker = InactivityTracker.start(options);
  (window as unknown as { tracker: InactivityTracker }).tracker = tracker;

  const showExplain = () => {
    const why: Explanation = tracker.explain();
    const left: number | null = tracker.remainingMs();
    $("explain").textContent = `${why.message} (${left === null ? "no timeout" : `${Math.round(left / 1000)} s left`})`;
  };
  showExplain();
  setInterval(showExplain, 1000);
  $("work").addEventListener("click", async () => {
    await fetch("/api/v2/routing/queues", { headers: { authorization: `Bearer ${token}` } });
    const log: LedgerEntry[] = tracker.activityLog();
    $("status").textContent = `${log.length} requests seen`;
  });
  $("stay").addEventListener("click", async () => {
    const ok: boolean = await tracker.staySignedIn();
    if (ok) $("warning").hidden = true;
  });
  window.addEventListener("pagehide", () => tracker.stop());
  document.body.dataset.ready = "true";
}
