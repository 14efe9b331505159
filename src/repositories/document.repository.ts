import { and, eq, type SQL, sql } from "drizzle-orm";
import type { DatabaseHandle, Queryable } from "../db/client.js";
import { copyRows, vectorLiteral } from "../db/copy.js";
import { guarded } from "../db/errors.js";
import { chunkQuestions, chunks, documents, type IngestProgress } from "../db/schema/index.js";
import { transactionClient } from "../db/tx-client.js";
import { newId } from "../lib/ids.js";
import type { Page, PageQuery } from "../lib/pagination.js";
import { CHUNK_COPY_COLUMNS, chunkCopyValues, type NewChunk } from "./chunk.repository.js";
import { TableRepository } from "./table-repository.js";

export type DocumentRow = typeof documents.$inferSelect;
export type DocumentStatus = DocumentRow["status"];
export type NewChunkQuestion = typeof chunkQuestions.$inferInsert;

export interface DocumentFilter {
  status?: DocumentStatus | undefined;
  webSourceId?: string | undefined;
}

/** Rows per multi-row INSERT where COPY is not available (PGlite). */
const INSERT_BATCH = 500;

const QUESTION_COLUMNS = [
  "id",
  "org_id",
  "department_id",
  "knowledge_base_id",
  "chunk_id",
  "question",
  "embedding",
  "embedding_model",
] as const;

export class DocumentRepository extends TableRepository<typeof documents> {
  constructor(
    db: Queryable,
    private readonly handle: DatabaseHandle | undefined,
  ) {
    super(db, documents);
  }

  pageInKnowledgeBase(
    knowledgeBaseId: string,
    filter: DocumentFilter,
    query: PageQuery,
    tx?: Queryable,
  ): Promise<Page<DocumentRow>> {
    return this.page(
      and(
        eq(documents.knowledgeBaseId, knowledgeBaseId),
        filter.status ? eq(documents.status, filter.status) : undefined,
        filter.webSourceId ? eq(documents.webSourceId, filter.webSourceId) : undefined,
      ),
      query,
      tx,
    );
  }

  findInOrg(orgId: string, id: string, tx?: Queryable): Promise<DocumentRow | undefined> {
    return this.findOne(and(eq(documents.orgId, orgId), eq(documents.id, id)), tx);
  }

  /** The document of one knowledge base matching `where` (e.g. same bytes, same title). */
  findInKnowledgeBase(knowledgeBaseId: string, where: SQL, tx?: Queryable): Promise<DocumentRow | undefined> {
    return this.findOne(and(eq(documents.knowledgeBaseId, knowledgeBaseId), where), tx);
  }

  findBySourceHash(knowledgeBaseId: string, sourceHash: string, tx?: Queryable) {
    return this.findInKnowledgeBase(knowledgeBaseId, eq(documents.sourceHash, sourceHash), tx);
  }

  findFileByTitle(knowledgeBaseId: string, title: string, tx?: Queryable) {
    return this.findInKnowledgeBase(
      knowledgeBaseId,
      and(eq(documents.sourceKind, "file"), eq(documents.title, title))!,
      tx,
    );
  }

  findByOriginalUrl(webSourceId: string, url: string, tx?: Queryable) {
    return this.findOne(and(eq(documents.webSourceId, webSourceId), eq(documents.originalUrl, url)), tx);
  }

  listByWebSource(webSourceId: string, tx?: Queryable): Promise<DocumentRow[]> {
    return this.findMany(eq(documents.webSourceId, webSourceId), tx, 100_000);
  }

  /** Storage keys of the originals of a knowledge base's or a web source's documents (to delete them). */
  async storageKeys(
    owner: { knowledgeBaseId: string } | { webSourceId: string },
    tx?: Queryable,
  ): Promise<string[]> {
    const where =
      "knowledgeBaseId" in owner
        ? eq(documents.knowledgeBaseId, owner.knowledgeBaseId)
        : eq(documents.webSourceId, owner.webSourceId);
    const rows = await guarded(() =>
      this.q(tx)
        .select({ key: documents.storageKey })
        .from(documents)
        .where(and(where, sql`${documents.storageKey} is not null`)),
    );
    return rows.map((r) => r.key!);
  }

  deleteByWebSource(webSourceId: string, tx?: Queryable): Promise<number> {
    return this.deleteWhere(eq(documents.webSourceId, webSourceId), tx);
  }

  /** Locks the document row until the transaction ends (serialises writers of its chunks). */
  async lock(id: string, tx: Queryable): Promise<DocumentRow | undefined> {
    const rows = await guarded(() => tx.select().from(documents).where(eq(documents.id, id)).for("update"));
    return rows[0];
  }

  /** Records where the pipeline is, without reading the row first. */
  async setProgress(id: string, progress: IngestProgress, tx?: Queryable): Promise<void> {
    await guarded(() =>
      this.q(tx).update(documents).set({ progress, updatedAt: new Date() }).where(eq(documents.id, id)),
    );
  }

  /**
   * Replaces every chunk (and synthetic question) of a document inside `tx`: the old rows are deleted
   * and the new ones written with COPY on the transaction's own connection (server PostgreSQL) or
   * batched INSERTs (PGlite). Readers see the old set or the new one, never a mix.
   */
  async replaceChunks(
    documentId: string,
    rows: NewChunk[],
    questions: NewChunkQuestion[],
    tx: Queryable,
  ): Promise<void> {
    await guarded(() => tx.delete(chunks).where(eq(chunks.documentId, documentId)));
    await this.writeChunks(rows, questions, tx);
  }

  /** Writes chunks and questions (the COPY path of `replaceChunks`; also used by the benchmark). */
  async writeChunks(rows: NewChunk[], questions: NewChunkQuestion[], tx: Queryable): Promise<void> {
    const client = transactionClient(this.handle, tx);
    if (client) {
      if (rows.length > 0)
        await guarded(() => copyRows(client, "chunks", CHUNK_COPY_COLUMNS, rows.map(chunkCopyValues)));
      if (questions.length > 0) {
        await guarded(() =>
          copyRows(client, "chunk_questions", QUESTION_COLUMNS, questions.map(questionLine)),
        );
      }
      return;
    }
    for (let i = 0; i < rows.length; i += INSERT_BATCH) {
      const batch = rows.slice(i, i + INSERT_BATCH);
      await guarded(() => tx.insert(chunks).values(batch));
    }
    for (let i = 0; i < questions.length; i += INSERT_BATCH) {
      const batch = questions.slice(i, i + INSERT_BATCH);
      await guarded(() => tx.insert(chunkQuestions).values(batch));
    }
  }

  /** Writes synthetic questions only (the re-embed job adds the pending model's). */
  async writeQuestions(questions: NewChunkQuestion[], tx: Queryable): Promise<void> {
    await this.writeChunks([], questions, tx);
  }
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
