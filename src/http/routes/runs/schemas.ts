import { z } from "zod";
import { timestamp } from "../../schemas/common.js";

export const runSummary = z.object({
  id: z.uuid(),
  traceId: z.string(),
  taskId: z.uuid().nullable(),
  conversationId: z.uuid().nullable(),
  messageId: z.uuid().nullable(),
  agentId: z.uuid().nullable(),
  departmentId: z.uuid().nullable(),
  provider: z.string(),
  model: z.string(),
  status: z.enum(["running", "ok", "error", "timeout"]),
  error: z.string().nullable(),
  promptTokens: z.number().int(),
  completionTokens: z.number().int(),
  totalTokens: z.number().int(),
  costUsd: z.number(),
  latencyMs: z.number().int().nullable(),
  firstTokenMs: z.number().int().nullable(),
  stages: z
    .array(
      z.object({
        name: z.string(),
        ms: z.number(),
        startMs: z
          .number()
          .nullable()
          .describe("milliseconds after the turn started (null on runs recorded before it was kept)"),
        group: z.string().nullable().describe("the stage group it ran inside (stages side by side)"),
      }),
    )
    .describe(
      "The turn's stages in the order they started (a group before its own), with their milliseconds",
    ),
  pii: z
    .object({
      policy: z.string(),
      masked: z.number().int(),
      kinds: z.array(z.string()),
      placeholders: z.number().int(),
      unknownPlaceholders: z.number().int(),
    })
    .nullable()
    .describe(
      "PII masking in the turn: values masked, kinds, the conversation's placeholders, placeholders the model invented (null when off)",
    ),
  startedAt: timestamp,
  finishedAt: timestamp.nullable(),
});

export const runListItem = runSummary.extend({
  agentName: z.string().nullable().describe("the assistant's name (null for runs without one)"),
});

const task = z.object({
  id: z.uuid(),
  status: z.enum(["queued", "running", "done", "failed", "timeout"]),
  adapterType: z.string(),
  agentId: z.uuid().nullable(),
  agentVersionId: z.uuid().nullable(),
  conversationId: z.uuid().nullable(),
  messageId: z.uuid().nullable(),
  error: z.string().nullable(),
  promptTokens: z.number().int(),
  completionTokens: z.number().int(),
  totalTokens: z.number().int(),
  costUsd: z.number(),
  durationMs: z.number().int().nullable(),
  startedAt: timestamp.nullable(),
  completedAt: timestamp.nullable(),
  createdAt: timestamp,
});

const toolCall = z.object({
  id: z.uuid(),
  stepIndex: z.number().int(),
  name: z.string(),
  toolId: z.uuid().nullable(),
  status: z.enum(["running", "ok", "error", "timeout"]),
  input: z.unknown(),
  output: z.unknown(),
  error: z.string().nullable(),
  durationMs: z.number().int().nullable(),
  startedAt: timestamp,
  completedAt: timestamp.nullable(),
});

const retrievalHit = z.object({
  rank: z.number().int(),
  chunkId: z.uuid().nullable(),
  documentId: z.uuid().nullable(),
  knowledgeBaseId: z.uuid().nullable(),
  score: z.number(),
  rerankScore: z.number().nullable(),
  retriever: z.string(),
  citationLabel: z.string().nullable(),
  snippet: z.string().nullable(),
});

export const runTrace = z.object({
  run: runSummary.nullable(),
  task: task.nullable(),
  toolCalls: z.array(toolCall),
  retrievalHits: z.array(retrievalHit),
});
