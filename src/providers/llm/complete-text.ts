import { generateText } from "ai";
import type { ChatModelProvider, ModelSpec, TokenUsage } from "./chat-model.js";
import { modelCallError } from "./model-errors.js";

export interface CompleteTextRequest {
  system?: string | undefined;
  prompt: string;
  maxTokens?: number | undefined;
  signal?: AbortSignal | undefined;
  /** Which model; the configured default when omitted. */
  model?: Partial<ModelSpec> | undefined;
  temperature?: number | undefined;
}

export interface CompletedText {
  text: string;
  spec: ModelSpec;
  usage: TokenUsage;
  costUsd: number;
}

/**
 * One plain completion, no tools (memory extraction, synthetic questions, titles). Failures become
 * AppError UNAVAILABLE (see modelCallError); an abort stays an abort.
 */
export async function completeText(
  provider: ChatModelProvider,
  request: CompleteTextRequest,
): Promise<CompletedText> {
  const { spec, model } = provider.resolve(request.model ?? {});
  try {
    const result = await generateText({
      model,
      ...(request.system ? { system: request.system } : {}),
      prompt: request.prompt,
      ...(request.maxTokens ? { maxOutputTokens: request.maxTokens } : {}),
      ...(request.temperature === undefined ? {} : { temperature: request.temperature }),
      ...(request.signal ? { abortSignal: request.signal } : {}),
      maxRetries: 1,
    });
    const usage = {
      promptTokens: result.usage.inputTokens ?? 0,
      completionTokens: result.usage.outputTokens ?? 0,
    };
    return { text: result.text, spec, usage, costUsd: provider.costUsd(spec, usage) };
  } catch (error) {
    throw modelCallError(error, spec.model);
  }
}
