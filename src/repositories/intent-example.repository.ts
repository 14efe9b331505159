import { and, asc, count, eq, ilike, type SQL, sql } from "drizzle-orm";
import type { Queryable } from "../db/client.js";
import { vectorLiteral } from "../db/copy.js";
import { guarded } from "../db/errors.js";
import { intentExampleSets, intentExamples, namespaces } from "../db/schema/index.js";
import type { Page, PageQuery } from "../lib/pagination.js";
import { likePattern } from "./persona.repository.js";
import { TableRepository } from "./table-repository.js";

export type IntentExampleRow = typeof intentExamples.$inferSelect;
/** An example as the API shows it: everything but the vector. */
export type IntentExampleView = Omit<IntentExampleRow, "embedding">;

export interface IntentExampleFilter {
  intent?: string | undefined;
  /** Substring of the phrase, case-insensitive. */
  q?: string | undefined;
}

export interface IntentSetState {
  version: number;
  threshold: number;
}

/** What training reads: the vector only when it was made by the model asked for. */
export interface TrainingRow {
  intentName: string;
  phrase: string;
  embedding: number[] | null;
}

/** Rows inserted at once: 10,000 phrases of 384 dimensions stay far below PostgreSQL's parameter cap. */
const INSERT_BATCH = 500;

function parseVector(text: string | null): number[] | null {
  if (text === null) return null;
  return text.slice(1, -1).split(",").map(Number);
}

export class IntentExampleRepository extends TableRepository<typeof intentExamples> {
  private where(namespaceId: string, filter: IntentExampleFilter): SQL | undefined {
    return and(
      eq(intentExamples.namespaceId, namespaceId),
      filter.intent === undefined ? undefined : eq(intentExamples.intentName, filter.intent),
      filter.q ? ilike(intentExamples.phrase, likePattern(filter.q)) : undefined,
    );
  }

  async pageIn(
    namespaceId: string,
    filter: IntentExampleFilter,
    query: PageQuery,
    tx?: Queryable,
  ): Promise<Page<IntentExampleView>> {
    const page = await this.page(this.where(namespaceId, filter), query, tx);
    return { ...page, items: page.items.map(({ embedding: _, ...view }) => view) };
  }

  findInNamespaceOrg(orgId: string, id: string, tx?: Queryable): Promise<IntentExampleRow | undefined> {
    return this.findOne(and(eq(intentExamples.orgId, orgId), eq(intentExamples.id, id)), tx);
  }

  /** Intents of a namespace with their number of examples, by name. */
  async intentsOf(namespaceId: string, tx?: Queryable): Promise<{ intent: string; examples: number }[]> {
    return guarded(() =>
      this.q(tx)
        .select({ intent: intentExamples.intentName, examples: count() })
        .from(intentExamples)
        .where(eq(intentExamples.namespaceId, namespaceId))
        .groupBy(intentExamples.intentName)
        .orderBy(asc(intentExamples.intentName)),
    );
  }

  countIn(namespaceId: string, tx?: Queryable): Promise<number> {
    return this.count(eq(intentExamples.namespaceId, namespaceId), tx);
  }

  async insertBatched(rows: (typeof intentExamples.$inferInsert)[], tx: Queryable): Promise<number> {
    for (let i = 0; i < rows.length; i += INSERT_BATCH) {
      await guarded(() => tx.insert(intentExamples).values(rows.slice(i, i + INSERT_BATCH)));
    }
    return rows.length;
  }

  deleteIntent(namespaceId: string, intent: string, tx: Queryable): Promise<number> {
    return this.deleteWhere(
      and(eq(intentExamples.namespaceId, namespaceId), eq(intentExamples.intentName, intent)),
      tx,
    );
  }

  deleteAllIn(namespaceId: string, tx: Queryable): Promise<number> {
    return this.deleteWhere(eq(intentExamples.namespaceId, namespaceId), tx);
  }

