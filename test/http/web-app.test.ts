import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { brotliDecompressSync, gunzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { APP_PATHS } from "../../web/src/app-paths.js";
import { useTestApp } from "../setup/container.js";

/** A build as Vite lays it out: index.html, hashed assets, a file at the root. */
function fakeBuild(): string {
  const dir = mkdtempSync(join(tmpdir(), "atrium-web-dist-"));
  mkdirSync(join(dir, "assets"));
  writeFileSync(
    join(dir, "index.html"),
    '<!doctype html><html><head><script type="module" src="/assets/index-abc123.js"></script></head><body><div id="root"></div></body></html>',
  );
  writeFileSync(join(dir, "assets", "index-abc123.js"), `console.log(${JSON.stringify("x".repeat(4000))});`);
  writeFileSync(join(dir, "favicon.svg"), "<svg xmlns='http://www.w3.org/2000/svg'/>");
  writeFileSync(join(dir, ".atrium-build.json"), "{}");
  return dir;
}

const HTML = { accept: "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8" };

describe("serving the web application", () => {
  const t = useTestApp({ env: { WEB_DIST_DIR: fakeBuild() } });

  it("serves index.html at / with a CSP that allows no inline script, revalidated on every load", async () => {
    const res = await t.app.inject({ method: "GET", url: "/", headers: HTML });
    expect(res.statusCode).toBe(200);
    expect(res.headers["content-type"]).toBe("text/html; charset=utf-8");
    expect(res.body).toContain('<div id="root">');
    expect(res.headers["cache-control"]).toBe("no-cache");
    const csp = String(res.headers["content-security-policy"]);
    const scriptSrc = csp.split("; ").find((d) => d.startsWith("script-src"));
    expect(scriptSrc).toBe("script-src 'self'");
    expect(csp).toContain("object-src 'none'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).not.toContain("unsafe-inline");
    const again = await t.app.inject({
      method: "GET",
      url: "/",
      headers: { ...HTML, "if-none-match": String(res.headers.etag) },
    });
    expect(again.statusCode).toBe(304);
  });

  it("serves hashed assets as immutable for a year, compressed when the browser accepts it", async () => {
    const plain = await t.app.inject({ method: "GET", url: "/assets/index-abc123.js" });
    expect(plain.statusCode).toBe(200);
    expect(plain.headers["cache-control"]).toBe("public, max-age=31536000, immutable");
    expect(plain.headers["content-type"]).toBe("text/javascript; charset=utf-8");
    const br = await t.app.inject({
      method: "GET",
      url: "/assets/index-abc123.js",
      headers: { "accept-encoding": "gzip, deflate, br" },
    });
    expect(br.headers["content-encoding"]).toBe("br");
    expect(brotliDecompressSync(br.rawPayload).toString()).toBe(plain.body);
    const gz = await t.app.inject({
      method: "GET",
      url: "/assets/index-abc123.js",
      headers: { "accept-encoding": "gzip" },
    });
    expect(gunzipSync(gz.rawPayload).toString()).toBe(plain.body);
    const icon = await t.app.inject({ method: "GET", url: "/favicon.svg" });
    expect(icon.headers["cache-control"]).toBe("public, max-age=3600");
    const stamp = await t.app.inject({ method: "GET", url: "/.atrium-build.json", headers: HTML });
    expect(stamp.body, "dotfiles of the build are not served").toContain('<div id="root">');
  });

  it("answers every page of the app with index.html (none collides with an API route)", async () => {
    const id = "01a25013-f418-7089-8991-d089aaaac2f5";
    for (const path of APP_PATHS) {
      const url = `${path.replace(/\$\w+/g, id)}?x=1`;
      const res = await t.app.inject({ method: "GET", url, headers: HTML });
      expect(res.statusCode, url).toBe(200);
      expect(res.headers["content-type"], url).toBe("text/html; charset=utf-8");
      expect(res.headers["content-security-policy"], url).toBeDefined();
    }
  });

  it("keeps the API's JSON answers: unknown API paths, non-HTML clients, API routes under a browser", async () => {
    const unknown = await t.app.inject({
      method: "GET",
      url: "/no-such-thing",
      headers: { accept: "application/json" },
    });
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json().error.code).toBe("NOT_FOUND");
    const curl = await t.app.inject({ method: "GET", url: "/no-such-thing", headers: { accept: "*/*" } });
    expect(curl.json().error.code).toBe("NOT_FOUND");
    const post = await t.app.inject({ method: "POST", url: "/no-such-thing", headers: HTML });
    expect(post.statusCode).toBe(404);
    expect(post.json().error.code).toBe("NOT_FOUND");
    const api = await t.app.inject({ method: "GET", url: "/conversations", headers: HTML });
    expect(api.statusCode, "an API route answers even a browser").toBe(401);
    expect(api.json().error.code).toBe("UNAUTHORIZED");
    const health = await t.app.inject({ method: "GET", url: "/health", headers: HTML });
    expect(health.json().status).toBe("ok");
    const page = await t.app.inject({ method: "GET", url: "/some/deep/page", headers: HTML });
    expect(page.headers["content-type"], "an unknown page is the app's to answer").toBe(
      "text/html; charset=utf-8",
    );
  });
});

describe("serving without a build", () => {
  const t = useTestApp({ env: { WEB_DIST_DIR: mkdtempSync(join(tmpdir(), "atrium-no-dist-")) } });

  it("says how to build the application, and the API still works", async () => {
    const res = await t.app.inject({ method: "GET", url: "/chat", headers: HTML });
    expect(res.statusCode).toBe(503);
    expect(res.body).toContain("npm run build:web");
    expect(res.headers["content-security-policy"]).toContain("script-src 'self'");
    const health = await t.app.inject({ method: "GET", url: "/health" });
    expect(health.statusCode).toBe(200);
  });
});
