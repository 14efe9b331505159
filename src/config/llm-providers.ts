/** LLM providers an agent may name in `primaryModelProvider`. */
export const LLM_PROVIDERS = ["extractive", "openai"] as const;
export type LlmProviderName = (typeof LLM_PROVIDERS)[number];

export function isLlmProvider(value: string): value is LlmProviderName {
  return (LLM_PROVIDERS as readonly string[]).includes(value);
}
