// The example's sign-in: the reference server's authorization-code flow with PKCE (S256). The
// verifier stays in this tab (sessionStorage) for the callback; the tracker adds its own `state`.
export const TOKEN_KEY = "vite-example.token";
const CLIENT_ID = "vite-example";
const VERIFIER_KEY = "vite-example.verifier";
const REDIRECT_URI = `${location.origin}/examples/vite/callback.html`;

const base64url = (bytes: Uint8Array): string =>
  btoa(String.fromCharCode(...bytes)).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");

/** The login URL for `InactivityTracker.start` and `redirectToLogin`, with a fresh PKCE challenge. */
export async function prepareLoginUrl(): Promise<string> {
  const verifier = base64url(crypto.getRandomValues(new Uint8Array(32)));
  sessionStorage.setItem(VERIFIER_KEY, verifier);
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(verifier)));
  const params = new URLSearchParams({
    response_type: "code",
    client_id: CLIENT_ID,
    redirect_uri: REDIRECT_URI,
    code_challenge: base64url(digest),
    code_challenge_method: "S256",
  });
  return `/oauth/authorize?${params}`;
}

/** Exchanges the code with this tab's verifier (used once). */
export async function exchangeCode(code: string): Promise<string> {
  const verifier = sessionStorage.getItem(VERIFIER_KEY) ?? "";
  sessionStorage.removeItem(VERIFIER_KEY);
  const response = await fetch("/oauth/token", {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({
      grant_type: "authorization_code",
      code,
      redirect_uri: REDIRECT_URI,
      client_id: CLIENT_ID,
      code_verifier: verifier,
    }),
  });
  const body = (await response.json()) as { access_token?: string; message?: string };
  if (!response.ok || !body.access_token) throw new Error(body.message ?? "sign-in failed");
  return body.access_token;
}
