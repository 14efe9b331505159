import { asc, eq, sql } from "drizzle-orm";
import type { DatabaseHandle, Queryable } from "../db/client.js";
import { arrayLiteral, copyRows, vectorLiteral } from "../db/copy.js";
import { guarded } from "../db/errors.js";
import { chunks } from "../db/schema/index.js";
import { newId } from "../lib/ids.js";
import { buildPage, type Page, type PageQuery, toOffset } from "../lib/pagination.js";
import { type NewRow, TableRepository } from "./table-repository.js";

export type ChunkRow = typeof chunks.$inferSelect;
export type NewChunk = NewRow<typeof chunks>;

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
   * Writes many chunks: COPY on server PostgreSQL, batched multi-row INSERTs on PGlite or inside a
   * caller's transaction. Returns the number of rows written.
   */
  async bulkInsert(rows: NewChunk[], tx?: Queryable): Promise<number> {
    if (rows.length === 0) return 0;
    if (!tx && this.handle?.kind === "postgres") return this.copy(this.handle, rows);
    let written = 0;
    for (let i = 0; i < rows.length; i += INSERT_BATCH) {
      const batch = rows.slice(i, i + INSERT_BATCH);
      await guarded(() => this.q(tx).insert(chunks).values(batch));
      written += batch.length;
    }
    return written;
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

  private async copy(
    handle: Extract<DatabaseHandle, { kind: "postgres" }>,
    rows: NewChunk[],
  ): Promise<number> {
    const client = await handle.pool.connect();
    try {
      return await guarded(() => copyRows(client, "chunks", CHUNK_COPY_COLUMNS, rows.map(chunkCopyValues)));
    } finally {
      client.release();
    }
  }
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
