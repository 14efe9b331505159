import { hasPermission } from "../../../core/access.js";
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
    const { knowledgeBaseIds, answer } = await deps.search.searchReadable(ctx, {
      query: state.input.text,
      candidateIds: agent.ragEnabled,
      limit,
    });
    state.knowledgeBaseIds = knowledgeBaseIds;
    for (const result of answer.results) state.citations.add(result, "retrieval");
  },
};
