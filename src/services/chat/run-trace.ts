import { canSeeDepartment, hasPermission } from "../../core/access.js";
import { AppError } from "../../lib/errors.js";
import type {
  AgentRunRow,
  AgentTaskRow,
  AgentToolCallRow,
  RetrievalHitRow,
} from "../../repositories/run-trace.repository.js";
import type { ServiceContext } from "../context.js";
import type { TurnDeps } from "./turn-state.js";

interface StageView {
  name: string;
  ms: number;
  startMs: number | null;
  group: string | null;
}

/**
 * The timed stages from the run's metadata; runs recorded before stages were timed have none, and
 * runs recorded before their start offsets were kept have `startMs` null.
 */
function stagesOf(metadata: Record<string, unknown>): StageView[] {
  const value = metadata.stages;
  if (!Array.isArray(value)) return [];
  return value
    .filter(
      (s): s is { name: string; ms: number; startMs?: unknown; group?: unknown } =>
        typeof s === "object" && s !== null && typeof s.name === "string" && typeof s.ms === "number",
    )
    .map((s) => ({
      name: s.name,
      ms: s.ms,
      startMs: typeof s.startMs === "number" ? s.startMs : null,
      group: typeof s.group === "string" ? s.group : null,
    }));
}

/** What PII masking did in the turn (counts and kinds, never values); null when it was off. */
function piiOf(metadata: Record<string, unknown>) {
  const value = metadata.pii as
    | {
        policy?: unknown;
        masked?: unknown;
        kinds?: unknown;
        placeholders?: unknown;
        unknownPlaceholders?: unknown;
      }
    | undefined;
  if (!value || typeof value !== "object") return null;
  return {
    policy: String(value.policy),
    masked: Number(value.masked ?? 0),
    kinds: Array.isArray(value.kinds) ? value.kinds.map(String) : [],
    placeholders: Number(value.placeholders ?? 0),
    unknownPlaceholders: Number(value.unknownPlaceholders ?? 0),
  };
}

export function runView(run: AgentRunRow) {
  return {
    id: run.id,
    traceId: run.traceId,
    taskId: run.agentTaskId,
    conversationId: run.conversationId,
    messageId: run.messageId,
    agentId: run.agentId,
    departmentId: run.departmentId,
    provider: run.provider,
    model: run.model,
    status: run.status,
    error: run.error,
    promptTokens: run.promptTokens,
    completionTokens: run.completionTokens,
    totalTokens: run.totalTokens,
    costUsd: run.costUsd,
    latencyMs: run.latencyMs,
    firstTokenMs: run.firstTokenMs,
    stages: stagesOf(run.metadata),
    pii: piiOf(run.metadata),
    startedAt: run.startedAt,
    finishedAt: run.finishedAt,
  };
}

function taskView(task: AgentTaskRow) {
  return {
    id: task.id,
    status: task.status,
    adapterType: task.adapterType,
    agentId: task.agentId,
    agentVersionId: task.agentVersionId,
    conversationId: task.conversationId,
    messageId: task.messageId,
    error: task.error,
    promptTokens: task.promptTokens,
    completionTokens: task.completionTokens,
    totalTokens: task.totalTokens,
    costUsd: task.costUsd,
    durationMs: task.durationMs,
    startedAt: task.startedAt,
    completedAt: task.completedAt,
    createdAt: task.createdAt,
  };
}

function toolCallView(call: AgentToolCallRow) {
  return {
    id: call.id,
    stepIndex: call.stepIndex,
    name: call.stepName,
    toolId: call.toolId,
    status: call.status,
    input: call.inputData,
    output: call.outputData,
    error: call.errorMessage,
    durationMs: call.durationMs,
    startedAt: call.startedAt,
    completedAt: call.completedAt,
  };
}

function hitView(hit: RetrievalHitRow) {
  return {
    rank: hit.rank,
    chunkId: hit.chunkId,
    documentId: hit.documentId,
    knowledgeBaseId: hit.knowledgeBaseId,
    score: hit.score,
    rerankScore: hit.rerankScore,
    retriever: hit.retriever,
    citationLabel: hit.citationLabel,
    snippet: hit.snippet,
  };
}

/**
 * Reviewers (`analytics:read`) read the traces of departments they reach; the person who asked reads
 * their own; org admins read org-wide agents' traces too. Anyone else gets NOT_FOUND, like a missing id.
 */
function mayRead(ctx: ServiceContext, departmentId: string | null, askerId: string | null): boolean {
  if (departmentId !== null && !canSeeDepartment(ctx.access, departmentId)) return false;
  if (askerId !== null && ctx.actor.userId === askerId) return true;
  if (departmentId === null) return hasPermission(ctx.access, "org:admin");
  return hasPermission(ctx.access, "analytics:read");
}

export async function loadRunTrace(deps: TurnDeps, ctx: ServiceContext, runOrTaskId: string) {
  const run = await deps.traces.findRun(ctx.orgId, runOrTaskId, ctx.db);
  const task = await deps.traces.findTask(ctx.orgId, run?.agentTaskId ?? runOrTaskId, ctx.db);
  if (!run && !task) throw AppError.notFound("Run", runOrTaskId);
  const departmentId = run ? run.departmentId : (task?.departmentId ?? null);
  const askerId = task?.userId ?? run?.userId ?? null;
  if (!mayRead(ctx, departmentId, askerId)) throw AppError.notFound("Run", runOrTaskId);
  const [toolCalls, hits] = await Promise.all([
    task ? deps.traces.toolCalls(task.id, ctx.db) : [],
    run ? deps.traces.retrievalHits(run.id, ctx.db) : [],
  ]);
  return {
    run: run ? runView(run) : null,
    task: task ? taskView(task) : null,
    toolCalls: toolCalls.map(toolCallView),
    retrievalHits: hits.map(hitView),
  };
}

export type RunTrace = Awaited<ReturnType<typeof loadRunTrace>>;
