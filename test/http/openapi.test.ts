import { Validator } from "@seriousme/openapi-schema-validator";
import { describe, expect, it } from "vitest";
import { apiContract } from "../../src/http/openapi.js";
import { useTestApp } from "../setup/container.js";

describe("/openapi.json", () => {
  const t = useTestApp();

  it("is a valid OpenAPI 3.1 document", async () => {
    const res = await t.app.inject({ method: "GET", url: "/openapi.json" });
    expect(res.statusCode).toBe(200);
    const validator = new Validator();
    const result = await validator.validate(res.json());
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
    expect(validator.version).toBe("3.1");
  });

  it("documents every visible route of the route table", async () => {
    const spec = (await t.app.inject({ method: "GET", url: "/openapi.json" })).json() as {
      paths: Record<string, Record<string, unknown>>;
    };
    const missing = t.app.routeTable
      .filter(
        (r) => !r.hidden && !r.url.startsWith("/docs") && r.url !== "/openapi.json" && r.method !== "OPTIONS",
      )
      .filter((r) => {
        const path = r.url.replace(/:(\w+)/g, "{$1}");
        return !spec.paths[path]?.[r.method.toLowerCase()];
      })
      .map((r) => `${r.method} ${r.url}`);
    expect(missing).toEqual([]);
  });
});

type Operation = {
  operationId?: string;
  security?: Array<Record<string, string[]>>;
  requestBody?: { content: Record<string, { schema: { $ref?: string } }> };
  responses: Record<string, { $ref?: string; content?: Record<string, { schema: { $ref?: string } }> }>;
};

describe("the API contract (ADR 0009)", () => {
  const t = useTestApp();
  const operations = async () => {
    const spec = (await t.app.inject({ method: "GET", url: "/openapi.json" })).json() as {
      paths: Record<string, Record<string, Operation>>;
      components: { schemas: Record<string, unknown>; responses: Record<string, unknown> };
    };
    const ops = Object.entries(spec.paths).flatMap(([path, item]) =>
      Object.entries(item).map(([method, op]) => ({ key: `${method.toUpperCase()} ${path}`, op })),
    );
    return { spec, ops };
  };
  const routeOf = (key: string) =>
    t.app.routeTable.find((r) => `${r.method} ${r.url.replace(/:(\w+)/g, "{$1}")}` === key)!;

  it("has every documented route set its own operationId (none provisional)", () => {
    const unnamed = t.app.routeTable
      .filter(
        (r) => !r.hidden && !r.url.startsWith("/docs") && r.url !== "/openapi.json" && r.method !== "OPTIONS",
      )
      .filter((r) => !r.operationId)
      .map((r) => `${r.method} ${r.url}`);
    expect(unnamed).toEqual([]);
  });

  it("gives every operation a unique camelCase operationId", async () => {
    const { ops } = await operations();
    const ids = ops.map(({ op }) => op.operationId);
    expect(ids.filter((id) => !/^[a-z][a-zA-Z0-9]*$/.test(id ?? ""))).toEqual([]);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ops.find(({ key }) => key === "GET /departments")?.op.operationId).toBe("listDepartments");
  });

  it("puts each route's security requirement on its operation (none on public routes)", async () => {
    const { ops } = await operations();
    for (const { key, op } of ops) {
      const auth = routeOf(key).config.auth;
      const expected =
        auth === "public"
          ? []
          : auth === "person"
            ? [{ bearerAuth: [] }]
            : [{ bearerAuth: [] }, { apiKey: [] }];
      expect(op.security, key).toEqual(expected);
    }
  });

  it("names request and JSON response bodies as component schemas", async () => {
    const { spec, ops } = await operations();
    for (const { key, op } of ops) {
      for (const [type, media] of Object.entries(op.requestBody?.content ?? {})) {
        expect(media.schema.$ref, `${key} request ${type}`).toMatch(/^#\/components\/schemas\/\w+$/);
      }
      for (const [status, response] of Object.entries(op.responses)) {
        const schema = response.content?.["application/json"]?.schema;
        if (schema) expect(schema.$ref, `${key} ${status}`).toMatch(/^#\/components\/schemas\/\w+$/);
      }
    }
    expect(Object.keys(spec.components.schemas)).toEqual(
      expect.arrayContaining([
        "Department",
        "ErrorEnvelope",
        "CreateDepartmentInput",
        "ListDepartmentsResponse",
      ]),
    );
  });

  it("lists error statuses with the error envelope, 500 on every operation, only those a route can give", async () => {
    const { spec, ops } = await operations();
    for (const { key, op } of ops) {
      const errors = Object.entries(op.responses).filter(([status]) => Number(status) >= 400);
      expect(op.responses["500"]?.$ref, key).toMatch(/InternalError$/);
      for (const [status, response] of errors) {
        if (key === "GET /health") continue; // its 503 is the health report itself
        expect(response.$ref, `${key} ${status}`).toMatch(/^#\/components\/responses\/\w+$/);
      }
    }
    const statuses = (key: string) =>
      Object.keys(ops.find((o) => o.key === key)!.op.responses).filter((s) => Number(s) >= 400);
    expect(statuses("GET /departments")).toEqual(["400", "401", "403", "500"]);
    expect(statuses("GET /auth/providers")).toEqual(["500"]);
    expect(statuses("POST /auth/login")).toEqual(["400", "401", "413", "415", "429", "500"]);
    expect(statuses("POST /conversations/{id}/messages")).toContain("503");
    expect(spec.components.responses.NotFound).toMatchObject({
      content: { "application/json": { schema: { $ref: "#/components/schemas/ErrorEnvelope" } } },
    });
  });

  it("describes streamed answers as text/event-stream", async () => {
    const { ops } = await operations();
    const streamed = ops
      .filter(({ op }) => op.responses["200"]?.content?.["text/event-stream"])
      .map(({ key }) => key)
      .sort();
    expect(streamed).toEqual([
      "GET /conversations/{id}/stream",
      "GET /notifications/stream",
      "POST /conversations/{id}/messages",
      "POST /v1/chat/completions",
    ]);
  });
});

describe("apiContract", () => {
  it("refuses a malformed or repeated operationId and stands in for a missing one", () => {
    const contract = apiContract();
    const route = (url: string, operationId?: string) =>
      ({ method: "GET", url, schema: { operationId }, handler: () => undefined }) as never;
    contract.onRoute(route("/b", "getB"));
    expect(() => contract.onRoute(route("/c", "getB"))).toThrow(/used twice/);
    expect(() => contract.onRoute(route("/d", "Get-D"))).toThrow(/camelCase/);
    const unnamed = route("/approvals/:id/votes") as { schema: { operationId?: string } };
    contract.onRoute(unnamed as never);
    expect(unnamed.schema.operationId).toBe("getApprovalsByIdVotes");
  });
});
