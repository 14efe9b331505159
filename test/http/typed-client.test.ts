import type { AddressInfo } from "node:net";
import createClient from "openapi-fetch";
import { beforeAll, describe, expect, it } from "vitest";
import type { components, paths } from "../../web/src/api/schema.js";
import { useTestApp } from "../setup/container.js";

/**
 * The API contract from a client's side (ADR 0009): a client generated from /openapi.json
 * (openapi-typescript → web/src/api/schema.d.ts, the web application's own types) drives the API over
 * real HTTP with openapi-fetch. Paths, parameters, bodies and answers are all typed from the
 * document, so a route whose contract drifts from its handler fails to compile or fails here.
 */
describe("a typed client generated from the OpenAPI document", () => {
  const t = useTestApp();
  let baseUrl: string;
  let token: string;

  beforeAll(async () => {
    await t.context.container.services.seed.seedDemoIfEmpty();
    await t.app.listen({ port: 0, host: "127.0.0.1" });
    baseUrl = `http://127.0.0.1:${(t.app.server.address() as AddressInfo).port}`;
  });

  const client = (headers: Record<string, string> = {}) => createClient<paths>({ baseUrl, headers });

  it("signs in through a public operation and reads who the caller is with the bearer token", async () => {
    const login = await client().POST("/auth/login", {
      body: { email: "admin@demo.atrium.local", password: "demo-password-1" },
    });
    expect(login.response.status).toBe(200);
    token = login.data!.accessToken;
    const me = await client({ authorization: `Bearer ${token}` }).GET("/auth/me");
    expect(me.response.status).toBe(200);
    expect(me.data?.email).toBe("admin@demo.atrium.local");
  });

  it("creates, reads, changes and lists a department with typed bodies and parameters", async () => {
    const api = client({ authorization: `Bearer ${token}` });
    const created = await api.POST("/departments", { body: { name: "Typed client", slug: "typed-client" } });
    expect(created.response.status).toBe(201);
    const department: components["schemas"]["Department"] = created.data!;
    expect(department.slug).toBe("typed-client");

    const read = await api.GET("/departments/{id}", { params: { path: { id: department.id } } });
    expect(read.data?.name).toBe("Typed client");

    const changed = await api.PATCH("/departments/{id}", {
      params: { path: { id: department.id } },
      body: { description: "Made by the typed client" },
    });
    expect(changed.data?.description).toBe("Made by the typed client");

    const list = await api.GET("/departments", { params: { query: { search: "typed", pageSize: 5 } } });
    expect(list.data?.items.map((d) => d.slug)).toEqual(["typed-client"]);
  });

  it("gets the documented error envelope for the documented error statuses", async () => {
    const missing = await client({ authorization: `Bearer ${token}` }).GET("/departments/{id}", {
      params: { path: { id: "00000000-0000-4000-8000-000000000000" } },
    });
    expect(missing.response.status).toBe(404);
    const envelope: components["schemas"]["ErrorEnvelope"] | undefined = missing.error;
    expect(envelope?.error.code).toBe("NOT_FOUND");

    const anonymous = await client().GET("/departments", { params: { query: {} } });
    expect(anonymous.response.status).toBe(401);
    expect(anonymous.error?.error.code).toBe("UNAUTHORIZED");

    const invalid = await client({ authorization: `Bearer ${token}` }).POST("/departments", {
      body: { name: "Bad slug", slug: "Not A Slug" },
    });
    expect(invalid.response.status).toBe(400);
    expect(invalid.error?.error.code).toBe("VALIDATION");
  });

  it("uses an API key through the apiKey security scheme", async () => {
    const created = await client({ authorization: `Bearer ${token}` }).POST("/api-keys", {
      body: { name: "typed client key", permissions: ["kb:read"], allDepartments: true },
    });
    expect(created.response.status).toBe(201);
    const withKey = client({ "x-api-key": created.data!.key });
    const list = await withKey.GET("/departments", { params: { query: {} } });
    expect(list.response.status).toBe(200);
    expect(list.data?.total).toBeGreaterThan(0);
    // A person-only operation (bearer token only in the document) refuses the key.
    const logout = await withKey.POST("/auth/logout-all");
    expect(logout.response.status).toBe(403);
  });
});
