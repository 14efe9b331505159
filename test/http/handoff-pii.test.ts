import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { messages, notifications } from "../../src/db/schema/index.js";
import {
  addMember,
  ask,
  call,
  createAgent,
  createDepartment,
  listen,
  signUp,
  sseReader,
  useChatApp,
} from "./chat-helpers.js";

const EMAIL = "emma.home@private-mail.example";
const PHONE = "+34 612 345 678";
const IBAN = "GB29 NWBK 6016 1331 9268 19";

/**
 * What people write during a handoff (ADR 0012) is stored masked like every message (ADR 0007): the
 * requester's messages, the colleague's replies and the reason for asking; those who may read the
 * conversation read it whole, live and in the list.
 */
describe("handoff messages are masked at rest", () => {
  const t = useChatApp();
  const db = () => t.context.container.database.db;

  it("stores the requester's and the colleague's messages with placeholders and shows them whole", async () => {
    const tenant = await signUp(t);
    const agentId = await createAgent(t, tenant.token, { departmentId: tenant.generalId, prompt: "HR" });
    const employee = await addMember(t, tenant.token, tenant.generalId, "employee", "Emma Employee");
    const handler = await addMember(t, tenant.token, tenant.generalId, "approver", "Arno Approver");
    const finance = await createDepartment(t, tenant.token, "Finance");
    const outsider = await addMember(t, tenant.token, finance, "approver", "Otto Outsider");
    const created = await call(t, "POST", "/conversations", { token: employee.token, body: { agentId } });
    const id = created.body.id as string;
    t.models.scripted.script({ text: "Hello." });
    expect((await ask(t, employee.token, id, "Hi")).status).toBe(200);

    const handoff = await call(t, "POST", `/conversations/${id}/handoff`, {
      token: employee.token,
      body: { reason: `Please call me on ${PHONE}` },
    });
    expect(handoff.status, JSON.stringify(handoff.body)).toBe(200);
    expect((await call(t, "POST", `/conversations/${id}/claim`, { token: handler.token })).status).toBe(200);
    const waiting = await ask(t, employee.token, id, `My salary should go to ${IBAN}, mail ${EMAIL}`);
    expect(waiting.status, JSON.stringify(waiting.body)).toBe(202);

    // The requester follows the conversation; the colleague's reply arrives whole.
    const base = await listen(t);
    const response = await fetch(`${base}/conversations/${id}/stream?follow=true`, {
      headers: { authorization: `Bearer ${employee.token}`, accept: "text/event-stream" },
    });
    expect(response.status).toBe(200);
    const follower = sseReader(response);
    try {
      const replyText = `Done: salary to ${IBAN}; I sent the form to ${EMAIL}.`;
      const replied = await call(t, "POST", `/conversations/${id}/replies`, {
        token: handler.token,
        body: { content: replyText },
      });
      expect(replied.status, JSON.stringify(replied.body)).toBe(201);
      expect(replied.body.content).toBe(replyText);
      const events: { event?: string; data: Record<string, unknown> }[] = [];
      for (let e = await follower.next(); e; e = await follower.next()) {
        events.push(e as (typeof events)[number]);
        if (e.event === "done" && e.data && (e.data as { messageId?: string }).messageId === replied.body.id)
          break;
      }
      expect(events.map((e) => e.event).slice(-2)).toEqual(["human-reply", "done"]);
      expect(events.at(-1)!.data.text).toBe(replyText);

      // At rest: placeholders only, in the messages of the handoff and the notification of the reason.
      const stored = await db().select().from(messages).where(eq(messages.conversationId, id));
      const handedOff = stored.filter((m) => (m.metadata as { handoff?: boolean }).handoff);
      expect(handedOff.map((m) => m.role).sort()).toEqual(["assistant", "user"]);
      for (const m of handedOff) {
        const raw = JSON.stringify(m);
        for (const value of [EMAIL, IBAN, IBAN.replace(/ /g, ""), PHONE]) expect(raw).not.toContain(value);
        expect(m.content).toMatch(/<IBAN_1>/);
      }
      const told = await db().select().from(notifications).where(eq(notifications.entityId, id));
      expect(told.length).toBeGreaterThan(0);
      for (const n of told) expect(n.body ?? "").not.toContain(PHONE);

      // Readers see them whole: the requester, the colleague (the list and the notification).
      for (const token of [employee.token, handler.token]) {
        const list = await call(t, "GET", `/conversations/${id}/messages`, { token });
        const texts = list.body.items.map((m: { content: string }) => m.content);
        expect(texts).toContain(replyText);
        expect(texts).toContain(`My salary should go to ${IBAN}, mail ${EMAIL}`);
      }
      const handlerNotes = (await call(t, "GET", "/notifications", { token: handler.token })).body.items;
      const request = handlerNotes.find((n: { type: string }) => n.type === "handoff.requested");
      expect(request.body).toBe(`Please call me on ${PHONE}`);
      // Someone of another department reads neither the conversation nor its notifications.
      expect((await call(t, "GET", `/conversations/${id}/messages`, { token: outsider.token })).status).toBe(
        404,
      );
      expect((await call(t, "GET", "/notifications", { token: outsider.token })).body.items).toEqual([]);
    } finally {
      await follower.cancel();
    }
  });
});
