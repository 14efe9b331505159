import { describe, expect, it } from "vitest";
import { useTestApp } from "../setup/container.js";
import {
  addMember,
  audits,
  call,
  createDepartment,
  createKnowledgeBase,
  ok,
  signUp,
  type TestApp,
  uniq,
} from "./assistants-helpers.js";

async function tool(t: TestApp, orgId: string, departmentId: string | null, name: string, enabled = true) {
  await t.context.container.repositories.tools.create({ orgId, departmentId, name, kind: "http", enabled });
}

describe("agents", () => {
  const t = useTestApp({ env: { AUTH_RATE_LIMIT_PER_MINUTE: "1000" } });

  it("publishes version 1 on create, keeps published versions intact while the draft changes", async () => {
    const tenant = await signUp(t);
    const persona = await ok(
      t,
      "POST",
      "/personas",
      tenant.token,
      { name: "Clerk", prompt: "Be brief." },
      201,
    );
    const created = await ok(
      t,
      "POST",
      "/agents",
      tenant.token,
      {
        name: "HR Helper",
        departmentId: tenant.generalId,
        personaId: persona.id,
        prompt: "Answer HR questions.",
        primaryModelProvider: "extractive",
        primaryModelTemperature: 0.2,
        toolsEnabled: ["knowledge_search", "knowledge_search", "current_datetime"],
        maxSteps: 4,
      },
      201,
    );
    expect(created).toMatchObject({
      currentVersion: 1,
      hasUnpublishedChanges: false,
      enabled: true,
      archived: false,
      toolsEnabled: ["knowledge_search", "current_datetime"],
    });
    const id = created.id;

    const draft = await ok(t, "PATCH", `/agents/${id}`, tenant.token, {
      prompt: "Answer HR questions politely.",
    });
    expect(draft).toMatchObject({ currentVersion: 1, hasUnpublishedChanges: true });
    const v1 = await ok(t, "GET", `/agents/${id}/versions/1`, tenant.token);
    expect(v1).toMatchObject({
      version: 1,
      prompt: "Answer HR questions.",
      persona: "Be brief.",
      maxSteps: 4,
    });

    const published = await ok(t, "POST", `/agents/${id}/publish`, tenant.token, { changelog: "Politer" });
    expect(published).toMatchObject({ currentVersion: 2, hasUnpublishedChanges: false });
    const again = await call(t, "POST", `/agents/${id}/publish`, { token: tenant.token });
    expect(again.status).toBe(409);
    expect(again.body.error.message).toMatch(/no changes/i);

    // A persona edited later marks the draft changed but never alters a published version.
    await ok(t, "PATCH", `/personas/${persona.id}`, tenant.token, { prompt: "Be very brief.", tone: "warm" });
    expect(await ok(t, "GET", `/agents/${id}`, tenant.token)).toMatchObject({ hasUnpublishedChanges: true });
    await ok(t, "POST", `/agents/${id}/publish`, tenant.token, {});
    const v3 = await ok(t, "GET", `/agents/${id}/versions/3`, tenant.token);
    expect(v3.persona).toBe("Be very brief.\nTone: warm");
    expect(await ok(t, "GET", `/agents/${id}/versions/1`, tenant.token)).toEqual(v1);
    expect(await ok(t, "GET", `/agents/${id}/versions/2`, tenant.token)).toMatchObject({
      prompt: "Answer HR questions politely.",
      persona: "Be brief.",
      changelog: "Politer",
    });

    const page1 = await ok(t, "GET", `/agents/${id}/versions?pageSize=2`, tenant.token);
    expect(page1).toMatchObject({ total: 3, totalPages: 2 });
    expect(page1.items.map((v: { version: number }) => v.version)).toEqual([3, 2]);
    const page2 = await ok(t, "GET", `/agents/${id}/versions?pageSize=2&page=2`, tenant.token);
    expect(page2.items.map((v: { version: number }) => v.version)).toEqual([1]);
    expect((await call(t, "GET", `/agents/${id}/versions/9`, { token: tenant.token })).status).toBe(404);

    const actions = (await audits(t, tenant.orgId)).map((a) => a.action);
    expect(actions).toEqual(
      expect.arrayContaining(["agent.created", "agent.updated", "agent.published", "persona.updated"]),
    );
  });

  it("validates fields, tools and knowledge bases without revealing other departments' bases", async () => {
    const tenant = await signUp(t);
    const other = await signUp(t, "Other Corp");
    const sales = await createDepartment(t, tenant.token, "Sales");
    const ownKb = await createKnowledgeBase(t, tenant.token, tenant.generalId, { name: "General handbook" });
    const salesKb = await createKnowledgeBase(t, tenant.token, sales, { name: "Secret sales playbook" });
    const foreignKb = await createKnowledgeBase(t, other.token, other.generalId, { name: "Foreign" });
    await tool(t, tenant.orgId, tenant.generalId, "hr_lookup");
    await tool(t, tenant.orgId, null, "org_lookup");
    await tool(t, tenant.orgId, sales, "sales_lookup");
    await tool(t, tenant.orgId, tenant.generalId, "switched_off", false);
    const base = { name: uniq("Agent"), departmentId: tenant.generalId };
    const post = (body: Record<string, unknown>) =>
      call(t, "POST", "/agents", { token: tenant.token, body: { ...base, ...body } });

    for (const body of [
      { primaryModelProvider: "skynet" },
      { primaryModelTemperature: 2.5 },
      { maxSteps: 0 },
      { maxSteps: 21 },
      { name: "" },
      { ragEnabled: ["not-a-uuid"] },
    ]) {
      const res = await post(body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.body.error.code).toBe("VALIDATION");
    }
    const tools = await post({
      toolsEnabled: ["knowledge_search", "hr_lookup", "sales_lookup", "nope", "switched_off"],
    });
    expect(tools.status).toBe(400);
    expect(tools.body.error.details.unknown).toEqual(["sales_lookup", "nope", "switched_off"]);
    expect(tools.body.error.message).toContain("sales_lookup");

    for (const kb of [salesKb, foreignKb]) {
      const res = await post({ ragEnabled: [ownKb, kb] });
      expect(res.status).toBe(400);
      expect(res.body.error.details).toMatchObject({ field: "ragEnabled", unknown: [kb] });
      expect(JSON.stringify(res.body)).not.toMatch(/Secret sales playbook|Foreign/);
    }
    const good = await post({
      toolsEnabled: ["knowledge_search", "hr_lookup", "org_lookup"],
      ragEnabled: [ownKb],
    });
    expect(good.status, JSON.stringify(good.body)).toBe(201);
    expect(good.body.ragEnabled).toEqual([ownKb]);
    const patched = await call(t, "PATCH", `/agents/${good.body.id}`, {
      token: tenant.token,
      body: { ragEnabled: [salesKb] },
    });
    expect(patched.status).toBe(400);

    // An org-wide agent may use any base the caller (here the admin) can read.
    const orgWide = await call(t, "POST", "/agents", {
      token: tenant.token,
      body: { name: uniq("Everyone"), ragEnabled: [ownKb, salesKb], toolsEnabled: ["sales_lookup"] },
    });
    expect(orgWide.status, JSON.stringify(orgWide.body)).toBe(201);
    expect(orgWide.body.departmentId).toBeNull();
  });

  it("keeps live names unique per organisation, case-insensitively; archiving frees the name", async () => {
    const tenant = await signUp(t);
    const other = await signUp(t);
    const first = await ok(
      t,
      "POST",
      "/agents",
      tenant.token,
      { name: "Concierge", departmentId: tenant.generalId },
      201,
    );
    const clash = await call(t, "POST", "/agents", { token: tenant.token, body: { name: "concierge" } });
    expect(clash.status).toBe(409);
    await ok(t, "POST", "/agents", other.token, { name: "Concierge" }, 201);
    const second = await ok(t, "POST", "/agents", tenant.token, { name: "Concierge 2" }, 201);
    expect(
      (await call(t, "PATCH", `/agents/${second.id}`, { token: tenant.token, body: { name: "CONCIERGE" } }))
        .status,
    ).toBe(409);

    const archived = await ok(t, "POST", `/agents/${first.id}/archive`, tenant.token);
    expect(archived).toMatchObject({ archived: true, enabled: false });
    for (const [method, url, body] of [
      ["PATCH", `/agents/${first.id}`, { prompt: "x" }],
      ["POST", `/agents/${first.id}/publish`, {}],
      ["POST", `/agents/${first.id}/enable`, undefined],
    ] as const) {
      const res = await call(t, method, url, { token: tenant.token, body });
      expect(res.status, `${method} ${url}`).toBe(412);
    }
    await ok(t, "POST", "/agents", tenant.token, { name: "Concierge" }, 201);
    const names = async (query: string) =>
      (await ok(t, "GET", `/agents${query}`, tenant.token)).items.map((a: { name: string }) => a.name).sort();
    expect(await names("")).toEqual(["Concierge", "Concierge 2"]);
    expect(await names("?archived=true")).toEqual(["Concierge", "Concierge", "Concierge 2"]);
    expect(await names("?q=2")).toEqual(["Concierge 2"]);
    await ok(t, "POST", `/agents/${second.id}/disable`, tenant.token);
    expect(await names("?enabled=false")).toEqual(["Concierge 2"]);
    expect(await names("?enabled=true")).toEqual(["Concierge"]);
    await ok(t, "POST", `/agents/${second.id}/enable`, tenant.token);
    expect(await names("?enabled=true")).toEqual(["Concierge", "Concierge 2"]);
  });

  it("scopes agents by department; org-wide agents are visible to all and writable only with full reach", async () => {
    const tenant = await signUp(t);
    const sales = await createDepartment(t, tenant.token, "Sales");
    const hrAgent = await ok(
      t,
      "POST",
      "/agents",
      tenant.token,
      { name: uniq("HR"), departmentId: tenant.generalId },
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
    const orgAgent = await ok(t, "POST", "/agents", tenant.token, { name: uniq("Org") }, 201);
    const employee = await addMember(t, tenant.token, tenant.generalId);
    const head = await addMember(t, tenant.token, tenant.generalId, "dept_head");

    const listed = await ok(t, "GET", "/agents", employee.token);
    expect(listed.items.map((a: { id: string }) => a.id).sort()).toEqual([hrAgent.id, orgAgent.id].sort());
    expect((await call(t, "GET", `/agents/${salesAgent.id}`, { token: employee.token })).status).toBe(404);
    expect((await call(t, "GET", `/agents/${salesAgent.id}/versions`, { token: head.token })).status).toBe(
      404,
    );
    expect((await call(t, "GET", `/agents/${orgAgent.id}`, { token: employee.token })).status).toBe(200);
    expect(
      (await call(t, "PATCH", `/agents/${hrAgent.id}`, { token: employee.token, body: { prompt: "x" } }))
        .status,
    ).toBe(403);

    // A department head manages their department's agents, not other departments' nor org-wide ones.
    expect(
      (await call(t, "PATCH", `/agents/${hrAgent.id}`, { token: head.token, body: { prompt: "ok" } })).status,
    ).toBe(200);
    expect(
      (await call(t, "PATCH", `/agents/${salesAgent.id}`, { token: head.token, body: { prompt: "x" } }))
        .status,
    ).toBe(404);
    expect(
      (await call(t, "PATCH", `/agents/${orgAgent.id}`, { token: head.token, body: { prompt: "x" } })).status,
    ).toBe(403);
    expect(
      (await call(t, "POST", "/agents", { token: head.token, body: { name: uniq("Mine") } })).status,
    ).toBe(403);
    expect(
      (
        await call(t, "POST", "/agents", {
          token: head.token,
          body: { name: uniq("S"), departmentId: sales },
        })
      ).status,
    ).toBe(404);
  });
});
