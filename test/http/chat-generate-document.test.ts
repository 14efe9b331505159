import { describe, expect, it } from "vitest";
import {
  addMember,
  ask,
  call,
  createAgent,
  createDepartment,
  ingest,
  signUp,
  startConversation,
  useChatApp,
} from "./chat-helpers.js";
import { createKnowledgeBase } from "./knowledge-helpers.js";

const VISIT = {
  name: "Visit report",
  templateBody: "# Visit to {{customer}}\n\nOn {{formatDate day}} we discussed {{topic}}.\n",
  variables: [
    { name: "customer", type: "string", required: true },
    { name: "day", type: "date", required: true },
    { name: "topic", type: "string", required: true },
  ],
  outputFormat: "markdown",
};

interface ToolCallView {
  name: string;
  status: string;
  output: Record<string, unknown> | null;
  error: string | null;
}

describe("the generate_document assistant tool and generated documents in chat", () => {
  const t = useChatApp();

  async function template(token: string, departmentId: string, extra: Record<string, unknown> = {}) {
    const res = await call(t, "POST", "/document-templates", {
      token,
      body: { ...VISIT, departmentId, ...extra },
    });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    return res.body.id as string;
  }

  async function toolCalls(token: string, runId: string): Promise<ToolCallView[]> {
    const trace = await call(t, "GET", `/runs/${runId}`, { token });
    expect(trace.status, JSON.stringify(trace.body)).toBe(200);
    return trace.body.toolCalls;
  }

  it("fills a template the user can see from the conversation and returns a download link", async () => {
    const tenant = await signUp(t);
    const sales = await createDepartment(t, tenant.token, "Sales");
    await template(tenant.token, tenant.generalId);
    const hidden = await template(tenant.token, sales, { name: "Sales visit" });
    const employee = await addMember(t, tenant.token, tenant.generalId, "employee", "Eve Employee");
    const agentId = await createAgent(t, tenant.token, {
      departmentId: tenant.generalId,
      toolsEnabled: ["generate_document"],
    });
    const conversationId = await startConversation(t, employee.token, agentId);

    t.models.scripted.script(
      {
        toolCalls: [
          {
            name: "generate_document",
            arguments: {
              template: "visit REPORT",
              variables: { customer: "Borealis Ltd", day: "2026-03-02", topic: "the spring order" },
            },
          },
        ],
      },
      // A bad input: every problem comes back to the model, the turn goes on.
      {
        toolCalls: [
          { name: "generate_document", arguments: { template: "Visit report", variables: { day: "soon" } } },
        ],
      },
      // A template of a department the employee cannot see, by id and by name: as if it did not exist.
      { toolCalls: [{ name: "generate_document", arguments: { template: hidden, variables: {} } }] },
      { toolCalls: [{ name: "generate_document", arguments: { template: "Sales visit", variables: {} } }] },
      { text: "Your visit report is ready." },
    );
    const res = await ask(t, employee.token, conversationId, "Write up my visit to Borealis on 2 March.");
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.message.text).toBe("Your visit report is ready.");

    const calls = await toolCalls(tenant.token, res.body.runId);
    expect(calls.map((c) => [c.name, c.status])).toEqual([
      ["generate_document", "ok"],
      ["generate_document", "error"],
      ["generate_document", "error"],
      ["generate_document", "error"],
    ]);
    const made = calls[0]!.output as { generationId: string; status: string; link: string; format: string };
    expect(made).toMatchObject({ status: "done", format: "markdown" });
    expect(made.link).toBe(`/document-generations/${made.generationId}/download`);
    expect(calls[1]!.error).toMatch(/customer/);
    expect(calls[1]!.error).toMatch(/topic/);
    expect(calls[1]!.error).toMatch(/day/);
    expect(calls[2]!.error).toMatch(/not found/i);
    expect(calls[3]!.error).toMatch(/not found/i);

    // The link works for the person who asked, and the file holds the values from the conversation.
    const file = await t.app.inject({
      method: "GET",
      url: made.link,
      headers: { authorization: `Bearer ${employee.token}` },
    });
    expect(file.statusCode).toBe(200);
    expect(file.body).toContain("# Visit to Borealis Ltd");
    expect(file.body).toContain("the spring order");
    const generation = await call(t, "GET", `/document-generations/${made.generationId}`, {
      token: employee.token,
    });
    expect(generation.body).toMatchObject({ conversationId, userId: employee.id, status: "done" });
    // A colleague of another department cannot reach it.
    const seller = await addMember(t, tenant.token, sales, "employee", "Sam Seller");
    const other = await t.app.inject({
      method: "GET",
      url: made.link,
      headers: { authorization: `Bearer ${seller.token}` },
    });
    expect(other.statusCode).toBe(404);
  });

  it("a generated document saved into knowledge is found by a chat question that cites it", async () => {
    const tenant = await signUp(t);
    const kb = await createKnowledgeBase(t, tenant.token, tenant.generalId);
    const templateId = await template(tenant.token, tenant.generalId, {
      name: "Site inspection",
      templateBody:
        "# Site inspection at {{site}}\n\nThe fire exits at {{site}} were inspected by {{inspector}} and found {{finding}}.\n",
      variables: [
        { name: "site", type: "string", required: true },
        { name: "inspector", type: "string", required: true },
        { name: "finding", type: "string", required: true },
      ],
    });
    const generated = await call(t, "POST", `/document-templates/${templateId}/generate`, {
      token: tenant.token,
      body: {
        input: { site: "the Kestrel Road depot", inspector: "Quill Marsh", finding: "blocked by pallets" },
        knowledgeBaseId: kb,
      },
    });
    expect(generated.status, JSON.stringify(generated.body)).toBe(201);
    expect(generated.body.outputFileId).toEqual(expect.any(String));
    await ingest(t);

    const agentId = await createAgent(t, tenant.token, {
      departmentId: tenant.generalId,
      primaryModelProvider: "extractive",
      ragEnabled: [kb],
    });
    const conversationId = await startConversation(t, tenant.token, agentId);
    const res = await ask(
      t,
      tenant.token,
      conversationId,
      "Who inspected the fire exits at the Kestrel Road depot?",
    );
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.message.text).toMatch(/Quill Marsh/);
    expect(res.body.citations.length).toBeGreaterThan(0);
    const cited = res.body.citations.find((c: { snippet: string }) => /Quill Marsh/.test(c.snippet));
    expect(cited, JSON.stringify(res.body.citations)).toBeDefined();
    expect(cited.documentId).toBe(generated.body.outputFileId);
    expect(res.body.message.text).toContain(`[${cited.label}]`);
    const document = await call(t, "GET", `/documents/${cited.documentId}`, { token: tenant.token });
    expect(document.body.metadata).toMatchObject({
      source: "document_generation",
      generationId: generated.body.id,
    });
  });
});
