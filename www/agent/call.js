// The demo call: "On a call" (a toggle button, aria-pressed) takes a hold for as long as the call
// lasts — no sign-out for inactivity in any tab of the session — and a role=status line says
// "Held: on a call". `trackerOf()` returns the running tracker (or null), `say(message, kind)`
// reports to the page, `changed()` runs after each change (the ledger shows the hold's begin and end).

const $ = (id) => document.getElementById(id);
let call = null;

function show(on) {
  $("call-toggle").setAttribute("aria-pressed", String(on));
  $("hold-status").textContent = on ? "Held: on a call" : "";
}

/** Wires the toggle; returns `ended()`, for when the session ends (the hold ends with it). */
export function setUpCall(trackerOf, say, changed) {
  const toggle = $("call-toggle");
  toggle.disabled = !trackerOf();
  toggle.addEventListener("click", () => {
    if (call) {
      call.release();
      call = null;
      show(false);
      say("Call ended: the inactivity timer runs from now.", "ok");
    } else {
      try {
        call = trackerOf().hold("on a call");
        show(true);
        say("", "");
      } catch (e) {
        say(`The call could not hold the session: ${e.message}`, "err");
      }
    }
    changed();
  });
  return () => {
    call = null;
    show(false);
  };
}
