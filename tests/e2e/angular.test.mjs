// The Angular example (examples/angular-app on inactivity-timeout/angular) end to end: see framework-apps.mjs.
import { testExampleApp } from "./framework-apps.mjs";

await testExampleApp({
  clientId: "angular-example",
  base: "/examples/angular/",
  build: "npm run build --prefix examples/angular-app (after npm ci there)",
});
