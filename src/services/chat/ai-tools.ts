import { jsonSchema, type Tool, tool } from "ai";
import { isAppError } from "../../lib/errors.js";
import { validateToolInput } from "../tools/input-validation.js";
import type { RuntimeTool, ToolRunContext } from "../tools/runtime-tool.js";
import type { StartedTurn } from "./turn-state.js";

/** Longest tool output kept in the trace row (the model gets all of it). */
const MAX_TRACE_CHARS = 20_000;

function traceable(value: unknown): unknown {
  if (value === undefined) return null;
  const text = JSON.stringify(value);
  if (text === undefined) return null;
  return text.length <= MAX_TRACE_CHARS
    ? value
    : { truncated: true, preview: text.slice(0, MAX_TRACE_CHARS) };
}

/** A message the model may read about a failed tool call; unknown errors say nothing internal. */
export function toolErrorMessage(error: unknown): string {
  if (isAppError(error) && error.code !== "INTERNAL") return error.message;
  if (error instanceof Error && error.name === "AbortError") return "The tool call was cancelled";
  return "The tool failed";
}

/**
 * The turn's RuntimeTools as AI SDK tools. Each call validates its input against the tool's JSON
 * Schema, runs with the caller's permissions, and leaves one `agent_tool_calls` row (input, output,
 * duration, error) whatever happens.
 */
export function aiToolsFor(
  state: StartedTurn,
  runtimeTools: readonly RuntimeTool[],
  currentStep: () => number,
): Record<string, Tool> {
  const { ctx, deps } = state;
  const run: ToolRunContext = {
    ctx,
    agentId: state.agent.agentId,
    departmentId: state.agent.departmentId,
    knowledgeBaseIds: state.knowledgeBaseIds,
    conversationId: state.conversationId,
    signal: state.signal,
    citations: state.citations,
  };
  const entries = runtimeTools.map((runtime): [string, Tool] => [
    runtime.name,
    tool({
      description: runtime.description,
      inputSchema: jsonSchema(runtime.inputSchema as Parameters<typeof jsonSchema>[0]),
      // The model stops at a call of such a tool (`tool-approval-request`); the turn is held and
      // resumes after an approver's decision (ADR 0008).
      ...(runtime.requiresApproval ? { needsApproval: true } : {}),
      execute: async (modelInput: unknown) => {
        const started = Date.now();
        // Under PII masking a tool (an outside HTTP or MCP service) gets placeholders, never the
        // values; what it returns is masked before the model or the trace sees it.
        const input = state.pii ? state.pii.maskValue(modelInput) : modelInput;
        const timing = (status: "ok" | "error" | "timeout") =>
          state.toolCalls.push({
            name: runtime.name,
            step: currentStep(),
            startedAt: started,
            ms: Date.now() - started,
            status,
          });
        const row = await deps.repositories.agentToolCalls.create({
          orgId: ctx.orgId,
          agentTaskId: state.taskId,
          toolId: runtime.toolId ?? null,
          stepIndex: currentStep(),
          stepName: runtime.name,
          status: "running",
          inputData: traceable(input),
        });
        try {
          const result = await runtime.execute(validateToolInput(runtime.inputSchema, input), run);
          const output = state.pii ? state.pii.maskValue(result) : result;
          await deps.repositories.agentToolCalls.update(row.id, {
            status: "ok",
            outputData: traceable(output),
            durationMs: Date.now() - started,
            completedAt: new Date(),
          });
          timing("ok");
          return output;
        } catch (error) {
          const timedOut = state.signal.aborted;
          timing(timedOut ? "timeout" : "error");
          await deps.repositories.agentToolCalls.update(row.id, {
            status: timedOut ? "timeout" : "error",
            errorMessage: toolErrorMessage(error),
            durationMs: Date.now() - started,
            completedAt: new Date(),
          });
          throw error instanceof Error ? new Error(toolErrorMessage(error)) : error;
        }
      },
    }) as Tool,
  ]);
  return Object.fromEntries(entries);
}
