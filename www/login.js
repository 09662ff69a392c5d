// The sign-in page of the authorization-code flow. The server serves this file at
// GET /oauth/authorize; the form posts back there and the server redirects either to
// redirect_uri?code&state or back here with ?error=invalid_credentials (and the flow's
// parameters, never the username).

// The reference server's demo users (server/src, seeded at first start).
const DEMO_USERS = [
  { username: "agent", password: "agent", role: "Agent", description: "Agent: in no timeout group" },
  { username: "supervisor", password: "supervisor", role: "Supervisor", description: "In groups of two bundles" },
  { username: "admin", password: "admin", role: "Admin", description: "May change the settings" },
];

const APPS = {
  "agent-demo": "the agent client",
  "admin-demo": "the admin settings",
  minimal: "the minimal client",
  "vite-example": "the Vite example",
};

const params = new URLSearchParams(location.search);
const form = document.getElementById("login-form");
// The request's parameters travel with the form unchanged (the PKCE challenge too); an absent
// one is left out rather than sent empty.
for (const name of ["client_id", "redirect_uri", "state", "code_challenge", "code_challenge_method"]) {
  const input = document.getElementById(name);
  input.value = params.get(name) || "";
  input.disabled = !params.has(name);
}

const clientId = params.get("client_id");
if (!clientId || !params.get("redirect_uri")) {
  document.getElementById("no-client").hidden = false;
  form.hidden = true;
} else if (APPS[clientId]) {
  const line = document.getElementById("app-line");
  line.textContent = "Sign in to continue to ";
  const b = document.createElement("span");
  b.className = "app-name";
  b.textContent = APPS[clientId];
  line.append(b, ".");
}

// The page shows no text taken from its URL: a link anyone can craft must not make the sign-in
// page say something of the link author's choosing. An `error` code picks one of the page's own
// sentences (an unknown code, the generic one); `error_description` is never shown. The username
// typed before a wrong password is kept in this tab's sessionStorage, not in the URL.
const MESSAGES = {
  invalid_credentials: "The username or password is incorrect. Check them and try again.",
  access_denied: "Access was denied.",
  invalid_request: "The sign-in request was not valid. Go back to the app and try again.",
  unauthorized_client: "This app is not allowed to sign in here.",
};
const GENERIC_ERROR = "Sign-in failed. Go back to the app and try again.";
const TYPED_USERNAME = "login.username";
const storage = (() => {
  try {
    return window.sessionStorage;
  } catch {
    return null; // denied (a sandboxed frame): nothing is kept
  }
})();
const error = params.get("error");
const username = document.getElementById("username");
const typed = storage?.getItem(TYPED_USERNAME) ?? "";
storage?.removeItem(TYPED_USERNAME);
if (error) {
  const box = document.getElementById("error");
  box.textContent = Object.hasOwn(MESSAGES, error) ? MESSAGES[error] : GENERIC_ERROR;
  box.hidden = false;
  if (error === "invalid_credentials") username.value = typed;
  username.setAttribute("aria-invalid", "true");
  username.setAttribute("aria-describedby", "error");
  box.focus();
} else if (!form.hidden) {
  username.focus();
}
form.addEventListener("submit", () => storage?.setItem(TYPED_USERNAME, username.value));

const tbody = document.getElementById("demo-users");
for (const u of DEMO_USERS) {
  const tr = document.createElement("tr");
  const cells = [u.username, u.password, u.description].map((t, i) => {
    const td = document.createElement("td");
    if (i < 2) {
      const c = document.createElement("code");
      c.textContent = t;
      td.append(c);
    } else td.textContent = t;
    return td;
  });
  const td = document.createElement("td");
  const btn = document.createElement("button");
  btn.type = "button";
  btn.className = "btn btn-sm";
  btn.textContent = "Use";
  btn.setAttribute("aria-label", `Use the ${u.username} demo user`);
  btn.disabled = form.hidden;
  btn.addEventListener("click", () => {
    username.value = u.username;
    document.getElementById("password").value = u.password;
    form.querySelector("button[type=submit]").focus();
  });
  td.append(btn);
  tr.append(...cells, td);
  tbody.append(tr);
}
