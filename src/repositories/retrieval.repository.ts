import { and, inArray, type SQL, sql } from "drizzle-orm";
import type { Queryable } from "../db/client.js";
import { vectorLiteral } from "../db/copy.js";
import { guarded } from "../db/errors.js";
import { chunkQuestions, chunks, knowledgeBases } from "../db/schema/index.js";
import { withTransaction } from "../db/transaction.js";
import type { Access } from "../services/context.js";
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
 * full text, and the chunk details of the winners. Every query is filtered by organisation,
 * department reach (`departmentScope`) and knowledge bases inside the SQL itself.
 */
export class RetrievalRepository {
  /** Whether the server knows pgvector 0.8's iterative scan settings (checked once). */
  private iterative: Promise<boolean> | undefined;

  constructor(private readonly db: Queryable) {}

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
   * going until enough rows pass the department / knowledge-base filter (bounded by max_scan_tuples),
   * and the outer ORDER BY restores exact order.
   */
  async vectorSearch(table: Searchable, scope: RetrievalScope, query: VectorQuery): Promise<RankedHit[]> {
    const d = dims(query.dimensions);
    const distance = sql`(${table.embedding}::halfvec(${d})) <=> ${vectorLiteral(query.vector)}::halfvec(${d})`;
    const key = table === chunks ? chunks.id : chunkQuestions.chunkId;
    const iterative = await this.supportsIterativeScan();
    return withTransaction(this.db, async (tx) => {
      if (iterative) {
        await tx.execute(sql`SET LOCAL hnsw.iterative_scan = relaxed_order`);
        await tx.execute(
          sql.raw(`SET LOCAL hnsw.max_scan_tuples = ${Math.trunc(query.maxScanTuples ?? 20_000)}`),
        );
      }
      const ef = Math.min(1000, Math.max(query.limit, Math.trunc(query.efSearch ?? 100)));
      await tx.execute(sql.raw(`SET LOCAL hnsw.ef_search = ${ef}`));
      const result = await guarded(() =>
        tx.execute(sql`
          WITH nearest AS MATERIALIZED (
            SELECT ${key} AS chunk_id, ${distance} AS distance
            FROM ${table}
            WHERE ${table.embeddingModel} = ${literal(query.model)} AND ${this.where(table, scope)}
            ORDER BY ${distance}
            LIMIT ${query.limit * (table === chunks ? 1 : 3)}
          )
          SELECT chunk_id, min(distance) AS distance FROM nearest
          GROUP BY chunk_id ORDER BY min(distance), chunk_id LIMIT ${query.limit}`),
      );
      return rowsOf<{ chunk_id: string; distance: number }>(result).map((r) => ({
        chunkId: r.chunk_id,
        score: 1 - Number(r.distance),
      }));
    });
  }

  /**
   * Full text with BM25-style term weights. The query's lexemes (english configuration, as the
   * generated `content_tsv`) are OR-ed so long natural-language questions keep their recall; each
   * lexeme is weighted by its IDF within the caller's scope, ln(1 + (N − df + ½)/(df + ½)), and a
   * chunk scores Σ idf · ts_rank(content_tsv, lexeme, 1) (ts_rank's length-normalised term
   * frequency). Lexemes in more than half the scope barely count and only select candidates when
   * nothing rarer matches. With `strict`, candidates must also match websearch_to_tsquery(text) (for
   * queries with quotes, `or` or `-term`).
   */
  async fulltextSearch(
    scope: RetrievalScope,
    query: { text: string; limit: number; strict?: boolean },
  ): Promise<RankedHit[]> {
    const where = this.where(chunks, scope);
    const lexemes = rowsOf<{ lexeme: string }>(
      await guarded(() =>
        this.db.execute(
          sql`SELECT DISTINCT unnest(tsvector_to_array(to_tsvector('english', ${query.text}))) AS lexeme`,
        ),
      ),
    ).map((r) => `'${r.lexeme.replace(/'/g, "''")}'`);
    if (lexemes.length === 0) return [];
    // One count per lexeme, each with its tsquery as a bound constant so the GIN index answers it.
    const counts = sql.join(
      lexemes.map(
        (tq, i) => sql`SELECT ${i}::int AS i, count(*)::float8 AS df FROM ${chunks}
        WHERE ${chunks.contentTsv} @@ ${tq}::tsquery AND ${where}`,
      ),
      sql` UNION ALL `,
    );
    const stats = rowsOf<{ i: number; df: number }>(
      await guarded(() =>
        this.db.execute(sql`${counts} UNION ALL SELECT -1, count(*)::float8 FROM ${chunks} WHERE ${where}`),
      ),
    );
    const n = Number(stats.find((r) => Number(r.i) === -1)?.df ?? 0);
    const terms = stats
      .filter((r) => Number(r.i) >= 0 && Number(r.df) > 0)
      .map((r) => ({ tq: lexemes[Number(r.i)]!, df: Number(r.df) }));
    if (terms.length === 0) return [];
    const idf = terms.map((t) => Math.log(1 + (n - t.df + 0.5) / (t.df + 0.5)));
    const selective = terms.filter((t) => t.df <= n / 2);
    const match = (selective.length > 0 ? selective : terms).map((t) => t.tq).join(" | ");
    const strict = query.strict
      ? sql`AND ${chunks.contentTsv} @@ websearch_to_tsquery('english', ${query.text})`
      : sql``;
    const result = await guarded(() =>
      this.db.execute(sql`
        SELECT ${chunks.id} AS chunk_id,
          (SELECT sum(w.idf * ts_rank(${chunks.contentTsv}, w.tq, 1))
             FROM unnest(${`{${terms.map((t) => `"${t.tq.replace(/"/g, '\\"')}"`).join(",")}}`}::tsquery[],
                         ${`{${idf.join(",")}}`}::float8[]) AS w(tq, idf)) AS score
        FROM ${chunks}
        WHERE ${chunks.contentTsv} @@ ${match}::tsquery AND ${where} ${strict}
        ORDER BY score DESC, ${chunks.id}
        LIMIT ${query.limit}`),
    );
    return rowsOf<{ chunk_id: string; score: number }>(result).map((r) => ({
      chunkId: r.chunk_id,
      score: Number(r.score),
    }));
  }

  /** Organisation and department of knowledge bases, for the service's visibility check. */
  async knowledgeBases(
    ids: readonly string[],
  ): Promise<{ id: string; orgId: string; departmentId: string }[]> {
    if (ids.length === 0) return [];
    return guarded(() =>
      this.db
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
  async chunkDetails(scope: RetrievalScope, ids: readonly string[]): Promise<ChunkDetail[]> {
    if (ids.length === 0) return [];
    const result = await guarded(() =>
      this.db.execute(sql`
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