  /** Every example of a namespace for training; vectors of other models come back as null. */
  async trainingRows(namespaceId: string, model: string, tx?: Queryable): Promise<TrainingRow[]> {
    const rows = await guarded(() =>
      this.q(tx)
        .select({
          intentName: intentExamples.intentName,
          phrase: intentExamples.phrase,
          embedding: sql<
            string | null
          >`case when ${intentExamples.embeddingModel} = ${model} then ${intentExamples.embedding}::text end`,
        })
        .from(intentExamples)
        .where(eq(intentExamples.namespaceId, namespaceId))
        .orderBy(asc(intentExamples.id)),
    );
    return rows.map((r) => ({ ...r, embedding: parseVector(r.embedding) }));
  }

  /** A batch of examples whose vector was not made by `model`. */
  toEmbed(namespaceId: string, model: string, limit: number, tx?: Queryable) {
    return guarded(() =>
      this.q(tx)
        .select({ id: intentExamples.id, phrase: intentExamples.phrase })
        .from(intentExamples)
        .where(
          and(
            eq(intentExamples.namespaceId, namespaceId),
            sql`${intentExamples.embeddingModel} is distinct from ${model}`,
          ),
        )
        .orderBy(asc(intentExamples.id))
        .limit(limit),
    );
  }

  async setEmbeddings(rows: { id: string; vector: number[] }[], model: string, tx: Queryable): Promise<void> {
    if (rows.length === 0) return;
    const values = sql.join(
      rows.map((r) => sql`(${r.id}::uuid, ${vectorLiteral(r.vector)}::halfvec)`),
      sql`, `,
    );
    await guarded(() =>
      tx.execute(
        sql`UPDATE intent_examples SET embedding = v.e, embedding_model = ${model}, updated_at = now() FROM (VALUES ${values}) AS v(id, e) WHERE intent_examples.id = v.id`,
      ),
    );
  }
}

/** The per-namespace version of its examples (see the schema). */
export class IntentExampleSetRepository extends TableRepository<typeof intentExampleSets> {
  /** Moves the namespace's version on; the row lock also orders concurrent writers of one namespace. */
  async bump(orgId: string, namespaceId: string, tx: Queryable): Promise<number> {
    const rows = await guarded(() =>
      tx
        .insert(intentExampleSets)
        .values({ orgId, namespaceId })
        .onConflictDoUpdate({
          target: intentExampleSets.namespaceId,
          set: { version: sql`${intentExampleSets.version} + 1`, updatedAt: new Date() },
        })
        .returning({ version: intentExampleSets.version }),
    );
    return rows[0]!.version;
  }

  /** The namespace's version (0 when it never had examples) and threshold. One indexed read. */
  async stateOf(namespaceId: string, tx?: Queryable): Promise<IntentSetState | undefined> {
    const rows = await guarded(() =>
      this.q(tx)
        .select({ version: intentExampleSets.version, threshold: intentExampleSets.threshold })
        .from(intentExampleSets)
        .where(eq(intentExampleSets.namespaceId, namespaceId))
        .limit(1),
    );
    return rows[0];
  }

  /**
   * What a classification needs in one read: the namespace's department (for the caller's reach) and
   * its examples' version and threshold (no version row yet: version 0, threshold undefined).
   */
  async forClassification(
    orgId: string,
    namespaceId: string,
    tx?: Queryable,
  ): Promise<{ departmentId: string; version: number; threshold: number | null } | undefined> {
    const rows = await guarded(() =>
      this.q(tx)
        .select({
          departmentId: namespaces.departmentId,
          version: sql<number>`coalesce(${intentExampleSets.version}, 0)`.mapWith(Number),
          threshold: intentExampleSets.threshold,
        })
        .from(namespaces)
        .leftJoin(intentExampleSets, eq(intentExampleSets.namespaceId, namespaces.id))
        .where(and(eq(namespaces.orgId, orgId), eq(namespaces.id, namespaceId)))
        .limit(1),
    );
    return rows[0];
  }

  async setThreshold(orgId: string, namespaceId: string, threshold: number, tx: Queryable): Promise<void> {
    await guarded(() =>
      tx
        .insert(intentExampleSets)
        .values({ orgId, namespaceId, threshold })
        .onConflictDoUpdate({
          target: intentExampleSets.namespaceId,
          set: { threshold, updatedAt: new Date() },
        }),
    );
  }
}
