import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTrapServer, type TrapServer } from "../fakes/trap-server.js";
import { signUp, useChatApp } from "../http/chat-helpers.js";
import type { Tenant } from "../http/identity-helpers.js";
import { httpTool, modelCalls } from "./tool-attack-helpers.js";

/**
 * The model as an untrusted caller of an HTTP tool: placeholder values are its input, so a `.` or `..`
 * (plain, percent-encoded, double-encoded, or made of two placeholders side by side) must not move the
 * call out of the template's path — `/api/items/{{id}}` must never become `/api/admin` (issue 10, low).
 */
describe("attack: dot segments in URL placeholders", () => {
  const t = useChatApp({ TOOLS_ALLOW_PRIVATE_NETWORKS: "true" });
  let trap: TrapServer;
  let tenant: Tenant;

  beforeAll(async () => {
    trap = await startTrapServer();
    tenant = await signUp(t);
  });
  afterAll(() => trap.close());

  it("refuses `.` and `..` in any form as a placeholder value; the endpoint sees no call outside the path", async () => {
    const base = `http://127.0.0.1:${trap.port}`;
    const single = await httpTool(t, tenant.token, "items_one", `${base}/api/items/{{id}}/details`);
    const pair = await httpTool(t, tenant.token, "items_pair", `${base}/api/items/{{a}}{{b}}/details`);
    const query = await httpTool(t, tenant.token, "items_query", `${base}/api/items?path={{p}}`);
    const hostile = ["..", ".", "%2e%2e", "%2E.", ".%2e", "%252e%252e", "%2e"];
    const before = trap.requests.length;
    const { rows } = await modelCalls(t, tenant, [
      ...hostile.map((id) => ({ name: single.name, arguments: { id } })),
      { name: pair.name, arguments: { a: ".", b: "." } },
      { name: pair.name, arguments: { a: "%2e", b: "." } },
      { name: query.name, arguments: { p: ".." } },
    ]);
    expect(rows).toHaveLength(hostile.length + 3);
    for (const row of rows) {
      expect(row.status, JSON.stringify(row.inputData)).toBe("error");
      expect(row.errorMessage, JSON.stringify(row.inputData)).toMatch(/"\." or "\.\." path segment/);
    }
    // Nothing reached the endpoint at all, and above all nothing outside /api/items/.
    expect(trap.requests.slice(before)).toEqual([]);
  });

  it("control: ordinary values containing dots reach the endpoint inside the template's path", async () => {
    const base = `http://127.0.0.1:${trap.port}`;
    const tool = await httpTool(t, tenant.token, "items_ok", `${base}/api/items/{{id}}/details`);
    const before = trap.requests.length;
    const { rows } = await modelCalls(t, tenant, [
      { name: tool.name, arguments: { id: "v1.2" } },
      { name: tool.name, arguments: { id: "..." } },
      { name: tool.name, arguments: { id: "../admin" } },
    ]);
    expect(rows.map((r) => r.status)).toEqual(["ok", "ok", "ok"]);
    // The calls of one step run in parallel: compare in a fixed order.
    const urls = trap.requests
      .slice(before)
      .map((r) => r.url)
      .sort();
    expect(urls).toEqual([
      "/api/items/..%2Fadmin/details",
      "/api/items/.../details",
      "/api/items/v1.2/details",
    ]);
  });
});
