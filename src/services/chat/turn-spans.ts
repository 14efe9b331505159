import { randomBytes } from "node:crypto";
import type { SpanData } from "../../providers/telemetry/trace-exporter.js";
import type { TurnResult } from "./pipeline.js";
import type { TurnState } from "./turn-state.js";

const spanId = () => randomBytes(8).toString("hex");

/**
 * A finished turn as OpenTelemetry spans, sharing the run's trace id (`agent_runs.trace_id`): the turn,
 * one span per stage (nested under its group), one per tool call (under `model-call`). Attributes
 * follow the GenAI semantic conventions where they exist (`gen_ai.*`); the rest are `atrium.*` ids and
 * figures. Neither the question nor the answer is exported: a trace says what happened, not what was
 * said.
 */
export function turnSpans(state: TurnState, result: TurnResult, endedAt: number): SpanData[] {
  const root = spanId();
  const failed = !result.ok;
  const spans: SpanData[] = [
    {
      traceId: state.traceId,
      spanId: root,
      name: "chat.turn",
      startMs: state.startedAt,
      endMs: endedAt,
      attributes: {
        "gen_ai.operation.name": "chat",
        "gen_ai.provider.name": state.modelSpec?.provider,
        "gen_ai.request.model": state.modelSpec?.model,
        "gen_ai.usage.input_tokens": state.usage.promptTokens,
        "gen_ai.usage.output_tokens": state.usage.completionTokens,
        "atrium.org_id": state.ctx.orgId,
        "atrium.department_id": state.conversation?.departmentId ?? undefined,
        "atrium.conversation_id": state.conversationId,
        "atrium.agent_id": state.agent?.agentId,
        "atrium.agent_version_id": state.agent?.versionId,
        "atrium.task_id": state.taskId,
        "atrium.run_id": state.runId,
        "atrium.request_id": state.ctx.meta.requestId,
        "atrium.cost_usd": state.costUsd,
        "atrium.retrieval.passages": state.citations.all().length,
        "atrium.citations.removed": state.answer?.removed,
        "atrium.tool_calls": state.toolCalls.length,
        // PII masking: counts only, never a value or a kind's text.
        "atrium.pii.policy": state.pii?.policy,
        "atrium.pii.masked": state.pii?.masked,
        "atrium.pii.unknown_placeholders": state.pii?.unknownPlaceholders,
        "atrium.failure.reason": result.ok ? undefined : result.failure.reason,
      },
      status: failed ? { code: "error", message: result.failure.code } : { code: "ok" },
    },
  ];
  const stageSpans = new Map<string, string>();
  for (const stage of state.stages) {
    if (stage.startedAt === undefined) continue;
    const id = spanId();
    stageSpans.set(stage.name, id);
    spans.push({
      traceId: state.traceId,
      spanId: id,
      parentSpanId: (stage.group && stageSpans.get(stage.group)) || root,
      name: `chat.stage ${stage.name}`,
      startMs: stage.startedAt,
      // A stage that never ended (the turn failed in it) ends with the turn.
      endMs: stage.ms === undefined ? endedAt : stage.startedAt + stage.ms,
      attributes: { "atrium.stage": stage.name },
      status: stage.ms === undefined && failed ? { code: "error" } : { code: "unset" },
    });
  }
  const modelCall = stageSpans.get("model-call") ?? root;
  for (const call of state.toolCalls) {
    spans.push({
      traceId: state.traceId,
      spanId: spanId(),
      parentSpanId: modelCall,
      name: `chat.tool ${call.name}`,
      startMs: call.startedAt,
      endMs: call.startedAt + call.ms,
      attributes: { "gen_ai.tool.name": call.name, "atrium.step": call.step },
      status: call.status === "ok" ? { code: "ok" } : { code: "error", message: call.status },
    });
  }
  return spans;
}
