import { describe, expect, it } from "vitest";
import * as s from "../../src/db/schema/index.js";
import {
  agentRunValues,
  approvalValues,
  conversationValues,
  feedbackValues,
  makeDocument,
  makeKnowledgeBase,
  messageValues,
  scheduleValues,
} from "../factories/index.js";
import { useTestApp } from "../setup/container.js";
import { addMember, call, createDepartment, signUp, type TestApp, uniq } from "./identity-helpers.js";

/** A member with a custom role holding exactly `permissions`, limited to one department. */
async function memberWithRole(t: TestApp, token: string, departmentId: string, permissions: string[]) {
  const slug = uniq("role");
  const role = await call(t, "POST", "/roles", {
    token,
    body: { name: slug, slug, permissions, departmentIds: [departmentId] },
  });
  expect(role.status, JSON.stringify(role.body)).toBe(201);
  return addMember(t, token, departmentId, slug);
}

type Row = {
  period: string | null;
  key: string | null;
  label: string | null;
  measures: Record<string, number>;
};
const at = (iso: string) => new Date(iso);

describe("analytics reports", () => {
  const t = useTestApp({ env: { AUTH_RATE_LIMIT_PER_MINUTE: "1000" } });

  /** Two departments of one organisation, and another organisation, with a small known history. */
  async function seed() {
    const db = t.context.container.database.db;
    const repos = t.context.container.repositories;
    const tenant = await signUp(t);
    const other = await signUp(t, "Other");
    const sales = await createDepartment(t, tenant.token, "Sales");
    const support = await createDepartment(t, tenant.token, "Support");
    const user = { id: tenant.adminId, orgId: tenant.orgId };
    const kb = await makeKnowledgeBase(repos, { id: sales, orgId: tenant.orgId });
    const doc = await makeDocument(repos, kb, { title: "Travel policy" });

    const conversation = async (
      org: { id: string; orgId: string },
      departmentId: string | null,
      channel: "web" | "slack",
    ) => {
      const [row] = await db
        .insert(s.conversations)
        .values(conversationValues(org, { departmentId, channel, createdAt: at("2025-03-03T09:00:00Z") }))
        .returning();
      return row!;
    };
    const message = async (
      c: { id: string; orgId: string },
      role: "user" | "assistant",
      when: string,
      sources: unknown[] = [],
    ) => {
      const [row] = await db
        .insert(s.messages)
        .values(
          messageValues(c, {
            role,
            sources,
            model: role === "assistant" ? "extractive" : null,
            createdAt: at(when),
          }),
        )
        .returning();
      return row!;
    };
    const cite = [{ documentId: doc.id, chunkId: doc.id, label: 1, title: "Travel policy" }];

    // Sales (web): 2 questions, 2 answers (one cited), on 3 and 11 March (two ISO weeks).
    const a = await conversation(user, sales, "web");
    await message(a, "user", "2025-03-03T10:00:00Z");
    const a1 = await message(a, "assistant", "2025-03-03T10:00:01Z", cite);
    await message(a, "user", "2025-03-11T10:00:00Z");
    const a2 = await message(a, "assistant", "2025-03-11T10:00:01Z");
    // Support (slack): 1 question, 1 cited answer.
    const b = await conversation(user, support, "slack");
    await message(b, "user", "2025-03-04T10:00:00Z");
    const b1 = await message(b, "assistant", "2025-03-04T10:00:01Z", cite);
    // Another organisation, same period: never counted.
    const otherUser = { id: other.adminId, orgId: other.orgId };
    const x = await conversation(otherUser, other.generalId, "web");
    const x1 = await message(x, "assistant", "2025-03-03T10:00:01Z", cite);

    await db
      .insert(s.feedback)
      .values([
        feedbackValues(a1, tenant.adminId, { rating: 1, createdAt: at("2025-03-03T11:00:00Z") }),
        feedbackValues(a2, tenant.adminId, { rating: -1, createdAt: at("2025-03-11T11:00:00Z") }),
        feedbackValues(b1, tenant.adminId, { rating: 1, createdAt: at("2025-03-04T11:00:00Z") }),
        feedbackValues(x1, other.adminId, { rating: -1, createdAt: at("2025-03-03T11:00:00Z") }),
      ]);

    const intent = (name: string) => ({ intent: { name, confidence: 0.9 } });
    await db.insert(s.agentRuns).values([
      // Autonomy: two refund turns in Sales (one held: a1 has an approval), one in Support (held).
      agentRunValues(tenant.orgId, {
        departmentId: sales,
        messageId: a1.id,
        metadata: intent("refund"),
        costUsd: 0,
        createdAt: at("2025-03-20T10:00:00Z"),
      }),
      agentRunValues(tenant.orgId, {
        departmentId: sales,
        messageId: null,
        metadata: intent("refund"),
        costUsd: 0,
        createdAt: at("2025-03-20T10:00:00Z"),
      }),
      agentRunValues(tenant.orgId, {
        departmentId: support,
        messageId: b1.id,
        metadata: intent("refund"),
        costUsd: 0,
        createdAt: at("2025-03-20T10:00:00Z"),
      }),
    ]);
    const offTopic = { relevance: { decision: "off-topic", score: 0.1 } };
    const answered = { relevance: { decision: "answer", score: 0.9 } };
    await db.insert(s.agentRuns).values([
      agentRunValues(tenant.orgId, {
        departmentId: sales,
        conversationId: a.id,
        metadata: answered,
        totalTokens: 100,
        costUsd: 0.5,
        createdAt: at("2025-03-03T10:00:01Z"),
      }),
      agentRunValues(tenant.orgId, {
        departmentId: sales,
        conversationId: a.id,
        metadata: offTopic,
        totalTokens: 50,
        costUsd: 0.25,
        createdAt: at("2025-03-11T10:00:01Z"),
      }),
      agentRunValues(tenant.orgId, {
        departmentId: support,
        conversationId: b.id,
        metadata: offTopic,
        totalTokens: 10,
        costUsd: 1,
        createdAt: at("2025-03-04T10:00:01Z"),
      }),
      agentRunValues(tenant.orgId, {
        departmentId: sales,
        conversationId: a.id,
        metadata: {},
        totalTokens: 7,
        costUsd: 0,
        createdAt: at("2025-03-05T10:00:01Z"),
      }),
      agentRunValues(other.orgId, {
        departmentId: other.generalId,
        metadata: offTopic,
        costUsd: 9,
        createdAt: at("2025-03-03T10:00:01Z"),
      }),
    ]);

    await db.insert(s.approvals).values([
      approvalValues(a1, {
        departmentId: sales,
        intentName: "refund",
        status: "approved",
        createdAt: at("2025-03-03T10:00:00Z"),
        decidedAt: at("2025-03-03T10:01:00Z"),
      }),
      approvalValues(a2, {
        departmentId: sales,
        intentName: "refund",
        status: "rejected",
        createdAt: at("2025-03-11T10:00:00Z"),
        decidedAt: at("2025-03-11T10:03:00Z"),
      }),
      approvalValues(a2, {
        departmentId: sales,
        intentName: "travel",
        status: "pending",
        createdAt: at("2025-03-12T10:00:00Z"),
      }),
      approvalValues(b1, {
        departmentId: support,
        intentName: "refund",
        status: "edited",
        createdAt: at("2025-03-04T10:00:00Z"),
        decidedAt: at("2025-03-04T11:00:00Z"),
      }),
    ]);

    const [salesSchedule] = await db
      .insert(s.schedules)
      .values(scheduleValues(tenant.orgId, { departmentId: sales }))
      .returning();
    const [supportSchedule] = await db
      .insert(s.schedules)
      .values(scheduleValues(tenant.orgId, { departmentId: support }))
      .returning();
    const run = (scheduleId: string, status: "done" | "failed", when: string) => ({
      orgId: tenant.orgId,
      scheduleId,
      occurrenceAt: at(when),
      status,
      createdAt: at(when),
    });
    await db
      .insert(s.scheduleRuns)
      .values([
        run(salesSchedule!.id, "done", "2025-03-03T09:00:00Z"),
        run(salesSchedule!.id, "failed", "2025-03-10T09:00:00Z"),
        run(supportSchedule!.id, "failed", "2025-03-10T09:00:00Z"),
      ]);

    const salesAnalyst = await memberWithRole(t, tenant.token, sales, ["analytics:read"]);
    const salesClerk = await addMember(t, tenant.token, sales, "employee");
    return { tenant, sales, support, doc, salesAnalyst, salesClerk };
  }

  const period = "from=2025-03-01&to=2025-03-31";
  const get = async (token: string, report: string, query: string) => {
    const res = await call(t, "GET", `/analytics/${report}?${period}&${query}`, { token });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    return res.body.rows as Row[];
  };
  const byKey = (rows: Row[]) => Object.fromEntries(rows.map((r) => [r.label ?? r.key ?? "-", r.measures]));

  it("gives the right figures per department, week, channel and intent, and only the caller's departments", async () => {
    const w = await seed();
    const admin = w.tenant.token;

    expect(byKey(await get(admin, "activity", "groupBy=department&interval=total"))).toEqual({
      Sales: { conversations: 1, messages: 4, questions: 2, answers: 2 },
      Support: { conversations: 1, messages: 2, questions: 1, answers: 1 },
    });
    const weekly = await get(admin, "activity", "interval=week");
    expect(weekly.map((r) => [r.period, r.measures.messages])).toEqual([
      ["2025-03-03", 4],
      ["2025-03-10", 2],
    ]);
    expect(byKey(await get(admin, "activity", "groupBy=channel&interval=total"))).toMatchObject({
      web: { messages: 4 },
      slack: { messages: 2 },
    });

    expect(byKey(await get(admin, "citations", "interval=total"))).toEqual({
      "-": { answers: 3, cited: 2, coverage: 0.6667 },
    });
    expect(byKey(await get(admin, "feedback", "groupBy=department&interval=total"))).toEqual({
      Sales: { ratings: 2, positive: 1, negative: 1, positiveShare: 0.5 },
      Support: { ratings: 1, positive: 1, negative: 0, positiveShare: 1 },
    });
    expect(byKey(await get(admin, "unanswered", "groupBy=department&interval=total"))).toEqual({
      Sales: { turns: 5, judged: 2, unanswered: 1, unansweredShare: 0.5 },
      Support: { turns: 2, judged: 1, unanswered: 1, unansweredShare: 1 },
    });
    expect(byKey(await get(admin, "autonomy", "groupBy=intent&interval=total"))).toEqual({
      refund: { turns: 3, held: 2, autonomous: 1, autonomyShare: 0.3333 },
    });
    expect(byKey(await get(admin, "tokens", "groupBy=department&interval=total"))).toEqual({
      Sales: { runs: 5, promptTokens: 50, completionTokens: 25, totalTokens: 187, costUsd: 0.75 },
      Support: { runs: 2, promptTokens: 20, completionTokens: 10, totalTokens: 25, costUsd: 1 },
    });
    expect(await get(admin, "documents", "interval=total")).toEqual([
      { period: null, key: w.doc.id, label: "Travel policy", measures: { citations: 2, answers: 2 } },
    ]);
    expect(byKey(await get(admin, "approvals", "groupBy=intent&interval=total"))).toEqual({
      refund: {
        held: 3,
        decided: 3,
        approved: 2,
        rejected: 1,
        approvalRate: 0.6667,
        avgDecisionSeconds: 1280,
      },
      travel: { held: 1, decided: 0, approved: 0, rejected: 0, approvalRate: 0, avgDecisionSeconds: 0 },
    });
    expect(byKey(await get(admin, "schedules", "groupBy=department&interval=total"))).toEqual({
      Sales: { runs: 2, done: 1, failed: 1, skipped: 0 },
      Support: { runs: 1, done: 0, failed: 1, skipped: 0 },
    });

    // A Sales-only analyst sees Sales figures and nothing of Support, whatever the grouping.
    const analyst = w.salesAnalyst.token;
    for (const report of [
      "activity",
      "tokens",
      "feedback",
      "citations",
      "unanswered",
      "approvals",
      "autonomy",
      "schedules",
    ]) {
      const rows = await get(analyst, report, "groupBy=department&interval=total");
      expect(
        rows.map((r) => r.key),
        report,
      ).toEqual([w.sales]);
    }
    expect(byKey(await get(analyst, "citations", "interval=total"))).toEqual({
      "-": { answers: 2, cited: 1, coverage: 0.5 },
    });
    expect(byKey(await get(analyst, "approvals", "groupBy=intent&interval=total"))).toMatchObject({
      refund: { held: 2, approved: 1, rejected: 1, approvalRate: 0.5, avgDecisionSeconds: 120 },
    });
    expect(byKey(await get(analyst, "autonomy", "groupBy=intent&interval=total"))).toEqual({
      refund: { turns: 2, held: 1, autonomous: 1, autonomyShare: 0.5 },
    });
    expect((await get(analyst, "documents", "interval=total"))[0]!.measures).toEqual({
      citations: 1,
      answers: 1,
    });

    // Without analytics:read: 403.
    const refused = await call(t, "GET", `/analytics/activity?${period}`, { token: w.salesClerk.token });
    expect(refused.status).toBe(403);
    // A grouping the report has no column for: 400, not 500.
    const bad = await call(t, "GET", `/analytics/schedules?${period}&groupBy=model`, { token: admin });
    expect(bad.status).toBe(400);
    expect(bad.body.error.code).toBe("VALIDATION");
  });

  it("exports every report as CSV, by ?format=csv or Accept: text/csv", async () => {
    const w = await seed();
    const csv = await t.app.inject({
      method: "GET",
      url: `/analytics/feedback?${period}&groupBy=department&interval=total&format=csv`,
      headers: { authorization: `Bearer ${w.tenant.token}` },
    });
    expect(csv.statusCode).toBe(200);
    expect(csv.headers["content-type"]).toMatch(/^text\/csv/);
    expect(csv.body).toBe(
      `period,key,label,ratings,positive,negative,positiveShare\r\n,${w.sales},Sales,2,1,1,0.5\r\n,${w.support},Support,1,1,0,1\r\n`,
    );
    const accepted = await t.app.inject({
      method: "GET",
      url: `/analytics/schedules?${period}&interval=week`,
      headers: { authorization: `Bearer ${w.tenant.token}`, accept: "text/csv" },
    });
    expect(accepted.headers["content-type"]).toMatch(/^text\/csv/);
    expect(accepted.body.split("\r\n")).toEqual([
      "period,key,label,runs,done,failed,skipped",
      "2025-03-03,,,1,1,0,0",
      "2025-03-10,,,2,0,2,0",
      "",
    ]);
  });
});
