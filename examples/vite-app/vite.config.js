// Builds the example into www/examples/vite/, where the reference server serves it.
import { defineConfig } from "vite";
import { resolve } from "node:path";

const here = import.meta.dirname;
export default defineConfig({
  root: here,
  base: "/examples/vite/",
  resolve: {
    // As if installed from npm: the built package in pkg/ (run `npm run build` first), each
    // entry where package.json's `exports` puts it.
    alias: [
      { find: /^inactivity-timeout\/admin$/, replacement: resolve(here, "../../pkg/admin/inactivity_timeout_admin.js") },
      { find: /^inactivity-timeout$/, replacement: resolve(here, "../../pkg") },
    ],
  },
  build: {
    outDir: resolve(here, "../../www/examples/vite"),
    emptyOutDir: true,
    target: "es2022",
    rollupOptions: {
      input: {
        main: resolve(here, "index.html"),
        callback: resolve(here, "callback.html"),
        policy: resolve(here, "policy.html"),
      },
    },
  },
});
