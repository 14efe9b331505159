import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createWorker } from "../../src/worker/index.js";
import { startTrapServer, type TrapServer } from "../fakes/trap-server.js";
import {
  addMember,
  ask,
  call,
  createAgent,
  signUp,
  startConversation,
  useChatApp,
} from "../http/chat-helpers.js";
import type { Tenant } from "../http/identity-helpers.js";
import { httpTool } from "./tool-attack-helpers.js";

/**
 * `requiresApproval` promises that a tool waits for a human before it runs (and sends its secret).
 * It was stored and ignored (issue 10, finding 5), then refused; with the approval flow (ADR 0008) a
 * call of such a tool pauses the turn before the tool runs: nothing reaches its host until an approver
 * approves, and a rejected call never does.
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

  async function heldCall(name: string) {
    const tool = await httpTool(t, tenant.token, name, url(), {});
    const flagged = await call(t, "PATCH", `/tools/${tool.id}`, {
      token: tenant.token,
      body: { requiresApproval: true },
    });
    expect(flagged.status, JSON.stringify(flagged.body)).toBe(200);
    expect(flagged.body.requiresApproval).toBe(true);
    const agentId = await createAgent(t, tenant.token, {
      departmentId: tenant.generalId,
      toolsEnabled: [name],
    });
    const conversationId = await startConversation(t, tenant.token, agentId);
    t.models.scripted.script({ toolCalls: [{ name, arguments: {} }] }, { text: "Paid." });
    const before = trap.requests.length;
    const res = await ask(t, tenant.token, conversationId, "Pay the invoice.");
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.held, "the turn waits for an approver").toMatchObject({ mode: "hold" });
    expect(trap.requests.slice(before), "nothing reached the tool's host").toEqual([]);
    return { approvalId: res.body.held.approvalId as string, before };
  }

  const worker = () => createWorker(t.context.container, { pollMs: 10 }).runUntilIdle({ timeoutMs: 30_000 });

  it("a call pauses before the tool runs; a rejected call never reaches the host", async () => {
    const { approvalId, before } = await heldCall("pay_invoice");
    const approver = await addMember(t, tenant.token, tenant.generalId, "approver", "Arno Approver");
    const rejected = await call(t, "POST", `/approvals/${approvalId}/reject`, {
      token: approver.token,
      body: {},
    });
    expect(rejected.status).toBe(200);
    await worker();
    expect(trap.requests.slice(before)).toEqual([]);
  });

  it("control: an approved call reaches the host once", async () => {
    const { approvalId, before } = await heldCall("pay_later");
    const approved = await call(t, "POST", `/approvals/${approvalId}/approve`, {
      token: tenant.token,
      body: {},
    });
    expect(approved.status).toBe(200);
    await worker();
    expect(trap.requests.slice(before)).toHaveLength(1);
  });
});
