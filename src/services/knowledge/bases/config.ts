import { z } from "zod";
import { AppError } from "../../../lib/errors.js";

/** A knowledge base's settings as the API accepts them (every field optional on input). */
export const knowledgeBaseConfigInput = z
  .object({
    /** Largest chunk, in tokens. */
    chunkSize: z.number().int().min(64).max(8192),
    /** Tokens repeated between neighbouring chunks; less than half the chunk size. */
    chunkOverlap: z.number().int().min(0).max(2048),
    /** Table rows per chunk (the header is repeated in each). */
    tableRowsPerChunk: z.number().int().min(1).max(500),
    /** Generate synthetic questions per chunk (a retrieval path). */
    syntheticQuestions: z.boolean(),
    /** Used by searches of this knowledge base that do not say otherwise. */
    retrieval: z
      .object({
        mode: z.enum(["hybrid", "vector", "fulltext"]),
        limit: z.number().int().min(1).max(100),
      })
      .partial()
      .strict(),
  })
  .partial()
  .strict();

export type KnowledgeBaseConfigInput = z.infer<typeof knowledgeBaseConfigInput>;

export interface KnowledgeBaseConfig {
  chunkSize: number;
  chunkOverlap: number;
  tableRowsPerChunk: number;
  syntheticQuestions: boolean;
  retrieval: { mode: "hybrid" | "vector" | "fulltext"; limit: number };
}

export const DEFAULT_KNOWLEDGE_BASE_CONFIG: KnowledgeBaseConfig = {
  chunkSize: 512,
  chunkOverlap: 64,
  tableRowsPerChunk: 20,
  syntheticQuestions: true,
  retrieval: { mode: "hybrid", limit: 10 },
};

/** Stored config (possibly old or partial) with defaults filled; unknown or invalid keys are ignored. */
export function resolveConfig(stored: Record<string, unknown> | null | undefined): KnowledgeBaseConfig {
  const out: KnowledgeBaseConfig = structuredClone(DEFAULT_KNOWLEDGE_BASE_CONFIG);
  const shape = knowledgeBaseConfigInput.shape;
  for (const key of ["chunkSize", "chunkOverlap", "tableRowsPerChunk", "syntheticQuestions"] as const) {
    const parsed = shape[key].safeParse(stored?.[key]);
    if (parsed.success && parsed.data !== undefined)
      (out as unknown as Record<string, unknown>)[key] = parsed.data;
  }
  const retrieval = shape.retrieval.safeParse(stored?.retrieval);
  if (retrieval.success && retrieval.data) out.retrieval = { ...out.retrieval, ...retrieval.data };
  if (out.chunkOverlap * 2 >= out.chunkSize) out.chunkOverlap = DEFAULT_KNOWLEDGE_BASE_CONFIG.chunkOverlap;
  return out;
}

/** Applies a patch to a stored config and checks the combination (overlap below half the size). */
export function mergeConfig(
  stored: Record<string, unknown> | null | undefined,
  patch: KnowledgeBaseConfigInput | undefined,
): KnowledgeBaseConfig {
  const base = resolveConfig(stored);
  const merged: KnowledgeBaseConfig = {
    ...base,
    ...patch,
    retrieval: { ...base.retrieval, ...patch?.retrieval },
  } as KnowledgeBaseConfig;
  if (merged.chunkOverlap * 2 >= merged.chunkSize) {
    throw new AppError("VALIDATION", "chunkOverlap must be less than half of chunkSize", {
      chunkSize: merged.chunkSize,
      chunkOverlap: merged.chunkOverlap,
    });
  }
  return merged;
}
