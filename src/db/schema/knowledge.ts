import { sql } from "drizzle-orm";
import { bigint, boolean, index, integer, jsonb, pgTable, text, timestamp, uuid } from "drizzle-orm/pg-core";
import { halfvec, id, timestamps, tsvector } from "./_columns.js";
import { documentSourceKind, documentStatus, documentType, jobStatus } from "./enums.js";
import { departments, organizations, users } from "./identity.js";

/** Name of the default offline embedding model (384 dimensions); it has its own HNSW indexes. */
export const DEFAULT_EMBEDDING_MODEL = "hash-384";

/** Department-owned collection of documents (seed 000 `KnowledgeBase` + seed 001 `knowledgeBases`). */
export const knowledgeBases = pgTable(
  "knowledge_bases",
  {
    id: id(),
    orgId: uuid()
      .notNull()
      .references(() => organizations.id, { onDelete: "cascade" }),
    departmentId: uuid()
      .notNull()
      .references(() => departments.id, { onDelete: "cascade" }),
    name: text().notNull(),
    description: text(),
    /** Model every chunk of this base is embedded with; changing it means re-embedding. */
    embeddingModel: text().notNull().default(DEFAULT_EMBEDDING_MODEL),
    /**
     * Model being switched to: chunks get `next_embedding` from it in the background while
     * `embedding_model` keeps serving; the switch happens in one transaction once every chunk has one.
     */
    pendingEmbeddingModel: text(),
    /** Chunking and retrieval settings (chunk size, overlap, synthetic questions on/off, …). */
    config: jsonb().$type<Record<string, unknown>>().notNull().default({}),
    createdById: uuid().references(() => users.id, { onDelete: "set null" }),
    isArchived: boolean().notNull().default(false),
    ...timestamps(),
  },
  (t) => [
    index("knowledge_bases_org_id_idx").on(t.orgId),
    index("knowledge_bases_department_id_idx").on(t.departmentId),
    index("knowledge_bases_created_by_id_idx").on(t.createdById),
  ],
);

/**
 * Crawl configuration for a web source (seed 001 `knowledgeBaseWebUrls`). Each crawled page becomes a
 * `documents` row with source kind `web` pointing back here.
 */
export const webSources = pgTable(
  "web_sources",
  {
    id: id(),
    orgId: uuid()
      .notNull()
      .references(() => organizations.id, { onDelete: "cascade" }),
    departmentId: uuid()
      .notNull()
      .references(() => departments.id, { onDelete: "cascade" }),
    knowledgeBaseId: uuid()
      .notNull()
      .references(() => knowledgeBases.id, { onDelete: "cascade" }),
    rootUrl: text().notNull(),
    maxDepth: integer().notNull().default(1),
    maxPages: integer().notNull().default(50),
    sameDomainOnly: boolean().notNull().default(true),
    respectRobotsTxt: boolean().notNull().default(true),
    includePatterns: text().array().notNull().default(sql`'{}'::text[]`),
    excludePatterns: text().array().notNull().default(sql`'{}'::text[]`),
    /** Cron expression for re-crawls; null = crawl on demand only. */
    schedule: text(),
    enabled: boolean().notNull().default(true),
    config: jsonb().$type<Record<string, unknown>>().notNull().default({}),
    /** When the scheduler next enqueues a crawl (from `schedule`); null = none planned. */
    nextRunAt: timestamp({ withTimezone: true }),
    lastCrawledAt: timestamp({ withTimezone: true }),
    lastCrawlStatus: jobStatus(),
    lastCrawlError: text(),
    pagesCrawled: integer().notNull().default(0),
    createdById: uuid().references(() => users.id, { onDelete: "set null" }),
    ...timestamps(),
  },
  (t) => [
    index("web_sources_org_id_idx").on(t.orgId),
    index("web_sources_department_id_idx").on(t.departmentId),
    index("web_sources_knowledge_base_id_idx").on(t.knowledgeBaseId),
    index("web_sources_created_by_id_idx").on(t.createdById),
    index("web_sources_due_idx").on(t.nextRunAt).where(sql`${t.enabled} and ${t.schedule} is not null`),
  ],
);

/** Where a document is in the pipeline, as GET /documents/:id shows it. */
export interface IngestProgress {
  stage: "queued" | "extracting" | "embedding" | "questions" | "storing" | "done" | "retrying" | "failed";
  done?: number;
  total?: number;
  attempt?: number;
  /** When the stage was reached (ISO time). */
  at?: string;
}

/**
 * A source document or a generated output file (seed 000 `Document` + seed 001 knowledgeBaseFiles,
 * knowledgeBaseFreeformTexts, knowledgeBaseTables). `sourceKind` says which; freeform text lives in
 * `content`, table rows in `tableData`. Re-ingesting the same content replaces the old document, so
 * (knowledge_base_id, content_hash) is indexed but not unique.
 */
