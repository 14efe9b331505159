import { eq } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { agentRuns, agentTasks, messages } from "../../src/db/schema/index.js";
import {
  askStreaming,
  call,
  createAgent,
  eventually,
  listen,
  parseSse,
  seedKnowledge,
  signUp,
  sseReader,
  startConversation,
  useChatApp,
} from "./chat-helpers.js";
import type { Tenant } from "./identity-helpers.js";

const LONG_ANSWER = Array.from({ length: 40 }, (_, i) => `word${i}`).join(" ");

describe("chat streaming", () => {
  const t = useChatApp({ CHAT_STEP_TIMEOUT_MS: "2000", CHAT_TURN_TIMEOUT_MS: "4000" });
  const db = () => t.context.container.database.db;
  let base: string;
  let tenant: Tenant;
  let agentId: string;
  let documentId: string;

  beforeAll(async () => {
    base = await listen(t);
    tenant = await signUp(t);
    const seeded = await seedKnowledge(
      t,
      tenant.token,
      tenant.generalId,
      "Parking",
      "Parking rules. Visitors park on level two of the garage. Staff park on level three.",
    );
    documentId = seeded.documentId;
    agentId = await createAgent(t, tenant.token, { departmentId: tenant.generalId, ragEnabled: [seeded.kb] });
  });

  function post(conversationId: string, text: string, init: RequestInit = {}) {
    return askStreaming(base, tenant.token, conversationId, text, init);
  }

  async function taskOf(taskId: string) {
    const [task] = await db().select().from(agentTasks).where(eq(agentTasks.id, taskId));
    return task!;
  }

  it("streams tokens, citations and the final answer as numbered Server-Sent Events", async () => {
    const conversationId = await startConversation(t, tenant.token, agentId);
    t.models.scripted.script({ citeFirstPassage: true });
    const response = await post(conversationId, "Where do visitors park?");
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toMatch(/^text\/event-stream/);
    const events = parseSse(await response.text());
    const types = events.map((e) => e.event);
    expect(types[0]).toBe("turn-start");
    expect(types.at(-1)).toBe("done");
    expect(types.filter((x) => x === "token").length).toBeGreaterThan(1);
    expect(types).toContain("citations");
    const taskId = events[0]!.data.taskId;
    expect(events.map((e) => e.id)).toEqual(events.map((_, i) => `${taskId}:${i + 1}`));
    const done = events.at(-1)!.data;
    const streamed = events
      .filter((e) => e.event === "token")
      .map((e) => e.data.text)
      .join("");
    expect(done.text).toBe(streamed.trim());
    expect(done.text).toMatch(/Parking rules\. \[1\]$/);
    expect(done.citations).toEqual([expect.objectContaining({ label: 1, documentId })]);
    expect(done.usage.costUsd).toBeGreaterThan(0);
    expect((await taskOf(taskId)).status).toBe("done");
  });

  it("answers refusals before the turn starts as plain JSON errors", async () => {
    const conversationId = await startConversation(t, tenant.token, agentId);
    await call(t, "POST", `/conversations/${conversationId}/close`, { token: tenant.token });
    const response = await post(conversationId, "Anyone?");
    expect(response.status).toBe(412);
    expect(response.headers.get("content-type")).toMatch(/application\/json/);
    expect(((await response.json()) as { error: { code: string } }).error.code).toBe("PRECONDITION_FAILED");
  });

  it("ends a turn that runs out of time with status timeout, an error event and a stored message", async () => {
    const conversationId = await startConversation(t, tenant.token, agentId);
    t.models.scripted.script({ hang: true });
    const started = Date.now();
    const events = parseSse(await (await post(conversationId, "Will you answer?")).text());
    expect(Date.now() - started).toBeLessThan(3900);
    expect(events.map((e) => e.event)).toEqual(["turn-start", "error"]);
    const error = events[1]!.data;
    expect(error).toMatchObject({ code: "UNAVAILABLE", taskId: events[0]!.data.taskId });
    expect(error.message).toMatch(/took longer than 2 s/);
    expect((await taskOf(error.taskId)).status).toBe("timeout");
    const [stored] = await db().select().from(messages).where(eq(messages.id, error.messageId));
    expect(stored).toMatchObject({
      role: "assistant",
      metadata: { error: "UNAVAILABLE", reason: "timeout" },
    });
    const [run] = await db().select().from(agentRuns).where(eq(agentRuns.agentTaskId, error.taskId));
    expect(run!.status).toBe("timeout");
  });

  it("stops the model when the client disconnects", async () => {
    const conversationId = await startConversation(t, tenant.token, agentId);
    t.models.scripted.script({ hang: true });
    const controller = new AbortController();
    const response = await post(conversationId, "Are you there?", { signal: controller.signal });
    const reader = sseReader(response);
    const first = await reader.next();
    expect(first?.event).toBe("turn-start");
    const started = Date.now();
    controller.abort();
    const task = await eventually(async () => {
      const row = await taskOf(first!.data.taskId);
      return row.status === "queued" || row.status === "running" ? undefined : row;
    });
    expect(Date.now() - started, "well before the 2 s step timeout").toBeLessThan(1500);
    expect(task.status).toBe("failed");
    expect(task.error).toMatch(/cancelled/);
    const [stored] = await db()
      .select()
      .from(messages)
      .where(eq(messages.id, (task.output as { messageId: string }).messageId));
    expect(stored!.metadata).toMatchObject({ reason: "cancelled" });
  });

  it("resumes a running answer from Last-Event-ID", async () => {
    const conversationId = await startConversation(t, tenant.token, agentId);
    const nothing = await fetch(`${base}/conversations/${conversationId}/stream`, {
      headers: { authorization: `Bearer ${tenant.token}` },
    });
    expect(nothing.status, "nothing to resume yet").toBe(204);
    t.models.scripted.script({ text: LONG_ANSWER, delayMs: 40 });
    const original = sseReader(await post(conversationId, "Tell me a long story"));
    const head = [await original.next(), await original.next(), await original.next()];
    const taskId = head[0]!.data.taskId;
    expect(head.map((e) => e?.id)).toEqual([`${taskId}:1`, `${taskId}:2`, `${taskId}:3`]);

    const resumed = await fetch(`${base}/conversations/${conversationId}/stream`, {
      headers: { authorization: `Bearer ${tenant.token}`, "last-event-id": `${taskId}:3` },
    });
    expect(resumed.status).toBe(200);
    const [tail, rest] = await Promise.all([sseReader(resumed).rest(), original.rest()]);
    expect(tail.length).toBeGreaterThan(3);
    expect(tail).toEqual(rest);
    expect(tail.at(-1)!.event).toBe("done");
    expect(tail.at(-1)!.data.text).toBe(LONG_ANSWER);

    // Just after the end, the whole turn can still be replayed.
    const replay = await fetch(`${base}/conversations/${conversationId}/stream?lastEventId=0`, {
      headers: { authorization: `Bearer ${tenant.token}` },
    });
    const all = parseSse(await replay.text());
    expect(all.map((e) => e.id)).toEqual([...head, ...rest].map((e) => e!.id));
  });
});
