import { readFileSync } from "node:fs";
import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { approvals } from "../../src/db/schema/index.js";
import { createWorker } from "../../src/worker/index.js";
import { useTestApp } from "../setup/container.js";
import {
  addMember,
  ask,
  call,
  createAgent,
  listen,
  signUp,
  sseReader,
  TestChatModels,
  useChatApp,
} from "./chat-helpers.js";
import { audits, CapturingMailer, type TestApp, uniq } from "./identity-helpers.js";

const trainCsv = readFileSync(new URL("../fixtures/intents-mini/train.csv", import.meta.url), "utf8");
const LEAVE = "How many days of leave do I have left?";

/** An organisation with a trained HR namespace, an employee and an approver; `held()` makes a held reply. */
async function governedOrg(t: TestApp, models: TestChatModels) {
  const tenant = await signUp(t);
  const ns = await call(t, "POST", "/namespaces", {
    token: tenant.token,
    body: { departmentId: tenant.generalId, name: "HR desk", slug: uniq("hr") },
  });
  await call(t, "POST", `/namespaces/${ns.body.id}/intent-examples/import`, {
    token: tenant.token,
    body: { csv: trainCsv },
  });
  const agentId = await createAgent(t, tenant.token, { departmentId: tenant.generalId });
  const employee = await addMember(t, tenant.token, tenant.generalId, "employee", "Emma Employee");
  const approver = await addMember(t, tenant.token, tenant.generalId, "approver", "Arno Approver");
  const held = async () => {
    const conversation = await call(t, "POST", "/conversations", {
      token: employee.token,
      body: { agentId, namespaceId: ns.body.id },
    });
    models.scripted.script({ text: "You have 12 days left." });
    const res = await ask(t, employee.token, conversation.body.id, LEAVE);
    expect(res.body.held, JSON.stringify(res.body)).toBeDefined();
    return {
      conversationId: conversation.body.id as string,
      approvalId: res.body.held.approvalId as string,
    };
  };
  return { tenant, namespaceId: ns.body.id as string, employee, approver, held };
}

