import { EXTRACTIVE_MODEL_ID } from "../../../providers/llm/extractive-model.js";
import { modelRequest } from "../model-request.js";
import { judgeRelevance, refusalText } from "../relevance.js";
import type { TurnStageOf } from "../turn-state.js";

/**
 * The relevance gate (ADR 0017): once retrieval has run, judges whether the passages it found are
 * about the question at all (how much of the question's rare-word weight one passage sentence
 * covers). The judgement is kept in the run's trace (`relevance`). For the offline extractive model,
 * which can only quote, a question nothing retrieved is about is refused plainly — "I can only help
 * with questions about <the assistant's knowledge bases>" — instead of quoting the least bad passage:
 * `model-call` then streams that refusal and calls no model. A generative model gets the passages and
 * its own instructions ("say so plainly"); the judgement is recorded for it all the same.
 *
 * Skipped for an assistant that searched no knowledge base (nothing to judge against); only recorded
 * when `CHAT_RELEVANCE_GATE=false`.
 */
export const relevanceGateStage: TurnStageOf<"loaded"> = {
  name: "relevance-gate",
  needs: "loaded",
  async run(state) {
    if (state.knowledgeBaseIds.length === 0) return;
    // Who asks (a name, an address, an account number) is not what the question is about.
    const question = state.pii ? state.pii.withoutPersonalData(state.input.text) : state.input.text;
    const relevance = judgeRelevance(question, state.citations.forPrompt());
    const { spec } = state.deps.chatModels.resolve(modelRequest(state.agent));
    const enforced =
      state.deps.chat.relevanceGate && (spec.provider === "extractive" || spec.model === EXTRACTIVE_MODEL_ID);
    state.relevance = { ...relevance, enforced };
    if (enforced && relevance.decision === "off-topic") state.refusal = refusalText(state.knowledgeScopes);
  },
};
