import { and, eq, ilike, isNull, type SQL, sql } from "drizzle-orm";
import type { Access } from "../core/access.js";
import type { Queryable } from "../db/client.js";
import { vectorLiteral } from "../db/copy.js";
import { guarded } from "../db/errors.js";
import { chunkQuestions, chunks, departments, knowledgeBases } from "../db/schema/index.js";
import type { Page, PageQuery } from "../lib/pagination.js";
import { departmentScope } from "./scope.js";
import { TableRepository } from "./table-repository.js";

export type KnowledgeBaseRow = typeof knowledgeBases.$inferSelect;

export interface KnowledgeBaseFilter {
  departmentId?: string | undefined;
  search?: string | undefined;
  includeArchived?: boolean | undefined;
}

/** A chunk the re-embed job still has to embed with the pending model. */
export interface ChunkToReembed {
  id: string;
  orgId: string;
  departmentId: string;
  content: string;
  syntheticQuestions: string[];
}

export class KnowledgeBaseRepository extends TableRepository<typeof knowledgeBases> {
  private visible(orgId: string, access: Access, filter: KnowledgeBaseFilter): SQL | undefined {
    const pattern = filter.search ? `%${filter.search.replace(/[\\%_]/g, "\\$&")}%` : undefined;
    return and(
      eq(knowledgeBases.orgId, orgId),
      departmentScope(knowledgeBases.departmentId, access),
      filter.departmentId ? eq(knowledgeBases.departmentId, filter.departmentId) : undefined,
      filter.includeArchived ? undefined : eq(knowledgeBases.isArchived, false),
      pattern ? ilike(knowledgeBases.name, pattern) : undefined,
    );
  }

  pageVisible(
    orgId: string,
    access: Access,
    filter: KnowledgeBaseFilter,
    query: PageQuery,
    tx?: Queryable,
  ): Promise<Page<KnowledgeBaseRow>> {
    return this.page(this.visible(orgId, access, filter), query, tx);
  }

  /** Every knowledge base the caller reaches (for searching all of them), oldest first. */
  listVisible(orgId: string, access: Access, tx?: Queryable): Promise<KnowledgeBaseRow[]> {
    return this.findMany(this.visible(orgId, access, { includeArchived: false }), tx, 10_000);
  }

  findInOrg(orgId: string, id: string, tx?: Queryable): Promise<KnowledgeBaseRow | undefined> {
    return this.findOne(and(eq(knowledgeBases.orgId, orgId), eq(knowledgeBases.id, id)), tx);
  }

  findByName(orgId: string, name: string, tx?: Queryable): Promise<KnowledgeBaseRow[]> {
    return this.findMany(and(eq(knowledgeBases.orgId, orgId), eq(knowledgeBases.name, name)), tx, 10);
  }

  /** Whether the knowledge base's department is archived (then the base is read-only). */
  async departmentArchived(departmentId: string, tx?: Queryable): Promise<boolean> {
    const rows = await guarded(() =>
      this.q(tx)
        .select({ archived: departments.isArchived })
        .from(departments)
        .where(eq(departments.id, departmentId)),
    );
    return rows[0]?.archived ?? true;
  }

  /**
   * Locks the row until the transaction ends: FOR SHARE by writers of chunks (many at once), FOR
   * UPDATE by the model switch, so no chunk is written with the old model after the switch checked.
   */
  async lock(id: string, mode: "share" | "update", tx: Queryable): Promise<KnowledgeBaseRow | undefined> {
    const rows = await guarded(() => {
      const query = tx.select().from(knowledgeBases).where(eq(knowledgeBases.id, id));
      return mode === "share" ? query.for("share") : query.for("update");
    });
    return rows[0];
  }

  /** Chunks without an embedding by the pending model yet, in id order. */
  async chunksToReembed(knowledgeBaseId: string, limit: number, tx?: Queryable): Promise<ChunkToReembed[]> {
    return guarded(() =>
      this.q(tx)
        .select({
          id: chunks.id,
          orgId: chunks.orgId,
          departmentId: chunks.departmentId,
          content: chunks.content,
          syntheticQuestions: chunks.syntheticQuestions,
        })
        .from(chunks)
        .where(and(eq(chunks.knowledgeBaseId, knowledgeBaseId), isNull(chunks.nextEmbedding)))
        .orderBy(chunks.id)
        .limit(limit),
    );
  }

  async countToReembed(knowledgeBaseId: string, tx?: Queryable): Promise<number> {
    return this.countWhere(
      and(eq(chunks.knowledgeBaseId, knowledgeBaseId), isNull(chunks.nextEmbedding)),
      tx,
    );
  }

  async countChunks(knowledgeBaseId: string, tx?: Queryable): Promise<number> {
    return this.countWhere(eq(chunks.knowledgeBaseId, knowledgeBaseId), tx);
  }

  private async countWhere(where: SQL | undefined, tx?: Queryable): Promise<number> {
    const rows = await guarded(() =>
      this.q(tx).select({ n: sql<number>`count(*)::int` }).from(chunks).where(where),
    );
    return Number(rows[0]?.n ?? 0);
  }

  /** Stores pending-model embeddings of chunks (skipping chunks that vanished meanwhile). */
  async setNextEmbeddings(rows: { id: string; vector: number[] }[], tx: Queryable): Promise<void> {
    if (rows.length === 0) return;
    const values = sql.join(
      rows.map((r) => sql`(${r.id}::uuid, ${vectorLiteral(r.vector)}::halfvec)`),
      sql`, `,
    );
    await guarded(() =>
      tx.execute(
        sql`UPDATE chunks SET next_embedding = v.e FROM (VALUES ${values}) AS v(id, e) WHERE chunks.id = v.id`,
      ),
    );
  }

  /**
   * The switch: every chunk's pending embedding becomes its embedding, question embeddings of other
   * models go, and the base names its new model — one transaction, so searches see old or new.
   */
  async switchModel(knowledgeBaseId: string, model: string, tx: Queryable): Promise<void> {
    await guarded(() =>
      tx
        .update(chunks)
        .set({ embedding: sql`${chunks.nextEmbedding}`, embeddingModel: model, nextEmbedding: null })
        .where(eq(chunks.knowledgeBaseId, knowledgeBaseId)),
    );
    await guarded(() =>
      tx
        .delete(chunkQuestions)
        .where(
          and(
            eq(chunkQuestions.knowledgeBaseId, knowledgeBaseId),
            sql`${chunkQuestions.embeddingModel} <> ${model}`,
          ),
        ),
    );
    await this.update(knowledgeBaseId, { embeddingModel: model, pendingEmbeddingModel: null }, tx);
  }

  /** Forgets a half-done re-embedding (the pending model was changed or cancelled). */
  async discardPending(knowledgeBaseId: string, pendingModel: string, tx: Queryable): Promise<void> {
    await guarded(() =>
      tx
        .update(chunks)
        .set({ nextEmbedding: null })
        .where(and(eq(chunks.knowledgeBaseId, knowledgeBaseId), sql`${chunks.nextEmbedding} is not null`)),
    );
    await guarded(() =>
      tx
        .delete(chunkQuestions)
        .where(
          and(
            eq(chunkQuestions.knowledgeBaseId, knowledgeBaseId),
            eq(chunkQuestions.embeddingModel, pendingModel),
          ),
        ),
    );
  }
}
