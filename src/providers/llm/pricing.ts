import type { ModelPrice } from "../../config/llm-env.js";
import type { TokenUsage } from "./chat-model.js";

/**
 * Built-in list prices (USD per 1M tokens, standard tier) of common OpenAI models, so costs and
 * budgets work without configuration. LLM_PRICES overrides or extends them (self-hosted models,
 * Azure contracts, price changes).
 */
export const DEFAULT_PRICES: Readonly<Record<string, ModelPrice>> = {
  "gpt-5": { input: 1.25, output: 10 },
  "gpt-5-mini": { input: 0.25, output: 2 },
  "gpt-5-nano": { input: 0.05, output: 0.4 },
  "gpt-4.1": { input: 2, output: 8 },
  "gpt-4.1-mini": { input: 0.4, output: 1.6 },
  "gpt-4.1-nano": { input: 0.1, output: 0.4 },
  "gpt-4o": { input: 2.5, output: 10 },
  "gpt-4o-mini": { input: 0.15, output: 0.6 },
  "gpt-4-turbo": { input: 10, output: 30 },
  "gpt-3.5-turbo": { input: 0.5, output: 1.5 },
  o1: { input: 15, output: 60 },
  o3: { input: 2, output: 8 },
  "o3-mini": { input: 1.1, output: 4.4 },
  "o4-mini": { input: 1.1, output: 4.4 },
};

export type PriceTable = Readonly<Record<string, ModelPrice>>;

export function priceTable(overrides: Readonly<Record<string, ModelPrice>> = {}): PriceTable {
  return { ...DEFAULT_PRICES, ...overrides };
}

/**
 * The price of a model: an exact name first, then the longest listed name it extends with "-" (dated
 * snapshots such as `gpt-4o-mini-2024-07-18`), ignoring a router's `vendor/` prefix. Undefined when
 * the model is not listed.
 */
export function priceOf(table: PriceTable, model: string): ModelPrice | undefined {
  const candidates = [model, model.slice(model.lastIndexOf("/") + 1)];
  for (const name of candidates) {
    const exact = table[name];
    if (exact) return exact;
  }
  let best: string | undefined;
  for (const name of candidates) {
    for (const listed of Object.keys(table)) {
      if (name.startsWith(`${listed}-`) && (!best || listed.length > best.length)) best = listed;
    }
  }
  return best ? table[best] : undefined;
}

/** USD for a call; 0 for unlisted models. Rounded to a millionth of a cent to avoid float noise. */
export function costOf(price: ModelPrice | undefined, usage: TokenUsage): number {
  if (!price) return 0;
  const raw = (usage.promptTokens * price.input + usage.completionTokens * price.output) / 1_000_000;
  return Math.round(raw * 1e8) / 1e8;
}
