import { createHash } from "node:crypto";
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { extname, join, relative, sep } from "node:path";
import { brotliCompressSync, constants, gzipSync } from "node:zlib";
import type { FastifyReply, FastifyRequest } from "fastify";

/** Registers a public, undocumented GET route (the caller owns the Fastify instance and its types). */
export type PublicGet = (
  path: string,
  handler: (request: FastifyRequest, reply: FastifyReply) => unknown,
) => void;

/**
 * Serves the built web application (web/dist, made by `npm run build:web`; `npm start` builds it when
 * missing or stale). Hashed files under /assets are immutable for a year; index.html is revalidated
 * every time (so a new build is picked up at once) and carries a content-security policy that allows
 * no inline script. Page navigations (Accept: text/html) to a path that no API route answers get
 * index.html — the app's router takes it from there — while API paths keep their JSON 404s.
 */
/**
 * React Aria adds one small <style> element itself (touch-action for pressable elements, id
 * react-aria-pressable-style); its hash admits exactly that text and no other inline style. If a
 * library update changes it, the browser journeys fail on the CSP violation it logs.
 */
const REACT_ARIA_PRESSABLE_STYLE = "'sha256-38RhXrc7EdReTKsOm23ZPOCUgniTUUcjky8QOOrQx6o='";

export const WEB_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  `style-src 'self' ${REACT_ARIA_PRESSABLE_STYLE}`,
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join("; ");

const TYPES: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".svg": "image/svg+xml",
  ".json": "application/json",
  ".png": "image/png",
  ".ico": "image/x-icon",
  ".txt": "text/plain; charset=utf-8",
  ".woff2": "font/woff2",
};
const COMPRESSIBLE = new Set([".html", ".js", ".css", ".svg", ".json", ".txt"]);

interface Asset {
  body: Buffer;
  type: string;
  etag: string;
  cacheControl: string;
  compressible: boolean;
  encoded: Map<"br" | "gzip", Buffer>;
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    return entry.isDirectory() ? filesUnder(path) : [path];
  });
}

function loadAsset(path: string, urlPath: string): Asset {
  const body = readFileSync(path);
  const ext = extname(path);
  const hashed = urlPath.startsWith("/assets/");
  return {
    body,
    type: TYPES[ext] ?? "application/octet-stream",
    etag: `"${createHash("sha256").update(body).digest("base64url").slice(0, 22)}"`,
    cacheControl:
      urlPath === "/index.html"
        ? "no-cache"
        : hashed
          ? "public, max-age=31536000, immutable"
          : "public, max-age=3600",
    compressible: COMPRESSIBLE.has(ext) && body.length > 512,
    encoded: new Map(),
  };
}

/** The files of a build, keyed by URL path; undefined when there is no build. */
export function loadWebBuild(distDir: string): Map<string, Asset> | undefined {
  if (!existsSync(join(distDir, "index.html")) || !statSync(distDir).isDirectory()) return undefined;
  const files = new Map<string, Asset>();
  for (const path of filesUnder(distDir)) {
    const urlPath = `/${relative(distDir, path).split(sep).join("/")}`;
    if (urlPath.split("/").some((part) => part.startsWith("."))) continue; // build stamps, dotfiles
    files.set(urlPath, loadAsset(path, urlPath));
  }
  return files;
}

function encodingFor(request: FastifyRequest): "br" | "gzip" | undefined {
  const accepted = String(request.headers["accept-encoding"] ?? "");
  if (/\bbr\b/.test(accepted)) return "br";
  if (/\bgzip\b/.test(accepted)) return "gzip";
  return undefined;
}

function encoded(asset: Asset, encoding: "br" | "gzip"): Buffer {
  let body = asset.encoded.get(encoding);
  if (!body) {
    // Compressed on first request and kept: a build is a few hundred kilobytes.
    body =
      encoding === "br"
        ? brotliCompressSync(asset.body, { params: { [constants.BROTLI_PARAM_QUALITY]: 9 } })
        : gzipSync(asset.body, { level: 9 });
    asset.encoded.set(encoding, body);
  }
  return body;
}

function send(request: FastifyRequest, reply: FastifyReply, asset: Asset, html: boolean) {
  reply
    .header("cache-control", asset.cacheControl)
    .header("etag", asset.etag)
    .header("vary", "accept-encoding");
  if (html) reply.header("content-security-policy", WEB_CSP);
  if (request.headers["if-none-match"] === asset.etag) return reply.status(304).send();
  reply.type(asset.type);
  const encoding = asset.compressible ? encodingFor(request) : undefined;
  if (!encoding) return reply.send(asset.body);
  return reply.header("content-encoding", encoding).send(encoded(asset, encoding));
}

/** A browser loading a page (not a script asking for JSON). */
export function isPageNavigation(request: FastifyRequest): boolean {
  if (request.method !== "GET" && request.method !== "HEAD") return false;
  return String(request.headers.accept ?? "").includes("text/html");
}

const NOT_BUILT = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Atrium</title></head>
<body><main><h1>The web application is not built</h1><p>Run <code>npm run build:web</code> (or restart with
<code>npm start</code>, which builds it). The API works meanwhile: see <a href="/docs">/docs</a>.</p></main></body></html>`;

/**
 * Registers the build's files and returns the page-navigation fallback for the not-found handler
 * (the reply when it answered, undefined for anything else). Without a build, pages say how to make one.
 */
export function registerWebApp(
  get: PublicGet,
  distDir: string,
): (request: FastifyRequest, reply: FastifyReply) => FastifyReply | undefined {
  const files = loadWebBuild(distDir);
  const index = files?.get("/index.html");
  const page = (request: FastifyRequest, reply: FastifyReply): FastifyReply => {
    if (!index) {
      return reply
        .status(503)
        .type("text/html; charset=utf-8")
        .header("content-security-policy", WEB_CSP)
        .send(NOT_BUILT);
    }
    return send(request, reply, index, true);
  };
  // Without a build, "/" is not a route: a page navigation gets the how-to-build page through the
  // not-found fallback, and anything else the API's JSON not-found envelope.
  if (index) get("/", page);
  for (const [urlPath, asset] of files ?? []) {
    if (urlPath === "/index.html") continue;
    get(urlPath, (request, reply) => send(request, reply, asset, false));
  }
  return (request, reply) => (isPageNavigation(request) ? page(request, reply) : undefined);
}
