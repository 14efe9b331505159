import { and, inArray, type SQL, sql } from "drizzle-orm";
import type { Access } from "../core/access.js";
import type { Queryable } from "../db/client.js";
import { vectorLiteral } from "../db/copy.js";
import { guarded } from "../db/errors.js";
import { chunkQuestions, chunks, knowledgeBases } from "../db/schema/index.js";
import { withTransaction } from "../db/transaction.js";
import { type FulltextQuery, fulltextSearch } from "./fulltext-search.js";
import { departmentScope } from "./scope.js";

/** Who is searching and where: the organisation, the caller's department reach, optional knowledge bases. */
export interface RetrievalScope {
  orgId: string;
  access: Access;
  /** Restrict to these knowledge bases (already checked visible); undefined = every visible one. */
  knowledgeBaseIds?: readonly string[] | undefined;
}

export interface VectorQuery {
  model: string;
  dimensions: number;
  vector: readonly number[];
  limit: number;
  /** HNSW candidate list size (hnsw.ef_search); at least `limit`. */
  efSearch?: number;
  /** Upper bound on tuples an iterative scan visits before giving up (hnsw.max_scan_tuples). */
  maxScanTuples?: number;
}

export interface RankedHit {
  chunkId: string;
  score: number;
}

export interface ChunkDetail {
  id: string;
  documentId: string;
  knowledgeBaseId: string;
  departmentId: string;
  ordinal: number;
  content: string;
  metadata: Record<string, unknown>;
  title: string;
}

type Searchable = typeof chunks | typeof chunkQuestions;

/** Rows of a raw `execute` (node-postgres and PGlite both answer `{ rows }`). */
function rowsOf<T>(result: unknown): T[] {
  return (result as { rows: T[] }).rows;
}

/** SQL literal of a model name (names come from config and knowledge bases; quotes are escaped). */
function literal(text: string): SQL {
  return sql.raw(`'${text.replace(/'/g, "''")}'`);
}

function dims(dimensions: number): SQL {
  if (!Number.isInteger(dimensions) || dimensions < 1 || dimensions > 4000) {
    throw new RangeError(`invalid embedding dimensions ${dimensions}`);
  }
  return sql.raw(String(dimensions));
}

/** Session settings of a vector search (pgvector 0.8); each search sets them with SET LOCAL. */
export const VECTOR_SEARCH_SETTINGS = {
  /** hnsw.ef_search unless the query says otherwise (never below its limit, at most 1000). */
  efSearch: 100,
  /** hnsw.max_scan_tuples: how far an iterative scan walks for rows that pass the filter. */
  maxScanTuples: 20_000,
};

/** Sets the search settings for the transaction (SET LOCAL) in one round trip. */
async function applySearchSettings(tx: Queryable, query: VectorQuery, iterative: boolean): Promise<void> {
  const ef = Math.min(
    1000,
    Math.max(query.limit, Math.trunc(query.efSearch ?? VECTOR_SEARCH_SETTINGS.efSearch)),
  );
  const maxScan = Math.trunc(query.maxScanTuples ?? VECTOR_SEARCH_SETTINGS.maxScanTuples);
  await tx.execute(
    iterative
      ? sql`SELECT set_config('hnsw.ef_search', ${String(ef)}, true),
          set_config('hnsw.iterative_scan', 'relaxed_order', true),
          set_config('hnsw.max_scan_tuples', ${String(maxScan)}, true)`
      : sql`SELECT set_config('hnsw.ef_search', ${String(ef)}, true)`,
  );
}

/** Name of a model's partial HNSW index: `<table>_embedding_<slug>_hnsw_idx`, within 63 characters. */
export function modelIndexName(table: "chunks" | "chunk_questions", model: string): string {
  const slug = model.toLowerCase().replace(/[^a-z0-9]+/g, "");
  const name = `${table}_embedding_${slug}_hnsw_idx`;
  if (name.length <= 63 && slug.length > 0) return name;
  let h = 0;
  for (const c of model) h = (Math.imul(h, 31) + c.charCodeAt(0)) >>> 0;
  return `${table}_embedding_${slug.slice(0, 20)}_${h.toString(36)}_hnsw_idx`;
}

