import { Validator } from "@seriousme/openapi-schema-validator";
import { describe, expect, it } from "vitest";
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
