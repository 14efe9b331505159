import react from "@vitejs/plugin-react";
import { defineConfig } from "vite";

/**
 * `npm run build:web` (and `npm start` when the build is missing or stale) writes web/dist, which the
 * API serves (src/http/web-app.ts). `npm run dev` serves the app here with hot reload and proxies
 * every other request to the API: the API has no path prefix, so what is not Vite's own (its client,
 * the sources) and not a page navigation (Accept: text/html) goes to API_URL.
 */
const api = process.env.API_URL ?? "http://127.0.0.1:3000";

export default defineConfig({
  plugins: [react()],
  build: {
    outDir: "dist",
    emptyOutDir: true,
    assetsDir: "assets",
    // The bundle budget (scripts/web-bundle-size.ts) counts gzip bytes; the warning is for raw size.
    chunkSizeWarningLimit: 800,
    sourcemap: false,
  },
  server: {
    host: "127.0.0.1",
    port: 5173,
    proxy: {
      "^/(?!@|src/|node_modules/|__|favicon)": {
        target: api,
        changeOrigin: false,
        // Page loads get the app (index.html); fetches and streams go to the API.
        bypass: (req) => (req.headers.accept?.includes("text/html") ? "/index.html" : undefined),
      },
    },
  },
});
