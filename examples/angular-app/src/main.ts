// The Angular example: a small agent screen on inactivity-timeout/angular (standalone, zoneless).
// Not signed in → the login page (the package saves this route); back from it → the code
// exchanged, then the saved route.
import type { LogoutReason } from "inactivity-timeout";
import { provideInactivityTimeout } from "inactivity-timeout/angular";
import { provideZonelessChangeDetection } from "@angular/core";
import { bootstrapApplication } from "@angular/platform-browser";
import { provideHttpClient, withFetch } from "@angular/common/http";
import { provideRouter, withComponentInputBinding, withHashLocation } from "@angular/router";
import { Agent, routes } from "./agent";
import { signIn } from "./signin";

if (await signIn.signedIn()) {
  await bootstrapApplication(Agent, {
    providers: [
      provideZonelessChangeDetection(),
      // Routes in the URL's fragment: the reference server serves files, so a route must not be a path of its own.
      provideRouter(routes, withHashLocation(), withComponentInputBinding()),
      provideHttpClient(withFetch()),
      provideInactivityTimeout({
        loginUrl: await signIn.loginUrl(),
        accessToken: () => signIn.token.get() ?? "",
        onLogout: (reason: LogoutReason) => sessionStorage.setItem("angular-example.lastLogout", reason),
        clearTokens: () => signIn.token.clear(),
      }),
    ],
  });
}
