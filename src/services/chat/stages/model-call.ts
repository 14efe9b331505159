import { type ModelMessage, stepCountIs, streamText, type Tool } from "ai";
import { AppError } from "../../../lib/errors.js";
import type { ToolSet } from "../../tools/runtime-tool.js";
import { aiToolsFor } from "../ai-tools.js";
import { modelRequest } from "../model-request.js";
import type { TurnStageOf, TurnState } from "../turn-state.js";

async function resolveTools(state: TurnState): Promise<ToolSet | undefined> {
  const { deps, agent } = state;
  if (!deps.toolResolver || agent!.toolsEnabled.length === 0) return undefined;
  return deps.toolResolver.resolve(state.ctx, {
    names: agent!.toolsEnabled,
    departmentId: agent!.departmentId,
  });
}

/** Provider errors carry the provider's own text; the turn reports only what is safe to show. */
export class ModelCallError extends Error {
  constructor(public readonly original: unknown) {
    const status = (original as { statusCode?: unknown })?.statusCode;
    super(
      typeof status === "number"
        ? `The language model provider answered with status ${status}`
        : "The language model could not answer",
    );
    this.name = "ModelCallError";
  }
}

/**
 * Calls the model with the system prompt, history, question and tools through the AI SDK, streaming
 * tokens and tool steps as events. Bounded by `maxSteps`, the step and turn time limits and the
 * client's signal (all one AbortSignal). A question the relevance gate refused is answered with its
 * refusal instead.
 */
export const modelCallStage: TurnStageOf<"started"> = {
  name: "model-call",
  needs: "started",
  async run(state) {
    const { deps, ctx } = state;
    const agent = state.agent;
    if (state.signal.aborted) throw state.signal.reason;
    const { spec, model } = deps.chatModels.resolve(modelRequest(agent));
    state.modelSpec = spec;
    if (state.refusal !== undefined) {
      // The relevance gate refused the question: its refusal is the answer, and no model is called.
      state.modelStartedAt = Date.now();
      state.firstTokenAt = state.modelStartedAt;
      state.rawText = state.refusal;
      state.emit({ type: "token", text: state.refusal });
      return;
    }
    const toolSet = await resolveTools(state);
    try {
      const tools: Record<string, Tool> = toolSet ? aiToolsFor(state, toolSet.tools, () => state.step) : {};
      const messages: ModelMessage[] = [
        ...state.history,
        { role: "user", content: state.question ?? state.input.text },
        ...(state.continuation ?? []),
      ];
      state.modelStartedAt = Date.now();
      const result = streamText({
        model,
        instructions: state.system,
        messages,
        ...(Object.keys(tools).length > 0 ? { tools, stopWhen: stepCountIs(agent.maxSteps) } : {}),
        ...(agent.temperature === null ? {} : { temperature: agent.temperature }),
        abortSignal: state.signal,
        maxRetries: 1,
        prepareStep: ({ stepNumber }) => {
          state.step = stepNumber;
          state.timers.startStep();
          return undefined;
        },
        onError: () => {
          // Errors arrive as `error` parts below; the SDK's default handler would print them.
        },
      });
      let failure: unknown;
      // Tokens are shown with the conversation's values back (a placeholder may span two tokens).
      const shown = state.pii?.stream();
      for await (const part of result.fullStream) {
        switch (part.type) {
          case "text-delta":
            if (part.text.length === 0) break;
            state.firstTokenAt ??= Date.now();
            state.rawText += part.text;
            if (shown) {
              const text = shown.push(part.text);
              if (text) state.emit({ type: "token", text });
            } else state.emit({ type: "token", text: part.text });
            break;
          case "tool-call":
            state.toolSteps.push({
              step: state.step,
              toolCallId: part.toolCallId,
              name: part.toolName,
              input: part.input,
            });
            state.emit({
              type: "tool-call",
              step: state.step,
              toolCallId: part.toolCallId,
              name: part.toolName,
              input: part.input,
            });
            break;
          case "tool-result":
          case "tool-error": {
            const step = state.toolSteps.find((s) => s.toolCallId === part.toolCallId);
            const error = part.type === "tool-error" ? messageOf(part.error) : undefined;
            const output = part.type === "tool-result" ? part.output : undefined;
            if (step) Object.assign(step, error === undefined ? { output } : { error });
            state.emit({
              type: "tool-result",
              step: step?.step ?? state.step,
              toolCallId: part.toolCallId,
              name: part.toolName,
              ...(error === undefined ? { output } : { error }),
            });
            break;
          }
          case "tool-approval-request":
            // The tool needs a person's approval: the model stops here (see the tool-approval stage).
            state.pendingToolCall ??= {
              toolCallId: part.toolCall.toolCallId,
              name: part.toolCall.toolName,
              input: part.toolCall.input,
              step: state.step,
            };
            break;
          case "finish-step": {
            const held = shown?.flush();
            if (held) state.emit({ type: "token", text: held });
            state.timers.endStep();
            state.usage.promptTokens += part.usage.inputTokens ?? 0;
            state.usage.completionTokens += part.usage.outputTokens ?? 0;
            break;
          }
          case "error":
            failure ??= part.error;
            break;
          default:
            break;
        }
      }
      state.timers.endStep();
      const rest = shown?.flush();
      if (rest) state.emit({ type: "token", text: rest });
      if (state.signal.aborted) throw state.signal.reason;
      if (failure !== undefined) throw failure instanceof AppError ? failure : new ModelCallError(failure);
    } finally {
      state.timers.endStep();
      await toolSet?.close().catch((error: unknown) => {
        ctx.logger.warn({ err: error }, "could not close the turn's tools");
      });
    }
  },
};

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
