import { and, eq, type SQL, sql } from "drizzle-orm";
import type { Queryable } from "../db/client.js";
import { guarded } from "../db/errors.js";
import { documents, type IngestProgress } from "../db/schema/index.js";
import type { Page, PageQuery } from "../lib/pagination.js";
import { TableRepository } from "./table-repository.js";

export type DocumentRow = typeof documents.$inferSelect;
export type DocumentStatus = DocumentRow["status"];

export interface DocumentFilter {
  status?: DocumentStatus | undefined;
  webSourceId?: string | undefined;
}

export class DocumentRepository extends TableRepository<typeof documents> {
  constructor(db: Queryable) {
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
}
