import { eq } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { agentTasks } from "../../src/db/schema/index.js";
import {
  call,
  createAgent,
  eventually,
  listen,
  seedKnowledge,
  signUp,
  sseReader,
  startConversation,
  useChatApp,
} from "./chat-helpers.js";
import type { Tenant } from "./identity-helpers.js";

const LONG_ANSWER = Array.from({ length: 30 }, (_, i) => `word${i}`).join(" ");

/** What the web application relies on: an answer that outlives its connection, and a stop button. */
describe("chat: continue on disconnect, stop", () => {
  const t = useChatApp({ CHAT_STEP_TIMEOUT_MS: "5000", CHAT_TURN_TIMEOUT_MS: "8000" });
  const db = () => t.context.container.database.db;
  let base: string;
  let tenant: Tenant;
  let agentId: string;

  beforeAll(async () => {
    base = await listen(t);
    tenant = await signUp(t);
    const seeded = await seedKnowledge(
      t,
      tenant.token,
      tenant.generalId,
      "Desk",
      "Desks are booked a day ahead.",
    );
    agentId = await createAgent(t, tenant.token, { departmentId: tenant.generalId, ragEnabled: [seeded.kb] });
  });

  const ask = (conversationId: string, body: Record<string, unknown>, signal?: AbortSignal) =>
    fetch(`${base}/conversations/${conversationId}/messages`, {
      method: "POST",
      headers: {
        authorization: `Bearer ${tenant.token}`,
        accept: "text/event-stream",
        "content-type": "application/json",
      },
      body: JSON.stringify(body),
      ...(signal ? { signal } : {}),
    });

  async function taskOf(taskId: string) {
    const [task] = await db().select().from(agentTasks).where(eq(agentTasks.id, taskId));
    return task!;
  }

  it("keeps answering after the connection closes when asked to, and the answer can be resumed", async () => {
    const conversationId = await startConversation(t, tenant.token, agentId);
    t.models.scripted.script({ text: LONG_ANSWER, delayMs: 30 });
    const controller = new AbortController();
    const reader = sseReader(
      await ask(
        conversationId,
        { text: "Tell me everything", continueOnDisconnect: true },
        controller.signal,
      ),
    );
    const first = await reader.next();
    expect(first?.event).toBe("turn-start");
    controller.abort(); // the page reloads
    const resumed = await fetch(`${base}/conversations/${conversationId}/stream`, {
      headers: { authorization: `Bearer ${tenant.token}`, "last-event-id": `${first!.data.taskId}:0` },
    });
    expect(resumed.status).toBe(200);
    const events = await sseReader(resumed).rest();
    expect(events.at(-1)?.event).toBe("done");
    expect(events.at(-1)?.data.text).toBe(LONG_ANSWER);
    expect((await taskOf(first!.data.taskId)).status).toBe("done");
  });

  it("stops a running answer on request: its stream ends with an error and the task is cancelled", async () => {
    const conversationId = await startConversation(t, tenant.token, agentId);
    t.models.scripted.script({ hang: true });
    const reader = sseReader(await ask(conversationId, { text: "Wait for it", continueOnDisconnect: true }));
    const first = await reader.next();
    expect(first?.event).toBe("turn-start");
    const stop = await call(t, "POST", `/conversations/${conversationId}/stop`, { token: tenant.token });
    expect(stop.status).toBe(200);
    expect(stop.body).toEqual({ stopped: [first!.data.taskId] });
    const rest = await reader.rest();
    expect(rest.at(-1)).toMatchObject({ event: "error", data: { message: "The answer was stopped" } });
    const task = await eventually(async () => {
      const row = await taskOf(first!.data.taskId);
      return row.status === "running" ? undefined : row;
    });
    expect(task.status).toBe("failed");
    expect(task.error).toBe("The answer was stopped");
    const again = await call(t, "POST", `/conversations/${conversationId}/stop`, { token: tenant.token });
    expect(again.body, "nothing left to stop").toEqual({ stopped: [] });
  });

  it("lets only someone who may change the conversation stop it", async () => {
    const conversationId = await startConversation(t, tenant.token, agentId);
    const stranger = await signUp(t);
    const res = await call(t, "POST", `/conversations/${conversationId}/stop`, { token: stranger.token });
    expect(res.status).toBe(404);
  });
});
