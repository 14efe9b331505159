import { z } from "zod";
import { knowledgeBaseConfigInput } from "../../../services/knowledge/index.js";
import { resourceName, timestamp } from "../../schemas/common.js";
import { named } from "../../schemas/named.js";

export const retrievalMode = z.enum(["hybrid", "vector", "fulltext"]);

export const knowledgeBaseConfig = z.object({
  chunkSize: z.number().int(),
  chunkOverlap: z.number().int(),
  tableRowsPerChunk: z.number().int(),
  syntheticQuestions: z.boolean(),
  retrieval: z.object({ mode: retrievalMode, limit: z.number().int() }),
});

export const knowledgeBase = named(
  z.object({
    id: z.uuid(),
    departmentId: z.uuid(),
    name: z.string(),
    description: z.string().nullable(),
    embeddingModel: z.string(),
    /** Set while the base is being re-embedded with another model (searches keep using `embeddingModel`). */
    pendingEmbeddingModel: z.string().nullable(),
    config: knowledgeBaseConfig,
    isArchived: z.boolean(),
    createdAt: timestamp,
    updatedAt: timestamp,
  }),
  "KnowledgeBase",
);

const name = resourceName;
const modelName = z.string().trim().min(1).max(200);

export const createKnowledgeBaseBody = z.object({
  departmentId: z.uuid(),
  name,
  description: z.string().max(2000).nullish(),
  embeddingModel: modelName.optional(),
  config: knowledgeBaseConfigInput.optional(),
});

export const updateKnowledgeBaseBody = createKnowledgeBaseBody
  .omit({ departmentId: true })
  .partial()
  .refine((b) => Object.keys(b).length > 0, "send at least one field");

export const progress = z.object({
  stage: z.string(),
  done: z.number().int().optional(),
  total: z.number().int().optional(),
  attempt: z.number().int().optional(),
  at: z.string().optional(),
});

export const documentSchema = named(
  z.object({
    id: z.uuid(),
    departmentId: z.uuid(),
    knowledgeBaseId: z.uuid().nullable(),
    webSourceId: z.uuid().nullable(),
    title: z.string(),
    type: z.string(),
    sourceKind: z.string(),
    status: z.enum(["pending", "processing", "ready", "failed"]),
    /** Where the pipeline is: stage (extracting, embedding, …) and chunks done of total. */
    progress: progress.nullable(),
    revision: z.number().int(),
    error: z.string().nullable(),
    originalUrl: z.string().nullable(),
    mimeType: z.string().nullable(),
    sizeBytes: z.number().nullable(),
    contentHash: z.string().nullable(),
    chunkCount: z.number().int(),
    tokenCount: z.number().int(),
    metadata: z.record(z.string(), z.unknown()),
    processedAt: timestamp.nullable(),
    createdAt: timestamp,
    updatedAt: timestamp,
  }),
  "Document",
);

/** A create answer: the document, and whether it is new (false: the same source was already there). */
export const createdDocument = named(
  z.object({ document: documentSchema, created: z.boolean() }),
  "CreatedDocument",
);

export const webSource = named(
  z.object({
    id: z.uuid(),
    departmentId: z.uuid(),
    knowledgeBaseId: z.uuid(),
    rootUrl: z.string(),
    mode: z.enum(["single", "crawl"]),
    maxDepth: z.number().int(),
    maxPages: z.number().int(),
    respectRobotsTxt: z.boolean(),
    schedule: z.string().nullable(),
    enabled: z.boolean(),
    nextRunAt: timestamp.nullable(),
    lastCrawledAt: timestamp.nullable(),
    lastCrawlStatus: z.string().nullable(),
    lastCrawlError: z.string().nullable(),
    pagesCrawled: z.number().int(),
    config: z.record(z.string(), z.unknown()),
    createdAt: timestamp,
    updatedAt: timestamp,
  }),
  "WebSource",
);

export const searchBody = z.object({
  query: z.string().trim().min(1).max(2000),
  mode: retrievalMode.optional(),
  limit: z.number().int().min(1).max(100).optional(),
});

export const searchAllBody = searchBody.extend({
  knowledgeBaseIds: z.array(z.uuid()).min(1).max(100).optional(),
});

export const searchResponse = named(
  z.object({
    mode: retrievalMode,
    models: z.array(z.string()),
    results: z.array(
      z.object({
        chunkId: z.uuid(),
        documentId: z.uuid(),
        knowledgeBaseId: z.uuid(),
        departmentId: z.uuid(),
        title: z.string(),
        content: z.string(),
        metadata: z.record(z.string(), z.unknown()),
        citation: z.string(),
        scores: z.object({
          vector: z.number().optional(),
          fulltext: z.number().optional(),
          question: z.number().optional(),
          fused: z.number(),
          rerank: z.number().optional(),
        }),
      }),
    ),
  }),
  "SearchResults",
);
