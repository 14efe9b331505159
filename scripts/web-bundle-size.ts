/**
 * The chat route's initial JavaScript, gzipped: the entry script of web/dist/index.html and every
 * module it preloads (pages behind lazy routes are not counted: they load when opened). Prints the
 * figures and fails over the budget (docs/adr/0005-web-application-stack.md). Builds first if stale.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { buildWeb } from "./web-build.js";

export const BUDGET_BYTES = 250_000;
const dist = join(new URL("..", import.meta.url).pathname, "web", "dist");

buildWeb({ ifStale: true });
const html = readFileSync(join(dist, "index.html"), "utf8");
const scripts = [
  ...html.matchAll(/<script[^>]*type="module"[^>]*src="([^"]+)"/g),
  ...html.matchAll(/<link[^>]*rel="modulepreload"[^>]*href="([^"]+)"/g),
].map((m) => m[1]!);
const styles = [...html.matchAll(/<link[^>]*rel="stylesheet"[^>]*href="([^"]+)"/g)].map((m) => m[1]!);
const gz = (path: string) => gzipSync(readFileSync(join(dist, path))).length;
const kb = (bytes: number) => `${(bytes / 1000).toFixed(1)} kB`;

let total = 0;
for (const script of scripts) {
  const size = gz(script);
  total += size;
  console.log(`  ${script}  ${kb(size)} gzip`);
}
const css = styles.reduce((sum, s) => sum + gz(s), 0);
console.log(
  `web bundle: chat route initial JS ${kb(total)} gzip (budget ${kb(BUDGET_BYTES)}), CSS ${kb(css)} gzip`,
);
if (total > BUDGET_BYTES) {
  console.error(`web bundle: over budget by ${kb(total - BUDGET_BYTES)}`);
  process.exit(1);
}
