import { type SQL, sql } from "drizzle-orm";
import type { Queryable } from "../db/client.js";
import { guarded } from "../db/errors.js";
import { chunks } from "../db/schema/index.js";
import { withTransaction } from "../db/transaction.js";

/**
 * Limits that keep BM25-style full text cheap at any corpus size (measured by `npm run bench:retrieval`
 * at 100k chunks: exact per-lexeme counts cost ~0.4 s per common lexeme, scoring every chunk that
 * matches any lexeme ~0.5 s).
 */
export interface FulltextLimits {
  maxLexemes: number;
  exactCountCap: number;
  candidateBudget: number;
  candidatesPerResult: number;
}

export const FULLTEXT_LIMITS: FulltextLimits = {
  /** Query lexemes used; longer queries keep their first ones. */
  maxLexemes: 32,
  /**
   * Document frequencies are counted exactly up to this many chunks per lexeme; a lexeme that reaches
   * it is common, and its frequency is estimated (see `termStatistics`) instead of counted.
   */
  exactCountCap: 500,
  /**
   * Chunks scored per query, at least: the rarest lexemes select candidates until their summed document
   * frequencies would pass this (or `candidatesPerResult × limit`); the others still add to every
   * candidate's score.
   */
  candidateBudget: 4_000,
  candidatesPerResult: 40,
};

export interface FulltextQuery {
  text: string;
  limit: number;
  /** Candidates must also match websearch_to_tsquery(text) (quotes, `or`, `-term`). */
  strict?: boolean;
}

export interface Term {
  /** The lexeme as a quoted tsquery literal. */
  tq: string;
  df: number;
  idf: number;
}

function rowsOf<T>(result: unknown): T[] {
  return (result as { rows: T[] }).rows;
}

const quoted = (lexeme: string) => `'${lexeme.replace(/'/g, "''")}'`;

/**
 * The scope as a filter no btree index can answer, for the statements that match `content_tsv`: the
 * GIN index then finds the rows and the scope is checked on them. Otherwise a planner that thinks the
 * scope small (PGlite never runs ANALYZE: it estimated 33 rows for a 1,603-chunk knowledge base) reads
 * the scope by its btree indexes and decompresses every row's tsvector to test `@@` (22 ms vs 0.9 ms
 * for one count on PGlite). Same rows: WHERE keeps only true, as IS TRUE does.
 */
const matchedIn = (where: SQL): SQL => sql`(${where}) IS TRUE`;

/**
 * The query's lexemes with their document frequency among the chunks `where` selects, in one round
 * trip. Each count stops at `exactCountCap` (LIMIT inside, so a lexeme in most chunks costs as little as
 * a rare one); a lexeme that reaches the cap gets its frequency from the planner's statistics on
 * `content_tsv` (pg_stats.most_common_elems: ANALYZE's random sample of the table) scaled to the scope,
 * never below the cap. A common lexeme the statistics do not know (a scope whose vocabulary differs from
 * the table's) is rare table-wide, so it is counted exactly instead.
 */
export async function termStatistics(
  db: Queryable,
  where: SQL,
  lexemes: readonly string[],
  limits: FulltextLimits = FULLTEXT_LIMITS,
): Promise<{ n: number; terms: Term[] }> {
  const cap = limits.exactCountCap;
  const counts = sql.join(
    lexemes.map(
      (lexeme, i) => sql`SELECT ${i}::int AS i, ${lexeme}::text AS lexeme, count(*)::float8 AS df
        FROM (SELECT 1 FROM ${chunks} WHERE ${chunks.contentTsv} @@ ${quoted(lexeme)}::tsquery AND ${matchedIn(where)}
        LIMIT ${cap}) capped`,
    ),
    sql` UNION ALL `,
  );
  const rows = rowsOf<{ i: number; df: number; freq: number | null }>(
    await guarded(() =>
      db.execute(sql`
        WITH stats AS (
          SELECT e.lexeme, max(e.freq) AS freq FROM pg_stats s,
            unnest(s.most_common_elems::text::text[], s.most_common_elem_freqs) AS e(lexeme, freq)
          WHERE s.schemaname = current_schema() AND s.tablename = 'chunks' AND s.attname = 'content_tsv'
          GROUP BY e.lexeme
        ), counted AS (
          ${counts} UNION ALL SELECT -1, NULL, count(*)::float8 FROM ${chunks} WHERE ${where}
        )
        SELECT counted.i, counted.df, stats.freq FROM counted LEFT JOIN stats ON stats.lexeme = counted.lexeme`),
    ),
  );
  const n = Number(rows.find((r) => Number(r.i) === -1)?.df ?? 0);
  const estimated = new Map<number, number>();
  const unknown: number[] = [];
  for (const r of rows) {
    const i = Number(r.i);
    if (i < 0 || Number(r.df) < cap) continue;
    if (r.freq === null) unknown.push(i);
    else estimated.set(i, Math.max(cap, Math.round(Number(r.freq) * n)));
  }
  if (unknown.length > 0) {
    const exact = rowsOf<{ i: number; df: number }>(
      await guarded(() =>
        db.execute(
          sql.join(
            unknown.map(
              (i) => sql`SELECT ${i}::int AS i, count(*)::float8 AS df FROM ${chunks}
                WHERE ${chunks.contentTsv} @@ ${quoted(lexemes[i]!)}::tsquery AND ${matchedIn(where)}`,
            ),
            sql` UNION ALL `,
          ),
        ),
      ),
    );
    for (const r of exact) estimated.set(Number(r.i), Number(r.df));
  }
  const terms = rows
    .filter((r) => Number(r.i) >= 0 && Number(r.df) > 0)
    .map((r) => {
      const df = estimated.get(Number(r.i)) ?? Number(r.df);
      return { tq: quoted(lexemes[Number(r.i)]!), df, idf: Math.log(1 + (n - df + 0.5) / (df + 0.5)) };
    });
  return { n, terms };
}