/**
 * SQL-only retrieval: filtered HNSW vector search over chunks and synthetic questions, IDF-weighted
 * full text (fulltext-search.ts), and the chunk details of the winners. Every query is filtered by organisation,
 * department reach (`departmentScope`) and knowledge bases inside the SQL itself. Each query runs on
 * the connection passed as `tx` (the caller's `ctx.db`), else on the repository's own.
 */
export class RetrievalRepository {
  /** Whether the server knows pgvector 0.8's iterative scan settings (checked once). */
  private iterative: Promise<boolean> | undefined;

  constructor(private readonly db: Queryable) {}

  private q(tx?: Queryable): Queryable {
    return tx ?? this.db;
  }

  private where(table: Searchable, scope: RetrievalScope): SQL {
    const kbs = scope.knowledgeBaseIds;
    return and(
      sql`${table.orgId} = ${scope.orgId}`,
      departmentScope(table.departmentId, scope.access),
      kbs ? (kbs.length > 0 ? inArray(table.knowledgeBaseId, [...kbs]) : sql`false`) : undefined,
    )!;
  }

  private supportsIterativeScan(): Promise<boolean> {
    this.iterative ??= withTransaction(this.db, async (tx) => {
      await tx.execute(sql`SET LOCAL hnsw.iterative_scan = relaxed_order`);
      return true;
    }).catch(() => false);
    return this.iterative;
  }

  /**
   * Nearest neighbours by cosine distance through the model's partial HNSW index. The ORDER BY
   * expression and the model predicate match the index exactly; `relaxed_order` iterative scan keeps
   * going until enough rows pass the department / knowledge-base filter (bounded by max_scan_tuples, so
   * a filter that matches nothing stops there), and the outer ORDER BY restores exact order. For a
   * narrow filter the planner may instead read the filter's rows by their btree index and sort them:
   * exact, and cheaper than walking the graph.
   */
  async vectorSearch(
    table: Searchable,
    scope: RetrievalScope,
    query: VectorQuery,
    tx?: Queryable,
  ): Promise<RankedHit[]> {
    const nearest = this.nearestSql(table, scope, query);
    const iterative = await this.supportsIterativeScan();
    return withTransaction(this.q(tx), async (inner) => {
      await applySearchSettings(inner, query, iterative);
      const result = await guarded(() => inner.execute(nearest));
      return rowsOf<{ chunk_id: string; distance: number }>(result).map((r) => ({
        chunkId: r.chunk_id,
        score: 1 - Number(r.distance),
      }));
    });
  }

  /**
   * The plan of `vectorSearch` under the same settings (EXPLAIN, or EXPLAIN ANALYZE with `analyze`),
   * one line per plan line: for operators and benchmarks checking which index answers and how many
   * tuples a filtered scan visits.
   */
  async explainVectorSearch(
    table: Searchable,
    scope: RetrievalScope,
    query: VectorQuery,
    options: { analyze?: boolean } = {},
    tx?: Queryable,
  ): Promise<string> {
    const nearest = this.nearestSql(table, scope, query);
    const iterative = await this.supportsIterativeScan();
    return withTransaction(this.q(tx), async (inner) => {
      await applySearchSettings(inner, query, iterative);
      const how = sql.raw(options.analyze ? "EXPLAIN (ANALYZE, COSTS OFF)" : "EXPLAIN");
      const rows = rowsOf<Record<string, unknown>>(
        await guarded(() => inner.execute(sql`${how} ${nearest}`)),
      );
      return rows.map((r) => String(Object.values(r)[0])).join("\n");
    });
  }

