import type { StartedTurn, TurnState } from "./turn-state.js";

/**
 * The stages that had ended when the row was written (the one writing it is still running), each
 * with when it started after the turn did (`startMs`) and its group, for a waterfall.
 */
function endedStages(state: TurnState): { name: string; ms: number; startMs?: number; group?: string }[] {
  return state.stages.flatMap((s) =>
    s.ms === undefined
      ? []
      : [
          {
            name: s.name,
            ms: s.ms,
            ...(s.startedAt === undefined
              ? {}
              : { startMs: Math.max(0, Math.round((s.startedAt - state.startedAt) * 100) / 100) }),
            ...(s.group ? { group: s.group } : {}),
          },
        ],
  );
}

/**
 * The `agent_runs` row of a turn that has ended, answered or failed: both paths record the same
 * trace, differing only in outcome and metadata.
 */
export function runRow(
  state: StartedTurn,
  outcome: {
    messageId: string;
    costUsd: number;
    durationMs: number;
    finishedAt: Date;
    status: "ok" | "error" | "timeout";
    error?: string;
    metadata: Record<string, unknown>;
  },
) {
  const { ctx } = state;
  return {
    orgId: ctx.orgId,
    departmentId: state.conversation.departmentId,
    billedDepartmentId: state.billedDepartmentId,
    traceId: state.traceId,
    agentTaskId: state.taskId,
    conversationId: state.conversationId,
    messageId: outcome.messageId,
    namespaceId: state.conversation.namespaceId,
    agentId: state.agent.agentId,
    userId: ctx.actor.userId ?? null,
    provider: state.modelSpec?.provider ?? state.agent.provider ?? "unknown",
    model: state.modelSpec?.model ?? state.agent.model ?? "unknown",
    promptTokens: state.usage.promptTokens,
    completionTokens: state.usage.completionTokens,
    totalTokens: state.usage.promptTokens + state.usage.completionTokens,
    costUsd: outcome.costUsd,
    latencyMs: outcome.durationMs,
    firstTokenMs:
      state.firstTokenAt && state.modelStartedAt ? state.firstTokenAt - state.modelStartedAt : null,
    status: outcome.status,
    error: outcome.error ?? null,
    metadata: {
      requestId: ctx.meta.requestId,
      stages: endedStages(state),
      ...(state.budgetExcludedDepartmentIds.length > 0
        ? { budgetExcludedDepartmentIds: state.budgetExcludedDepartmentIds }
        : {}),
      ...(state.relevance ? { relevance: state.relevance } : {}),
      ...(state.intent ? { intent: { name: state.intent.name, confidence: state.intent.confidence } } : {}),
      ...outcome.metadata,
    },
    startedAt: new Date(state.startedAt),
    finishedAt: outcome.finishedAt,
  };
}
