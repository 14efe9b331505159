import type { LlmConfig } from "../../config/llm-env.js";
import { isLlmProvider, LLM_PROVIDERS, type LlmProviderName } from "../../config/llm-providers.js";
import { AppError } from "../../lib/errors.js";
import type { ChatModel, ChatModelProvider, ModelSpec, TokenUsage } from "./chat-model.js";
import { EXTRACTIVE_MODEL_ID, ExtractiveChatModel } from "./extractive-model.js";
import { createOpenAIChatModels, OPENAI_DEFAULT_BASE_URL } from "./openai-model.js";
import { costOf, priceOf, priceTable } from "./pricing.js";

export type { ChatModel, ChatModelProvider, ModelSpec, TokenUsage } from "./chat-model.js";
export { type CompletedText, type CompleteTextRequest, completeText } from "./complete-text.js";
export { ExtractiveChatModel } from "./extractive-model.js";
export { modelCallError } from "./model-errors.js";

/** The model a provider uses when neither the agent nor LLM_MODEL names one. */
export const DEFAULT_MODELS: Record<LlmProviderName, string> = {
  extractive: EXTRACTIVE_MODEL_ID,
  openai: "gpt-4o-mini",
};

export interface ChatModelProviderOptions {
  /** HTTP client for OpenAI-compatible endpoints (tests may pass their own). */
  fetch?: typeof globalThis.fetch;
}

/**
 * Builds chat models from agent settings: missing parts come from LLM_PROVIDER / LLM_MODEL, instances
 * are cached per provider and model, and costs come from the price table (built-in + LLM_PRICES).
 */
export function createChatModelProvider(
  config: LlmConfig,
  options: ChatModelProviderOptions = {},
): ChatModelProvider {
  const prices = priceTable(config.prices);
  const models = new Map<string, ChatModel>();
  let openai: ((model: string) => ChatModel) | undefined;

  function fill(spec: Partial<ModelSpec>): ModelSpec {
    const provider = spec.provider?.trim() || config.provider;
    if (!isLlmProvider(provider)) {
      throw new AppError(
        "VALIDATION",
        `Unknown model provider "${provider.slice(0, 60)}"; use one of ${LLM_PROVIDERS.join(", ")}`,
      );
    }
    // The extractive model is one model, whatever name is asked for.
    if (provider === "extractive") return { provider, model: EXTRACTIVE_MODEL_ID };
    const fallback = provider === config.provider ? config.model : undefined;
    return { provider, model: spec.model?.trim() || fallback || DEFAULT_MODELS[provider] };
  }

  function openaiModels(): (model: string) => ChatModel {
    if (openai) return openai;
    if (!config.baseUrl && !config.apiKey) {
      throw new AppError(
        "UNAVAILABLE",
        "No OpenAI-compatible endpoint is configured: set LLM_BASE_URL (and LLM_API_KEY if it needs one), or use the extractive provider",
      );
    }
    openai = createOpenAIChatModels({
      baseUrl: config.baseUrl ?? OPENAI_DEFAULT_BASE_URL,
      apiKey: config.apiKey,
      timeoutMs: config.timeoutMs,
      fetch: options.fetch,
    });
    return openai;
  }

  return {
    resolve(requested) {
      const spec = fill(requested);
      const key = `${spec.provider}\u0000${spec.model}`;
      let model = models.get(key);
      if (!model) {
        model = spec.provider === "extractive" ? new ExtractiveChatModel() : openaiModels()(spec.model);
        models.set(key, model);
      }
      return { spec, model };
    },
    costUsd(spec: ModelSpec, usage: TokenUsage): number {
      if (spec.provider === "extractive") return 0;
      return costOf(priceOf(prices, spec.model), usage);
    },
  };
}
