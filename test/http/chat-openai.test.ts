import { createOpenAICompatible } from "@ai-sdk/openai-compatible";
import { generateText, streamText } from "ai";
import { eq } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { conversations, messages } from "../../src/db/schema/index.js";
import {
  addMember,
  call,
  createAgent,
  createDepartment,
  listen,
  parseSse,
  seedKnowledge,
  signUp,
  useChatApp,
} from "./chat-helpers.js";
import type { Tenant } from "./identity-helpers.js";

describe("OpenAI-compatible API", () => {
  const t = useChatApp();
  const db = () => t.context.container.database.db;
  let base: string;
  let tenant: Tenant;
  let apiKey: string;
  let agentName: string;
  let documentId: string;

  beforeAll(async () => {
    base = await listen(t);
    tenant = await signUp(t);
    const seeded = await seedKnowledge(
      t,
      tenant.token,
      tenant.generalId,
      "Holidays",
      "Holiday rules. Every employee gets 27 days of paid holiday per year. Unused days expire in March.",
    );
    documentId = seeded.documentId;
    agentName = `HR helper ${Date.now().toString(36)}`;
    await createAgent(t, tenant.token, {
      name: agentName,
      departmentId: tenant.generalId,
      primaryModelProvider: "extractive",
      ragEnabled: [seeded.kb],
    });
    const key = await call(t, "POST", "/api-keys", {
      token: tenant.token,
      body: { name: "sdk", permissions: ["chat:use", "kb:read"], departmentIds: [tenant.generalId] },
    });
    expect(key.status, JSON.stringify(key.body)).toBe(201);
    apiKey = key.body.key;
  });

  const provider = () =>
    createOpenAICompatible({ name: "atrium", baseURL: `${base}/v1`, apiKey, includeUsage: true });

  it("answers the AI SDK's OpenAI-compatible client, non-streaming, on a new api conversation", async () => {
    const result = await generateText({
      model: provider().chatModel(agentName),
      // Sent as an OpenAI `system` message: instructions from the calling application.
      instructions: "Be brief.",
      messages: [
        { role: "user", content: "Hi" },
        { role: "assistant", content: "Hello! How can I help?" },
        { role: "user", content: "How many days of paid holiday do employees get?" },
      ],
    });
    expect(result.text).toMatch(/27 days/);
    expect(result.text).toMatch(/\[1\]/);
    expect(result.usage.inputTokens).toBeGreaterThan(0);
    const conversationId = result.response.headers?.["x-atrium-conversation-id"];
    expect(conversationId).toMatch(/^[0-9a-f-]{36}$/);
    const [conversation] = await db()
      .select()
      .from(conversations)
      .where(eq(conversations.id, conversationId!));
    expect(conversation).toMatchObject({ channel: "api", userId: tenant.adminId });
    // Only this request's question and answer are stored; the client's history was context.
    const stored = await db().select().from(messages).where(eq(messages.conversationId, conversation!.id));
    expect(stored.map((m) => m.role).sort()).toEqual(["assistant", "user"]);
    const answer = stored.find((m) => m.role === "assistant")!;
    expect(answer.content).toBe(result.text);
    expect(answer.sources).toEqual([expect.objectContaining({ label: 1, documentId })]);
  });

  it("streams chat.completion.chunk events ending with [DONE]", async () => {
    const result = streamText({
      model: provider().chatModel(agentName),
      prompt: "When do unused holiday days expire?",
    });
    let text = "";
    for await (const delta of result.textStream) text += delta;
    expect(text).toMatch(/March/);
    expect((await result.usage).outputTokens).toBeGreaterThan(0);

    const raw = await fetch(`${base}/v1/chat/completions`, {
      method: "POST",
      headers: { authorization: `Bearer ${apiKey}`, "content-type": "application/json" },
      body: JSON.stringify({
        model: agentName,
        stream: true,
        stream_options: { include_usage: true },
        messages: [{ role: "user", content: "How many holiday days?" }],
      }),
    });
    const conversationId = raw.headers.get("x-atrium-conversation-id");
    expect(conversationId).toMatch(/^[0-9a-f-]{36}$/);
    const events = parseSse(await raw.text());
    expect(events.at(-1)!.data).toBe("[DONE]");
    const chunks = events.slice(0, -1).map((e) => e.data);
    expect(chunks.every((c) => c.object === "chat.completion.chunk")).toBe(true);
    expect(chunks[0].choices[0].delta.role).toBe("assistant");
    expect(chunks.at(-2).choices[0].finish_reason).toBe("stop");
    expect(chunks.at(-1).usage.total_tokens).toBeGreaterThan(0);

    // The conversation continues when named.
    const again = await fetch(`${base}/v1/chat/completions`, {
      method: "POST",
      headers: {
        authorization: `Bearer ${apiKey}`,
        "content-type": "application/json",
        "x-atrium-conversation-id": conversationId!,
      },
      body: JSON.stringify({
        model: agentName,
        messages: [{ role: "user", content: "And when do they expire?" }],
      }),
    });
    expect(again.status).toBe(200);
    const stored = await db().select().from(messages).where(eq(messages.conversationId, conversationId!));
    expect(stored).toHaveLength(4);
  });

  it("lists visible agents as models and answers errors in OpenAI's shape", async () => {
    const models = await fetch(`${base}/v1/models`, { headers: { authorization: `Bearer ${apiKey}` } });
    const list = (await models.json()) as { data: { id: string }[] };
    expect(list.data.map((m) => m.id)).toContain(agentName);

    const legal = await createDepartment(t, tenant.token, "Legal");
    const secretAgent = `Legal bot ${Date.now().toString(36)}`;
    await createAgent(t, tenant.token, {
      name: secretAgent,
      departmentId: legal,
      primaryModelProvider: "extractive",
    });
    const employee = await addMember(t, tenant.token, tenant.generalId);
    const visible = await call(t, "GET", "/v1/models", { token: employee.token });
    expect(visible.body.data.map((m: { id: string }) => m.id)).not.toContain(secretAgent);

    const failure = provider();
    await expect(
      generateText({ model: failure.chatModel(secretAgent), prompt: "Hello?", maxRetries: 0 }),
    ).rejects.toThrow(/was not found/);
    const missing = await fetch(`${base}/v1/chat/completions`, {
      method: "POST",
      headers: { authorization: "Bearer atr_wrong_key", "content-type": "application/json" },
      body: JSON.stringify({ model: agentName, messages: [{ role: "user", content: "x" }] }),
    });
    expect(missing.status).toBe(401);
    const body = (await missing.json()) as { error: Record<string, unknown> };
    expect(body.error).toMatchObject({
      type: "authentication_error",
      code: "UNAUTHORIZED",
      message: expect.any(String),
    });
  });
});
