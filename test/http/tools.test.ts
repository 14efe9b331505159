import { describe, expect, it } from "vitest";
import {
  addMember,
  audits,
  call,
  createDepartment,
  signUp,
  type TestApp,
  useIdentityApp,
} from "./identity-helpers.js";

const SECRET = "tok-7f3a9c-very-secret-value";

function httpTool(name: string, extra: Record<string, unknown> = {}, config: Record<string, unknown> = {}) {
  return {
    name,
    kind: "http",
    description: "Looks an item up",
    inputSchema: { type: "object", properties: { id: { type: "string" } }, required: ["id"] },
    config: {
      url: "https://api.example.test/items/{{id}}",
      headers: { authorization: "Bearer {{secret:API_TOKEN}}" },
      secrets: { API_TOKEN: SECRET },
      allowedHosts: ["api.example.test"],
      ...config,
    },
    ...extra,
  };
}

async function create(t: TestApp, token: string, body: unknown) {
  return call(t, "POST", "/tools", { token, body });
}

describe("tools registry over HTTP", () => {
  const t = useIdentityApp({
    MCP_STDIO_SERVERS: JSON.stringify([
      {
        name: "local",
        description: "A local server",
        command: "node",
        args: ["server.js"],
        tenantEnv: ["TOKEN"],
      },
    ]),
  });

  it("creates, reads, changes and deletes an HTTP tool; secrets are stored encrypted and never returned", async () => {
    const tenant = await signUp(t);
    const created = await create(
      t,
      tenant.token,
      httpTool("lookup_item", { departmentId: tenant.generalId }),
    );
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    expect(created.body).toMatchObject({
      name: "lookup_item",
      kind: "http",
      departmentId: tenant.generalId,
      requiresApproval: false,
      enabled: true,
      config: {
        url: "https://api.example.test/items/{{id}}",
        method: "GET",
        secretNames: ["API_TOKEN"],
        timeoutMs: 10_000,
        maxResponseBytes: 262_144,
      },
    });
    expect(JSON.stringify(created.body)).not.toContain(SECRET);
    expect(created.body.config).not.toHaveProperty("secrets");
    const id = created.body.id as string;

    const sealedToken = async () => {
      const row = await t.context.container.repositories.tools.findById(id);
      expect(JSON.stringify(row?.config)).not.toContain(SECRET);
      return (row?.config.secrets as Record<string, string> | undefined)?.API_TOKEN;
    };
    const sealed = await sealedToken();
    expect(sealed).toMatch(/^v1\./);

    const one = await call(t, "GET", `/tools/${id}`, { token: tenant.token });
    expect(one.status).toBe(200);
    expect(JSON.stringify(one.body)).not.toContain(SECRET);
    const list = await call(t, "GET", "/tools?kind=http", { token: tenant.token });
    expect(list.body.items.map((i: { id: string }) => i.id)).toEqual([id]);

    // A config sent without secrets keeps the stored ones (clients never see their values) while the
    // tool sends them to the same place the same way (url, allowedHosts, headers).
    const moved = await call(t, "PATCH", `/tools/${id}`, {
      token: tenant.token,
      body: {
        description: "Finds items",
        config: {
          url: "https://api.example.test/items/{{id}}",
          headers: { authorization: "Bearer {{secret:API_TOKEN}}" },
          allowedHosts: ["api.example.test"],
          timeoutMs: 5_000,
        },
      },
    });
    expect(moved.status, JSON.stringify(moved.body)).toBe(200);
    expect(moved.body.config).toMatchObject({ timeoutMs: 5_000, secretNames: ["API_TOKEN"] });
    expect(await sealedToken()).toBe(sealed);

    // Removing a secret the headers still use is refused.
    const dangling = await call(t, "PATCH", `/tools/${id}`, {
      token: tenant.token,
      body: { config: { ...httpTool("x").config, secrets: { API_TOKEN: null } } },
    });
    expect(dangling.status).toBe(400);
    expect(dangling.body.error.message).toContain("API_TOKEN");

    expect((await call(t, "DELETE", `/tools/${id}`, { token: tenant.token })).status).toBe(204);
    expect((await call(t, "GET", `/tools/${id}`, { token: tenant.token })).status).toBe(404);
    const rows = await audits(t, tenant.orgId);
    expect(rows.map((a) => a.action).filter((a) => a.startsWith("tool."))).toEqual([
      "tool.created",
      "tool.updated",
      "tool.deleted",
    ]);
    expect(JSON.stringify(rows)).not.toContain(SECRET);
  });

  it("validates names, input schemas and configurations", async () => {
    const tenant = await signUp(t);
    const expect400 = async (body: unknown, text: string) => {
      const res = await create(t, tenant.token, body);
      expect(res.status, JSON.stringify(res.body)).toBe(400);
      expect(res.body.error.code).toBe("VALIDATION");
      // Schema errors list their problems in details; service checks say it in the message.
      expect(JSON.stringify(res.body.error)).toContain(text);
      expect(JSON.stringify(res.body)).not.toContain(SECRET);
    };
    await expect400(httpTool("bad name!"), "name");
    await expect400(httpTool("x".repeat(65)), "name");
    await expect400(
      httpTool("bad_schema", { inputSchema: { type: "object", properties: { a: { type: "nope" } } } }),
      "must be equal to one of the allowed values",
    );
    await expect400(httpTool("not_object", { inputSchema: { type: "string" } }), "object");
    await expect400(httpTool("other_host", {}, { url: "https://evil.example.test/x" }), "allowedHosts");
    await expect400(httpTool("host_input", {}, { url: "https://{{host}}/x" }), "path and query");
    await expect400(httpTool("ftp", {}, { url: "ftp://api.example.test/x" }), "http");
    await expect400(httpTool("no_secret", {}, { secrets: {} }), "unknown secrets: API_TOKEN");
    await expect400(httpTool("slow", {}, { timeoutMs: 60_000 }), "timeoutMs");
    await expect400(
      { name: "mcp_bad", kind: "mcp", config: { transport: "http", url: "file:///etc/passwd" } },
      "url",
    );

    const builtin = await create(t, tenant.token, httpTool("knowledge_search"));
    expect(builtin.status).toBe(409);
    expect((await create(t, tenant.token, httpTool("twice"))).status).toBe(201);
    const twice = await create(t, tenant.token, httpTool("twice"));
    expect(twice.status).toBe(409);
    expect(twice.body.error.code).toBe("CONFLICT");
  });

  it("lists the built-in tools", async () => {
    const tenant = await signUp(t);
    const res = await call(t, "GET", "/tools/builtins", { token: tenant.token });
    expect(res.status).toBe(200);
    expect(res.body.items.map((b: { name: string }) => b.name)).toEqual([
      "knowledge_search",
      "fetch_document",
      "create_note",
      "current_datetime",
      "generate_document",
    ]);
    expect(res.body.items[0]).toMatchObject({ kind: "builtin", inputSchema: { required: ["query"] } });
  });

  it("applies permissions and department scope", async () => {
    const tenant = await signUp(t);
    const sales = await createDepartment(t, tenant.token, "Sales");
    const orgWide = await create(t, tenant.token, httpTool("org_wide"));
    expect(orgWide.body.departmentId).toBeNull();
    const inSales = await create(t, tenant.token, httpTool("sales_only", { departmentId: sales }));
    expect(inSales.status).toBe(201);

    const head = await addMember(t, tenant.token, tenant.generalId, "dept_head");
    const employee = await addMember(t, tenant.token, tenant.generalId, "employee");

    // Employees (chat:use) read what their department may use, and nothing else.
    const seen = await call(t, "GET", "/tools", { token: employee.token });
    expect(seen.status).toBe(200);
    expect(seen.body.items.map((i: { name: string }) => i.name)).toEqual(["org_wide"]);
    expect((await call(t, "GET", `/tools/${inSales.body.id}`, { token: employee.token })).status).toBe(404);
    expect((await call(t, "GET", `/tools/${orgWide.body.id}`, { token: employee.token })).status).toBe(200);
    expect(
      (await create(t, employee.token, httpTool("nope", { departmentId: tenant.generalId }))).status,
    ).toBe(403);

    // A department head manages tools of their department, not org-wide ones or other departments'.
    const own = await create(t, head.token, httpTool("general_tool", { departmentId: tenant.generalId }));
    expect(own.status, JSON.stringify(own.body)).toBe(201);
    expect((await create(t, head.token, httpTool("head_org_wide"))).status).toBe(403);
    expect((await create(t, head.token, httpTool("head_sales", { departmentId: sales }))).status).toBe(404);
    const patchOrgWide = await call(t, "PATCH", `/tools/${orgWide.body.id}`, {
      token: head.token,
      body: { enabled: false },
    });
    expect(patchOrgWide.status).toBe(403);
    expect((await call(t, "DELETE", `/tools/${inSales.body.id}`, { token: head.token })).status).toBe(404);
    const moveToOrg = await call(t, "PATCH", `/tools/${own.body.id}`, {
      token: head.token,
      body: { departmentId: null },
    });
    expect(moveToOrg.status).toBe(403);

    // A local MCP process runs on the server: only org:admin may pick one of the operator's list.
    const stdio = {
      name: "local_mcp",
      kind: "mcp",
      departmentId: tenant.generalId,
      config: { transport: "stdio", server: "local", env: { TOKEN: SECRET } },
    };
    const refused = await create(t, head.token, stdio);
    expect(refused.status).toBe(403);
    const allowed = await create(t, tenant.token, stdio);
    expect(allowed.status, JSON.stringify(allowed.body)).toBe(201);
    expect(allowed.body.config).toMatchObject({ transport: "stdio", server: "local", envNames: ["TOKEN"] });
    expect(allowed.body.config).not.toHaveProperty("command");
    expect(JSON.stringify(allowed.body)).not.toContain(SECRET);
  });
});
