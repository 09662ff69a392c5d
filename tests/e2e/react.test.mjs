// The React example (examples/react-app on inactivity-timeout/react) end to end: see framework-apps.mjs.
import { testExampleApp } from "./framework-apps.mjs";

await testExampleApp({
  clientId: "react-example",
  base: "/examples/react/",
  build: "vite build --config examples/react-app/vite.config.js",
});
