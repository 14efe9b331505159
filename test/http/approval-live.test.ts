import { readFileSync } from "node:fs";
import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { approvals, messages, notifications } from "../../src/db/schema/index.js";
import { addMember, ask, call, createAgent, listen, signUp, sseReader, useChatApp } from "./chat-helpers.js";
import { uniq } from "./identity-helpers.js";

const trainCsv = readFileSync(new URL("../fixtures/intents-mini/train.csv", import.meta.url), "utf8");

const EMAIL = "emma.private@home-mail.example";
const LEAVE = `How many days of leave do I have left? Write to me at ${EMAIL}`;
/** The model only ever sees the placeholder; the draft it writes repeats it. */
const DRAFT = "Dear <EMAIL_1>, you have 12 days of leave left this year.";
const SHOWN = `Dear ${EMAIL}, you have 12 days of leave left this year.`;

type Followed = ReturnType<typeof sseReader>;

/** Events of a follower up to and including the next `done`. */
async function untilDone(reader: Followed) {
  const events: { event?: string; data: Record<string, unknown> }[] = [];
  for (;;) {
    const next = await reader.next();
    if (!next) throw new Error(`the stream ended after ${JSON.stringify(events)}`);
    events.push(next as (typeof events)[number]);
    if (next.event === "done" || next.event === "error") return events;
  }
}

describe("decided replies reach a connected stream live (GET /conversations/{id}/stream?follow=true)", () => {
  const t = useChatApp();
  const db = () => t.context.container.database.db;

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
    const base = await listen(t);
    /** A conversation, a follower connected to its stream before anything is asked, and a held reply. */
    const heldWithFollower = async () => {
      const created = await call(t, "POST", "/conversations", {
        token: employee.token,
        body: { agentId, namespaceId: ns.body.id },
      });
      expect(created.status, JSON.stringify(created.body)).toBe(201);
      const conversationId = created.body.id as string;
      const response = await fetch(`${base}/conversations/${conversationId}/stream?follow=true`, {
        headers: { authorization: `Bearer ${employee.token}`, accept: "text/event-stream" },
      });
      expect(response.status).toBe(200);
      const follower = sseReader(response);
      t.models.scripted.script({ text: DRAFT });
      const res = await ask(t, employee.token, conversationId, LEAVE);
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      expect(res.body.held).toMatchObject({ mode: "hold" });
      // The held turn reaches the follower: the waiting state, never the draft.
      const heldTurn = await untilDone(follower);
      expect(heldTurn.map((e) => e.event)).toEqual(["turn-start", "held", "done"]);
      expect(JSON.stringify(heldTurn)).not.toContain("12 days");
      return { conversationId, follower, approvalId: res.body.held.approvalId as string, res };
    };
    return { tenant, agentId, employee, approver, heldWithFollower };
  }

  it("delivers an approved reply, whole, to the stream that stayed open", async () => {
    const s = await setup();
    const { follower, approvalId, res } = await s.heldWithFollower();
    try {
      // The approver reads the draft whole (ADR 0007): real values, not placeholders.
      const shown = await call(t, "GET", `/approvals/${approvalId}`, { token: s.approver.token });
      expect(shown.status).toBe(200);
      expect(shown.body.draft).toBe(SHOWN);
      const inbox = await call(t, "GET", "/approvals?status=pending", { token: s.approver.token });
      expect(inbox.body.items[0]).toMatchObject({ id: approvalId, draft: SHOWN });
      const told = (await call(t, "GET", "/notifications", { token: s.approver.token })).body.items;
      const request = told.find((n: { type: string }) => n.type === "approval.requested");
      expect(request.body).toContain(`Draft: Dear ${EMAIL}`);

      const approved = await call(t, "POST", `/approvals/${approvalId}/approve`, {
        token: s.approver.token,
        body: {},
      });
      expect(approved.status, JSON.stringify(approved.body)).toBe(200);
      expect(approved.body.draft).toBe(SHOWN);
      const decided = await untilDone(follower);
      expect(decided.map((e) => e.event)).toEqual(["decided", "done"]);
      expect(decided[0]!.data).toMatchObject({
        approvalId,
        decision: "approved",
        messageId: res.body.message.id,
      });
      expect(decided[1]!.data).toMatchObject({ text: SHOWN, messageId: res.body.message.id });

      // At rest the draft, the notification and the reply keep the placeholder.
      const [stored] = await db().select().from(messages).where(eq(messages.id, res.body.message.id));
      expect(stored!.content).toBe(DRAFT);
      const bodies = await db().select().from(notifications).where(eq(notifications.entityId, approvalId));
      expect(bodies.length).toBeGreaterThan(0);
      for (const row of bodies) expect(row.body ?? "").not.toContain(EMAIL);
    } finally {
      await follower.cancel();
    }
  });

  it("delivers a rejection notice and an edited reply live; the edit is stored masked", async () => {
    const s = await setup();
    const rejected = await s.heldWithFollower();
    try {
      const no = await call(t, "POST", `/approvals/${rejected.approvalId}/reject`, {
        token: s.approver.token,
        body: { notes: `Asked HR to phone ${EMAIL}` },
      });
      expect(no.status, JSON.stringify(no.body)).toBe(200);
      expect(no.body.notes).toBe(`Asked HR to phone ${EMAIL}`);
      const events = await untilDone(rejected.follower);
      expect(events.map((e) => e.event)).toEqual(["decided", "done"]);
      expect(events[0]!.data).toMatchObject({ decision: "rejected" });
      expect(String(events[1]!.data.text)).toMatch(/not able to answer/);
    } finally {
      await rejected.follower.cancel();
    }

    const edited = await s.heldWithFollower();
    try {
      const text = `Dear ${EMAIL}, you have 10 days left (2 are booked).`;
      const edit = await call(t, "POST", `/approvals/${edited.approvalId}/edit`, {
        token: s.approver.token,
        body: { text },
      });
      expect(edit.status, JSON.stringify(edit.body)).toBe(200);
      expect(edit.body.editedText).toBe(text);
      const events = await untilDone(edited.follower);
      expect(events.map((e) => e.event)).toEqual(["decided", "done"]);
      expect(events[0]!.data).toMatchObject({ decision: "edited" });
      expect(events[1]!.data.text).toBe(text);
      const [row] = await db().select().from(approvals).where(eq(approvals.id, edited.approvalId));
      expect(row!.editedContent).toBe("Dear <EMAIL_1>, you have 10 days left (2 are booked).");
      const [delivered] = await db().select().from(messages).where(eq(messages.id, row!.deliveredMessageId!));
      expect(delivered!.content).not.toContain(EMAIL);
      // The requester reads it whole in the conversation.
      const listed = await call(t, "GET", `/conversations/${edited.conversationId}/messages`, {
        token: s.employee.token,
      });
      expect(listed.body.items.map((m: { content: string }) => m.content)).toContain(text);
    } finally {
      await edited.follower.cancel();
    }
  });

  it("without follow the stream still ends with its turn (204 when none is kept)", async () => {
    const s = await setup();
    const created = await call(t, "POST", "/conversations", {
      token: s.employee.token,
      body: { agentId: s.agentId },
    });
    const stream = await t.app.inject({
      method: "GET",
      url: `/conversations/${created.body.id}/stream`,
      headers: { authorization: `Bearer ${s.employee.token}` },
    });
    expect(stream.statusCode).toBe(204);
    const bad = await t.app.inject({
      method: "GET",
      url: `/conversations/${created.body.id}/stream?follow=yes`,
      headers: { authorization: `Bearer ${s.employee.token}` },
    });
    expect(bad.statusCode).toBe(400);
  });
});
