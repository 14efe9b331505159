import { describe, expect, it } from "vitest";
import { addMember, call, createDepartment, signUp } from "./identity-helpers.js";
import { drain, useKnowledgeApp } from "./knowledge-helpers.js";

/** Templates that require approval (issue 14 item 3): the generation is held as an approval. */
describe("generation approval", () => {
  const t = useKnowledgeApp();

  async function setup() {
    const tenant = await signUp(t);
    const created = await call(t, "POST", "/document-templates", {
      token: tenant.token,
      body: {
        name: "Contract",
        departmentId: tenant.generalId,
        outputFormat: "markdown",
        requiresApproval: true,
        templateBody: "# Contract for {{client}}\n",
        variables: [{ name: "client", type: "string", required: true }],
      },
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    expect(created.body.requiresApproval).toBe(true);
    const employee = await addMember(t, tenant.token, tenant.generalId, "employee");
    const approver = await addMember(t, tenant.token, tenant.generalId, "approver");
    const elsewhere = await createDepartment(t, tenant.token, "Finance");
    const stranger = await addMember(t, tenant.token, elsewhere, "approver");
    return { tenant, templateId: created.body.id as string, employee, approver, stranger };
  }

  async function generate(token: string, templateId: string, client = "Globex") {
    const res = await call(t, "POST", `/document-templates/${templateId}/generate`, {
      token,
      body: { input: { client } },
    });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    expect(res.body).toMatchObject({ status: "awaiting_approval", downloadUrl: null });
    return res.body.id as string;
  }

  const download = (token: string, id: string) =>
    t.app.inject({
      method: "GET",
      url: `/document-generations/${id}/download`,
      headers: { authorization: `Bearer ${token}` },
    });

  async function approvalOf(token: string, generationId: string) {
    const inbox = await call(t, "GET", "/approvals?status=pending", { token });
    expect(inbox.status, JSON.stringify(inbox.body)).toBe(200);
    return inbox.body.items.find(
      (a: { documentGenerationId: string }) => a.documentGenerationId === generationId,
    );
  }

  it("holds the generation until an approver approves; then it renders and downloads", async () => {
    const { templateId, employee, approver, stranger } = await setup();
    const generationId = await generate(employee.token, templateId);
    // Held: nothing rendered, nothing to download.
    expect((await download(employee.token, generationId)).statusCode).toBe(409);
    await drain(t);
    expect(
      (await call(t, "GET", `/document-generations/${generationId}`, { token: employee.token })).body.status,
    ).toBe("awaiting_approval");

    const approval = await approvalOf(approver.token, generationId);
    expect(approval).toMatchObject({
      status: "pending",
      conversationId: null,
      messageId: null,
      requesterId: employee.id,
      generation: { templateId, outputFormat: "markdown", input: { client: "Globex" } },
    });
    const told = await call(t, "GET", "/notifications", { token: approver.token });
    expect(told.body.items.some((n: { entityId: string }) => n.entityId === approval.id)).toBe(true);

    // Another department's approver neither sees nor decides it.
    expect(await approvalOf(stranger.token, generationId)).toBeUndefined();
    expect((await call(t, "GET", `/approvals/${approval.id}`, { token: stranger.token })).status).toBe(404);
    const foreign = await call(t, "POST", `/approvals/${approval.id}/approve`, {
      token: stranger.token,
      body: {},
    });
    expect(foreign.status).toBe(404);

    // Editing has no meaning for a generation.
    const edit = await call(t, "POST", `/approvals/${approval.id}/edit`, {
      token: approver.token,
      body: { text: "something else" },
    });
    expect(edit.status).toBe(400);
    expect(edit.body.error.details.reason).toBe("GENERATION_NOT_EDITABLE");

    const approved = await call(t, "POST", `/approvals/${approval.id}/approve`, {
      token: approver.token,
      body: {},
    });
    expect(approved.status, JSON.stringify(approved.body)).toBe(200);
    expect(approved.body).toMatchObject({
      status: "approved",
      approverId: approver.id,
      documentGenerationId: generationId,
    });
    const twice = await call(t, "POST", `/approvals/${approval.id}/reject`, {
      token: approver.token,
      body: {},
    });
    expect(twice.status).toBe(409);

    await drain(t);
    const done = await call(t, "GET", `/document-generations/${generationId}`, { token: employee.token });
    expect(done.body).toMatchObject({ status: "done", error: null });
    const file = await download(employee.token, generationId);
    expect(file.statusCode).toBe(200);
    expect(file.body).toContain("Contract for Globex");
    const mine = await call(t, "GET", "/notifications", { token: employee.token });
    expect(mine.body.items.some((n: { entityId: string }) => n.entityId === generationId)).toBe(true);
  });

  it("a rejected generation fails with the approver's notes and never renders", async () => {
    const { templateId, employee, approver } = await setup();
    const generationId = await generate(employee.token, templateId, "Initech");
    const approval = await approvalOf(approver.token, generationId);
    const rejected = await call(t, "POST", `/approvals/${approval.id}/reject`, {
      token: approver.token,
      body: { notes: "Wrong client" },
    });
    expect(rejected.status, JSON.stringify(rejected.body)).toBe(200);
    expect(rejected.body).toMatchObject({ status: "rejected", notes: "Wrong client" });
    expect(
      (await call(t, "POST", `/approvals/${approval.id}/approve`, { token: approver.token, body: {} }))
        .status,
    ).toBe(409);
    await drain(t);
    const failed = await call(t, "GET", `/document-generations/${generationId}`, { token: employee.token });
    expect(failed.body).toMatchObject({ status: "failed", downloadUrl: null });
    expect(failed.body.error).toContain("Wrong client");
  });
});
