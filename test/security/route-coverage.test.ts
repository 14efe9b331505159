import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { buildApp, type RouteEntry } from "../../src/http/app.js";
import { createTestContainer, destroyTestContainer } from "../setup/container.js";
import { coverageProblems, isDocsRoute, keyOf, matrixRoutes } from "../setup/matrix-coverage.js";

/**
 * Cross-organisation and cross-department access on every route is the isolation matrix's job
 * (test/http/isolation-matrix.test.ts); it is not repeated here. This file makes sure no route escapes
 * it: every route the app registers is either attacked by the matrix, or is on the short list of
 * routes that are public on purpose (each with the reason, mirrored in docs/security.md), or is the
 * static API documentation.
 */

/** Routes anyone may call without credentials, and why. A new public route must be added here. */
const PUBLIC_ROUTES: Record<string, string> = {
  "GET /health": "liveness and readiness for load balancers; reveals no tenant data",
  "GET /openapi.json": "the API description; the same for everyone",
  "POST /orgs": "sign-up of a new organisation, when the operator allows it (ALLOW_SIGNUP)",
  "POST /auth/login": "email and password sign-in (rate-limited)",
  "POST /auth/refresh": "trades a refresh token for a new pair; the refresh token is the credential",
  "POST /auth/password/forgot": "starts a password reset by mail; answers the same whether the email exists",
  "POST /auth/password/reset": "finishes a reset; the mailed token is the credential",
  "GET /auth/oauth/:provider/start": "starts an OAuth sign-in with a provider the operator configured",
  "GET /auth/oauth/:provider/callback": "the provider's redirect back; state and code are the credential",
  "POST /invitations/accept": "a new member sets a password; the invitation token is the credential",
  "GET /auth/providers": "which sign-in buttons the sign-in page shows; names of configured providers only",
  "POST /auth/session": "email and password sign-in of the web application (rate-limited, cookie session)",
  "POST /auth/session/refresh":
    "trades the HttpOnly session cookie for an access token; the cookie is the credential",
  "DELETE /auth/session":
    "signs the browser out: revokes the cookie's session (if any) and clears the cookie",
};

/**
 * Public routes whose credential travels in a cookie rather than the body: without it they answer 401
 * (that is their contract, the browser then shows the sign-in page), never anything else's data.
 */
const COOKIE_CREDENTIAL_ROUTES = new Set(["POST /auth/session/refresh"]);

/** The CORS preflight route of @fastify/cors: no credentials by the browser's design, no data. */
const CORS_PREFLIGHT = "OPTIONS *";

// A small web build, so the web application's routes are in the table whether or not web/dist exists.
const webDist = mkdtempSync(join(tmpdir(), "atrium-web-build-"));
mkdirSync(join(webDist, "assets"));
writeFileSync(join(webDist, "index.html"), "<!doctype html><title>Atrium</title>");
writeFileSync(join(webDist, "assets", "index-abc123.js"), "console.log(1)");
writeFileSync(join(webDist, "favicon.svg"), "<svg/>");
const context = await createTestContainer({ env: { WEB_DIST_DIR: webDist } });
const app = await buildApp(context.container);
await app.ready();
afterAll(async () => {
  await app.close();
  await destroyTestContainer(context);
  rmSync(webDist, { recursive: true, force: true });
});

const attacked = new Set(matrixRoutes(app.routeTable).map(keyOf));
const isPublic = (route: RouteEntry) => route.config.auth === "public";

describe("every route is attacked by the isolation matrix or is public on purpose", () => {
  it("the matrix selects its routes through the shared selection (so this file sees what it attacks)", () => {
    const matrix = readFileSync(new URL("../http/isolation-matrix.test.ts", import.meta.url), "utf8");
    expect(matrix).toContain('from "../setup/matrix-coverage.js"');
    expect(matrix).toMatch(/=\s*matrixRoutes\(app\.routeTable\)/);
    expect(matrix).toMatch(/describe\.each\(covered\.map/);
  });

  it("reads a route table with both kinds of route in it", () => {
    expect(attacked.has("GET /departments/:id")).toBe(true);
    expect(
      app.routeTable.some((route) => route.url === "/assets/index-abc123.js" && route.config.webAsset),
    ).toBe(true);
    expect(attacked.has("POST /auth/login")).toBe(false);
    expect(app.routeTable.length).toBeGreaterThan(100);
  });

  it.each(app.routeTable.map((route): [string, RouteEntry] => [keyOf(route), route]))(
    "%s is covered",
    (key, route) => {
      if (attacked.has(key)) {
        // The matrix attacks it: it must have what the matrix needs (fixture, example body, path values).
        expect(coverageProblems(route)).toEqual([]);
        expect(Object.hasOwn(PUBLIC_ROUTES, key), `${key} is authenticated; drop it from PUBLIC_ROUTES`).toBe(
          false,
        );
        return;
      }
      if (key === CORS_PREFLIGHT) {
        // Browsers send preflights without credentials; @fastify/cors answers them with headers only.
        expect(route.hasBody).toBe(false);
        return;
      }
      if (route.config.webAsset) {
        // The web application's build: the same static files for everyone, no data, no input.
        expect(route.method).toBe("GET");
        expect(route.hidden).toBe(true);
        expect(route.hasBody).toBe(false);
        expect(isPublic(route)).toBe(true);
        return;
      }
      if (isDocsRoute(route)) {
        expect(route.hidden, `${key}: docs routes stay out of the OpenAPI document`).toBe(true);
        return;
      }
      expect(
        isPublic(route),
        `${key} is neither attacked by the isolation matrix nor public: a hidden or OPTIONS route that needs credentials escapes the matrix`,
      ).toBe(true);
      expect(
        Object.hasOwn(PUBLIC_ROUTES, key),
        `${key} is public but not in PUBLIC_ROUTES: say why it needs no credentials (here and in docs/security.md)`,
      ).toBe(true);
    },
  );

  it("every route listed as public is registered and answers without credentials", async () => {
    const registered = new Set(app.routeTable.map(keyOf));
    for (const key of Object.keys(PUBLIC_ROUTES)) {
      expect(registered.has(key), `${key} is listed as public but not registered`).toBe(true);
    }
    // Without credentials, a public route may refuse the request's content, never its missing identity.
    const preflight = await app.inject({
      method: "OPTIONS",
      url: "/departments",
      headers: { origin: "https://elsewhere.example", "access-control-request-method": "GET" },
    });
    expect(preflight.statusCode).toBeLessThan(500);
    expect(preflight.body).not.toMatch(/"items"|"email"/);
    for (const route of app.routeTable.filter(isPublic)) {
      const url = route.url.replace(":provider", "github");
      const res = await app.inject({
        method: route.method as "GET",
        url,
        ...(route.hasBody ? { payload: {} } : {}),
      });
      if (COOKIE_CREDENTIAL_ROUTES.has(keyOf(route))) expect(res.statusCode).toBe(401);
      else expect(res.statusCode, `${keyOf(route)} answered ${res.statusCode}`).not.toBe(401);
      expect(res.statusCode).toBeLessThan(500);
    }
  });
});
