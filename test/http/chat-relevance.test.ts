import { beforeAll, describe, expect, it } from "vitest";
import { useTestApp } from "../setup/container.js";
import { ask, call, ingest, startConversation } from "./chat-helpers.js";

/**
 * The relevance gate (ADR 0017) on the demo organisation, as an employee asks the HR Assistant with
 * the offline extractive model: a question the handbook is not about is refused plainly, naming what
 * the assistant covers (no quote, no citation); a handbook question is still answered with a citation.
 */
describe("chat relevance gate on the demo HR Assistant", () => {
  // The configured models: the offline extractive model (no LLM_* in tests).
  const t = useTestApp({ env: { AUTH_RATE_LIMIT_PER_MINUTE: "1000" } });
  let token = "";
  let agentId = "";

  beforeAll(async () => {
    await t.context.container.services.seed.seedDemoIfEmpty();
    await ingest(t);
    const login = await call(t, "POST", "/auth/login", {
      body: { email: "employee@demo.atrium.local", password: "demo-password-1" },
    });
    expect(login.status, JSON.stringify(login.body)).toBe(200);
    token = login.body.accessToken;
    const agents = await call(t, "GET", "/agents?pageSize=50", { token });
    agentId = agents.body.items.find((a: { name: string }) => a.name === "HR Assistant")?.id;
    expect(agentId).toBeTruthy();
  });

  it("refuses an off-topic question with what the assistant covers, and records why", async () => {
    const conversationId = await startConversation(t, token, agentId);
    const res = await ask(t, token, conversationId, "What is the capital of France?");
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.message.text).toMatch(
      /^I can only help with questions about HR Handbook \(Employee handbook/,
    );
    expect(res.body.message.text).not.toMatch(/capital cities|€200|\[\d+\]/);
    expect(res.body.citations).toEqual([]);
    const trace = await call(t, "GET", `/runs/${res.body.runId}`, { token });
    expect(trace.status, JSON.stringify(trace.body)).toBe(200);
    expect(trace.body.run.stages.map((s: { name: string }) => s.name)).toContain("relevance-gate");
  });

  it("still answers a handbook question with a citation", async () => {
    const conversationId = await startConversation(t, token, agentId);
    const res = await ask(
      t,
      token,
      conversationId,
      "How many days of annual leave does a full-time employee get?",
    );
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.message.text).toContain("25 days of paid annual leave");
    expect(res.body.message.text).toMatch(/\[\d+\]/);
    expect(res.body.citations.length).toBeGreaterThan(0);
    expect(res.body.message.text).not.toContain("I can only help with");
  });
});
