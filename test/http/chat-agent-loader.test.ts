import { describe, expect, it } from "vitest";
import { contextFor } from "./assistants-helpers.js";
import { ask, call, createAgent, signUp, startConversation, useChatApp } from "./chat-helpers.js";

/**
 * The one agent loader (`src/services/assistants/agent-loader.ts`): the persona a turn is answered with,
 * and which agents answer at all, are the same whether a conversation is started or continued.
 */
describe("the agent that answers a turn", () => {
  const t = useChatApp();

  async function created(
    method: "POST" | "PATCH",
    url: string,
    token: string,
    body: Record<string, unknown>,
  ) {
    const res = await call(t, method, url, { token, body });
    expect(res.status, JSON.stringify(res.body)).toBeLessThan(300);
    return res.body;
  }

  it("answers with the persona text the version was published with, not the persona's later edits", async () => {
    const tenant = await signUp(t);
    const persona = await created("POST", "/personas", tenant.token, {
      name: "Clerk",
      prompt: "PERSONA-AS-PUBLISHED",
      tone: "dry",
    });
    const agentId = await createAgent(t, tenant.token, {
      departmentId: tenant.generalId,
      personaId: persona.id,
      prompt: "You answer questions.",
    });
    const conversationId = await startConversation(t, tenant.token, agentId);
    await created("PATCH", `/personas/${persona.id}`, tenant.token, { prompt: "PERSONA-EDITED-LATER" });

    t.models.scripted.script({ text: "Hello." });
    expect((await ask(t, tenant.token, conversationId, "Hi?")).status).toBe(200);
    const prompt = t.models.scripted.lastPromptText();
    expect(prompt).toContain("PERSONA-AS-PUBLISHED\nTone: dry");
    expect(prompt).not.toContain("PERSONA-EDITED-LATER");

    // Publishing again takes the persona's new text, for conversations started from then on.
    await created("PATCH", `/agents/${agentId}`, tenant.token, { prompt: "You answer questions, briefly." });
    await created("POST", `/agents/${agentId}/publish`, tenant.token, {});
    const fresh = await startConversation(t, tenant.token, agentId);
    t.models.scripted.script({ text: "Hello again." });
    expect((await ask(t, tenant.token, fresh, "Hi?")).status).toBe(200);
    expect(t.models.scripted.lastPromptText()).toContain("PERSONA-EDITED-LATER");
    t.models.scripted.script({ text: "Still pinned." });
    expect((await ask(t, tenant.token, conversationId, "And you?")).status).toBe(200);
    expect(t.models.scripted.lastPromptText()).not.toContain("PERSONA-EDITED-LATER");
  });

  it("takes the namespace's linked persona when the agent has none, as the resolver reports it", async () => {
    const tenant = await signUp(t);
    const persona = await created("POST", "/personas", tenant.token, {
      name: "Desk voice",
      prompt: "NAMESPACE-PERSONA",
      tone: "warm",
    });
    const agentId = await createAgent(t, tenant.token, { departmentId: tenant.generalId, prompt: "Help." });
    const ns = await created("POST", "/namespaces", tenant.token, {
      departmentId: tenant.generalId,
      name: "Desk",
      slug: `desk-${Math.random().toString(36).slice(2, 8)}`,
      systemPrompt: "NAMESPACE-SYSTEM-PROMPT",
      personaId: persona.id,
      config: { defaultAgentId: agentId },
    });
    const started = await created("POST", "/conversations", tenant.token, { namespaceId: ns.id });

    t.models.scripted.script({ text: "Welcome." });
    expect((await ask(t, tenant.token, started.id, "Hi?")).status).toBe(200);
    const prompt = t.models.scripted.lastPromptText();
    expect(prompt).toContain("NAMESPACE-SYSTEM-PROMPT");
    expect(prompt).toContain("NAMESPACE-PERSONA\nTone: warm");

    // Starting a conversation and continuing it go through the same loader: the same persona.
    const ctx = await contextFor(t, tenant.token);
    const resolved = await t.context.container.services.agents.resolveAgentForChat(ctx, {
      namespaceId: ns.id,
    });
    expect(resolved.resolved.persona).toBe("NAMESPACE-PERSONA\nTone: warm");
  });

  it("an archived agent answers neither its pinned conversations nor new ones", async () => {
    const tenant = await signUp(t);
    const agentId = await createAgent(t, tenant.token, { departmentId: tenant.generalId, prompt: "Help." });
    const conversationId = await startConversation(t, tenant.token, agentId);
    await created("POST", `/agents/${agentId}/archive`, tenant.token, {});

    const refused = await ask(t, tenant.token, conversationId, "Anyone?");
    expect(refused.status).toBe(412);
    expect(refused.body.error.message).toMatch(/archived/);
    const fresh = await call(t, "POST", "/conversations", { token: tenant.token, body: { agentId } });
    expect(fresh.status).toBe(412);
    expect(fresh.body.error.message).toMatch(/archived/);
  });
});
