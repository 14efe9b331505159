import { readFileSync } from "node:fs";
import { sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import {
  addMember,
  ask,
  call,
  createAgent,
  createDepartment,
  signUp,
  useChatApp,
} from "../http/chat-helpers.js";
import { uniq } from "../http/identity-helpers.js";

const trainCsv = readFileSync(new URL("../fixtures/intents-mini/train.csv", import.meta.url), "utf8");

const EMAIL = "quentin.secret@home-mail.example";
const PHONE = "+34 612 345 678";
const DRAFT = "Dear <EMAIL_1>, you have 12 days of leave left this year.";

/**
 * Held drafts are read whole only by approvers of their department (ADR 0007, ADR 0008): an approver
 * of another department learns nothing about them, and someone who sees an approval only because it
 * was escalated to them by name reads placeholders. Nothing of it is stored in plaintext.
 */
describe("who reads a held draft whole", () => {
  const t = useChatApp();
  const db = () => t.context.container.database.db;

  it("an approver of another department sees nothing; a named escalation target sees placeholders", async () => {
    const tenant = await signUp(t);
    const ns = await call(t, "POST", "/namespaces", {
      token: tenant.token,
      body: { departmentId: tenant.generalId, name: "HR desk", slug: uniq("hr") },
    });
    expect(ns.status, JSON.stringify(ns.body)).toBe(201);
    await call(t, "POST", `/namespaces/${ns.body.id}/intent-examples/import`, {
      token: tenant.token,
      body: { csv: trainCsv },
    });
    const agentId = await createAgent(t, tenant.token, { departmentId: tenant.generalId, prompt: "HR" });
    const employee = await addMember(t, tenant.token, tenant.generalId, "employee", "Emma Employee");
    const approver = await addMember(t, tenant.token, tenant.generalId, "approver", "Arno Approver");
    const finance = await createDepartment(t, tenant.token, "Finance");
    const outsider = await addMember(t, tenant.token, finance, "approver", "Otto Outsider");
    const created = await call(t, "POST", "/conversations", {
      token: employee.token,
      body: { agentId, namespaceId: ns.body.id },
    });
    const conversationId = created.body.id as string;
    t.models.scripted.script({ text: DRAFT });
    const held = await ask(
      t,
      employee.token,
      conversationId,
      `How many days of leave do I have left? Mail ${EMAIL} or call ${PHONE}`,
    );
    expect(held.status, JSON.stringify(held.body)).toBe(200);
    const approvalId = held.body.held.approvalId as string;

    // The department's approver reads it whole (so the test can fail).
    const own = await call(t, "GET", `/approvals/${approvalId}`, { token: approver.token });
    expect(own.body.draft).toContain(EMAIL);

    // Another department's approver: no approval, no inbox entry, no notification, no conversation.
    expect((await call(t, "GET", `/approvals/${approvalId}`, { token: outsider.token })).status).toBe(404);
    const inbox = await call(t, "GET", "/approvals", { token: outsider.token });
    expect(inbox.status).toBe(200);
    expect(inbox.body.items).toEqual([]);
    expect((await call(t, "GET", "/notifications", { token: outsider.token })).body.items).toEqual([]);
    const stream = await t.app.inject({
      method: "GET",
      url: `/conversations/${conversationId}/stream?follow=true`,
      headers: { authorization: `Bearer ${outsider.token}` },
    });
    expect(stream.statusCode).toBe(404);
    expect(stream.body).not.toContain(EMAIL);
    const messages = await call(t, "GET", `/conversations/${conversationId}/messages`, {
      token: outsider.token,
    });
    expect(messages.status).toBe(404);

    // Escalated to the outsider by name, with a reason that names the requester's address.
    const escalated = await call(t, "POST", `/approvals/${approvalId}/escalate`, {
      token: approver.token,
      body: { toUserId: outsider.id, reason: `Finance must confirm; the employee is ${EMAIL}` },
    });
    expect(escalated.status, JSON.stringify(escalated.body)).toBe(200);
    expect(escalated.body.escalationReason).toContain(EMAIL);
    const named = await call(t, "GET", `/approvals/${approvalId}`, { token: outsider.token });
    expect(named.status).toBe(200);
    expect(named.body.draft).toBe(DRAFT);
    expect(named.body.escalationReason).toBe("Finance must confirm; the employee is <EMAIL_1>");
    const namedInbox = await call(t, "GET", "/approvals", { token: outsider.token });
    expect(JSON.stringify(namedInbox.body)).not.toContain(EMAIL);
    const told = await call(t, "GET", "/notifications", { token: outsider.token });
    expect(told.body.items.map((n: { type: string }) => n.type)).toEqual(["approval.escalated"]);
    expect(JSON.stringify(told.body)).not.toContain(EMAIL);
    expect(JSON.stringify(told.body)).toContain("<EMAIL_1>");
    // The department's approver still reads the reason whole.
    expect(
      (await call(t, "GET", `/approvals/${approvalId}`, { token: approver.token })).body.escalationReason,
    ).toContain(EMAIL);

    // At rest: approvals, notifications and the audit log hold placeholders only.
    for (const table of ["approvals", "notifications", "audit_logs"]) {
      const { rows } = (await db().execute(
        sql.raw(
          `SELECT count(*)::int AS n FROM "${table}" WHERE row_to_json("${table}")::text ILIKE '%${EMAIL}%'`,
        ),
      )) as unknown as { rows: { n: number }[] };
      expect(rows[0]!.n, table).toBe(0);
    }
  });
});
