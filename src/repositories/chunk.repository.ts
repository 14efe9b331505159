import { asc, eq, sql } from "drizzle-orm";
import type pg from "pg";
import type { DatabaseHandle, Queryable } from "../db/client.js";
import { arrayLiteral, copyRows, vectorLiteral } from "../db/copy.js";
import { guarded } from "../db/errors.js";
import { chunkQuestions, chunks } from "../db/schema/index.js";
import { transactionClient } from "../db/tx-client.js";
import { newId } from "../lib/ids.js";
import { buildPage, type Page, type PageQuery, toOffset } from "../lib/pagination.js";
import { type NewRow, TableRepository } from "./table-repository.js";

export type ChunkRow = typeof chunks.$inferSelect;
export type NewChunk = NewRow<typeof chunks>;
export type NewChunkQuestion = typeof chunkQuestions.$inferInsert;

const QUESTION_COPY_COLUMNS = [
  "id",
  "org_id",
  "department_id",
  "knowledge_base_id",
  "chunk_id",
  "question",
  "embedding",
  "embedding_model",
] as const;

/** Rows per multi-row INSERT on the embedded database (keeps each statement well under parameter limits). */
const INSERT_BATCH = 500;

/** Column order of a COPY into chunks; `chunkCopyValues` gives one row in the same order. */
export const CHUNK_COPY_COLUMNS = [
  "id",
  "org_id",
  "department_id",
  "knowledge_base_id",
  "document_id",
  "ordinal",
  "content",
  "token_count",
  "embedding",
  "embedding_model",
  "synthetic_questions",
  "metadata",
] as const;

/** A chunk as readers see it (no vectors). */
export interface ChunkText {
  id: string;
  ordinal: number;
  content: string;
  tokenCount: number;
  syntheticQuestions: string[];
  metadata: Record<string, unknown>;
}

export class ChunkRepository extends TableRepository<typeof chunks> {
  constructor(
    db: Queryable,
    private readonly handle: DatabaseHandle | undefined,
  ) {
    super(db, chunks);
  }

  /**
   * The one chunk writer — ingestion, re-embedding, benchmarks and test fixtures all write chunks (and
   * their synthetic questions) here. Server PostgreSQL: COPY, on the caller's transaction connection
   * when given one (rolled back with it), else on a pooled connection. PGlite: batched multi-row
   * INSERTs. Returns the number of chunks written.
   */
  async write(rows: NewChunk[], questions: NewChunkQuestion[] = [], tx?: Queryable): Promise<number> {
    if (rows.length === 0 && questions.length === 0) return 0;
    const client = tx ? transactionClient(this.handle, tx) : undefined;
    if (client) return copyAll(client, rows, questions);
    if (!tx && this.handle?.kind === "postgres") {
      const pooled = await this.handle.pool.connect();
      try {
        return await copyAll(pooled, rows, questions);
      } finally {
        pooled.release();
      }
    }
    for (let i = 0; i < rows.length; i += INSERT_BATCH) {
      const batch = rows.slice(i, i + INSERT_BATCH);
      await guarded(() => this.q(tx).insert(chunks).values(batch));
    }
    for (let i = 0; i < questions.length; i += INSERT_BATCH) {
      const batch = questions.slice(i, i + INSERT_BATCH);
      await guarded(() => this.q(tx).insert(chunkQuestions).values(batch));
    }
    return rows.length;
  }

  /**
   * Replaces every chunk (and synthetic question) of a document inside `tx`: the old rows are deleted
   * and the new ones written (`write`). Readers see the old set or the new one, never a mix.
   */
  async replaceOfDocument(
    documentId: string,
    rows: NewChunk[],
    questions: NewChunkQuestion[],
    tx: Queryable,
  ): Promise<void> {
    await guarded(() => tx.delete(chunks).where(eq(chunks.documentId, documentId)));
    await this.write(rows, questions, tx);
  }

  /** A document's chunks in reading order, without their vectors. */
  async pageOfDocument(documentId: string, query: PageQuery, tx?: Queryable): Promise<Page<ChunkText>> {
    const { limit, offset } = toOffset(query);
    const rows = await guarded(() =>
      this.q(tx)
        .select({
          id: chunks.id,
          ordinal: chunks.ordinal,
          content: chunks.content,
          tokenCount: chunks.tokenCount,
          syntheticQuestions: chunks.syntheticQuestions,
          metadata: chunks.metadata,
          pageTotal: sql<number>`count(*) over()`.mapWith(Number),
        })
        .from(chunks)
        .where(eq(chunks.documentId, documentId))
        .orderBy(asc(chunks.ordinal), asc(chunks.id))
        .limit(limit)
        .offset(offset),
    );
    const total =
      rows[0]?.pageTotal ?? (offset > 0 ? await this.count(eq(chunks.documentId, documentId), tx) : 0);
    return buildPage(
      rows.map(({ pageTotal: _total, ...chunk }) => chunk),
      query,
      total,
    );
  }
}

async function copyAll(client: pg.PoolClient, rows: NewChunk[], questions: NewChunkQuestion[]) {
  if (rows.length > 0) {
    await guarded(() => copyRows(client, "chunks", CHUNK_COPY_COLUMNS, rows.map(chunkCopyValues)));
  }
  if (questions.length > 0) {
    await guarded(() =>
      copyRows(client, "chunk_questions", QUESTION_COPY_COLUMNS, questions.map(questionLine)),
    );
  }
  return rows.length;
}

function questionLine(q: NewChunkQuestion): unknown[] {
  return [
    q.id ?? newId(),
    q.orgId,
    q.departmentId,
    q.knowledgeBaseId,
    q.chunkId,
    q.question,
    q.embedding ? vectorLiteral(q.embedding) : null,
    q.embeddingModel ?? null,
  ];
}

/** One chunk as COPY text-format values, in CHUNK_COPY_COLUMNS order. */
export function chunkCopyValues(r: NewChunk): unknown[] {
  return [
    r.id ?? newId(),
    r.orgId,
    r.departmentId,
    r.knowledgeBaseId,
    r.documentId,
    r.ordinal,
    r.content,
    r.tokenCount ?? 0,
    r.embedding ? vectorLiteral(r.embedding) : null,
    r.embeddingModel ?? null,
    arrayLiteral(r.syntheticQuestions ?? []),
    r.metadata ?? {},
  ];
}
