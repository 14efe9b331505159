import type { LanguageModelV4 } from "@ai-sdk/provider";

/**
 * The model interface the agent runtime talks to: the AI SDK's language-model specification, so a
 * real provider (OpenAI-compatible) and the offline `extractive` model are interchangeable.
 */
export type ChatModel = LanguageModelV4;

/** Which model an agent asks for. Missing parts fall back to the configured defaults. */
export interface ModelSpec {
  provider: string;
  model: string;
}

export interface TokenUsage {
  promptTokens: number;
  completionTokens: number;
}

/** Builds models from agent settings; chosen in the composition root. */
export interface ChatModelProvider {
  /** Resolves the spec (defaults filled in) and builds the model; an unknown provider is a VALIDATION error. */
  resolve(spec: Partial<ModelSpec>): { spec: ModelSpec; model: ChatModel };
  /** USD cost of a call from the configured price table (0 for unpriced models). */
  costUsd(spec: ModelSpec, usage: TokenUsage): number;
}
