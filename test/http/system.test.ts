import { describe, expect, it } from "vitest";
import { useTestApp } from "../setup/container.js";

describe("system routes", () => {
  const t = useTestApp();

  it("reports a healthy database on /health", async () => {
    const res = await t.app.inject({ method: "GET", url: "/health" });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ status: "ok", database: "ok" });
    expect(res.headers["x-request-id"]).toBeTruthy();
  });

  it("reports degraded when the database is unreachable", async () => {
    const { system } = t.context.container.services;
    const original = t.context.container.database.db.execute;
    t.context.container.database.db.execute = (() => Promise.reject(new Error("down"))) as never;
    try {
      const health = await system.health();
      expect(health).toMatchObject({ status: "degraded", database: "down" });
    } finally {
      t.context.container.database.db.execute = original;
    }
  });

  it("serves an OpenAPI 3.1 document and the docs page", async () => {
    const spec = await t.app.inject({ method: "GET", url: "/openapi.json" });
    expect(spec.statusCode).toBe(200);
    expect(spec.json()).toMatchObject({ openapi: "3.1.0", info: { title: "Atrium API" } });
    expect(Object.keys(spec.json().paths)).toContain("/health");
    const docs = await t.app.inject({ method: "GET", url: "/docs/" });
    expect(docs.statusCode).toBe(200);
    expect(docs.body).toContain("<html");
  });

  it("answers unknown routes with the error envelope", async () => {
    const res = await t.app.inject({ method: "GET", url: "/no-such-route?token=secret" });
    expect(res.statusCode).toBe(404);
    const body = res.json();
    expect(body.error).toMatchObject({ code: "NOT_FOUND", requestId: res.headers["x-request-id"] });
    expect(res.body).not.toContain("secret");
  });

  it("keeps a well-formed caller request id and replaces a malformed one", async () => {
    const kept = await t.app.inject({
      method: "GET",
      url: "/health",
      headers: { "x-request-id": "trace-12345678" },
    });
    expect(kept.headers["x-request-id"]).toBe("trace-12345678");
    const replaced = await t.app.inject({
      method: "GET",
      url: "/health",
      headers: { "x-request-id": "bad id!" },
    });
    expect(replaced.headers["x-request-id"]).not.toBe("bad id!");
  });

  it("sets the security headers on answers, errors and unknown routes", async () => {
    for (const url of ["/health", "/departments", "/no-such-route"]) {
      const res = await t.app.inject({ method: "GET", url });
      expect(res.headers["x-content-type-options"]).toBe("nosniff");
      expect(res.headers["x-frame-options"]).toBe("SAMEORIGIN");
      expect(res.headers["strict-transport-security"]).toBe("max-age=31536000; includeSubDomains");
      expect(res.headers["referrer-policy"]).toBe("no-referrer");
      expect(res.headers["cross-origin-opener-policy"]).toBe("same-origin");
      expect(res.headers["x-request-id"]).toBeTruthy();
    }
  });
});

describe("request limits", () => {
  const t = useTestApp();

  it("answers an oversized body with 413 and the error envelope", async () => {
    const res = await t.app.inject({
      method: "POST",
      url: "/auth/login",
      headers: { "content-type": "application/json" },
      payload: JSON.stringify({ email: "a@b.example", password: "x".repeat(2_000_000) }),
    });
    expect(res.statusCode).toBe(413);
    expect(res.json().error).toMatchObject({
      code: "PAYLOAD_TOO_LARGE",
      requestId: res.headers["x-request-id"],
    });
  });
});
