import { afterAll, describe, expect, it } from "vitest";
import { startFakeEmbeddingsServer } from "../fakes/openai-embeddings-server.js";
import { ask, call, createAgent, seedKnowledge, signUp, useChatApp } from "./chat-helpers.js";

const EMAIL = "ines.garcia@example.org";
const embeddings = await startFakeEmbeddingsServer({ dimensions: 8 });

/** An outside embedding service receives the chat question with its personal data masked. */
describe("PII masking and an outside embedder", () => {
  const t = useChatApp({
    EMBEDDING_PROVIDER: "openai",
    EMBEDDING_MODEL: "text-embedding-3-small",
    EMBEDDING_BASE_URL: embeddings.baseUrl,
    EMBEDDING_API_KEY: "sk-test",
    EMBEDDING_DIMENSIONS: "8",
  });
  afterAll(() => embeddings.close());

  it("embeds the masked question, and searches full text with the words", async () => {
    const tenant = await signUp(t);
    const { kb } = await seedKnowledge(
      t,
      tenant.token,
      tenant.generalId,
      "Payroll",
      "Payslips are sent on the 25th. Questions go to the payroll desk.",
    );
    const agentId = await createAgent(t, tenant.token, { departmentId: tenant.generalId, ragEnabled: [kb] });
    const ns = await call(t, "POST", "/namespaces", {
      token: tenant.token,
      body: {
        departmentId: tenant.generalId,
        name: "Payroll",
        slug: "payroll",
        config: { defaultAgentId: agentId },
      },
    });
    const conversation = await call(t, "POST", "/conversations", {
      token: tenant.token,
      body: { namespaceId: ns.body.id },
    });
    const before = embeddings.requests.length;
    t.models.scripted.script({ citeFirstPassage: true });
    const res = await ask(t, tenant.token, conversation.body.id, `When are payslips sent? Mail ${EMAIL}`);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    const sent = JSON.stringify(embeddings.requests.slice(before).map((r) => r.body));
    expect(sent).toContain("<EMAIL_1>");
    expect(sent).not.toContain(EMAIL);
    expect(res.body.citations.length).toBeGreaterThan(0);
  });
});
