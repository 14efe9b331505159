import { z } from "zod";
import { LLM_PROVIDERS, type LlmProviderName } from "./llm-providers.js";

/** Chat-model settings (LLM_*): parsed with the rest of the environment in env.ts. */
export interface LlmConfig {
  /** Provider used when an agent names none: `extractive` (offline) or `openai` (any compatible endpoint). */
  provider: LlmProviderName;
  /** Model used when an agent names none; undefined means the provider's own default. */
  model: string | undefined;
  /** OpenAI-compatible base URL up to `/v1`; defaults to OpenAI's when only an API key is set. */
  baseUrl: string | undefined;
  apiKey: string | undefined;
  /** USD per 1M tokens by model name, on top of the built-in table. */
  prices: Record<string, ModelPrice>;
  /** Time limit of one model call, stream included. */
  timeoutMs: number;
}

/** USD per one million tokens. */
export interface ModelPrice {
  input: number;
  output: number;
}

const blank = (v: unknown) => (typeof v === "string" && v.trim() === "" ? undefined : v);

const priceTable = z.record(
  z.string().min(1),
  z.object({ input: z.number().min(0), output: z.number().min(0) }).strict(),
);

const pricesJson = z.string().transform((text, ctx) => {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    // The message must not quote the value.
    ctx.addIssue({
      code: "custom",
      message: 'must be JSON like {"gpt-4o-mini":{"input":0.15,"output":0.6}}',
    });
    return z.NEVER;
  }
});

export const llmEnvShape = {
  LLM_PROVIDER: z.preprocess(blank, z.enum(LLM_PROVIDERS).default("extractive")),
  LLM_MODEL: z.preprocess(blank, z.string().optional()),
  LLM_BASE_URL: z.preprocess(
    blank,
    z
      .string()
      .refine((v) => /^https?:\/\//.test(v), { message: "must be a URL starting with http:// or https://" })
      .optional(),
  ),
  LLM_API_KEY: z.preprocess(blank, z.string().optional()),
  LLM_PRICES: z.preprocess(blank, pricesJson.pipe(priceTable).optional()),
  LLM_TIMEOUT_MS: z.preprocess(blank, z.coerce.number().int().min(1_000).max(3_600_000).default(60_000)),
};

const llmEnvSchema = z.object(llmEnvShape);
type LlmEnv = z.infer<typeof llmEnvSchema>;

/** Settings that are valid one by one but not together. */
export function llmProblems(env: LlmEnv): string[] {
  if (env.LLM_PROVIDER === "openai" && !env.LLM_BASE_URL && !env.LLM_API_KEY) {
    return [
      "LLM_BASE_URL / LLM_API_KEY: LLM_PROVIDER=openai needs an endpoint (LLM_BASE_URL) or an OpenAI key",
    ];
  }
  return [];
}

export function llmConfig(env: LlmEnv): LlmConfig {
  return {
    provider: env.LLM_PROVIDER,
    model: env.LLM_MODEL,
    baseUrl: env.LLM_BASE_URL,
    apiKey: env.LLM_API_KEY,
    prices: env.LLM_PRICES ?? {},
    timeoutMs: env.LLM_TIMEOUT_MS,
  };
}
