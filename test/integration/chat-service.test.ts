import { beforeAll, describe, expect, it } from "vitest";
import type { BudgetGuard } from "../../src/services/chat/collaborators.js";
import type { SearchResult, SearchService } from "../../src/services/knowledge/index.js";
import {
  makeAgent,
  makeAgentVersion,
  makeChunk,
  makeConversation,
  makeDepartment,
  makeDocument,
  makeKnowledgeBase,
  makeOrg,
  makeUser,
} from "../factories/index.js";
import { ScriptedChatModel } from "../fakes/scripted-chat-model.js";
import { buildChatService, fake, modelsOf, useServiceHarness } from "../setup/service-harness.js";

/**
 * The chat service built alone (test/setup/service-harness.ts): real repositories on a private
 * database, a fake search and a scripted model in place of the knowledge domain and a provider.
 */
describe("chat service, built alone with a fake search", () => {
  const h = useServiceHarness();
  let user: { id: string; orgId: string };
  let departmentId: string;
  let knowledgeBaseId: string;
  let chunk: { id: string; documentId: string };
  const PASSAGE = "Parental leave at Atrium is twenty weeks, says the fake search. Nothing else does.";

  /** A conversation pinned to an agent version that reads the knowledge base. */
  async function conversation(): Promise<string> {
    const r = h.repositories;
    const agent = await makeAgent(r, user.orgId, { departmentId, ragEnabled: [knowledgeBaseId] });
    const version = await makeAgentVersion(r, agent, 1, { ragEnabled: [knowledgeBaseId] });
    const row = await makeConversation(r, user, {
      departmentId,
      agentId: agent.id,
      agentVersionId: version.id,
    });
    return row.id;
  }

  /** A search that answers every question with PASSAGE, recording what it was asked. */
  function fakeSearch() {
    const asked: Parameters<SearchService["searchReadable"]>[1][] = [];
    const result: SearchResult = {
      chunkId: chunk.id,
      documentId: chunk.documentId,
      knowledgeBaseId,
      departmentId,
      title: "Leave policy",
      content: PASSAGE,
      metadata: {},
      citation: "[1]",
      scores: { fused: 0.5 },
    };
    const search = fake<SearchService>("search", {
      async searchReadable(_ctx, input) {
        asked.push(input);
        // Like the real search: only the candidate bases are searched.
        const results = input.candidateIds.includes(knowledgeBaseId) ? [result] : [];
        const answer = { mode: "hybrid" as const, models: ["fake"], results };
        return { knowledgeBaseIds: [...input.candidateIds], answer };
      },
    });
    return { search, asked };
  }

  const ctx = () =>
    h.contextOf(user, {
      permissions: new Set(["chat:use", "kb:read"]),
      departmentIds: new Set([departmentId]),
    });

  beforeAll(async () => {
    const r = h.repositories;
    const org = await makeOrg(r);
    const department = await makeDepartment(r, org.id);
    departmentId = department.id;
    user = await makeUser(r, org.id, { departmentId });
    const kb = await makeKnowledgeBase(r, department, { createdById: user.id });
    knowledgeBaseId = kb.id;
    const document = await makeDocument(r, kb, { uploadedById: user.id });
    chunk = await makeChunk(r, document);
  });

  it("answers from what its search collaborator returns, and cites it", async () => {
    const { search, asked } = fakeSearch();
    const model = new ScriptedChatModel([{ citeFirstPassage: true }]);
    const chat = buildChatService(h, { search, chatModels: modelsOf(model) });
    const conversationId = await conversation();

    const outcome = await chat.sendMessage(ctx(), conversationId, { text: "How long is parental leave?" });

    expect(asked).toEqual([
      expect.objectContaining({ query: "How long is parental leave?", candidateIds: [knowledgeBaseId] }),
    ]);
    expect(model.lastPromptText()).toContain(PASSAGE);
    expect(outcome).toMatchObject({
      status: "done",
      message: { text: "Parental leave at Atrium is twenty weeks, says the fake search. [1]" },
      citations: [{ label: 1, chunkId: chunk.id, documentId: chunk.documentId, title: "Leave policy" }],
    });
    // The turn was stored through the real repositories: the answer, and its retrieval hit.
    const done = outcome as Extract<typeof outcome, { status: "done" }>;
    const stored = await h.repositories.messages.findById(done.message.id);
    expect(stored?.content).toBe(done.message.text);
    const hits = await h.repositories.runTraces.retrievalHits(done.runId);
    expect(hits.map((hit) => hit.chunkId)).toEqual([chunk.id]);
  });

  it("does not search the knowledge of a department whose budget collaborator says it is spent", async () => {
    const { search, asked } = fakeSearch();
    const budget: BudgetGuard = {
      assertWithinBudget: async () => undefined,
      spentDepartments: async (_ctx, ids) => new Set(ids.filter((id) => id === departmentId)),
    };
    const model = new ScriptedChatModel([{ citeFirstPassage: true }]);
    const chat = buildChatService(h, { search, budget, chatModels: modelsOf(model) });

    const outcome = await chat.sendMessage(ctx(), await conversation(), {
      text: "How long is parental leave?",
    });

    expect(asked).toEqual([expect.objectContaining({ candidateIds: [] })]);
    expect(model.lastPromptText()).not.toContain(PASSAGE);
    expect(outcome).toMatchObject({ status: "done", citations: [] });
  });

  it("stops the turn when it reaches a collaborator the test did not give it (no search here)", async () => {
    const model = new ScriptedChatModel([{ citeFirstPassage: true }]);
    const chat = buildChatService(h, { chatModels: modelsOf(model) });
    const outcome = await chat.sendMessage(ctx(), await conversation(), { text: "Anyone there?" });
    expect(outcome).toMatchObject({ status: "failed" });
    expect(model.calls).toHaveLength(0);
  });
});
