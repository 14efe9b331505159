import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { addMember, type ChatApp, call, createDepartment, signUp, useChatApp } from "./chat-helpers.js";

/** POST /tools/:id/test: one call of a registered tool, as a chat turn would make it. */
describe("tool test call over HTTP", () => {
  // The endpoint listens on loopback: the operator allows private networks here (the refusal
  // without it: test/security/tools-test-call.test.ts).
  const t: ChatApp = useChatApp({ ALLOW_SIGNUP: "true", TOOLS_ALLOW_PRIVATE_NETWORKS: "true" });
  let endpoint: Server;
  let base = "";

  beforeAll(async () => {
    endpoint = createServer((req, res) => {
      const url = new URL(req.url ?? "/", "http://endpoint");
      if (url.pathname === "/broken") {
        res.writeHead(500, { "content-type": "text/plain" }).end("boom");
        return;
      }
      if (url.pathname === "/big") {
        res.writeHead(200, { "content-type": "text/plain" }).end("x".repeat(10_000));
        return;
      }
      res
        .writeHead(200, { "content-type": "application/json" })
        .end(JSON.stringify({ item: url.pathname.split("/").at(-1), q: url.searchParams.get("q") }));
    });
    await new Promise<void>((resolve) => endpoint.listen(0, "127.0.0.1", resolve));
    base = `http://127.0.0.1:${(endpoint.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => endpoint.close(() => resolve())));

  async function tool(token: string, name: string, path: string, extra: Record<string, unknown> = {}) {
    const res = await call(t, "POST", "/tools", {
      token,
      body: {
        name,
        kind: "http",
        inputSchema: { type: "object", properties: { id: { type: "string" }, q: { type: "string" } } },
        config: { url: `${base}${path}`, allowedHosts: ["127.0.0.1"], timeoutMs: 2_000 },
        ...extra,
      },
    });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    return res.body.id as string;
  }
  const test = (token: string, id: string, body: unknown) =>
    call(t, "POST", `/tools/${id}/test`, { token, body });

  it("calls the endpoint with the input and returns status, duration and output", async () => {
    const tenant = await signUp(t);
    const id = await tool(tenant.token, "lookup", "/items/{{id}}");
    const res = await test(tenant.token, id, { input: { id: "42", q: "desk" } });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body).toMatchObject({
      ok: true,
      tool: "lookup",
      status: 200,
      truncated: false,
      errorCode: null,
    });
    expect(JSON.parse(res.body.output)).toEqual({ item: "42", q: "desk" });
    expect(typeof res.body.durationMs).toBe("number");
  });

  it("cuts long output, reports an endpoint's error status, and refuses bad input with 400", async () => {
    const tenant = await signUp(t);
    const big = await test(tenant.token, await tool(tenant.token, "big", "/big"), { input: {} });
    expect(big.body).toMatchObject({ ok: true, truncated: true });
    expect(big.body.output).toHaveLength(4000);
    const broken = await test(tenant.token, await tool(tenant.token, "broken", "/broken"), {});
    expect(broken.body).toMatchObject({ ok: false, status: 500, errorCode: "UNAVAILABLE" });
    expect(broken.body.output).toContain("boom");
    const lookup = await tool(tenant.token, "lookup_typed", "/items/{{id}}");
    const wrongType = await test(tenant.token, lookup, { input: { id: 42 } });
    expect(wrongType.status, JSON.stringify(wrongType.body)).toBe(400);
    expect(wrongType.body.error.code).toBe("VALIDATION");
    const subTool = await test(tenant.token, lookup, { tool: "other", input: {} });
    expect(subTool.status).toBe(400);
  });

  it("a switched-off tool is not called; the call needs agents:manage in the tool's department", async () => {
    const tenant = await signUp(t);
    const off = await tool(tenant.token, "off", "/items/{{id}}", { enabled: false });
    expect((await test(tenant.token, off, { input: { id: "1" } })).status).toBe(409);

    const sales = await createDepartment(t, tenant.token, "Sales");
    const inSales = await tool(tenant.token, "sales_tool", "/items/{{id}}", { departmentId: sales });
    const inGeneral = await tool(tenant.token, "general_tool", "/items/{{id}}", {
      departmentId: tenant.generalId,
    });
    const employee = await addMember(t, tenant.token, tenant.generalId, "employee");
    const head = await addMember(t, tenant.token, tenant.generalId, "dept_head");
    expect((await test(employee.token, inGeneral, { input: { id: "1" } })).status).toBe(403);
    expect((await test(head.token, inSales, { input: { id: "1" } })).status).toBe(404);
    const own = await test(head.token, inGeneral, { input: { id: "7" } });
    expect(own.body).toMatchObject({ ok: true, status: 200 });
  });
});
