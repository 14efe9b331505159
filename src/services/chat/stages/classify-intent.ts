import { isAppError } from "../../../lib/errors.js";
import { createAgentLoader } from "../../assistants/agent-loader.js";
import { UNKNOWN_INTENT } from "../../intents/index.js";
import type { TurnStageOf } from "../turn-state.js";

/**
 * The question's intent in the conversation's namespace (only when the namespace has examples), with
 * the namespace's route for it: an intent routed to another assistant is answered by that assistant's
 * current version for this turn (its prompt, knowledge and tools; the conversation stays pinned to its
 * own). Runs before `prepare`, so the task, retrieval and prompt are the routed assistant's.
 */
export const classifyIntentStage: TurnStageOf<"loaded"> = {
  name: "classify-intent",
  needs: "loaded",
  async run(state) {
    const { ctx, deps } = state;
    const conversation = state.conversation;
    if (!deps.intents || !conversation.namespaceId) return;
    let classification: Awaited<ReturnType<NonNullable<typeof deps.intents>["classify"]>>;
    try {
      classification = await deps.intents.classify(ctx, {
        namespaceId: conversation.namespaceId,
        text: state.input.text,
        skipWithoutExamples: true,
      });
    } catch (error) {
      // A namespace the caller cannot read (an API key without its department) is simply not classified.
      if (isAppError(error) && (error.code === "NOT_FOUND" || error.code === "FORBIDDEN")) return;
      throw error;
    }
    if (classification.noExamples) return;
    const base = { name: classification.intent, confidence: classification.confidence };
    if (classification.intent === UNKNOWN_INTENT) {
      state.intent = { ...base, route: "auto", autonomous: true, samplingRate: 0 };
      return;
    }
    const r = deps.repositories;
    const trust =
      (await r.intentTrust.find(conversation.namespaceId, classification.intent, ctx.db)) ??
      (await r.intentTrust.ensure(
        { orgId: ctx.orgId, namespaceId: conversation.namespaceId, intentName: classification.intent },
        ctx.db,
      ));
    state.intent = {
      ...base,
      route: trust.route,
      trustId: trust.id,
      autonomous: trust.isAutonomous,
      samplingRate: trust.samplingRate,
    };
    if (trust.route === "assistant" && trust.routeAgentId && trust.routeAgentId !== state.agent.agentId) {
      state.agent = await createAgentLoader(r).routedAgent(ctx, conversation, trust.routeAgentId);
    }
  },
};
