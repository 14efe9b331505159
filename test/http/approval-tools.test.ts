import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createWorker } from "../../src/worker/index.js";
import { type FakeToolApi, startFakeToolApi } from "../fakes/tool-api.js";
import {
  addMember,
  ask,
  call,
  createAgent,
  parseSse,
  signUp,
  startConversation,
  useChatApp,
} from "./chat-helpers.js";

describe("tool calls that require approval", () => {
  const t = useChatApp({ TOOLS_ALLOW_PRIVATE_NETWORKS: "true" });
  let api: FakeToolApi;
  beforeAll(async () => {
    api = await startFakeToolApi();
  });
  afterAll(async () => {
    await api.close();
  });

  async function setup() {
    const tenant = await signUp(t);
    const tool = await call(t, "POST", "/tools", {
      token: tenant.token,
      body: {
        name: "lookup_item",
        kind: "http",
        departmentId: tenant.generalId,
        description: "Looks an item up",
        inputSchema: { type: "object", properties: { id: { type: "string" } }, required: ["id"] },
        config: { url: `${api.base}/echo/{{id}}`, allowedHosts: ["127.0.0.1"] },
        requiresApproval: true,
      },
    });
    expect(tool.status, JSON.stringify(tool.body)).toBe(201);
    const agentId = await createAgent(t, tenant.token, {
      departmentId: tenant.generalId,
      toolsEnabled: ["lookup_item"],
    });
    const employee = await addMember(t, tenant.token, tenant.generalId, "employee", "Emma Employee");
    const approver = await addMember(t, tenant.token, tenant.generalId, "approver", "Arno Approver");
    const conversationId = await startConversation(t, employee.token, agentId);
    return { tenant, employee, approver, conversationId };
  }

  const worker = () => createWorker(t.context.container, { pollMs: 10 }).runUntilIdle({ timeoutMs: 30_000 });

  it("pauses before the tool runs, and runs it and resumes the turn once approved (through the job queue)", async () => {
    const s = await setup();
    t.models.scripted.script(
      { toolCalls: [{ name: "lookup_item", arguments: { id: "42" } }] },
      { text: "Item 42 is ready for pick-up." },
    );
    const seenBefore = api.seen.length;
    const held = await ask(t, s.employee.token, s.conversationId, "Is item 42 ready?");
    expect(held.status, JSON.stringify(held.body)).toBe(200);
    expect(held.body.held).toMatchObject({ mode: "hold" });
    expect(api.seen.length, "the tool did not run").toBe(seenBefore);
    const id = held.body.held.approvalId;
    const approval = await call(t, "GET", `/approvals/${id}`, { token: s.approver.token });
    expect(approval.body.pendingToolCall).toEqual({ name: "lookup_item", input: { id: "42" } });

    const approved = await call(t, "POST", `/approvals/${id}/approve`, { token: s.approver.token, body: {} });
    expect(approved.status, JSON.stringify(approved.body)).toBe(200);
    // Nothing in memory carries the paused turn: the worker resumes it from the approval and the job.
    await worker();
    expect(api.seen.slice(seenBefore).map((r) => r.url)).toEqual(["/echo/42"]);
    const messages = await call(t, "GET", `/conversations/${s.conversationId}/messages`, {
      token: s.employee.token,
    });
    expect(messages.body.items.map((m: { content: string }) => m.content)).toContain(
      "Item 42 is ready for pick-up.",
    );
    const conversation = await call(t, "GET", `/conversations/${s.conversationId}`, {
      token: s.employee.token,
    });
    expect(conversation.body.status).toBe("active");
    const after = await call(t, "GET", `/approvals/${id}`, { token: s.approver.token });
    expect(after.body.deliveredMessageId).toEqual(expect.any(String));
    // The resumed turn is on the conversation's stream.
    const stream = await t.app.inject({
      method: "GET",
      url: `/conversations/${s.conversationId}/stream`,
      headers: { authorization: `Bearer ${s.employee.token}` },
    });
    const events = parseSse(stream.body);
    expect(events.map((e) => e.event)).toContain("tool-result");
    expect(events.at(-1)).toMatchObject({ event: "done", data: { text: "Item 42 is ready for pick-up." } });
    // The job is idempotent: running the worker again changes nothing.
    await worker();
    expect(api.seen.length).toBe(seenBefore + 1);
  });

  it("a rejected tool call never runs", async () => {
    const s = await setup();
    t.models.scripted.script({ toolCalls: [{ name: "lookup_item", arguments: { id: "7" } }] });
    const seenBefore = api.seen.length;
    const held = await ask(t, s.employee.token, s.conversationId, "Is item 7 ready?");
    const rejected = await call(t, "POST", `/approvals/${held.body.held.approvalId}/reject`, {
      token: s.approver.token,
      body: { notes: "not allowed" },
    });
    expect(rejected.status).toBe(200);
    await worker();
    expect(api.seen.length).toBe(seenBefore);
    const conversation = await call(t, "GET", `/conversations/${s.conversationId}`, {
      token: s.employee.token,
    });
    expect(conversation.body.status).toBe("active");
  });
});
