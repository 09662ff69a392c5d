// In the test pages: the tracker's options without any server (the policy and user given), and
// a count of the real tracker's starts and stops (the calls go through; nothing is mocked).
import { InactivityTracker } from "inactivity-timeout";

export const options = {
  loginUrl: "/login",
  policy: {
    idleTokenTimeout: { enableIdleTokenTimeout: true, idleTokenTimeoutSeconds: 600, inactivityTimeoutUnit: "Minutes" },
    authSettings: { inactivityTimeoutExclusions: [] },
    hipaa: false,
  },
  user: { id: "u1", groups: [] },
  accessToken: () => "token",
};

export const calls = { starts: 0, stops: 0 };
const start = InactivityTracker.start;
InactivityTracker.start = function (o) {
  const tracker = Reflect.apply(start, this, [o]);
  calls.starts++;
  return tracker;
};
const stop = InactivityTracker.prototype.stop;
InactivityTracker.prototype.stop = function () {
  calls.stops++;
  return Reflect.apply(stop, this, []);
};

/** API calls: activity for the tracker (same origin, under /api/). */
export const work = (n = 1) => Promise.all(Array.from({ length: n }, (_, i) => fetch(`/api/v2/work/${i}`)));

/** The labels of the session's holds. */
export const holdLabels = (explanation) => (explanation?.holds ?? []).map((h) => h.label);
