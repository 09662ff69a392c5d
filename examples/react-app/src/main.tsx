// The React example: a small agent screen on inactivity-timeout/react. Not signed in → the login
// page (the package saves this route); back from it → the code exchanged, then the saved route.
import init, { redirectToLogin } from "inactivity-timeout";
import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import { App } from "./App";
import { signIn } from "./signin";

if (signIn.isReturn()) {
  await signIn.finish();
} else {
  await init();
  if (signIn.token.get() === null) {
    redirectToLogin(await signIn.loginUrl());
  } else {
    const root = createRoot(document.getElementById("root") as HTMLElement);
    root.render(
      <StrictMode>
        <App loginUrl={await signIn.loginUrl()} />
      </StrictMode>,
    );
  }
}
