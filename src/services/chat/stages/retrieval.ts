import { hasPermission } from "../../access.js";
import type { TurnStage } from "../turn-state.js";

/**
 * Hybrid search over the agent version's knowledge bases that the caller can read (a department-
 * limited API key or a transferred user sees less than the agent may). Results are registered in the
 * turn's citation registry, so their labels are the ones the answer may cite.
 */
export const retrievalStage: TurnStage = {
  name: "retrieval",
  async run(state) {
    const { ctx, deps } = state;
    const agent = state.agent!;
    const limit = deps.chat.retrievalLimit;
    if (agent.ragEnabled.length === 0 || !hasPermission(ctx.access, "kb:read")) return;
    const readable = await deps.repositories.knowledgeBases.listVisible(ctx.orgId, ctx.access, ctx.db);
    const wanted = new Set(agent.ragEnabled);
    state.knowledgeBaseIds = readable.filter((kb) => wanted.has(kb.id)).map((kb) => kb.id);
    if (state.knowledgeBaseIds.length === 0 || limit === 0 || !state.input.text.trim()) return;
    const found = await deps.search.search(ctx, {
      query: state.input.text,
      knowledgeBaseIds: state.knowledgeBaseIds,
      limit,
    });
    for (const result of found.results) state.citations.add(result, "retrieval");
  },
};
