import type { NumberedTurnEvent } from "../../../services/chat/turn-events.js";
import { OPENAI_ERROR_TYPES } from "./schemas.js";

/**
 * Maps turn events to OpenAI `chat.completion.chunk` payloads: a first chunk with the role, one per
 * token, a last one with `finish_reason`, optionally a usage chunk, then `[DONE]`. Tool steps run on
 * the server and are not the client's to execute, so they are not sent. A failure mid-stream is an
 * OpenAI error object, with no `[DONE]`.
 */
export function completionChunks(meta: {
  id: string;
  created: number;
  model: string;
  includeUsage: boolean;
}) {
  const chunk = (
    delta: Record<string, unknown>,
    finishReason: string | null,
    extra: Record<string, unknown> = {},
  ) => ({
    id: meta.id,
    object: "chat.completion.chunk",
    created: meta.created,
    model: meta.model,
    choices: [{ index: 0, delta, finish_reason: finishReason, logprobs: null }],
    ...extra,
  });
  return (event: NumberedTurnEvent): unknown[] => {
    switch (event.type) {
      case "turn-start":
        return [chunk({ role: "assistant", content: "" }, null)];
      case "token":
        return [chunk({ content: event.text }, null)];
      case "done": {
        const usage = {
          prompt_tokens: event.usage.promptTokens,
          completion_tokens: event.usage.completionTokens,
          total_tokens: event.usage.promptTokens + event.usage.completionTokens,
        };
        const last = chunk({}, "stop", {
          atrium: {
            task_id: event.taskId,
            run_id: event.runId,
            removed_citations: event.removedCitations,
            citations: event.citations,
            text: event.text,
          },
        });
        const tail: unknown[] = [last];
        if (meta.includeUsage) tail.push({ ...chunk({}, null), choices: [], usage });
        return [...tail, "[DONE]"];
      }
      case "error":
        return [
          {
            error: {
              type: OPENAI_ERROR_TYPES[event.code as keyof typeof OPENAI_ERROR_TYPES] ?? "server_error",
              code: event.code,
              message: event.message,
            },
          },
        ];
      default:
        return [];
    }
  };
}
