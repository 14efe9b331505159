import { readFileSync } from "node:fs";
import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { messages } from "../../src/db/schema/index.js";
import {
  addMember,
  ask,
  call,
  createAgent,
  createDepartment,
  eventually,
  listen,
  signUp,
  sseReader,
  useChatApp,
} from "./chat-helpers.js";
import { audits } from "./identity-helpers.js";

const trainCsv = readFileSync(new URL("../fixtures/intents-mini/train.csv", import.meta.url), "utf8");

describe("human handoff", () => {
  const t = useChatApp();
  const db = () => t.context.container.database.db;

  /** An organisation with an agent in General, an employee, two approvers and an employee elsewhere. */
  async function setup() {
    const tenant = await signUp(t);
    const agentId = await createAgent(t, tenant.token, { departmentId: tenant.generalId, prompt: "HR" });
    const employee = await addMember(t, tenant.token, tenant.generalId, "employee", "Emma Employee");
    const approver = await addMember(t, tenant.token, tenant.generalId, "approver", "Arno Approver");
    const second = await addMember(t, tenant.token, tenant.generalId, "approver", "Bea Approver");
    const colleague = await addMember(t, tenant.token, tenant.generalId, "employee", "Carl Colleague");
    const elsewhere = await createDepartment(t, tenant.token, "Finance");
    const outsider = await addMember(t, tenant.token, elsewhere, "approver", "Otto Outsider");
    const start = async () => {
      const res = await call(t, "POST", "/conversations", { token: employee.token, body: { agentId } });
      expect(res.status, JSON.stringify(res.body)).toBe(201);
      return res.body.id as string;
    };
    return { tenant, agentId, employee, approver, second, colleague, outsider, start };
  }

  const notes = async (token: string) =>
    (await call(t, "GET", "/notifications", { token })).body.items as { type: string; entityId: string }[];

  it("the requester asks for a person; a colleague claims, replies as themselves and hands back", async () => {
    const s = await setup();
    const id = await s.start();
    t.models.scripted.script({ text: "Hello from the assistant." });
    expect((await ask(t, s.employee.token, id, "Hi")).status).toBe(200);

    // Only handlers may take over, and only an escalated conversation.
    const early = await call(t, "POST", `/conversations/${id}/claim`, { token: s.approver.token });
    expect(early.status).toBe(404); // not escalated yet: not theirs to see
    const handoff = await call(t, "POST", `/conversations/${id}/handoff`, {
      token: s.employee.token,
      body: { reason: "I want to talk about my contract" },
    });
    expect(handoff.status, JSON.stringify(handoff.body)).toBe(200);
    expect(handoff.body).toMatchObject({ status: "escalated", assigneeId: null });
    const again = await call(t, "POST", `/conversations/${id}/handoff`, {
      token: s.employee.token,
      body: {},
    });
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe("CONFLICT");
    expect(await notes(s.approver.token)).toEqual(
      expect.arrayContaining([expect.objectContaining({ type: "handoff.requested", entityId: id })]),
    );

    // Wrong people: no permission (403), another department (404), nobody can reply before claiming (412).
    expect((await call(t, "POST", `/conversations/${id}/claim`, { token: s.colleague.token })).status).toBe(
      403,
    );
    expect((await call(t, "POST", `/conversations/${id}/claim`, { token: s.outsider.token })).status).toBe(
      404,
    );
    const unclaimed = await call(t, "POST", `/conversations/${id}/replies`, {
      token: s.approver.token,
      body: { content: "Hello" },
    });
    expect(unclaimed.status).toBe(412);
    expect(unclaimed.body.error.code).toBe("PRECONDITION_FAILED");

    // Two colleagues claim at once: exactly one wins, the other gets 409 with the winner.
    const [a, b] = await Promise.all([
      call(t, "POST", `/conversations/${id}/claim`, { token: s.approver.token }),
      call(t, "POST", `/conversations/${id}/claim`, { token: s.second.token }),
    ]);
    const statuses = [a.status, b.status].sort();
    expect(statuses).toEqual([200, 409]);
    const winner = a.status === 200 ? s.approver : s.second;
    const loser = a.status === 200 ? s.second : s.approver;
    const lost = a.status === 200 ? b : a;
    expect(lost.body.error.details).toMatchObject({ status: "escalated", assigneeId: winner.id });
    const loserReply = await call(t, "POST", `/conversations/${id}/replies`, {
      token: loser.token,
      body: { content: "Me too" },
    });
    expect(loserReply.status).toBe(412);

    // While handed off, the requester's message is stored for the person; no model runs.
    const modelCalls = t.models.scripted.calls.length;
    const waiting = await ask(t, s.employee.token, id, "Are you there?");
    expect(waiting.status, JSON.stringify(waiting.body)).toBe(202);
    expect(waiting.body.handedOff).toMatchObject({ assigneeId: winner.id, message: { role: "user" } });
    expect(t.models.scripted.calls.length).toBe(modelCalls);
    expect(await notes(winner.token)).toEqual(
      expect.arrayContaining([expect.objectContaining({ type: "handoff.message", entityId: id })]),
    );

    // The requester follows the conversation's stream and gets the person's reply live.
    const base = await listen(t);
    const replyText = "Hi Emma, this is a colleague from HR. Let me look at your contract.";
    const replied = await call(t, "POST", `/conversations/${id}/replies`, {
      token: winner.token,
      body: { content: replyText },
    });
    expect(replied.status, JSON.stringify(replied.body)).toBe(201);
    expect(replied.body).toMatchObject({ role: "assistant", authorId: winner.id, content: replyText });
    const stream = await fetch(`${base}/conversations/${id}/stream`, {
      headers: { authorization: `Bearer ${s.employee.token}`, accept: "text/event-stream" },
    });
    expect(stream.status).toBe(200);
    const events = await sseReader(stream).rest();
    expect(events.map((e) => e.event)).toEqual(["human-reply", "done"]);
    expect(events[1]!.data).toMatchObject({ messageId: replied.body.id, text: replyText });
    expect(await notes(s.employee.token)).toEqual(
      expect.arrayContaining([expect.objectContaining({ type: "handoff.replied", entityId: id })]),
    );

    // The message list shows who wrote what.
    const list = await call(t, "GET", `/conversations/${id}/messages`, { token: s.employee.token });
    const byPerson = list.body.items.filter((m: { authorId: string | null }) => m.authorId !== null);
    expect(byPerson.map((m: { role: string; authorId: string }) => [m.role, m.authorId])).toEqual([
      ["user", s.employee.id],
      ["assistant", winner.id],
    ]);
    const stored = await db().select().from(messages).where(eq(messages.id, replied.body.id));
    expect(stored[0]!.authorId).toBe(winner.id);

    // Handed back: later messages run the assistant again, and the history includes the person's reply.
    expect((await call(t, "POST", `/conversations/${id}/release`, { token: loser.token })).status).toBe(412);
    const released = await call(t, "POST", `/conversations/${id}/release`, { token: winner.token });
    expect(released.status, JSON.stringify(released.body)).toBe(200);
    expect(released.body).toMatchObject({ status: "active", assigneeId: null });
    t.models.scripted.script({ text: "Back to the assistant." });
    const after = await ask(t, s.employee.token, id, "Thanks, one more question");
    expect(after.status, JSON.stringify(after.body)).toBe(200);
    expect(after.body.message.text).toBe("Back to the assistant.");
    expect(JSON.stringify(t.models.scripted.calls.at(-1))).toContain("this is a colleague from HR");
    // Once back with the assistant, it is no longer the handlers' to read.
    expect((await call(t, "GET", `/conversations/${id}`, { token: winner.token })).status).toBe(404);

    const actions = (await audits(t, s.tenant.orgId)).map((row) => row.action);
    expect(actions).toEqual(
      expect.arrayContaining([
        "conversation.handoff_requested",
        "conversation.claimed",
        "conversation.replied",
        "conversation.released",
      ]),
    );
  });

  it("assigns explicitly to a colleague of the department, who may close the conversation", async () => {
    const s = await setup();
    const id = await s.start();
    const notEscalated = await call(t, "POST", `/conversations/${id}/assign`, {
      token: s.tenant.token,
      body: { userId: s.approver.id },
    });
    expect(notEscalated.status).toBe(412);
    await call(t, "POST", `/conversations/${id}/handoff`, { token: s.employee.token, body: {} });

    // The assignee must handle handoffs in the conversation's department.
    for (const userId of [s.colleague.id, s.outsider.id, crypto.randomUUID()]) {
      const bad = await call(t, "POST", `/conversations/${id}/assign`, {
        token: s.tenant.token,
        body: { userId },
      });
      expect(bad.status, JSON.stringify(bad.body)).toBe(400);
      expect(bad.body.error.details).toMatchObject({ field: "userId" });
    }
    const assigned = await call(t, "POST", `/conversations/${id}/assign`, {
      token: s.tenant.token,
      body: { userId: s.approver.id },
    });
    expect(assigned.status, JSON.stringify(assigned.body)).toBe(200);
    expect(assigned.body.assigneeId).toBe(s.approver.id);
    expect(await notes(s.approver.token)).toEqual(
      expect.arrayContaining([expect.objectContaining({ type: "handoff.assigned", entityId: id })]),
    );
    // Someone else claiming an assigned conversation loses.
    const claim = await call(t, "POST", `/conversations/${id}/claim`, { token: s.second.token });
    expect(claim.status).toBe(409);
    // The assignee reads it and closes it; the other approver may not close it.
    expect((await call(t, "GET", `/conversations/${id}`, { token: s.approver.token })).status).toBe(200);
    expect((await call(t, "POST", `/conversations/${id}/close`, { token: s.second.token })).status).toBe(403);
    const closed = await call(t, "POST", `/conversations/${id}/close`, { token: s.approver.token });
    expect(closed.status, JSON.stringify(closed.body)).toBe(200);
    expect(closed.body.status).toBe("closed");
    // Closed: no more replies, no handoff until reopened (which hands it back to the assistant).
    const late = await call(t, "POST", `/conversations/${id}/replies`, {
      token: s.approver.token,
      body: { content: "One more thing" },
    });
    expect(late.status).toBe(412);
    expect(
      (await call(t, "POST", `/conversations/${id}/handoff`, { token: s.employee.token, body: {} })).status,
    ).toBe(412);
    const reopened = await call(t, "POST", `/conversations/${id}/reopen`, { token: s.employee.token });
    expect(reopened.body).toMatchObject({ status: "active", assigneeId: null });
  });

  it("an intent routed to a person and an approver's escalation both hand the conversation to a person", async () => {
    const s = await setup();
    const ns = await call(t, "POST", "/namespaces", {
      token: s.tenant.token,
      body: {
        departmentId: s.tenant.generalId,
        name: "HR desk",
        slug: `hr-${crypto.randomUUID().slice(0, 8)}`,
      },
    });
    expect(ns.status, JSON.stringify(ns.body)).toBe(201);
    const imported = await call(t, "POST", `/namespaces/${ns.body.id}/intent-examples/import`, {
      token: s.tenant.token,
      body: { csv: trainCsv },
    });
    expect(imported.status, JSON.stringify(imported.body)).toBe(200);
    const routed = await call(t, "PATCH", `/namespaces/${ns.body.id}/trust/payroll_change`, {
      token: s.tenant.token,
      body: { route: "handoff" },
    });
    expect(routed.status, JSON.stringify(routed.body)).toBe(200);
    const startIn = async () => {
      const res = await call(t, "POST", "/conversations", {
        token: s.employee.token,
        body: { agentId: s.agentId, namespaceId: ns.body.id },
      });
      expect(res.status, JSON.stringify(res.body)).toBe(201);
      return res.body.id as string;
    };

    // An intent routed to a person: the turn is handed off; a handler claims and replies.
    const id = await startIn();
    t.models.scripted.script({ text: "Draft about bank details." });
    const turn = await ask(
      t,
      s.employee.token,
      id,
      "I need to change the bank account my salary is paid into",
    );
    expect(turn.body.held, JSON.stringify(turn.body)).toMatchObject({ mode: "handoff" });
    expect((await call(t, "GET", `/conversations/${id}`, { token: s.approver.token })).body.status).toBe(
      "escalated",
    );
    const claimed = await call(t, "POST", `/conversations/${id}/claim`, { token: s.approver.token });
    expect(claimed.status, JSON.stringify(claimed.body)).toBe(200);
    const again = await call(t, "POST", `/conversations/${id}/claim`, { token: s.approver.token });
    expect(again.status).toBe(200); // claiming what you hold changes nothing
    const empty = await call(t, "POST", `/conversations/${id}/replies`, {
      token: s.approver.token,
      body: { content: "   " },
    });
    expect(empty.status).toBe(400);
    const ok = await call(t, "POST", `/conversations/${id}/replies`, {
      token: s.approver.token,
      body: { content: "Please send the new account details through the HR portal." },
    });
    expect(ok.status, JSON.stringify(ok.body)).toBe(201);
    const ghost = await call(t, "POST", `/conversations/${crypto.randomUUID()}/claim`, {
      token: s.approver.token,
    });
    expect(ghost.status).toBe(404);

    // An approver escalates a held reply: the conversation is escalated and can be assigned.
    const other = await startIn();
    t.models.scripted.script({ text: "You have 12 days of leave left." });
    const held = await ask(t, s.employee.token, other, "How many days of leave do I have left?");
    expect(held.body.held, JSON.stringify(held.body)).toMatchObject({ mode: "hold" });
    const escalated = await call(t, "POST", `/approvals/${held.body.held.approvalId}/escalate`, {
      token: s.approver.token,
      body: { toUserId: s.tenant.adminId, reason: "Needs a person" },
    });
    expect(escalated.status, JSON.stringify(escalated.body)).toBe(200);
    const assigned = await call(t, "POST", `/conversations/${other}/assign`, {
      token: s.approver.token,
      body: { userId: s.second.id },
    });
    expect(assigned.status, JSON.stringify(assigned.body)).toBe(200);
    const waiting = await ask(t, s.employee.token, other, "Hello?");
    expect(waiting.status).toBe(202);
    expect(waiting.body.handedOff.assigneeId).toBe(s.second.id);
    await eventually(async () =>
      (await notes(s.second.token)).some((n) => n.type === "handoff.message" && n.entityId === other)
        ? true
        : undefined,
    );
    // Approving the escalated reply after all gives the conversation back to the assistant.
    const approved = await call(t, "POST", `/approvals/${held.body.held.approvalId}/approve`, {
      token: s.approver.token,
      body: {},
    });
    expect(approved.status, JSON.stringify(approved.body)).toBe(200);
    const back = await call(t, "GET", `/conversations/${other}`, { token: s.employee.token });
    expect(back.body).toMatchObject({ status: "active", assigneeId: null });
  });
});
