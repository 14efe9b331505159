import { describe, expect, it } from "vitest";
import { useTestApp } from "../setup/container.js";
import {
  addMember,
  audits,
  call,
  contextFor,
  createDepartment,
  ok,
  signUp,
  uniq,
} from "./assistants-helpers.js";

describe("personas and namespaces", () => {
  const t = useTestApp({ env: { AUTH_RATE_LIMIT_PER_MINUTE: "1000" } });

  it("scopes personas: org-wide for everyone, department ones for their department", async () => {
    const tenant = await signUp(t);
    const sales = await createDepartment(t, tenant.token, "Sales");
    const orgWide = await ok(
      t,
      "POST",
      "/personas",
      tenant.token,
      { name: "House style", prompt: "Plain words." },
      201,
    );
    const salesPersona = await ok(
      t,
      "POST",
      "/personas",
      tenant.token,
      { name: "Closer", departmentId: sales },
      201,
    );
    const head = await addMember(t, tenant.token, tenant.generalId, "dept_head");
    const mine = await ok(
      t,
      "POST",
      "/personas",
      head.token,
      { name: "Helper", departmentId: tenant.generalId },
      201,
    );
    expect(
      (await call(t, "POST", "/personas", { token: head.token, body: { name: "Everyone" } })).status,
    ).toBe(403);
    expect(
      (await call(t, "PATCH", `/personas/${orgWide.id}`, { token: head.token, body: { tone: "x" } })).status,
    ).toBe(403);
    expect((await call(t, "GET", `/personas/${salesPersona.id}`, { token: head.token })).status).toBe(404);
    const listed = await ok(t, "GET", "/personas", head.token);
    expect(listed.items.map((p: { id: string }) => p.id).sort()).toEqual([orgWide.id, mine.id].sort());
    expect((await ok(t, "GET", "/personas?q=help", head.token)).items).toHaveLength(1);
    expect((await call(t, "DELETE", `/personas/${mine.id}`, { token: head.token })).status).toBe(204);
    expect((await call(t, "GET", `/personas/${mine.id}`, { token: head.token })).status).toBe(404);
  });

  it("creates, validates and changes namespaces and their plugins", async () => {
    const tenant = await signUp(t);
    const sales = await createDepartment(t, tenant.token, "Sales");
    const salesPersona = await ok(
      t,
      "POST",
      "/personas",
      tenant.token,
      { name: "Closer", departmentId: sales },
      201,
    );
    const salesAgent = await ok(
      t,
      "POST",
      "/agents",
      tenant.token,
      { name: uniq("S"), departmentId: sales },
      201,
    );
    const body = {
      departmentId: tenant.generalId,
      name: "Front desk",
      slug: uniq("desk"),
      systemPrompt: "Help.",
    };
    const ns = await ok(t, "POST", "/namespaces", tenant.token, body, 201);
    expect(ns).toMatchObject({ isActive: true, persona: null, config: {} });
    const dup = await call(t, "POST", "/namespaces", {
      token: tenant.token,
      body: { ...body, departmentId: sales },
    });
    expect(dup.status).toBe(409);
    for (const bad of [
      { personaId: salesPersona.id },
      { config: { defaultAgentId: salesAgent.id } },
      { config: { defaultAgentId: "nope" } },
    ]) {
      const res = await call(t, "PATCH", `/namespaces/${ns.id}`, { token: tenant.token, body: bad });
      expect(res.status, JSON.stringify(bad)).toBe(400);
    }
    const missingDept = await call(t, "POST", "/namespaces", {
      token: tenant.token,
      body: { name: "x", slug: uniq("x") },
    });
    expect(missingDept.status).toBe(400);

    const slack = await ok(t, "PUT", `/namespaces/${ns.id}/plugins/slack`, tenant.token, {
      config: { channel: "#desk", botToken: "xoxb-very-secret" },
    });
    expect(slack).toMatchObject({
      pluginId: "slack",
      enabled: true,
      config: { channel: "#desk", botToken: "[set]" },
    });
    const off = await ok(t, "PUT", `/namespaces/${ns.id}/plugins/slack`, tenant.token, {
      enabled: false,
      config: { channel: "#front", botToken: "[set]" },
    });
    expect(off).toMatchObject({ enabled: false, config: { channel: "#front", botToken: "[set]" } });
    // Stored sealed (AES-GCM), opened only for the channel adapter; "[set]" kept the stored value.
    const stored = await t.context.container.repositories.namespacePlugins.findById(slack.id);
    expect(JSON.stringify(stored)).not.toContain("xoxb-very-secret");
    expect(stored?.config).toMatchObject({ channel: "#front", botToken: { sealed: expect.any(String) } });
    const adminCtx = await contextFor(t, tenant.token);
    expect(await t.context.container.services.namespaces.plugins.configFor(adminCtx, ns.id, "slack")).toEqual(
      {
        enabled: false,
        config: { channel: "#front", botToken: "xoxb-very-secret" },
      },
    );
    // Settings left out keep the stored ones; a forged sealed value is refused (a credential is a
    // string), and so is a setting the plugin does not declare.
    await ok(t, "PUT", `/namespaces/${ns.id}/plugins/slack`, tenant.token, { enabled: true });
    for (const config of [
      { channel: "#front", botToken: "[set]", signingSecret: { sealed: "v1.x.y.z" } },
      { channel: "#front", botToken: "[set]", apiKey: "k" },
    ]) {
      const forged = await call(t, "PUT", `/namespaces/${ns.id}/plugins/slack`, {
        token: tenant.token,
        body: { config },
      });
      expect(forged.status, JSON.stringify(config)).toBe(400);
    }
    expect(await t.context.container.services.namespaces.plugins.configFor(adminCtx, ns.id, "slack")).toEqual(
      {
        enabled: true,
        config: { channel: "#front", botToken: "xoxb-very-secret" },
      },
    );
    const noStored = await call(t, "PUT", `/namespaces/${ns.id}/plugins/slack`, {
      token: tenant.token,
      body: { config: { signingSecret: "[set]" } },
    });
    expect(noStored.status).toBe(400);
    expect(noStored.body.error).toMatchObject({ code: "VALIDATION" });
    expect(noStored.body.error.message).toContain("config.signingSecret");
    expect(
      (await call(t, "PUT", `/namespaces/${ns.id}/plugins/fax`, { token: tenant.token, body: {} })).status,
    ).toBe(400);
    const list = await ok(t, "GET", `/namespaces/${ns.id}/plugins`, tenant.token);
    expect(list.items.map((p: { pluginId: string }) => p.pluginId)).toEqual(["slack"]);
    expect(list.available.map((p: { id: string }) => p.id)).toContain("telegram");
    expect(JSON.stringify(await audits(t, tenant.orgId))).not.toContain("xoxb-very-secret");
    expect(
      (await call(t, "DELETE", `/namespaces/${ns.id}/plugins/slack`, { token: tenant.token })).status,
    ).toBe(204);
    expect(
      (await call(t, "DELETE", `/namespaces/${ns.id}/plugins/slack`, { token: tenant.token })).status,
    ).toBe(404);

    const employee = await addMember(t, tenant.token, sales);
    expect((await call(t, "GET", `/namespaces/${ns.id}`, { token: employee.token })).status).toBe(404);
    expect((await ok(t, "GET", "/namespaces", employee.token)).items).toEqual([]);
    expect((await call(t, "DELETE", `/namespaces/${ns.id}`, { token: tenant.token })).status).toBe(204);
    const actions = (await audits(t, tenant.orgId)).map((a) => a.action);
    expect(actions).toEqual(
      expect.arrayContaining([
        "namespace.created",
        "namespace.plugin_added",
        "namespace.plugin_removed",
        "namespace.deleted",
      ]),
    );
  });

  it("resolves the agent of a conversation by id, name or namespace, and loads pinned versions", async () => {
    const tenant = await signUp(t);
    const sales = await createDepartment(t, tenant.token, "Sales");
    const persona = await ok(
      t,
      "POST",
      "/personas",
      tenant.token,
      { name: "Desk voice", prompt: "Smile." },
      201,
    );
    const first = await ok(
      t,
      "POST",
      "/agents",
      tenant.token,
      { name: uniq("First"), departmentId: tenant.generalId, prompt: "v1" },
      201,
    );
    const second = await ok(
      t,
      "POST",
      "/agents",
      tenant.token,
      { name: uniq("Second"), departmentId: tenant.generalId },
      201,
    );
    const salesAgent = await ok(
      t,
      "POST",
      "/agents",
      tenant.token,
      { name: uniq("Sales"), departmentId: sales },
      201,
    );
    const ns = await ok(
      t,
      "POST",
      "/namespaces",
      tenant.token,
      {
        departmentId: tenant.generalId,
        name: "Desk",
        slug: uniq("desk"),
        systemPrompt: "You staff the front desk.",
        personaId: persona.id,
      },
      201,
    );
    const employee = await addMember(t, tenant.token, tenant.generalId);
    const ctx = await contextFor(t, employee.token);
    const agents = t.context.container.services.agents;

    const viaNamespace = await agents.resolveAgentForChat(ctx, { namespaceId: ns.id });
    expect(viaNamespace.resolved).toMatchObject({
      agentId: first.id,
      version: 1,
      prompt: "v1",
      persona: "Smile.",
      namespaceId: ns.id,
      namespaceSystemPrompt: "You staff the front desk.",
      maxSteps: 8,
    });
    await ok(t, "PATCH", `/namespaces/${ns.id}`, tenant.token, { config: { defaultAgentId: second.id } });
    expect((await agents.resolveAgentForChat(ctx, { namespaceId: ns.id })).agent.id).toBe(second.id);
    const byName = await agents.resolveAgentForChat(ctx, { agentName: first.name.toUpperCase() });
    expect(byName.resolved).toMatchObject({ agentId: first.id, namespaceId: null, persona: null });

    await ok(t, "PATCH", `/agents/${first.id}`, tenant.token, { prompt: "v2" });
    expect((await agents.resolveAgentForChat(ctx, { agentId: first.id })).resolved.prompt).toBe("v1");
    await ok(t, "POST", `/agents/${first.id}/publish`, tenant.token, {});
    expect((await agents.resolveAgentForChat(ctx, { agentId: first.id })).resolved).toMatchObject({
      prompt: "v2",
      version: 2,
    });
    const pinned = await agents.loadAgentVersion(ctx, viaNamespace.resolved.versionId);
    expect(pinned.resolved).toMatchObject({ prompt: "v1", version: 1 });

    await expect(agents.resolveAgentForChat(ctx, { agentId: salesAgent.id })).rejects.toMatchObject({
      code: "NOT_FOUND",
    });
    await expect(agents.loadAgentVersion(ctx, salesAgent.currentVersionId)).rejects.toMatchObject({
      code: "NOT_FOUND",
    });
    await ok(t, "POST", `/agents/${second.id}/disable`, tenant.token);
    await expect(agents.resolveAgentForChat(ctx, { namespaceId: ns.id })).rejects.toMatchObject({
      code: "PRECONDITION_FAILED",
    });
    await ok(t, "POST", `/agents/${first.id}/archive`, tenant.token);
    await expect(agents.resolveAgentForChat(ctx, { agentId: first.id })).rejects.toMatchObject({
      code: "PRECONDITION_FAILED",
    });
    const empty = await ok(
      t,
      "POST",
      "/namespaces",
      tenant.token,
      { departmentId: sales, name: "Empty", slug: uniq("e") },
      201,
    );
    await ok(t, "POST", `/agents/${salesAgent.id}/disable`, tenant.token);
    const adminCtx = await contextFor(t, tenant.token);
    await expect(agents.resolveAgentForChat(adminCtx, { namespaceId: empty.id })).rejects.toMatchObject({
      code: "PRECONDITION_FAILED",
    });
  });
});
