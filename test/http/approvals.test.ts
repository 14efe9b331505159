import { readFileSync } from "node:fs";
import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { agentRuns, agentTasks, approvals } from "../../src/db/schema/index.js";
import {
  addMember,
  ask,
  askStreaming,
  call,
  createAgent,
  createDepartment,
  listen,
  parseSse,
  signUp,
  useChatApp,
} from "./chat-helpers.js";
import { audits, uniq } from "./identity-helpers.js";

const MINI = new URL("../fixtures/intents-mini/", import.meta.url);
const trainCsv = readFileSync(new URL("train.csv", MINI), "utf8");

const LEAVE = "How many days of leave do I have left?";
const PAYROLL = "I need to change the bank account my salary is paid into";
const DRAFT = "You have 12 days of leave left this year.";

describe("human approval of replies", () => {
  const t = useChatApp();
  const db = () => t.context.container.database.db;

  /** An organisation with an HR namespace trained on the mini set, its agent, an employee and an approver. */
  async function setup() {
    const tenant = await signUp(t);
    const ns = await call(t, "POST", "/namespaces", {
      token: tenant.token,
      body: { departmentId: tenant.generalId, name: "HR desk", slug: uniq("hr") },
    });
    expect(ns.status, JSON.stringify(ns.body)).toBe(201);
    const imported = await call(t, "POST", `/namespaces/${ns.body.id}/intent-examples/import`, {
      token: tenant.token,
      body: { csv: trainCsv },
    });
    expect(imported.status, JSON.stringify(imported.body)).toBe(200);
    const agentId = await createAgent(t, tenant.token, { departmentId: tenant.generalId, prompt: "HR" });
    const employee = await addMember(t, tenant.token, tenant.generalId, "employee", "Emma Employee");
    const approver = await addMember(t, tenant.token, tenant.generalId, "approver", "Arno Approver");
    const start = async (token = employee.token) => {
      const res = await call(t, "POST", "/conversations", {
        token,
        body: { agentId, namespaceId: ns.body.id },
      });
      expect(res.status, JSON.stringify(res.body)).toBe(201);
      return res.body.id as string;
    };
    return { tenant, namespaceId: ns.body.id as string, agentId, employee, approver, start };
  }

  async function heldTurn(s: Awaited<ReturnType<typeof setup>>, text = LEAVE, draft = DRAFT) {
    const conversationId = await s.start();
    t.models.scripted.script({ text: draft });
    const res = await ask(t, s.employee.token, conversationId, text);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    return { conversationId, res };
  }

  it("holds a reply whose intent is not autonomous, without showing the draft, and records the intent", async () => {
    const s = await setup();
    const { conversationId, res } = await heldTurn(s);
    expect(res.body.held).toMatchObject({ approvalId: expect.any(String), mode: "hold" });
    expect(res.body.message.text).toMatch(/waiting for review/);
    expect(res.body.message.text).not.toContain("12 days");
    expect(res.body.citations).toEqual([]);

    const messages = await call(t, "GET", `/conversations/${conversationId}/messages`, {
      token: s.employee.token,
    });
    const held = messages.body.items.find((m: { role: string }) => m.role === "assistant");
    expect(held).toMatchObject({ heldForApproval: true, content: "" });
    const conversation = await call(t, "GET", `/conversations/${conversationId}`, {
      token: s.employee.token,
    });
    expect(conversation.body.status).toBe("awaiting_approval");
    // Nothing more can be asked while the reply waits.
    const next = await ask(t, s.employee.token, conversationId, "Hello?");
    expect(next.status).toBe(412);

    const [row] = await db().select().from(approvals).where(eq(approvals.id, res.body.held.approvalId));
    expect(row).toMatchObject({
      status: "pending",
      intentName: "leave_balance",
      requesterId: s.employee.id,
      isSample: false,
      conversationId,
    });
    expect(row!.intentConfidence).toBeGreaterThan(0);
    expect(row!.dueAt!.getTime()).toBeGreaterThan(Date.now() + 23 * 3_600_000);
    const [task] = await db().select().from(agentTasks).where(eq(agentTasks.id, res.body.taskId));
    expect(task!.output).toMatchObject({
      intent: { name: "leave_balance" },
      approvalId: row!.id,
      hold: "hold",
    });
    const [run] = await db().select().from(agentRuns).where(eq(agentRuns.id, res.body.runId));
    expect(run!.metadata).toMatchObject({ intent: { name: "leave_balance" } });
    expect((run!.metadata.stages as { name: string }[]).map((st) => st.name)).toEqual(
      expect.arrayContaining(["classify-intent", "approval-gate"]),
    );

    // The approver is told and sees the draft; the employee may not decide.
    const inbox = await call(t, "GET", "/approvals?status=pending&intent=leave_balance", {
      token: s.approver.token,
    });
    expect(inbox.status, JSON.stringify(inbox.body)).toBe(200);
    expect(inbox.body.items).toHaveLength(1);
    expect(inbox.body.items[0]).toMatchObject({
      id: row!.id,
      question: LEAVE,
      draft: DRAFT,
      intent: "leave_balance",
    });
    const notes = await call(t, "GET", "/notifications", { token: s.approver.token });
    expect(notes.body.items).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ type: "approval.requested", entityId: row!.id, read: false }),
      ]),
    );
    expect((await call(t, "GET", "/approvals", { token: s.employee.token })).status).toBe(403);
  });

  it("streams a held event instead of the draft's tokens", async () => {
    const s = await setup();
    const conversationId = await s.start();
    t.models.scripted.script({ text: DRAFT });
    const base = await listen(t);
    const response = await askStreaming(base, s.employee.token, conversationId, LEAVE);
    const events = parseSse(await response.text());
    const types = events.map((e) => e.event);
    expect(types).toContain("held");
    expect(types).not.toContain("token");
    expect(JSON.stringify(events)).not.toContain("12 days");
    const done = events.find((e) => e.event === "done")!;
    expect(done.data.held).toMatchObject({ mode: "hold" });
  });

  it("approves: exactly one of two approvers wins, the reply is delivered live and counts toward trust", async () => {
    const s = await setup();
    const second = await addMember(t, s.tenant.token, s.tenant.generalId, "approver", "Bea Approver");
    const { conversationId, res } = await heldTurn(s);
    const id = res.body.held.approvalId;
    const [a, b] = await Promise.all([
      call(t, "POST", `/approvals/${id}/approve`, { token: s.approver.token, body: {} }),
      call(t, "POST", `/approvals/${id}/approve`, { token: second.token, body: {} }),
    ]);
    expect([a.status, b.status].sort()).toEqual([200, 409]);
    const loser = a.status === 409 ? a : b;
    expect(loser.body.error.code).toBe("CONFLICT");
    expect(loser.body.error.details).toMatchObject({ status: "approved" });
    const winner = a.status === 200 ? a : b;
    expect(winner.body).toMatchObject({ status: "approved", deliveredMessageId: res.body.message.id });

    const messages = await call(t, "GET", `/conversations/${conversationId}/messages`, {
      token: s.employee.token,
    });
    const reply = messages.body.items.find((m: { role: string }) => m.role === "assistant");
    expect(reply).toMatchObject({ heldForApproval: false, content: DRAFT });
    const conversation = await call(t, "GET", `/conversations/${conversationId}`, {
      token: s.employee.token,
    });
    expect(conversation.body.status).toBe("active");

    // The decided reply is on the conversation's stream.
    const stream = await t.app.inject({
      method: "GET",
      url: `/conversations/${conversationId}/stream`,
      headers: { authorization: `Bearer ${s.employee.token}` },
    });
    expect(stream.statusCode).toBe(200);
    const events = parseSse(stream.body);
    expect(events.map((e) => e.event)).toEqual(["decided", "done"]);
    expect(events[1]!.data).toMatchObject({ text: DRAFT, messageId: res.body.message.id });

    const told = await call(t, "GET", "/notifications?unread=true", { token: s.employee.token });
    expect(told.body.items[0]).toMatchObject({ type: "approval.decided", entityId: conversationId });
    const trust = await call(t, "GET", `/namespaces/${s.namespaceId}/trust`, { token: s.tenant.token });
    expect(trust.body.intents.find((i: { intent: string }) => i.intent === "leave_balance")).toMatchObject({
      successfulCount: 1,
      isAutonomous: false,
    });
    expect(await audits(t, s.tenant.orgId, "approval.approved")).toHaveLength(1);
    // Deciding again is a conflict too; the draft stays as approved.
    const again = await call(t, "POST", `/approvals/${id}/reject`, { token: s.approver.token, body: {} });
    expect(again.status).toBe(409);
  });

  it("edits (empty text refused), rejects with the namespace's message, escalates to a named person", async () => {
    const s = await setup();
    const first = await heldTurn(s);
    const id = first.res.body.held.approvalId;
    const empty = await call(t, "POST", `/approvals/${id}/edit`, {
      token: s.approver.token,
      body: { text: "   " },
    });
    expect(empty.status).toBe(400);
    const edited = await call(t, "POST", `/approvals/${id}/edit`, {
      token: s.approver.token,
      body: { text: "You have 11 days left.", notes: "one day was booked yesterday" },
    });
    expect(edited.status, JSON.stringify(edited.body)).toBe(200);
    expect(edited.body).toMatchObject({
      status: "edited",
      draft: DRAFT,
      editedText: "You have 11 days left.",
    });
    const messages = await call(t, "GET", `/conversations/${first.conversationId}/messages`, {
      token: s.employee.token,
    });
    const delivered = messages.body.items.find(
      (m: { id: string }) => m.id === edited.body.deliveredMessageId,
    );
    expect(delivered).toMatchObject({ content: "You have 11 days left.", heldForApproval: false });
    // The original draft is kept (held, so the requester never sees it).
    const draft = messages.body.items.find((m: { id: string }) => m.id === first.res.body.message.id);
    expect(draft).toMatchObject({ heldForApproval: true, content: "" });

    const policy = await call(t, "PATCH", `/namespaces/${s.namespaceId}/approval-policy`, {
      token: s.tenant.token,
      body: { rejectionMessage: "HR will contact you about this." },
    });
    expect(policy.status, JSON.stringify(policy.body)).toBe(200);
    const second = await heldTurn(s);
    const rejected = await call(t, "POST", `/approvals/${second.res.body.held.approvalId}/reject`, {
      token: s.approver.token,
      body: { notes: "not for the assistant" },
    });
    expect(rejected.body).toMatchObject({ status: "rejected", notes: "not for the assistant" });
    const after = await call(t, "GET", `/conversations/${second.conversationId}/messages`, {
      token: s.employee.token,
    });
    expect(after.body.items.map((m: { content: string }) => m.content)).toContain(
      "HR will contact you about this.",
    );

    const third = await heldTurn(s);
    const bad = await call(t, "POST", `/approvals/${third.res.body.held.approvalId}/escalate`, {
      token: s.approver.token,
      body: { toUserId: s.employee.id, reason: "" },
    });
    expect(bad.status).toBe(400);
    // The named person must be able to decide approvals.
    const noDecider = await call(t, "POST", `/approvals/${third.res.body.held.approvalId}/escalate`, {
      token: s.approver.token,
      body: { toUserId: s.employee.id, reason: "the employee cannot decide" },
    });
    expect(noDecider.status).toBe(400);
    expect(noDecider.body.error.details).toMatchObject({ field: "toUserId" });
    const escalated = await call(t, "POST", `/approvals/${third.res.body.held.approvalId}/escalate`, {
      token: s.approver.token,
      body: { toUserId: s.tenant.adminId, reason: "payroll question" },
    });
    expect(escalated.body).toMatchObject({
      status: "escalated",
      escalatedToId: s.tenant.adminId,
      escalationReason: "payroll question",
    });
    const conversation = await call(t, "GET", `/conversations/${third.conversationId}`, {
      token: s.employee.token,
    });
    expect(conversation.body.status).toBe("escalated");
    const adminNotes = await call(t, "GET", "/notifications", { token: s.tenant.token });
    expect(adminNotes.body.items.map((n: { type: string }) => n.type)).toContain("approval.escalated");
    // Still decidable after escalation.
    const approved = await call(t, "POST", `/approvals/${third.res.body.held.approvalId}/approve`, {
      token: s.tenant.token,
      body: {},
    });
    expect(approved.status).toBe(200);

    const trust = await call(t, "GET", `/namespaces/${s.namespaceId}/trust`, { token: s.tenant.token });
    // Edit and rejection reset the count; the last approval counts one.
    expect(trust.body.intents.find((i: { intent: string }) => i.intent === "leave_balance")).toMatchObject({
      successfulCount: 1,
      rejectedCount: 2,
    });

    const stats = await call(t, "GET", "/approvals/stats", { token: s.approver.token });
    expect(stats.status, JSON.stringify(stats.body)).toBe(200);
    expect(stats.body.decided).toBe(3);
    expect(stats.body.p50Seconds).toEqual(expect.any(Number));
    expect(stats.body.byIntent).toEqual([
      { intent: "leave_balance", decided: 3, approved: 1, approvalRate: 0.3333 },
    ]);
  });

  it("hides approvals of other departments (404) and other organisations", async () => {
    const s = await setup();
    const { res } = await heldTurn(s);
    const id = res.body.held.approvalId;
    const elsewhere = await createDepartment(t, s.tenant.token, "Finance");
    const outsider = await addMember(t, s.tenant.token, elsewhere, "approver", "Otto Outsider");
    expect((await call(t, "GET", `/approvals/${id}`, { token: outsider.token })).status).toBe(404);
    const decided = await call(t, "POST", `/approvals/${id}/approve`, { token: outsider.token, body: {} });
    expect(decided.status).toBe(404);
    expect((await call(t, "GET", "/approvals", { token: outsider.token })).body.items).toEqual([]);
    const other = await signUp(t, "Other");
    expect((await call(t, "GET", `/approvals/${id}`, { token: other.token })).status).toBe(404);
    // The outsider's notifications do not include it either.
    expect((await call(t, "GET", "/notifications", { token: outsider.token })).body.items).toEqual([]);
  });

  it("earns autonomy at the threshold, samples autonomous replies, and a rejected sample demotes", async () => {
    const s = await setup();
    const bad = await call(t, "PATCH", `/namespaces/${s.namespaceId}/trust/leave_balance`, {
      token: s.tenant.token,
      body: { samplingRate: 2 },
    });
    expect(bad.status).toBe(400);
    const set = await call(t, "PATCH", `/namespaces/${s.namespaceId}/trust/leave_balance`, {
      token: s.tenant.token,
      body: { threshold: 2, samplingRate: 0 },
    });
    expect(set.status, JSON.stringify(set.body)).toBe(200);
    for (let i = 0; i < 2; i++) {
      const { res } = await heldTurn(s);
      const ok = await call(t, "POST", `/approvals/${res.body.held.approvalId}/approve`, {
        token: s.approver.token,
        body: {},
      });
      expect(ok.status).toBe(200);
    }
    let trust = await call(t, "GET", `/namespaces/${s.namespaceId}/trust`, { token: s.tenant.token });
    const leave = trust.body.intents.find((i: { intent: string }) => i.intent === "leave_balance");
    expect(leave).toMatchObject({ isAutonomous: true, successfulCount: 2, promotedAt: expect.any(String) });
    expect(await audits(t, s.tenant.orgId, "intent_trust.promoted")).toHaveLength(1);

    // Autonomous: delivered at once.
    const conversationId = await s.start();
    t.models.scripted.script({ text: DRAFT });
    const free = await ask(t, s.employee.token, conversationId, LEAVE);
    expect(free.body.held).toBeUndefined();
    expect(free.body.message.text).toBe(DRAFT);

    // Sampled at 100 %: delivered too, and queued for review after the fact.
    await call(t, "PATCH", `/namespaces/${s.namespaceId}/trust/leave_balance`, {
      token: s.tenant.token,
      body: { samplingRate: 1 },
    });
    t.models.scripted.script({ text: DRAFT });
    const sampled = await ask(t, s.employee.token, conversationId, LEAVE);
    expect(sampled.body.held).toBeUndefined();
    expect(sampled.body.message.text).toBe(DRAFT);
    const samples = await call(t, "GET", "/approvals?sample=true", { token: s.approver.token });
    expect(samples.body.items).toHaveLength(1);
    expect(samples.body.items[0]).toMatchObject({ isSample: true, status: "pending", draft: DRAFT });
    const rejected = await call(t, "POST", `/approvals/${samples.body.items[0].id}/reject`, {
      token: s.approver.token,
      body: { notes: "wrong balance" },
    });
    expect(rejected.status).toBe(200);
    trust = await call(t, "GET", `/namespaces/${s.namespaceId}/trust`, { token: s.tenant.token });
    expect(trust.body.intents.find((i: { intent: string }) => i.intent === "leave_balance")).toMatchObject({
      isAutonomous: false,
      successfulCount: 0,
      promotedAt: null,
    });
    expect(await audits(t, s.tenant.orgId, "intent_trust.demoted")).toHaveLength(1);

    // Manual promote and demote through the routes.
    const promoted = await call(t, "POST", `/namespaces/${s.namespaceId}/trust/leave_balance/promote`, {
      token: s.tenant.token,
    });
    expect(
      promoted.body.intents.find((i: { intent: string }) => i.intent === "leave_balance").isAutonomous,
    ).toBe(true);
    const employeeTry = await call(t, "POST", `/namespaces/${s.namespaceId}/trust/leave_balance/demote`, {
      token: s.employee.token,
    });
    expect(employeeTry.status).toBe(403);
  });

  it("routes intents: always hold, hand off to a person, or to another assistant", async () => {
    const s = await setup();
    const noAgent = await call(t, "PATCH", `/namespaces/${s.namespaceId}/trust/payroll_change`, {
      token: s.tenant.token,
      body: { route: "assistant" },
    });
    expect(noAgent.status).toBe(400);
    await call(t, "POST", `/namespaces/${s.namespaceId}/trust/leave_balance/promote`, {
      token: s.tenant.token,
    });
    await call(t, "PATCH", `/namespaces/${s.namespaceId}/trust/leave_balance`, {
      token: s.tenant.token,
      body: { route: "hold", samplingRate: 0 },
    });
    const { res } = await heldTurn(s);
    expect(res.body.held).toMatchObject({ mode: "hold" });

    const handoff = await call(t, "PATCH", `/namespaces/${s.namespaceId}/trust/payroll_change`, {
      token: s.tenant.token,
      body: { route: "handoff" },
    });
    expect(handoff.status, JSON.stringify(handoff.body)).toBe(200);
    const handed = await heldTurn(s, PAYROLL);
    expect(handed.res.body.held).toMatchObject({ mode: "handoff" });
    const conversation = await call(t, "GET", `/conversations/${handed.conversationId}`, {
      token: s.employee.token,
    });
    expect(conversation.body.status).toBe("escalated");
    const approval = await call(t, "GET", `/approvals/${handed.res.body.held.approvalId}`, {
      token: s.approver.token,
    });
    expect(approval.body).toMatchObject({ status: "escalated", intent: "payroll_change" });

    const other = await createAgent(t, s.tenant.token, {
      departmentId: s.tenant.generalId,
      primaryModelProvider: "extractive",
    });
    const routed = await call(t, "PATCH", `/namespaces/${s.namespaceId}/trust/expense_claim`, {
      token: s.tenant.token,
      body: { route: "assistant", agentId: other },
    });
    expect(routed.status, JSON.stringify(routed.body)).toBe(200);
    await call(t, "POST", `/namespaces/${s.namespaceId}/trust/expense_claim/promote`, {
      token: s.tenant.token,
    });
    await call(t, "PATCH", `/namespaces/${s.namespaceId}/trust/expense_claim`, {
      token: s.tenant.token,
      body: { samplingRate: 0 },
    });
    const conversationId = await s.start();
    const answered = await ask(t, s.employee.token, conversationId, "I want to claim back a taxi receipt");
    expect(answered.status, JSON.stringify(answered.body)).toBe(200);
    const [task] = await db().select().from(agentTasks).where(eq(agentTasks.id, answered.body.taskId));
    expect(task!.agentId).toBe(other);
  });
});