/**
 * Full text with BM25-style term weights. The query's lexemes (english configuration, as the generated
 * `content_tsv`) are OR-ed so long natural-language questions keep their recall; each lexeme is
 * weighted by its IDF within the scope, ln(1 + (N − df + ½)/(df + ½)), and a chunk scores
 * Σ idf · ts_rank(content_tsv, lexeme, 1) (ts_rank's length-normalised term frequency). Only the
 * rarest lexemes select candidates (within `candidateBudget`, and never one in more than half the scope
 * unless nothing rarer matches), and at most the budget's worth of chunks is scored, so the work per
 * query stays bounded however large the corpus; a chunk holding none of the selecting lexemes would
 * score below the candidates in all but contrived cases.
 */
export async function fulltextSearch(
  db: Queryable,
  where: SQL,
  query: FulltextQuery,
  limits: FulltextLimits = FULLTEXT_LIMITS,
): Promise<{ chunkId: string; score: number }[]> {
  // The planner costs `content_tsv @@ q` on a heap row as one cheap operator call, but each one reads
  // and decompresses the row's TOASTed tsvector (~2 kB): a sequential scan then costs tens of
  // milliseconds per thousand chunks, where the GIN index answers the same counts and candidates from
  // the index alone (~1 ms). Seen on SciFact, it picks the sequential scan for nearly every statement
  // here; `enable_seqscan = off` for this transaction only (SET LOCAL) leaves it the index (ADR 0016).
  // Inside a caller's transaction this is a savepoint, whose release would keep the setting for the
  // rest of that transaction: the previous value is put back (a failure rolls it back anyway).
  return withTransaction(db, async (tx) => {
    const [before] = rowsOf<{ previous: string }>(
      await guarded(() =>
        tx.execute(sql`SELECT current_setting('enable_seqscan') AS previous,
          set_config('enable_seqscan', 'off', true)`),
      ),
    );
    const hits = await rankedSearch(tx, where, query, limits);
    await guarded(() => tx.execute(sql`SELECT set_config('enable_seqscan', ${before!.previous}, true)`));
    return hits;
  });
}

async function rankedSearch(
  db: Queryable,
  where: SQL,
  query: FulltextQuery,
  limits: FulltextLimits,
): Promise<{ chunkId: string; score: number }[]> {
  const lexemes = rowsOf<{ lexeme: string }>(
    await guarded(() =>
      db.execute(
        sql`SELECT DISTINCT unnest(tsvector_to_array(to_tsvector('english', ${query.text}))) AS lexeme`,
      ),
    ),
  )
    .map((r) => r.lexeme)
    .slice(0, limits.maxLexemes);
  if (lexemes.length === 0) return [];
  const { n, terms } = await termStatistics(db, where, lexemes, limits);
  if (terms.length === 0) return [];
  const byRarity = [...terms].sort((a, b) => a.df - b.df);
  const selective = byRarity.filter((t) => t.df <= n / 2);
  const budget = Math.max(limits.candidateBudget, limits.candidatesPerResult * query.limit, query.limit);
  const selecting: Term[] = [];
  let total = 0;
  for (const term of selective.length > 0 ? selective : byRarity.slice(0, 1)) {
    if (selecting.length > 0 && total + term.df > budget) break;
    selecting.push(term);
    total += term.df;
  }
  // Quotes, `or` and `-term` ask for websearch semantics: then that query alone selects candidates
  // (an excluded lexeme must not select them).
  const match = query.strict
    ? sql`websearch_to_tsquery('english', ${query.text})`
    : sql`${selecting.map((t) => t.tq).join(" | ")}::tsquery`;
  // One expression per lexeme rather than a subquery over arrays: several times less work per chunk.
  const score = sql.join(
    terms.map((t) => sql`${t.idf}::float8 * ts_rank(c.content_tsv, ${t.tq}::tsquery, 1)`),
    sql` + `,
  );
  // The LIMIT bounds the work when even the rarest lexeme is in more chunks than the budget (a query
  // of only common words, which nothing ranks well anyway). `|| ''::tsvector` (a no-op concatenation)
  // decompresses each candidate's tsvector once: passed as stored, every ts_rank call above would
  // fetch and decompress it again (one per query lexeme; 5× the buffer reads on SciFact).
  const result = await guarded(() =>
    db.execute(sql`
      SELECT c.id AS chunk_id, ${score} AS score
      FROM (SELECT ${chunks.id} AS id, (${chunks.contentTsv} || ''::tsvector) AS content_tsv FROM ${chunks}
            WHERE ${chunks.contentTsv} @@ ${match} AND ${matchedIn(where)} LIMIT ${budget}) c
      ORDER BY score DESC, c.id
      LIMIT ${query.limit}`),
  );
  return rowsOf<{ chunk_id: string; score: number }>(result).map((r) => ({
    chunkId: r.chunk_id,
    score: Number(r.score),
  }));
}
