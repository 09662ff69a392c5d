import init, { resumeAfterLogin } from "inactivity-timeout";
import { TOKEN_KEY, exchangeCode } from "./auth";

const code = new URLSearchParams(location.search).get("code") ?? "";
const token = await exchangeCode(code);
sessionStorage.setItem(TOKEN_KEY, token);
await init();
const resumed: boolean = resumeAfterLogin();
if (!resumed) location.replace("/examples/vite/");
