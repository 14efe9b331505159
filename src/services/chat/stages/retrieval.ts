import { hasPermission } from "../../../core/access.js";
import type { TurnStageOf } from "../turn-state.js";

/**
 * Hybrid search over the agent version's knowledge bases that the caller can read (a department-
 * limited API key or a transferred user sees less than the agent may), leaving out the bases of
 * departments whose monthly budget is spent: a department's knowledge is not served once its budget
 * is (an organisation-wide assistant would otherwise keep answering from it). Results are registered
 * in the turn's citation registry, so their labels are the ones the answer may cite.
 */
export const retrievalStage: TurnStageOf<"loaded"> = {
  name: "retrieval",
  needs: "loaded",
  async run(state) {
    const { ctx, deps } = state;
    const agent = state.agent;
    const limit = deps.chat.retrievalLimit;
    if (agent.ragEnabled.length === 0 || !hasPermission(ctx.access, "kb:read")) return;
    const bases = await deps.repositories.knowledgeBases.findByIds([...agent.ragEnabled], ctx.db);
    const departmentOf = new Map(bases.map((kb) => [kb.id, kb.departmentId]));
    const departments = [...new Set(bases.flatMap((kb) => (kb.departmentId ? [kb.departmentId] : [])))];
    const spent = departments.length > 0 ? await deps.budget.spentDepartments(ctx, departments) : new Set();
    state.budgetExcludedDepartmentIds = [...spent] as string[];
    const candidateIds = agent.ragEnabled.filter((id) => {
      const departmentId = departmentOf.get(id);
      return !(departmentId && spent.has(departmentId));
    });
    const { knowledgeBaseIds, answer } = await deps.search.searchReadable(ctx, {
      query: state.input.text,
      // Under PII masking an outside embedder or reranker gets the masked question (set by `pii-screen`).
      outsideQuery: state.question,
      candidateIds,
      limit,
    });
    state.knowledgeBaseIds = knowledgeBaseIds;
    const searched = new Set(knowledgeBaseIds);
    state.knowledgeScopes = bases
      .filter((kb) => searched.has(kb.id))
      .map((kb) => ({ name: kb.name, description: kb.description ?? null }));
    for (const result of answer.results) state.citations.add(result, "retrieval");
  },
};
