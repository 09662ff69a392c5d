// Builds the example into www/examples/vite/, where the reference server serves it.
import { defineConfig } from "vite";
import { resolve } from "node:path";

const here = import.meta.dirname;
export default defineConfig({
  root: here,
  base: "/examples/vite/",
  resolve: {
    // As if installed from npm: the built package in pkg/ (run `npm run build` first).
    alias: { "inactivity-timeout": resolve(here, "../../pkg") },
  },
  build: {
    outDir: resolve(here, "../../www/examples/vite"),
    emptyOutDir: true,
    target: "es2022",
    rollupOptions: {
      input: {
        main: resolve(here, "index.html"),
        callback: resolve(here, "callback.html"),
      },
    },
  },
});