describe("approval notifications and timeouts", () => {
  const t = useChatApp();
  const db = () => t.context.container.database.db;
  const setup = () => governedOrg(t, t.models);

  it("lists, counts and marks notifications; another person's is 404", async () => {
    const s = await setup();
    await s.held();
    await s.held();
    const count = await call(t, "GET", "/notifications/unread-count", { token: s.approver.token });
    expect(count.body).toEqual({ unread: 2 });
    const list = await call(t, "GET", "/notifications?limit=1", { token: s.approver.token });
    expect(list.body.items).toHaveLength(1);
    expect(list.body.nextCursor).toEqual(expect.any(String));
    const first = list.body.items[0];
    expect(first).toMatchObject({ type: "approval.requested", entityType: "approval", read: false });

    const read = await call(t, "POST", `/notifications/${first.id}/read`, { token: s.approver.token });
    expect(read.body).toMatchObject({ id: first.id, read: true, readAt: expect.any(String) });
    expect(
      (await call(t, "GET", "/notifications/unread-count", { token: s.approver.token })).body.unread,
    ).toBe(1);
    const unread = await call(t, "POST", `/notifications/${first.id}/unread`, { token: s.approver.token });
    expect(unread.body).toMatchObject({ read: false, readAt: null });
    const unreadOnly = await call(t, "GET", "/notifications?unread=true", { token: s.approver.token });
    expect(unreadOnly.body.items).toHaveLength(2);

    // The employee (the requester) was not told of their own held reply, and cannot touch the approver's.
    expect((await call(t, "GET", "/notifications", { token: s.employee.token })).body.items).toEqual([]);
    const foreign = await call(t, "POST", `/notifications/${first.id}/read`, { token: s.employee.token });
    expect(foreign.status).toBe(404);

    const all = await call(t, "POST", "/notifications/read-all", { token: s.approver.token });
    expect(all.body).toEqual({ marked: 2 });
    expect(
      (await call(t, "GET", "/notifications/unread-count", { token: s.approver.token })).body.unread,
    ).toBe(0);
  });

  it("streams new notifications live to their person", async () => {
    const s = await setup();
    const base = await listen(t);
    const response = await fetch(`${base}/notifications/stream?maxSeconds=20`, {
      headers: { authorization: `Bearer ${s.approver.token}`, accept: "text/event-stream" },
    });
    expect(response.status).toBe(200);
    const reader = sseReader(response);
    const { approvalId } = await s.held();
    const event = await reader.next();
    expect(event).toMatchObject({ event: "notification" });
    expect(event!.data).toMatchObject({ type: "approval.requested", entityId: approvalId });
    await reader.cancel();
  });

  it("the worker carries out a namespace's timeout: escalate to the named person, or reject", async () => {
    const s = await setup();
    const noTarget = await call(t, "PATCH", `/namespaces/${s.namespaceId}/approval-policy`, {
      token: s.tenant.token,
      body: { onTimeout: "escalate" },
    });
    expect(noTarget.status).toBe(400);
    const notADecider = await call(t, "PATCH", `/namespaces/${s.namespaceId}/approval-policy`, {
      token: s.tenant.token,
      body: { onTimeout: "escalate", escalateToUserId: s.employee.id },
    });
    expect(notADecider.status).toBe(400);
    const policy = await call(t, "PATCH", `/namespaces/${s.namespaceId}/approval-policy`, {
      token: s.tenant.token,
      body: { dueMinutes: 5, onTimeout: "escalate", escalateToUserId: s.tenant.adminId },
    });
    expect(policy.status, JSON.stringify(policy.body)).toBe(200);
    const first = await s.held();
    const [row] = await db().select().from(approvals).where(eq(approvals.id, first.approvalId));
    expect(row!.dueAt!.getTime() - row!.createdAt.getTime()).toBeCloseTo(5 * 60_000, -4);

    const worker = createWorker(t.context.container, { tickEveryMs: 0 });
    // Not due yet: nothing happens.
    await worker.pollOnce();
    expect(
      (await call(t, "GET", `/approvals/${first.approvalId}`, { token: s.approver.token })).body.status,
    ).toBe("pending");
    // Time passes (the due time is moved back rather than the clock forward).
    await db()
      .update(approvals)
      .set({ dueAt: new Date(Date.now() - 1000) })
      .where(eq(approvals.id, first.approvalId));
    await worker.pollOnce(Date.now() + 60_000);
    const escalated = await call(t, "GET", `/approvals/${first.approvalId}`, { token: s.approver.token });
    expect(escalated.body).toMatchObject({ status: "escalated", escalatedToId: s.tenant.adminId });
    expect(await audits(t, s.tenant.orgId, "approval.escalated")).toHaveLength(1);

    await call(t, "PATCH", `/namespaces/${s.namespaceId}/approval-policy`, {
      token: s.tenant.token,
      body: { onTimeout: "reject", rejectionMessage: "Sorry, nobody could review this in time." },
    });
    const second = await s.held();
    await db()
      .update(approvals)
      .set({ dueAt: new Date(Date.now() - 1000) })
      .where(eq(approvals.id, second.approvalId));
    await worker.pollOnce(Date.now() + 120_000);
    const rejected = await call(t, "GET", `/approvals/${second.approvalId}`, { token: s.approver.token });
    expect(rejected.body).toMatchObject({ status: "rejected", approverId: null });
    const messages = await call(t, "GET", `/conversations/${second.conversationId}/messages`, {
      token: s.employee.token,
    });
    expect(messages.body.items.map((m: { content: string }) => m.content)).toContain(
      "Sorry, nobody could review this in time.",
    );
    await worker.stop(0);
  });
});

describe("notifications by e-mail", () => {
  const mailer = new CapturingMailer();
  const models = new TestChatModels();
  const t = useTestApp({
    env: { AUTH_RATE_LIMIT_PER_MINUTE: "1000" },
    infra: { chatModels: models, mailer },
  });

  it("e-mails a notification to people who asked for it, and to no one else", async () => {
    const s = await governedOrg(t, models);
    const off = await call(t, "GET", "/notifications/preferences", { token: s.approver.token });
    expect(off.body).toEqual({ email: false });
    const bad = await call(t, "PUT", "/notifications/preferences", {
      token: s.approver.token,
      body: { email: "yes" },
    });
    expect(bad.status).toBe(400);
    const on = await call(t, "PUT", "/notifications/preferences", {
      token: s.approver.token,
      body: { email: true },
    });
    expect(on.body).toEqual({ email: true });
    const before = mailer.sent.length;
    const { approvalId } = await s.held();
    const approverEmail = (await t.context.container.repositories.users.findById(s.approver.id))!.email;
    await expect.poll(() => mailer.sent.slice(before).map((m) => m.to)).toEqual([approverEmail]);
    const message = mailer.sent[before]!;
    expect(message.subject).toBe("[Atrium] A reply is waiting for your approval");
    expect(message.text).not.toContain("12 days");
    // The requester did not ask for e-mail: the decision reaches them in the centre only.
    await call(t, "POST", `/approvals/${approvalId}/approve`, { token: s.approver.token, body: {} });
    expect(mailer.sent.slice(before)).toHaveLength(1);
  });
});
