import init, { isLoginState, redirectToLogin, resumeAfterLogin } from "inactivity-timeout";
import { demoSignIn } from "../../shared/signin";

/** The Angular example's sign-in: OAuth client `angular-example`, redirected to this page. */
export const signIn = demoSignIn("angular-example", "/examples/angular/", async () => {
  await init();
  return { isLoginState, redirectToLogin, resumeAfterLogin };
});
