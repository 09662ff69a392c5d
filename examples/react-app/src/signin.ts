import init, { isLoginState, redirectToLogin, resumeAfterLogin } from "inactivity-timeout";
import { demoSignIn } from "../../shared/signin";

/** The React example's sign-in: OAuth client `react-example`, redirected to this page. */
export const signIn = demoSignIn("react-example", "/examples/react/", async () => {
  await init();
  return { isLoginState, redirectToLogin, resumeAfterLogin };
});
