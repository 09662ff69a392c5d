// The example's sign-in: the authorization-code flow of the reference server.
export const TOKEN_KEY = "vite-example.token";

export const loginUrl =
  "/oauth/authorize?response_type=code&client_id=vite-example&redirect_uri=" +
  encodeURIComponent(`${location.origin}/examples/vite/callback.html`);

export async function exchangeCode(code: string): Promise<string> {
  const response = await fetch("/oauth/token", {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({
      grant_type: "authorization_code",
      code,
      redirect_uri: `${location.origin}${location.pathname}`,
    }),
  });
  const body = (await response.json()) as { access_token?: string; message?: string };
  if (!response.ok || !body.access_token) throw new Error(body.message ?? "sign-in failed");
  return body.access_token;
}
