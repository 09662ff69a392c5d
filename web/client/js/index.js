// inactivity-timeout: what every web client loads. The interception is installed when this
// module is imported (before `init()` resolves: requests made meanwhile still count); `init()`
// loads the wasm; `InactivityTracker.start(options)` starts the tracker.
import "./shim.js";

export { default, initSync } from "./core.js";
export { InactivityTracker, resumeAfterLogin, isLoginState, redirectToLogin } from "./driver.js";
