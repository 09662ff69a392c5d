// The example apps' sign-in: the demo apps' own (www/js/signin.js, www/js/callback.js, served by
// the reference server at run time, so loaded by URL and not bundled): the authorization-code
// flow with PKCE, whose redirect URI is the app's page itself (`<base>?code=…&state=…`) — a
// single-page app has one HTML file, and its routes live in the URL's fragment.

interface TokenStore {
  get(): string | null;
  set(value: string): void;
  clear(): void;
}
interface DemoSignIn {
  /** A login URL with a fresh PKCE challenge (its verifier kept in this tab); no `state`, for the tracker to add its own. */
  prepareSignIn(o: { clientId: string; redirectPath: string }): Promise<string>;
  /** A value of this tab: sessionStorage, or memory where storage is denied. */
  tokenStore(key: string): TokenStore;
}
interface DemoCallback {
  /** Refuses a sign-in this tab did not start, exchanges the code, keeps the token, then `resumeAfterLogin()`. */
  completeSignIn(o: {
    clientId: string;
    storageKey: string;
    redirectPath: string;
    prefix: string;
    fallback: string;
    loadPackage: () => Promise<unknown>;
  }): Promise<void>;
}

/** A module of the reference server's pages, by URL (the bundler leaves a computed import alone). */
const load = <T>(url: string): Promise<T> => import(/* @vite-ignore */ url);
const { prepareSignIn, tokenStore } = await load<DemoSignIn>("/js/signin.js");

/** The package's part in the sign-in: the first one (saving the page), the `state` check, the return. */
interface Resume {
  isLoginState(state: string): boolean;
  resumeAfterLogin(): boolean;
  redirectToLogin(loginUrl: string): void;
}

/**
 * The sign-in of the example app with OAuth client `clientId` at `base` (its page's path);
 * `loadPackage` gives the initialised `inactivity-timeout` (imported by the app, not from here).
 */
export function demoSignIn(clientId: string, base: string, loadPackage: () => Promise<Resume>) {
  const storageKey = `${clientId}.token`;
  return {
    token: tokenStore(storageKey),
    /** The login URL for the tracker and `redirectToLogin` (they add `state`: the page to return to). */
    loginUrl: (): Promise<string> => prepareSignIn({ clientId, redirectPath: base }),
    /**
     * Whether the app may start: `false` when this load is the return from the login page (the
     * code is exchanged, only for a sign-in this tab started, then back to the saved route) or
     * when nobody is signed in (to the login page; the package saves the route to come back to).
     */
    async signedIn(): Promise<boolean> {
      const params = new URLSearchParams(location.search);
      if (params.has("code") || params.has("error")) {
        await finish();
        return false;
      }
      const pkg = await loadPackage();
      if (this.token.get() !== null) return true;
      pkg.redirectToLogin(await this.loginUrl());
      return false;
    },
  };

  /** Exchanges the code (only for a sign-in this tab started), then back to the saved route. */
  async function finish(): Promise<void> {
    const { completeSignIn } = await load<DemoCallback>("/js/callback.js");
    await completeSignIn({
      clientId,
      storageKey,
      redirectPath: base,
      prefix: base,
      fallback: base,
      loadPackage,
    });
  }
}
