// Vite builds the browser client into dist/client (the server serves it from there; index.html at
// its root). The lobby is plain DOM in the entry chunk; Phaser, the Colyseus SDK and the engine are
// loaded by dynamic import when a table or a replay opens, so the lobby is interactive early.
import { defineConfig } from "vite";

const root = import.meta.dirname;

export default defineConfig({
  root,
  base: "/",
  publicDir: false,
  build: {
    outDir: `${root}/../dist/client`,
    emptyOutDir: true,
    target: "es2022",
    // Phaser alone is over a megabyte minified: that is known and lazy-loaded, not a warning.
    chunkSizeWarningLimit: 2000,
    reportCompressedSize: false,
  },
  server: {
    // `npx vite --config client/vite.config.ts` during development, with `npm start` running beside it.
    proxy: {
      "/api": "http://localhost:2567",
      "/matchmake": "http://localhost:2567",
    },
  },
});
