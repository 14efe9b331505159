import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTrapServer, type TrapServer } from "../fakes/trap-server.js";
import { call, signUp, useChatApp } from "../http/chat-helpers.js";
import type { Tenant } from "../http/identity-helpers.js";
import { httpTool, modelCalls } from "./tool-attack-helpers.js";

/**
 * `requiresApproval` promised that a tool waits for a human before it runs (and sends its secret); no
 * approval flow exists yet, so the flag was stored and ignored. Until approvals exist it is refused
 * with a 400, and a tool stored with it earlier never runs (issue 10, finding 5).
 */
describe("attack: a tool marked requiresApproval runs unapproved", () => {
  const t = useChatApp({ TOOLS_ALLOW_PRIVATE_NETWORKS: "true" });
  let trap: TrapServer;
  let tenant: Tenant;
  const url = () => `http://127.0.0.1:${trap.port}/approval/pay`;

  beforeAll(async () => {
    trap = await startTrapServer();
    tenant = await signUp(t);
  });
  afterAll(() => trap.close());

  it("refuses requiresApproval: true on create with a clear 400; nothing is stored", async () => {
    const res = await call(t, "POST", "/tools", {
      token: tenant.token,
      body: {
        name: "pay_invoice",
        kind: "http",
        requiresApproval: true,
        config: { url: url(), method: "POST", allowedHosts: ["127.0.0.1"] },
      },
    });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe("VALIDATION");
    expect(res.body.error.message).toMatch(/approval flow is not available/);
    const listed = await call(t, "GET", "/tools", { token: tenant.token });
    expect(listed.body.items.map((x: { name: string }) => x.name)).not.toContain("pay_invoice");
  });

  it("refuses requiresApproval: true on change; the tool stays as it was; false is accepted", async () => {
    const tool = await httpTool(t, tenant.token, "pay_later", url());
    const res = await call(t, "PATCH", `/tools/${tool.id}`, {
      token: tenant.token,
      body: { requiresApproval: true, description: "changed" },
    });
    expect(res.status).toBe(400);
    expect(res.body.error).toMatchObject({ code: "VALIDATION" });
    expect(res.body.error.message).toMatch(/approval flow is not available/);
    const after = await call(t, "GET", `/tools/${tool.id}`, { token: tenant.token });
    expect(after.body).toMatchObject({ requiresApproval: false, description: "" });
    const off = await call(t, "PATCH", `/tools/${tool.id}`, {
      token: tenant.token,
      body: { requiresApproval: false },
    });
    expect(off.status).toBe(200);
  });

  it("a tool stored with requiresApproval earlier is never offered to the model nor called", async () => {
    const tool = await httpTool(t, tenant.token, "pay_legacy", url());
    await t.context.container.repositories.tools.update(tool.id, { requiresApproval: true });
    const before = trap.requests.length;
    const { rows } = await modelCalls(t, tenant, [{ name: tool.name, arguments: {} }]);
    expect(rows.every((r) => r.status !== "ok")).toBe(true);
    expect(trap.requests.slice(before)).toEqual([]);
    const offered = t.models.scripted.calls.flatMap((c) => (c.tools ?? []).map((x) => x.name));
    expect(offered).not.toContain("pay_legacy");
  });
});
