// Builds the React example into www/examples/react/, where the reference server serves it.
import { defineConfig } from "vite";
import { resolve } from "node:path";

const here = import.meta.dirname;
export default defineConfig({
  root: here,
  base: "/examples/react/",
  resolve: {
    // As if installed from npm: the built package in pkg/ (run `npm run build` first), each
    // entry where package.json's `exports` puts it.
    alias: [
      { find: /^inactivity-timeout\/react$/, replacement: resolve(here, "../../pkg/react/index.js") },
      { find: /^inactivity-timeout$/, replacement: resolve(here, "../../pkg") },
    ],
  },
  oxc: { jsx: { runtime: "automatic" } },
  build: {
    outDir: resolve(here, "../../www/examples/react"),
    emptyOutDir: true,
    target: "es2022",
    rollupOptions: {
      // React Router marks its modules "use client" (for server components): nothing to keep here.
      onwarn: (warning, warn) => warning.code === "MODULE_LEVEL_DIRECTIVE" || warn(warning),
    },
  },
});
