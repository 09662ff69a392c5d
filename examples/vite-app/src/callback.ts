import init, { isLoginState, resumeAfterLogin } from "inactivity-timeout";
import { TOKEN_KEY, exchangeCode } from "./auth";

await init();
const params = new URLSearchParams(location.search);
const state = params.get("state") ?? "";
// Only a sign-in this tab started: the tracker's own state (login CSRF is refused here).
if (!isLoginState(state)) {
  document.body.textContent = "This sign-in was not started in this tab, so it was not completed.";
} else {
  sessionStorage.setItem(TOKEN_KEY, await exchangeCode(params.get("code") ?? ""));
  const resumed: boolean = resumeAfterLogin();
  if (!resumed) location.replace("/examples/vite/");
}
