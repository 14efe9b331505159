import { sql } from "drizzle-orm";
import {
  doublePrecision,
  index,
  integer,
  jsonb,
  numeric,
  pgTable,
  text,
  timestamp,
  uuid,
} from "drizzle-orm/pg-core";
import { id, timestamps } from "./_columns.js";
import { agents, namespaces } from "./assistants.js";
import { conversations, messages } from "./conversations.js";
import { agentRunStatus } from "./enums.js";
import { agentTasks } from "./execution.js";
import { departments, organizations, users } from "./identity.js";
import { chunks, documents, knowledgeBases } from "./knowledge.js";

/**
 * Business and security audit trail (seed 000 `AuditLog`), written in the same transaction as the
 * change. `actorType` is user | api_key | agent | channel | system; `actorId` its id; `userId` is set
 * when the actor is (or acts for) a user.
 */
export const auditLogs = pgTable(
  "audit_logs",
  {
    id: id(),
    orgId: uuid()
      .notNull()
      .references(() => organizations.id, { onDelete: "cascade" }),
    departmentId: uuid().references(() => departments.id, { onDelete: "set null" }),
    userId: uuid().references(() => users.id, { onDelete: "set null" }),
    actorType: text().notNull(),
    actorId: text(),
    action: text().notNull(),
    entityType: text().notNull(),
    entityId: text(),
    changes: jsonb().$type<Record<string, unknown>>(),
    ipAddress: text(),
    userAgent: text(),
    requestId: text(),
    ...timestamps(),
  },
  (t) => [
    index("audit_logs_org_id_created_at_idx").on(t.orgId, t.createdAt),
    index("audit_logs_department_id_idx").on(t.departmentId),
    index("audit_logs_user_id_idx").on(t.userId),
    index("audit_logs_entity_idx").on(t.entityType, t.entityId),
  ],
);

/**
 * One model call trace (seed 000 `AgentRun`, Langfuse/OpenAI trace summary). Cost records outlive the
 * conversation they came from, so conversation/message links are set null on delete.
 */
export const agentRuns = pgTable(
  "agent_runs",
  {
    id: id(),
    orgId: uuid()
      .notNull()
      .references(() => organizations.id, { onDelete: "cascade" }),
    departmentId: uuid().references(() => departments.id, { onDelete: "set null" }),
    /**
     * The department the run is charged to (whose budget it spends): the conversation's department,
     * or for an org-wide assistant the department of the person asking. Null on rows written before
     * it existed, which are charged to `department_id`.
     */
    billedDepartmentId: uuid().references(() => departments.id, { onDelete: "set null" }),
    traceId: text().notNull(),
    agentTaskId: uuid().references(() => agentTasks.id, { onDelete: "set null" }),
    conversationId: uuid().references(() => conversations.id, { onDelete: "set null" }),
    messageId: uuid().references(() => messages.id, { onDelete: "set null" }),
    namespaceId: uuid().references(() => namespaces.id, { onDelete: "set null" }),
    agentId: uuid().references(() => agents.id, { onDelete: "set null" }),
    userId: uuid().references(() => users.id, { onDelete: "set null" }),
    provider: text().notNull(),
    model: text().notNull(),
    promptTokens: integer().notNull().default(0),
    completionTokens: integer().notNull().default(0),
    totalTokens: integer().notNull().default(0),
    costUsd: numeric({ precision: 12, scale: 6, mode: "number" }).notNull().default(0),
    latencyMs: integer(),
    /** Time to first token, for streamed replies. */
    firstTokenMs: integer(),
    status: agentRunStatus().notNull().default("running"),
    error: text(),
    metadata: jsonb().$type<Record<string, unknown>>().notNull().default({}),
    startedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    finishedAt: timestamp({ withTimezone: true }),
    ...timestamps(),
  },
  (t) => [
    index("agent_runs_org_id_created_at_idx").on(t.orgId, t.createdAt),
    index("agent_runs_department_id_idx").on(t.departmentId),
    index("agent_runs_trace_id_idx").on(t.traceId),
    index("agent_runs_agent_task_id_idx").on(t.agentTaskId),
    index("agent_runs_conversation_id_idx").on(t.conversationId),
    index("agent_runs_message_id_idx").on(t.messageId),
    index("agent_runs_namespace_id_idx").on(t.namespaceId),
    index("agent_runs_agent_id_idx").on(t.agentId),
    index("agent_runs_user_id_idx").on(t.userId),
  ],
);

/**
 * RAG evidence: one retrieved passage of one run (seed 000 `RetrievalHit`). `retriever` is vector |
 * fulltext | question | fused; `score` the fused score, `rerankScore` the reranker's if one ran.
 * Chunk and document links survive re-ingestion as null; `citationLabel` and `snippet` keep the evidence.
 */
export const retrievalHits = pgTable(
  "retrieval_hits",
  {
    id: id(),
    orgId: uuid()
      .notNull()
      .references(() => organizations.id, { onDelete: "cascade" }),
    agentRunId: uuid()
      .notNull()
      .references(() => agentRuns.id, { onDelete: "cascade" }),
    chunkId: uuid().references(() => chunks.id, { onDelete: "set null" }),
    documentId: uuid().references(() => documents.id, { onDelete: "set null" }),
    knowledgeBaseId: uuid().references(() => knowledgeBases.id, { onDelete: "set null" }),
    rank: integer().notNull(),
    score: doublePrecision().notNull(),
    rerankScore: doublePrecision(),
    retriever: text().notNull().default("fused"),
    citationLabel: text(),
    snippet: text(),
    ...timestamps(),
  },
  (t) => [
    index("retrieval_hits_org_id_idx").on(t.orgId),
    index("retrieval_hits_agent_run_id_rank_idx").on(t.agentRunId, t.rank),
    index("retrieval_hits_chunk_id_idx").on(t.chunkId),
    index("retrieval_hits_document_id_idx").on(t.documentId),
    index("retrieval_hits_knowledge_base_id_idx").on(t.knowledgeBaseId),
  ],
);

/** In-app notification (seed 000 `Notification`). Unread = `readAt` is null. */
export const notifications = pgTable(
  "notifications",
  {
    id: id(),
    orgId: uuid()
      .notNull()
      .references(() => organizations.id, { onDelete: "cascade" }),
    userId: uuid()
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    type: text().notNull(),
    title: text().notNull(),
    body: text(),
    entityType: text(),
    entityId: text(),
    readAt: timestamp({ withTimezone: true }),
    ...timestamps(),
  },
  (t) => [
    index("notifications_org_id_idx").on(t.orgId),
    index("notifications_user_id_created_at_idx").on(t.userId, t.createdAt),
    index("notifications_user_unread_idx").on(t.userId).where(sql`${t.readAt} is null`),
  ],
);