export const documents = pgTable(
  "documents",
  {
    id: id(),
    orgId: uuid()
      .notNull()
      .references(() => organizations.id, { onDelete: "cascade" }),
    departmentId: uuid()
      .notNull()
      .references(() => departments.id, { onDelete: "cascade" }),
    /** Null only for generated outputs that were not filed into a knowledge base. */
    knowledgeBaseId: uuid().references(() => knowledgeBases.id, { onDelete: "cascade" }),
    webSourceId: uuid().references(() => webSources.id, { onDelete: "set null" }),
    title: text().notNull(),
    type: documentType().notNull(),
    sourceKind: documentSourceKind().notNull().default("file"),
    status: documentStatus().notNull().default("pending"),
    originalUrl: text(),
    /** Key of the original bytes in the storage provider. */
    storageKey: text(),
    mimeType: text(),
    sizeBytes: bigint({ mode: "number" }),
    /** sha256 of the normalised extracted text. */
    contentHash: text(),
    content: text(),
    tableData: jsonb().$type<{ columns: string[]; rows: unknown[][] }>(),
    metadata: jsonb().$type<Record<string, unknown>>().notNull().default({}),
    /** Bumped for each new source content or re-run; the ingestion job of an older revision stands down. */
    revision: integer().notNull().default(0),
    /** The revision whose chunks are stored (null until the pipeline first finishes). */
    ingestedRevision: integer(),
    /** sha256 of the uploaded bytes: the same bytes uploaded again are the same document. */
    sourceHash: text(),
    /** Where the pipeline is (stage, chunks done of total); null before it is first queued. */
    progress: jsonb().$type<IngestProgress>(),
    error: text(),
    chunkCount: integer().notNull().default(0),
    tokenCount: integer().notNull().default(0),
    uploadedById: uuid().references(() => users.id, { onDelete: "set null" }),
    processedAt: timestamp({ withTimezone: true }),
    ...timestamps(),
  },
  (t) => [
    index("documents_org_id_idx").on(t.orgId),
    index("documents_department_id_idx").on(t.departmentId),
    index("documents_knowledge_base_id_content_hash_idx").on(t.knowledgeBaseId, t.contentHash),
    index("documents_knowledge_base_id_source_hash_idx").on(t.knowledgeBaseId, t.sourceHash),
    index("documents_web_source_id_idx").on(t.webSourceId),
    index("documents_uploaded_by_id_idx").on(t.uploadedById),
    index("documents_status_idx").on(t.status),
  ],
);

/**
 * Searchable text chunk (seed 000 `Chunk` + seed 001 `embeddings`). Department and knowledge base are
 * denormalised so filtered vector and full-text search never join. `embedding` is an undimensioned
 * halfvec; each model gets a partial expression HNSW index on `(embedding::halfvec(D))`.
 */
export const chunks = pgTable(
  "chunks",
  {
    id: id(),
    orgId: uuid()
      .notNull()
      .references(() => organizations.id, { onDelete: "cascade" }),
    departmentId: uuid()
      .notNull()
      .references(() => departments.id, { onDelete: "cascade" }),
    knowledgeBaseId: uuid()
      .notNull()
      .references(() => knowledgeBases.id, { onDelete: "cascade" }),
    documentId: uuid()
      .notNull()
      .references(() => documents.id, { onDelete: "cascade" }),
    ordinal: integer().notNull(),
    content: text().notNull(),
    contentTsv: tsvector().notNull().generatedAlwaysAs(sql`to_tsvector('english', content)`),
    tokenCount: integer().notNull().default(0),
    embedding: halfvec(),
    embeddingModel: text(),
    /** Embedding by the knowledge base's pending model, filled by the re-embed job before the switch. */
    nextEmbedding: halfvec(),
    syntheticQuestions: text().array().notNull().default(sql`'{}'::text[]`),
    metadata: jsonb().$type<Record<string, unknown>>().notNull().default({}),
    ...timestamps(),
  },
  (t) => [
    index("chunks_org_id_idx").on(t.orgId),
    index("chunks_department_id_idx").on(t.departmentId),
    index("chunks_knowledge_base_id_idx").on(t.knowledgeBaseId),
    index("chunks_document_id_ordinal_idx").on(t.documentId, t.ordinal),
    // fastupdate off: a pending list (filled by every insert until VACUUM) is scanned linearly by each
    // search and makes the planner shun the index (ADR 0016).
    index("chunks_content_tsv_idx").using("gin", t.contentTsv).with({ fastupdate: false }),
    index("chunks_embedding_hash384_hnsw_idx")
      .using("hnsw", sql`(${t.embedding}::halfvec(384)) halfvec_cosine_ops`)
      .where(sql`${t.embeddingModel} = 'hash-384'`),
  ],
);

/** Synthetic question generated for a chunk: a second retrieval path (seed 000 `ChunkQuestion`). */
export const chunkQuestions = pgTable(
  "chunk_questions",
  {
    id: id(),
    orgId: uuid()
      .notNull()
      .references(() => organizations.id, { onDelete: "cascade" }),
    departmentId: uuid()
      .notNull()
      .references(() => departments.id, { onDelete: "cascade" }),
    knowledgeBaseId: uuid()
      .notNull()
      .references(() => knowledgeBases.id, { onDelete: "cascade" }),
    chunkId: uuid()
      .notNull()
      .references(() => chunks.id, { onDelete: "cascade" }),
    question: text().notNull(),
    embedding: halfvec(),
    embeddingModel: text(),
    ...timestamps(),
  },
  (t) => [
    index("chunk_questions_org_id_idx").on(t.orgId),
    index("chunk_questions_department_id_idx").on(t.departmentId),
    index("chunk_questions_knowledge_base_id_idx").on(t.knowledgeBaseId),
    index("chunk_questions_chunk_id_idx").on(t.chunkId),
    index("chunk_questions_embedding_hash384_hnsw_idx")
      .using("hnsw", sql`(${t.embedding}::halfvec(384)) halfvec_cosine_ops`)
      .where(sql`${t.embeddingModel} = 'hash-384'`),
  ],
);
