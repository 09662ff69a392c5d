// The React example: a small agent screen on inactivity-timeout/react. Not signed in → the login
// page (the package saves this route); back from it → the code exchanged, then the saved route.
import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import { App } from "./App";
import { signIn } from "./signin";

if (await signIn.signedIn()) {
  createRoot(document.getElementById("root") as HTMLElement).render(
    <StrictMode>
      <App loginUrl={await signIn.loginUrl()} />
    </StrictMode>,
  );
}