  private nearestSql(table: Searchable, scope: RetrievalScope, query: VectorQuery): SQL {
    const d = dims(query.dimensions);
    const distance = sql`(${table.embedding}::halfvec(${d})) <=> ${vectorLiteral(query.vector)}::halfvec(${d})`;
    const key = table === chunks ? chunks.id : chunkQuestions.chunkId;
    return sql`
      WITH nearest AS MATERIALIZED (
        SELECT ${key} AS chunk_id, ${distance} AS distance
        FROM ${table}
        WHERE ${table.embeddingModel} = ${literal(query.model)} AND ${this.where(table, scope)}
        ORDER BY ${distance}
        LIMIT ${query.limit * (table === chunks ? 1 : 3)}
      )
      SELECT chunk_id, min(distance) AS distance FROM nearest
      GROUP BY chunk_id ORDER BY min(distance), chunk_id LIMIT ${query.limit}`;
  }

  /** BM25-style full text over the scope's chunks (see fulltext-search.ts for the scoring and its limits). */
  async fulltextSearch(scope: RetrievalScope, query: FulltextQuery, tx?: Queryable): Promise<RankedHit[]> {
    return fulltextSearch(this.q(tx), this.where(chunks, scope), query);
  }

  /** Organisation and department of knowledge bases, for the service's visibility check. */
  async knowledgeBases(
    ids: readonly string[],
    tx?: Queryable,
  ): Promise<{ id: string; orgId: string; departmentId: string }[]> {
    if (ids.length === 0) return [];
    return guarded(() =>
      this.q(tx)
        .select({
          id: knowledgeBases.id,
          orgId: knowledgeBases.orgId,
          departmentId: knowledgeBases.departmentId,
        })
        .from(knowledgeBases)
        .where(inArray(knowledgeBases.id, [...ids])),
    );
  }

  /** Chunk text, metadata and document title for result ids, still filtered by scope. */
  async chunkDetails(scope: RetrievalScope, ids: readonly string[], tx?: Queryable): Promise<ChunkDetail[]> {
    if (ids.length === 0) return [];
    const result = await guarded(() =>
      this.q(tx).execute(sql`
        SELECT ${chunks.id} AS id, ${chunks.documentId} AS document_id, ${chunks.knowledgeBaseId} AS knowledge_base_id,
          ${chunks.departmentId} AS department_id, ${chunks.ordinal} AS ordinal, ${chunks.content} AS content,
          ${chunks.metadata} AS metadata, d.title
        FROM ${chunks} JOIN documents d ON d.id = ${chunks.documentId}
        WHERE ${inArray(chunks.id, [...ids])} AND ${this.where(chunks, scope)}`),
    );
    return rowsOf<Record<string, unknown>>(result).map((r) => ({
      id: r.id as string,
      documentId: r.document_id as string,
      knowledgeBaseId: r.knowledge_base_id as string,
      departmentId: r.department_id as string,
      ordinal: Number(r.ordinal),
      content: r.content as string,
      metadata: (typeof r.metadata === "string" ? JSON.parse(r.metadata) : r.metadata) as Record<
        string,
        unknown
      >,
      title: r.title as string,
    }));
  }

  /**
   * Creates the partial HNSW indexes a new embedding model needs (chunks and chunk_questions), if
   * missing. hash-384 has its own from the migrations; any other model gets one the first time a
   * knowledge base uses it, so models of every size share one column. `concurrently` (server only,
   * outside a transaction) avoids blocking writes while the table is scanned.
   */
  async ensureModelIndex(model: string, dimensions: number, options: { concurrently?: boolean } = {}) {
    const d = dims(dimensions);
    const how = sql.raw(options.concurrently ? "CONCURRENTLY IF NOT EXISTS" : "IF NOT EXISTS");
    for (const table of ["chunks", "chunk_questions"] as const) {
      const name = sql.raw(`"${modelIndexName(table, model)}"`);
      await guarded(() =>
        this.db.execute(sql`CREATE INDEX ${how} ${name} ON ${sql.raw(table)}
          USING hnsw ((embedding::halfvec(${d})) halfvec_cosine_ops) WHERE embedding_model = ${literal(model)}`),
      );
    }
  }
}
