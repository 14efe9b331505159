import { describe, expect, it } from "vitest";
import { useTestApp } from "../setup/container.js";

/**
 * With CORS_ORIGINS set, a browser page on an allowed origin must be able to use every verb the API
 * answers: its preflight (OPTIONS) decides. Fastify's CORS plugin allows only GET/HEAD/POST unless
 * told otherwise, which left the web client of another origin unable to PATCH, PUT or DELETE.
 */

const ORIGIN = "https://app.example.test";

describe("attack: CORS preflight", () => {
  const t = useTestApp({ env: { CORS_ORIGINS: `${ORIGIN},https://other.example.test` } });

  const preflight = (url: string, method: string, origin = ORIGIN, headers = "authorization, content-type") =>
    t.app.inject({
      method: "OPTIONS",
      url,
      headers: { origin, "access-control-request-method": method, "access-control-request-headers": headers },
    });

  const cases: Array<[string, string]> = [
    ["GET", "/departments"],
    ["HEAD", "/departments"],
    ["POST", "/departments"],
    ["PATCH", "/departments/00000000-0000-4000-8000-000000000000"],
    ["PUT", "/namespaces/00000000-0000-4000-8000-000000000000/plugins/budget-notes"],
    ["DELETE", "/departments/00000000-0000-4000-8000-000000000000"],
  ];

  it.each(cases)("a preflight for %s %s from an allowed origin is allowed", async (method, url) => {
    const res = await preflight(url, method);
    expect(res.statusCode).toBe(204);
    expect(res.headers["access-control-allow-origin"]).toBe(ORIGIN);
    expect(res.headers["access-control-allow-credentials"]).toBe("true");
    const methods = String(res.headers["access-control-allow-methods"])
      .split(",")
      .map((m) => m.trim());
    expect(methods).toContain(method);
  });

  it("allows the request headers the API reads", async () => {
    const res = await preflight(
      "/departments",
      "PATCH",
      ORIGIN,
      "authorization, content-type, x-api-key, x-request-id, last-event-id",
    );
    const allowed = String(res.headers["access-control-allow-headers"])
      .split(",")
      .map((h) => h.trim().toLowerCase());
    for (const header of ["authorization", "content-type", "x-api-key", "x-request-id", "last-event-id"])
      expect(allowed).toContain(header);
  });

  it("names the allowed headers itself instead of echoing whatever the preflight asks for", async () => {
    const res = await preflight("/departments", "POST", ORIGIN, "x-made-up-header");
    const allowed = String(res.headers["access-control-allow-headers"]).toLowerCase();
    expect(allowed).not.toContain("x-made-up-header");
  });

  it("gives an origin that is not listed no permission, whatever the method", async () => {
    for (const [method, url] of cases) {
      const res = await preflight(url, method, "https://evil.example.test");
      expect(res.headers["access-control-allow-origin"]).toBeUndefined();
    }
  });

  it("lets the page read the request id of an actual cross-origin answer", async () => {
    const res = await t.app.inject({ method: "GET", url: "/health", headers: { origin: ORIGIN } });
    expect(res.headers["access-control-allow-origin"]).toBe(ORIGIN);
    expect(String(res.headers["access-control-expose-headers"]).toLowerCase()).toContain("x-request-id");
  });
});
