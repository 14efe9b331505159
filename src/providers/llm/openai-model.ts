import { createOpenAICompatible } from "@ai-sdk/openai-compatible";
import type { ChatModel } from "./chat-model.js";

export const OPENAI_DEFAULT_BASE_URL = "https://api.openai.com/v1";

export interface OpenAIChatOptions {
  /** Base URL up to and including `/v1` (OpenAI, Azure OpenAI, Ollama, vLLM, LM Studio, …). */
  baseUrl: string;
  apiKey?: string | undefined;
  /** Time limit of one call, from the request until the last streamed chunk. */
  timeoutMs: number;
  /** The HTTP client (tests may pass their own). */
  fetch?: typeof globalThis.fetch;
}

/** Adds the per-call time limit to every request, alongside the caller's own abort signal. */
function fetchWithTimeout(timeoutMs: number, base: typeof globalThis.fetch): typeof globalThis.fetch {
  return (input, init) => {
    const timeout = AbortSignal.timeout(timeoutMs);
    const signal = init?.signal ? AbortSignal.any([init.signal, timeout]) : timeout;
    return base(input, { ...init, signal });
  };
}

/**
 * Chat models of one OpenAI-compatible endpoint through the AI SDK: streaming, tool calls, and usage
 * in streams (`stream_options.include_usage`), which costs and budgets depend on.
 */
export function createOpenAIChatModels(options: OpenAIChatOptions): (model: string) => ChatModel {
  const provider = createOpenAICompatible({
    name: "openai",
    baseURL: options.baseUrl.replace(/\/+$/, ""),
    ...(options.apiKey ? { apiKey: options.apiKey } : {}),
    includeUsage: true,
    fetch: fetchWithTimeout(options.timeoutMs, options.fetch ?? globalThis.fetch),
  });
  return (model) => provider.chatModel(model);
}
