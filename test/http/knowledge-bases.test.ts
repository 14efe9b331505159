import { describe, expect, it } from "vitest";
import { addMember, audits } from "./identity-helpers.js";
import {
  call,
  createDepartment,
  createKnowledgeBase,
  drain,
  search,
  signUp,
  useKnowledgeApp,
} from "./knowledge-helpers.js";

describe("knowledge bases", () => {
  const t = useKnowledgeApp();

  it("creates, validates, changes and deletes knowledge bases with audit rows", async () => {
    const tenant = await signUp(t);
    const created = await call(t, "POST", "/knowledge-bases", {
      token: tenant.token,
      body: {
        departmentId: tenant.generalId,
        name: "Policies",
        config: { chunkSize: 300, chunkOverlap: 30 },
      },
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    expect(created.body).toMatchObject({
      embeddingModel: "hash-384",
      pendingEmbeddingModel: null,
      config: {
        chunkSize: 300,
        chunkOverlap: 30,
        syntheticQuestions: true,
        retrieval: { mode: "hybrid", limit: 10 },
      },
    });
    const id = created.body.id;
    const badOverlap = await call(t, "PATCH", `/knowledge-bases/${id}`, {
      token: tenant.token,
      body: { config: { chunkOverlap: 200 } },
    });
    expect(badOverlap.status).toBe(400);
    const badModel = await call(t, "PATCH", `/knowledge-bases/${id}`, {
      token: tenant.token,
      body: { embeddingModel: "no-such-model" },
    });
    expect(badModel.status).toBe(400);
    const renamed = await call(t, "PATCH", `/knowledge-bases/${id}`, {
      token: tenant.token,
      body: { name: "Company policies", config: { retrieval: { mode: "fulltext" } } },
    });
    expect(renamed.body).toMatchObject({
      name: "Company policies",
      config: { chunkSize: 300, retrieval: { mode: "fulltext" } },
    });
    const list = await call(t, "GET", "/knowledge-bases", { token: tenant.token });
    expect(list.body.items.map((k: { id: string }) => k.id)).toEqual([id]);
    expect((await call(t, "DELETE", `/knowledge-bases/${id}`, { token: tenant.token })).status).toBe(204);
    expect((await call(t, "GET", `/knowledge-bases/${id}`, { token: tenant.token })).status).toBe(404);
    const actions = (await audits(t, tenant.orgId)).map((a) => a.action);
    expect(actions).toEqual(
      expect.arrayContaining(["knowledge_base.created", "knowledge_base.updated", "knowledge_base.deleted"]),
    );
  });

  it("keeps an archived department's knowledge readable but read-only", async () => {
    const tenant = await signUp(t);
    const legal = await createDepartment(t, tenant.token, "Legal");
    const kb = await createKnowledgeBase(t, tenant.token, legal);
    await call(t, "POST", `/knowledge-bases/${kb}/documents/text`, {
      token: tenant.token,
      body: { title: "Contracts", body: "Contracts are signed by two directors." },
    });
    await drain(t);
    expect((await call(t, "POST", `/departments/${legal}/archive`, { token: tenant.token })).status).toBe(
      200,
    );
    expect((await call(t, "GET", `/knowledge-bases/${kb}`, { token: tenant.token })).status).toBe(200);
    const found = await search(t, tenant.token, kb, "who signs contracts");
    expect(found.results).toHaveLength(1);
    for (const [method, url, body] of [
      ["PATCH", `/knowledge-bases/${kb}`, { name: "x" }],
      ["POST", `/knowledge-bases/${kb}/documents/text`, { title: "t", body: "b" }],
      ["POST", "/knowledge-bases", { departmentId: legal, name: "new" }],
      ["DELETE", `/knowledge-bases/${kb}`, undefined],
    ] as const) {
      const res = await call(t, method, url, { token: tenant.token, body });
      expect(res.status, `${method} ${url}`).toBe(412);
      expect(res.body.error.code).toBe("PRECONDITION_FAILED");
    }
  });

  it("never returns another department's chunks, whatever the caller asks for", async () => {
    const tenant = await signUp(t);
    const hr = await createDepartment(t, tenant.token, "HR");
    const sales = await createDepartment(t, tenant.token, "Sales");
    const hrKb = await createKnowledgeBase(t, tenant.token, hr);
    const salesKb = await createKnowledgeBase(t, tenant.token, sales);
    for (const [kb, body] of [
      [hrKb, "Salary reviews happen every March for all staff."],
      [salesKb, "Sales salary bonuses are paid every March after targets."],
    ] as const) {
      await call(t, "POST", `/knowledge-bases/${kb}/documents/text`, {
        token: tenant.token,
        body: { title: "March", body },
      });
    }
    await drain(t);
    const employee = await addMember(t, tenant.token, hr);
    for (const mode of ["hybrid", "vector", "fulltext"]) {
      const all = await search(t, employee.token, undefined, "salary March", { mode });
      expect(all.results.length, mode).toBeGreaterThan(0);
      expect(
        all.results.every((r) => r.departmentId === hr && r.knowledgeBaseId === hrKb),
        mode,
      ).toBe(true);
    }
    const named = await call(t, "POST", "/search", {
      token: employee.token,
      body: { query: "salary March", knowledgeBaseIds: [salesKb] },
    });
    expect(named.status).toBe(404);
    expect(
      (
        await call(t, "POST", `/knowledge-bases/${salesKb}/search`, {
          token: employee.token,
          body: { query: "salary" },
        })
      ).status,
    ).toBe(404);
    const admin = await search(t, tenant.token, undefined, "salary March");
    expect(new Set(admin.results.map((r) => r.departmentId))).toEqual(new Set([hr, sales]));
    expect(admin.results.map((r) => r.citation)).toEqual(admin.results.map((_, i) => `[${i + 1}]`));
    const write = await call(t, "POST", `/knowledge-bases/${hrKb}/documents/text`, {
      token: employee.token,
      body: { title: "x", body: "y" },
    });
    expect(write.status).toBe(403);
  });
});
