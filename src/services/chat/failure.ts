import { type ErrorCode, isAppError } from "../../lib/errors.js";
import { newId } from "../../lib/ids.js";
import { runRow } from "./run-row.js";
import { ModelCallError } from "./stages/model-call.js";
import { TurnAbort } from "./turn-abort.js";
import type { StartedTurn } from "./turn-state.js";

export interface TurnFailure {
  /** How the task ends. A cancelled turn is `failed` with reason `cancelled`. */
  status: "failed" | "timeout";
  code: ErrorCode;
  reason: "timeout" | "cancelled" | "model" | "refused" | "internal";
  /** Safe to show: never a provider's raw text, a stack or a secret. */
  message: string;
}

/** What went wrong, in words a user may read. */
export function classifyFailure(error: unknown): TurnFailure {
  if (error instanceof TurnAbort) {
    return error.kind === "timeout"
      ? { status: "timeout", code: "UNAVAILABLE", reason: "timeout", message: error.message }
      : { status: "failed", code: "UNAVAILABLE", reason: "cancelled", message: error.message };
  }
  if (error instanceof ModelCallError) {
    return { status: "failed", code: "UNAVAILABLE", reason: "model", message: error.message };
  }
  if (isAppError(error) && error.code !== "INTERNAL") {
    return { status: "failed", code: error.code, reason: "refused", message: error.message };
  }
  return {
    status: "failed",
    code: "INTERNAL",
    reason: "internal",
    message: "The answer failed because of an internal error",
  };
}

/**
 * Ends a turn that failed after its task existed: an assistant message saying so (metadata.error),
 * the task `failed`/`timeout` and a failed run, in one statement (`appendMessage`, like an answer); the
 * caller emits the `error` event. Never throws: it is the last word.
 */
export async function recordFailure(state: StartedTurn, failure: TurnFailure): Promise<string | undefined> {
  const { ctx, deps } = state;
  const r = deps.repositories;
  const finishedAt = new Date();
  const durationMs = finishedAt.getTime() - state.startedAt;
  const text = `Sorry, this answer failed: ${failure.message}.`.replace(/\.\.$/, ".");
  const messageId = newId();
  const runId = newId();
  const tokens = state.usage.promptTokens + state.usage.completionTokens;
  try {
    const cost = state.modelSpec ? deps.chatModels.costUsd(state.modelSpec, state.usage) : 0;
    // One statement, as for an answer (`appendMessage`): the message, the task's end and the run.
    await r.conversations.appendMessage(
      {
        id: messageId,
        orgId: ctx.orgId,
        conversationId: state.conversationId,
        role: "assistant",
        content: text,
        textContent: text,
        parts: [{ type: "text", text }],
        metadata: { error: failure.code, reason: failure.reason, taskId: state.taskId },
      },
      {
        companions: [
          r.agentTasks.updateStatement(state.taskId, {
            status: failure.status,
            error: failure.message,
            output: { messageId, reason: failure.reason, partialText: state.rawText.slice(0, 20_000) },
            promptTokens: state.usage.promptTokens,
            completionTokens: state.usage.completionTokens,
            totalTokens: tokens,
            costUsd: cost,
            durationMs,
            completedAt: finishedAt,
          }),
          r.agentRuns.insertRowsStatement([
            {
              id: runId,
              ...runRow(state, {
                messageId,
                costUsd: cost,
                durationMs,
                finishedAt,
                status: failure.status === "timeout" ? "timeout" : "error",
                error: failure.message,
                metadata: { reason: failure.reason, code: failure.code },
              }),
            },
          ]),
        ],
      },
      ctx.db,
    );
    state.runId = runId;
    return messageId;
  } catch (error) {
    ctx.logger.error({ err: error, taskId: state.taskId }, "could not record a failed turn");
    return undefined;
  }
}
