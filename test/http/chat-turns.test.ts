import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { agentRuns, agentTasks, agentToolCalls, messages, retrievalHits } from "../../src/db/schema/index.js";
import {
  addMember,
  ask,
  call,
  createAgent,
  seedKnowledge,
  signUp,
  startConversation,
  useChatApp,
} from "./chat-helpers.js";

const HANDBOOK =
  "Travel policy. Employees book trains for trips under 500 km. Flights need a director's approval.\n\n" +
  "Expenses policy. Receipts are submitted within 30 days of purchase through the expenses portal.";

describe("chat turns", () => {
  const t = useChatApp();
  const db = () => t.context.container.database.db;

  async function setup(agent: Record<string, unknown> = {}) {
    const tenant = await signUp(t);
    const { kb, documentId } = await seedKnowledge(t, tenant.token, tenant.generalId, "Handbook", HANDBOOK);
    const agentId = await createAgent(t, tenant.token, {
      departmentId: tenant.generalId,
      prompt: "You answer questions about company policy.",
      ragEnabled: [kb],
      ...agent,
    });
    const conversationId = await startConversation(t, tenant.token, agentId);
    return { tenant, kb, documentId, agentId, conversationId };
  }

  it("answers with citations that point at the retrieved passage and records the whole trace", async () => {
    const { tenant, documentId, conversationId } = await setup({ primaryModelProvider: "extractive" });
    const res = await ask(t, tenant.token, conversationId, "Within how many days are receipts submitted?");
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.message.text).toMatch(/30 days/);
    expect(res.body.message.text).toMatch(/\[\d\]/);
    expect(res.body.removedCitations).toBe(0);
    expect(res.body.citations.length).toBeGreaterThan(0);
    for (const c of res.body.citations) expect(c.documentId).toBe(documentId);
    const cited = res.body.citations.find((c: { snippet: string }) => /30 days/.test(c.snippet));
    expect(cited, "the passage with the answer is cited").toBeDefined();
    expect(res.body.message.text).toContain(`[${cited.label}]`);

    const stored = await db().select().from(messages).where(eq(messages.conversationId, conversationId));
    expect(stored.map((m) => m.role).sort()).toEqual(["assistant", "user"]);
    const answer = stored.find((m) => m.role === "assistant")!;
    expect(answer.sources).toEqual(res.body.citations);
    expect(answer.parts).toEqual(
      expect.arrayContaining([expect.objectContaining({ type: "citation", label: cited.label })]),
    );
    const conversation = await call(t, "GET", `/conversations/${conversationId}`, { token: tenant.token });
    expect(conversation.body).toMatchObject({
      messageCount: 2,
      title: "Within how many days are receipts submitted?",
    });

    const [task] = await db().select().from(agentTasks).where(eq(agentTasks.id, res.body.taskId));
    expect(task).toMatchObject({ status: "done", adapterType: "extractive" });
    expect(task!.durationMs).toBeGreaterThanOrEqual(0);
    const [run] = await db().select().from(agentRuns).where(eq(agentRuns.id, res.body.runId));
    expect(run).toMatchObject({ status: "ok", provider: "extractive", agentTaskId: res.body.taskId });
    expect(run!.traceId).toMatch(/^[0-9a-f]{32}$/);
    const hits = await db().select().from(retrievalHits).where(eq(retrievalHits.agentRunId, run!.id));
    expect(hits.length).toBeGreaterThan(0);
    expect(hits.find((h) => h.citationLabel === `[${cited.label}]`)?.snippet).toMatch(/30 days/);

    const trace = await call(t, "GET", `/runs/${res.body.runId}`, { token: tenant.token });
    expect(trace.status, JSON.stringify(trace.body)).toBe(200);
    expect(trace.body.task.id).toBe(res.body.taskId);
    // Every stage before the answer was stored is timed, in the order they started (retrieval runs
    // beside the budget check, the question's storage, history and memory).
    expect(trace.body.run.stages.map((s: { name: string }) => s.name)).toEqual([
      "load-conversation",
      "pii-screen",
      "classify-intent",
      "approval-gate",
      "prepare",
      "budget",
      "retrieval",
      "persist-user-message",
      "history",
      "memory",
      "relevance-gate",
      "prompt",
      "pii-mask",
      "model-call",
      "tool-approval",
      "check-citations",
      "pii-rehydrate",
    ]);
    const stageMs = Object.fromEntries(
      (trace.body.run.stages as { name: string; ms: number }[]).map((s) => [s.name, s.ms]),
    );
    expect(Object.values(stageMs).every((ms) => ms >= 0)).toBe(true);
    expect(stageMs.prepare).toBeGreaterThanOrEqual(Math.max(stageMs.retrieval!, stageMs.budget!));
    // Each stage says when it started after the turn and which group it ran in (the waterfall).
    const stages = trace.body.run.stages as { name: string; startMs: number; group: string | null }[];
    const at = Object.fromEntries(stages.map((s) => [s.name, s]));
    expect(stages.every((s) => s.startMs >= 0)).toBe(true);
    expect(at.retrieval).toMatchObject({ group: "prepare" });
    expect(at["load-conversation"]).toMatchObject({ group: null });
    expect(at.retrieval!.startMs).toBeGreaterThanOrEqual(at.prepare!.startMs);
    expect(at["model-call"]!.startMs).toBeGreaterThanOrEqual(at.prompt!.startMs);
    expect(trace.body.retrievalHits.map((h: { rank: number }) => h.rank)).toEqual(hits.map((_, i) => i + 1));
    const byTask = await call(t, "GET", `/runs/${res.body.taskId}`, { token: tenant.token });
    expect(byTask.body.run.id).toBe(res.body.runId);
    const runs = await call(t, "GET", `/conversations/${conversationId}/runs`, { token: tenant.token });
    expect(runs.body.items.map((r: { id: string }) => r.id)).toEqual([res.body.runId]);
  });

  it("removes and counts citation markers that name no retrieved passage", async () => {
    const { tenant, conversationId } = await setup();
    t.models.scripted.script({ text: "Trains are booked for short trips [1]. Flights are free [9]." });
    const res = await ask(t, tenant.token, conversationId, "How do I travel?");
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.removedCitations).toBe(1);
    expect(res.body.message.text).toBe("Trains are booked for short trips [1]. Flights are free.");
    expect(res.body.citations.map((c: { label: number }) => c.label)).toEqual([1]);
    // The model was shown the passages it may cite.
    expect(t.models.scripted.lastPromptText()).toContain("<passages>");
  });

  it("runs a tool loop and records each tool call", async () => {
    const { tenant, conversationId } = await setup({ toolsEnabled: ["current_datetime"] });
    const callsBefore = t.models.scripted.calls.length;
    t.models.scripted.script(
      { toolCalls: [{ name: "current_datetime", arguments: { timezone: "Europe/Paris" } }] },
      { toolCalls: [{ name: "current_datetime", arguments: { timezone: "Not/AZone" } }] },
      { text: "It is daytime in Paris." },
    );
    const res = await ask(t, tenant.token, conversationId, "What time is it in Paris?");
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.message.text).toBe("It is daytime in Paris.");
    const calls = await db()
      .select()
      .from(agentToolCalls)
      .where(eq(agentToolCalls.agentTaskId, res.body.taskId));
    expect(calls.map((c) => [c.stepName, c.stepIndex, c.status])).toEqual([
      ["current_datetime", 0, "ok"],
      ["current_datetime", 1, "error"],
    ]);
    expect(calls[0]!.outputData).toMatchObject({ timezone: "Europe/Paris" });
    expect(calls[1]!.errorMessage).toMatch(/time zone/);
    expect(calls.every((c) => c.durationMs !== null && c.completedAt !== null)).toBe(true);
    // The second model call saw the first tool's result.
    expect(t.models.scripted.calls.length - callsBefore).toBe(3);
    const trace = await call(t, "GET", `/runs/${res.body.runId}`, { token: tenant.token });
    expect(trace.body.toolCalls.map((c: { name: string }) => c.name)).toEqual([
      "current_datetime",
      "current_datetime",
    ]);
    const [answer] = await db().select().from(messages).where(eq(messages.id, res.body.message.id));
    const types = (answer!.parts as { type: string }[]).map((p) => p.type);
    expect(types).toEqual(["text", "tool-call", "tool-result", "tool-call", "tool-result"]);
  });

  it("keeps a conversation on the agent version it started with", async () => {
    const { tenant, agentId, conversationId } = await setup({ prompt: "PROMPT-OF-VERSION-ONE" });
    t.models.scripted.script({ text: "First." });
    expect((await ask(t, tenant.token, conversationId, "Hello?")).status).toBe(200);
    const changed = await call(t, "PATCH", `/agents/${agentId}`, {
      token: tenant.token,
      body: { prompt: "PROMPT-OF-VERSION-TWO" },
    });
    expect(changed.status, JSON.stringify(changed.body)).toBe(200);
    const published = await call(t, "POST", `/agents/${agentId}/publish`, { token: tenant.token, body: {} });
    expect(published.status, JSON.stringify(published.body)).toBe(200);

    t.models.scripted.script({ text: "Second." });
    expect((await ask(t, tenant.token, conversationId, "And now?")).status).toBe(200);
    const prompt = t.models.scripted.lastPromptText();
    expect(prompt).toContain("PROMPT-OF-VERSION-ONE");
    expect(prompt).not.toContain("PROMPT-OF-VERSION-TWO");
    // The history window carried the first exchange.
    expect(prompt).toContain("Hello?");
    expect(prompt).toContain("First.");

    const fresh = await startConversation(t, tenant.token, agentId);
    t.models.scripted.script({ text: "Third." });
    expect((await ask(t, tenant.token, fresh, "Hi")).status).toBe(200);
    expect(t.models.scripted.lastPromptText()).toContain("PROMPT-OF-VERSION-TWO");

    // A pinned version does not keep a disabled assistant answering.
    const disabled = await call(t, "POST", `/agents/${agentId}/disable`, { token: tenant.token });
    expect(disabled.status, JSON.stringify(disabled.body)).toBe(200);
    const refused = await ask(t, tenant.token, conversationId, "Still there?");
    expect(refused.status).toBe(412);
  });

  it("refuses over budget before calling the model or storing anything", async () => {
    const { tenant, conversationId } = await setup();
    const before = t.models.scripted.calls.length;
    t.budget.refuse = true;
    try {
      const res = await ask(t, tenant.token, conversationId, "Anything?");
      expect(res.status).toBe(429);
      expect(res.body.error.code).toBe("LIMIT_EXCEEDED");
    } finally {
      t.budget.refuse = false;
    }
    expect(t.models.scripted.calls.length).toBe(before);
    const stored = await db().select().from(messages).where(eq(messages.conversationId, conversationId));
    expect(stored).toEqual([]);
  });

  it("stores a failed answer when the model provider fails, without a 500", async () => {
    const { tenant, conversationId } = await setup();
    // Two failures: the turn retries a failed model call once.
    const failure = { status: 500, error: "upstream exploded with sk-secret-key" };
    t.models.scripted.script(failure, failure);
    const res = await ask(t, tenant.token, conversationId, "Will this work?");
    expect(res.status).toBe(503);
    expect(res.body.error.code).toBe("UNAVAILABLE");
    expect(JSON.stringify(res.body)).not.toContain("sk-secret");
    const { taskId, messageId } = res.body.error.details;
    const [task] = await db().select().from(agentTasks).where(eq(agentTasks.id, taskId));
    expect(task!.status).toBe("failed");
    const [failed] = await db().select().from(messages).where(eq(messages.id, messageId));
    expect(failed).toMatchObject({ role: "assistant", metadata: { error: "UNAVAILABLE", reason: "model" } });
    expect(failed!.content).toMatch(/failed/);
    const [run] = await db().select().from(agentRuns).where(eq(agentRuns.agentTaskId, taskId));
    expect(run!.status).toBe("error");
  });

  it("refuses closed conversations and hides traces from people who may not read them", async () => {
    const { tenant, conversationId } = await setup();
    t.models.scripted.script({ text: "Fine." });
    const res = await ask(t, tenant.token, conversationId, "Hi");
    expect(res.status).toBe(200);
    const colleague = await addMember(t, tenant.token, tenant.generalId, "employee");
    expect((await call(t, "GET", `/runs/${res.body.runId}`, { token: colleague.token })).status).toBe(404);
    expect((await ask(t, colleague.token, conversationId, "Me too")).status).toBe(404);
    const other = await signUp(t, "Other");
    expect((await call(t, "GET", `/runs/${res.body.runId}`, { token: other.token })).status).toBe(404);

    const closed = await call(t, "POST", `/conversations/${conversationId}/close`, { token: tenant.token });
    expect(closed.status, JSON.stringify(closed.body)).toBe(200);
    const refused = await ask(t, tenant.token, conversationId, "Still there?");
    expect(refused.status).toBe(412);
    expect(refused.body.error.code).toBe("PRECONDITION_FAILED");
  });
});
