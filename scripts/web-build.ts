/**
 * Builds the web application into web/dist with Vite. `--if-stale` (what `npm start` runs) builds only
 * when the sources changed since the last build: a fingerprint of web/'s sources and the lockfile is
 * kept in web/dist/.atrium-build.json, so an unchanged tree costs a few milliseconds.
 */
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join, relative } from "node:path";

const root = new URL("..", import.meta.url).pathname;
const web = join(root, "web");
const stampFile = join(web, "dist", ".atrium-build.json");

function files(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true })
    .flatMap((entry) => (entry.isDirectory() ? files(join(dir, entry.name)) : [join(dir, entry.name)]))
    .sort();
}

export function sourceFingerprint(): string {
  const hash = createHash("sha256");
  const inputs = [
    ...files(join(web, "src")),
    ...files(join(web, "public")),
    join(web, "index.html"),
    join(web, "vite.config.ts"),
    join(web, "package.json"),
    join(root, "package-lock.json"),
  ];
  for (const file of inputs) {
    if (!existsSync(file)) continue;
    hash.update(relative(root, file)).update("\0").update(readFileSync(file)).update("\0");
  }
  return hash.digest("hex");
}

function builtFingerprint(): string | undefined {
  try {
    return (JSON.parse(readFileSync(stampFile, "utf8")) as { fingerprint?: string }).fingerprint;
  } catch {
    return undefined;
  }
}

export function buildWeb(options: { ifStale: boolean }): boolean {
  const fingerprint = sourceFingerprint();
  if (options.ifStale && existsSync(join(web, "dist", "index.html")) && builtFingerprint() === fingerprint) {
    return false;
  }
  if (!existsSync(join(web, "src"))) return false; // an installed package ships dist/ only
  const vitePackage = createRequire(join(web, "package.json")).resolve("vite/package.json");
  const vite = join(vitePackage, "..", "bin", "vite.js");
  console.error("Building the web application (web/dist)…");
  const started = Date.now();
  // A production build whatever the caller's NODE_ENV (a development React is a third larger).
  const result = spawnSync(process.execPath, [vite, "build", "--logLevel", "warn"], {
    cwd: web,
    stdio: "inherit",
    env: { ...process.env, NODE_ENV: "production" },
  });
  if (result.status !== 0) throw new Error(`vite build failed (exit ${result.status ?? result.signal})`);
  writeFileSync(stampFile, `${JSON.stringify({ fingerprint, builtAt: new Date().toISOString() })}\n`);
  console.error(`Built the web application in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  return true;
}

if (process.argv[1] && import.meta.url.endsWith(process.argv[1].split("/").pop() ?? "")) {
  try {
    buildWeb({ ifStale: process.argv.includes("--if-stale") });
  } catch (error) {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  }
}
