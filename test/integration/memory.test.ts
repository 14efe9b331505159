import type { LanguageModelV4GenerateResult } from "@ai-sdk/provider";
import { MockLanguageModelV4 } from "ai/test";
import { and, eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { systemAccess } from "../../src/core/access.js";
import { agentRuns, jobs } from "../../src/db/schema/index.js";
import { createLogger } from "../../src/lib/logger.js";
import { approximateTokens } from "../../src/lib/text/tokens.js";
import type { ChatModelProvider } from "../../src/providers/llm/chat-model.js";
import type { ServiceContext } from "../../src/services/context.js";
import { createMemoryService } from "../../src/services/memory/index.js";
import { createWorker } from "../../src/worker/index.js";
import { makeConversation, makeMessage } from "../factories/index.js";
import {
  addMember,
  audits,
  call,
  createDepartment,
  type Member,
  signUp,
  type TestApp,
} from "../http/identity-helpers.js";
import { useTestApp } from "../setup/container.js";

const logger = createLogger("silent");

function systemContext(t: TestApp, orgId: string): ServiceContext {
  return {
    orgId,
    actor: { kind: "system", id: "test" },
    access: systemAccess,
    db: t.context.container.database.db,
    meta: { requestId: "test" },
    logger,
  };
}

/** A model reply as the AI SDK's language-model specification carries it. */
function reply(text: string): LanguageModelV4GenerateResult {
  return {
    content: [{ type: "text", text }],
    finishReason: { unified: "stop", raw: "stop" },
    usage: {
      inputTokens: { total: 420, noCache: 420, cacheRead: undefined, cacheWrite: undefined },
      outputTokens: { total: 80, text: 80, reasoning: undefined },
    },
    warnings: [],
  };
}

/** A ChatModelProvider over one scripted model (a typed fake of our provider interface). */
function providerOf(model: MockLanguageModelV4, provider = "openai"): ChatModelProvider {
  return {
    resolve: () => ({ spec: { provider, model: "fake-mini" }, model }),
    costUsd: (_spec, usage) => (usage.promptTokens + usage.completionTokens) / 500_000,
  };
}

describe("employee memory", () => {
  const t = useTestApp({
    env: {
      AUTH_RATE_LIMIT_PER_MINUTE: "1000",
      MEMORY_EXTRACTION_DELAY_SECONDS: "0",
      MEMORY_MAX_MESSAGES: "50",
      BUDGET_CACHE_SECONDS: "0",
    },
  });
  const container = () => t.context.container;
  const memory = () => container().services.memory;
  const worker = () => createWorker(container(), { concurrency: 1, pollMs: 20, leaseMs: 30_000 });

  async function employeeWithConversation(name: string) {
    const tenant = await signUp(t);
    const finance = await createDepartment(t, tenant.token, "Finance");
    const employee = await addMember(t, tenant.token, finance, "employee", name);
    const conversation = await makeConversation(
      container().repositories,
      { id: employee.id, orgId: tenant.orgId },
      { departmentId: finance },
    );
    const say = (content: string, role: "user" | "assistant" = "user") =>
      makeMessage(container().repositories, conversation, { content, textContent: content, role });
    return { tenant, finance, employee, conversation, say };
  }

  const profileOf = (member: Member) => call(t, "GET", "/me/profile", { token: member.token });

  it("extracts a profile through the job runner, bumps its version on new messages, and feeds a short prompt section", async () => {
    const { tenant, finance, employee, conversation, say } = await employeeWithConversation("Eve Finance");
    await say("How do I submit expenses for the Atlas Migration project?");
    await say("Project Zebra is what the assistant thinks about.", "assistant");
    await say("I'm working on the Atlas Migration and need the expenses policy.");
    await say("What is the travel expenses limit for Atlas Migration?");
    await say("Please answer in French and keep it short.");
    await say("Can I claim expenses for client dinners?");
    await say("I prefer bullet points for policies.");
    expect((await profileOf(employee)).status).toBe(404);

    const ctx = systemContext(t, tenant.orgId);
    await memory().scheduleExtraction(ctx, employee.id, conversation.id);
    await memory().scheduleExtraction(ctx, employee.id, conversation.id);
    const queued = await container().repositories.jobs.findMany(
      and(eq(jobs.kind, "memory.extract"), eq(jobs.dedupeKey, `memory.extract:${employee.id}`)),
    );
    expect(queued, "one extraction per user while one is queued").toHaveLength(1);
    expect(await worker().runUntilIdle()).toBe(1);

    const first = await profileOf(employee);
    expect(first.status, JSON.stringify(first.body)).toBe(200);
    expect(first.body).toMatchObject({
      userId: employee.id,
      departmentId: finance,
      accessLevel: "employee",
      profileVersion: 1,
      currentProjects: ["Atlas Migration"],
      preferences: {
        language: "French",
        answerLength: "short",
        format: "bullet points",
        statements: ["I prefer bullet points for policies"],
      },
    });
    expect(first.body.frequentIntents[0]).toEqual({ intent: "expenses", count: 4 });
    expect(first.body.summary).toBe(
      "Works in the Finance department and often asks about expenses, atlas and migration. Involved in Atlas Migration.",
    );
    expect(JSON.stringify(first.body), "assistant messages are not the user's facts").not.toContain("Zebra");

    const section = await memory().forPrompt(ctx, employee.id);
    expect(section).toContain("Current projects: Atlas Migration");
    expect(section).toContain("answers in French; short answers; bullet points");
    expect(approximateTokens(section!)).toBeLessThanOrEqual(120);

    await say("Also working on project Orion rollout.");
    await memory().scheduleExtraction(ctx, employee.id, conversation.id);
    await worker().runUntilIdle();
    const second = await profileOf(employee);
    expect(second.body.profileVersion).toBe(2);
    expect(second.body.currentProjects).toEqual(expect.arrayContaining(["Atlas Migration", "Orion"]));

    // Nothing new since the last extraction: no rewrite, same version.
    expect(await memory().extract(tenant.orgId, employee.id, { logger })).toEqual({ status: "unchanged" });
    expect((await profileOf(employee)).body.profileVersion).toBe(2);

    // Managers read profiles of people they reach; others cannot.
    expect(
      (await call(t, "GET", `/users/${employee.id}/profile`, { token: tenant.token })).body.profileVersion,
    ).toBe(2);
    const otherHead = await addMember(t, tenant.token, tenant.generalId, "dept_head");
    const hidden = await call(t, "GET", `/users/${employee.id}/profile`, { token: otherHead.token });
    expect(hidden.status).toBe(404);
    expect(hidden.body.error.message).toBe(`User ${employee.id} was not found`);
    expect((await call(t, "GET", `/users/${employee.id}/profile`, { token: employee.token })).status).toBe(
      403,
    );
    expect((await call(t, "GET", `/users/${otherHead.id}/profile`, { token: tenant.token })).status).toBe(
      404,
    );
  });

  it("erases over HTTP: 404 afterwards, no memory in prompts, and queued extraction cannot bring erased facts back", async () => {
    const { tenant, employee, conversation, say } = await employeeWithConversation("Fred Falcon");
    await say("Status of Project Falcon please, answer in German.");
    await say("Project Falcon budget numbers?");
    const ctx = systemContext(t, tenant.orgId);
    await memory().scheduleExtraction(ctx, employee.id, conversation.id);
    await worker().runUntilIdle();
    expect((await profileOf(employee)).body.currentProjects).toEqual(["Falcon"]);

    // An extraction queued before the erase still runs afterwards.
    await say("And the Falcon timeline?");
    await memory().scheduleExtraction(ctx, employee.id, conversation.id);
    const erased = await call(t, "DELETE", "/me/profile", { token: employee.token });
    expect(erased.status).toBe(204);
    const gone = await profileOf(employee);
    expect(gone.status).toBe(404);
    expect(gone.body.error.message).toContain("There is no memory profile for you yet");
    expect(await memory().forPrompt(ctx, employee.id)).toBeNull();
    expect((await audits(t, tenant.orgId, "employee_profile.erased")).map((a) => a.entityId)).toEqual([
      employee.id,
    ]);

    expect(await worker().runUntilIdle()).toBe(1);
    expect((await profileOf(employee)).status, "the queued job read nothing from before the erase").toBe(404);

    await say("Preparing the Budget Review slides, keep it short.");
    await say("Where is the Budget Review template?");
    await memory().scheduleExtraction(ctx, employee.id, conversation.id);
    await worker().runUntilIdle();
    const rebuilt = await profileOf(employee);
    expect(rebuilt.body).toMatchObject({
      profileVersion: 1,
      currentProjects: ["Budget Review"],
      preferences: { answerLength: "short" },
    });
    expect(JSON.stringify(rebuilt.body)).not.toMatch(/Falcon|German/);
    // Erasing twice is fine (and still moves the marker).
    expect((await call(t, "DELETE", "/me/profile", { token: employee.token })).status).toBe(204);
    expect((await call(t, "DELETE", "/me/profile", { token: employee.token })).status).toBe(204);
  });

  it("an erase during a running extraction wins: the extraction reads again and writes nothing old", async () => {
    const { tenant, employee, say } = await employeeWithConversation("Gina Race");
    await say("Project Heron kickoff agenda?");
    const model = new MockLanguageModelV4({
      doGenerate: async () => {
        expect((await call(t, "DELETE", "/me/profile", { token: employee.token })).status).toBe(204);
        return reply(
          '{"summary":"Runs Heron.","currentProjects":["Heron"],"preferences":{},"frequentIntents":[]}',
        );
      },
    });
    const racing = createMemoryService({
      db: container().database.db,
      repositories: container().repositories,
      queue: container().services.queue,
      chatModels: () => providerOf(model),
      maxMessages: 50,
      extractionDelaySeconds: 0,
    });
    expect(await racing.extract(tenant.orgId, employee.id, { logger })).toEqual({ status: "no_messages" });
    expect(model.doGenerateCalls).toHaveLength(1);
    expect((await profileOf(employee)).status).toBe(404);
  });

  it("uses a configured model (recorded as a run), and falls back to the heuristic on bad output or with `extractive`", async () => {
    const { tenant, finance, employee, say } = await employeeWithConversation("Hal Model");
    await say("Can you summarise the Kestrel Launch risks? Answer in Spanish please.");
    const json = JSON.stringify({
      summary: "Finance analyst preparing the Kestrel launch.",
      currentProjects: ["Kestrel Launch"],
      preferences: { language: "Spanish", answerLength: "detailed" },
      frequentIntents: [{ intent: "risk summaries", count: 1 }],
    });
    const build = (provider: ChatModelProvider) =>
      createMemoryService({
        db: container().database.db,
        repositories: container().repositories,
        queue: container().services.queue,
        chatModels: () => provider,
        budget: container().services.budgetGuard,
        maxMessages: 50,
        extractionDelaySeconds: 0,
      });

    const good = new MockLanguageModelV4({ doGenerate: async () => reply(`\`\`\`json\n${json}\n\`\`\``) });
    expect(await build(providerOf(good)).extract(tenant.orgId, employee.id, { logger })).toMatchObject({
      status: "written",
      source: "llm",
      profileVersion: 1,
    });
    const prompt = JSON.stringify(good.doGenerateCalls[0]!.prompt);
    expect(prompt).toContain("Kestrel Launch risks");
    expect((await profileOf(employee)).body).toMatchObject({
      summary: "Finance analyst preparing the Kestrel launch.",
      currentProjects: ["Kestrel Launch"],
      preferences: { language: "Spanish", answerLength: "detailed" },
      frequentIntents: [{ intent: "risk summaries", count: 1 }],
    });
    const runs = await container().repositories.agentRuns.findMany(eq(agentRuns.userId, employee.id));
    expect(runs).toHaveLength(1);
    expect(runs[0]).toMatchObject({
      provider: "openai",
      model: "fake-mini",
      departmentId: finance,
      promptTokens: 420,
      completionTokens: 80,
      totalTokens: 500,
      costUsd: 0.001,
      status: "ok",
      metadata: { purpose: "memory.extract" },
    });

    await say("Also the Kestrel Launch budget.");
    const bad = new MockLanguageModelV4({
      doGenerate: async () => reply("Sure! Here is the profile you asked for."),
    });
    expect(await build(providerOf(bad)).extract(tenant.orgId, employee.id, { logger })).toMatchObject({
      source: "heuristic",
      profileVersion: 2,
    });
    expect((await profileOf(employee)).body).toMatchObject({
      currentProjects: ["Kestrel Launch"],
      preferences: { language: "Spanish" },
    });

    await say("Kestrel Launch dates?");
    const offline = new MockLanguageModelV4({ doGenerate: async () => reply(json) });
    expect(
      await build(providerOf(offline, "extractive")).extract(tenant.orgId, employee.id, { logger }),
    ).toMatchObject({ source: "heuristic", profileVersion: 3 });
    expect(offline.doGenerateCalls).toHaveLength(0);

    // Over budget, the model is not called: the heuristic keeps memory going for free.
    await say("Kestrel Launch owners?");
    await container().repositories.organizations.update(tenant.orgId, { monthlyBudgetUsd: 0 });
    const spared = new MockLanguageModelV4({ doGenerate: async () => reply(json) });
    expect(await build(providerOf(spared)).extract(tenant.orgId, employee.id, { logger })).toMatchObject({
      source: "heuristic",
      profileVersion: 4,
    });
    expect(spared.doGenerateCalls).toHaveLength(0);
  });
});
