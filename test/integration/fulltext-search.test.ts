import { sql } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { chunks } from "../../src/db/schema/index.js";
import { withTransaction } from "../../src/db/transaction.js";
import {
  FULLTEXT_LIMITS,
  type FulltextLimits,
  fulltextSearch,
  termStatistics,
} from "../../src/repositories/fulltext-search.js";
import { makeDepartment, makeDocument, makeKnowledgeBase, makeOrg, writeChunks } from "../factories/index.js";
import { useTestContainer } from "../setup/container.js";

/** Limits small enough that a 76-chunk corpus exercises the estimated and budgeted paths. */
const TINY: FulltextLimits = { maxLexemes: 32, exactCountCap: 5, candidateBudget: 0, candidatesPerResult: 0 };

describe("full-text search at scale (capped counts, estimated frequencies, candidate budget)", () => {
  const t = useTestContainer();
  let scopeA: ReturnType<typeof sql>;
  const ids: Record<string, string> = {};
  const db = () => t.current.container.database.db;

  beforeAll(async () => {
    const repos = t.current.container.repositories;
    const org = await makeOrg(repos);
    const [a, b] = [await makeDepartment(repos, org.id), await makeDepartment(repos, org.id)];
    const add = async (department: typeof a, texts: string[], prefix: string) => {
      const kb = await makeKnowledgeBase(repos, department);
      const doc = await makeDocument(repos, kb);
      const rows = await writeChunks(
        repos,
        texts.map((content, ordinal) => ({
          orgId: org.id,
          departmentId: department.id,
          knowledgeBaseId: kb.id,
          documentId: doc.id,
          ordinal,
          content,
        })),
      );
      rows.forEach((row, i) => {
        ids[`${prefix}${i}`] = row.id;
      });
    };
    // Department A: 25 travel chunks (hotel in every one), one about Reykjavik, 40 about printers.
    await add(
      a,
      [
        ...Array.from(
          { length: 25 },
          (_, i) => `Travel policy ${i}: hotel booking and meal allowance per trip.`,
        ),
        "Hotel booking in Reykjavik needs the glacier permit from the travel desk.",
        ...Array.from({ length: 40 }, (_, i) => `Printer maintenance schedule ${i} for the office floor.`),
      ],
      "a",
    );
    // Department B: glaciers everywhere, which must not change how rare "glacier" is in A.
    await add(
      b,
      Array.from({ length: 10 }, (_, i) => `Glacier survey ${i}: glacier melt and glacier mass balance.`),
      "b",
    );
    scopeA = sql`${chunks.orgId} = ${org.id} AND ${chunks.departmentId} = ${a.id}`;
  });

  const dfOf = (terms: { tq: string; df: number }[], lexeme: string) =>
    terms.find((term) => term.tq === `'${lexeme}'`)?.df;

  it("counts rare lexemes exactly within the scope, and common ones exactly while there are no statistics", async () => {
    const { n, terms } = await termStatistics(db(), scopeA, ["hotel", "reykjavik", "glacier"], TINY);
    expect(n).toBe(66);
    expect(dfOf(terms, "reykjavik")).toBe(1);
    expect(dfOf(terms, "glacier")).toBe(1);
    // Past the cap of 5, with no statistics yet: counted exactly rather than guessed.
    expect(dfOf(terms, "hotel")).toBe(26);
  });

  it("estimates a common lexeme from the planner's statistics once the table is analyzed", async () => {
    await db().execute(sql`ANALYZE chunks`);
    const { terms } = await termStatistics(db(), scopeA, ["hotel", "reykjavik"], TINY);
    // "hotel" is in 26 of the table's 76 chunks: 0.342 × 66 chunks in scope ≈ 23 (never below the cap).
    expect(dfOf(terms, "hotel")).toBeGreaterThanOrEqual(21);
    expect(dfOf(terms, "hotel")).toBeLessThanOrEqual(25);
    expect(dfOf(terms, "reykjavik")).toBe(1);
  });

  it("lets only the rarest lexemes select candidates when the budget is tight, and ranks the same winner", async () => {
    const query = { text: "hotel booking in Reykjavik", limit: 10 };
    const tight = await fulltextSearch(db(), scopeA, query, TINY);
    expect(tight.map((h) => h.chunkId)).toEqual([ids.a25]);
    const roomy = await fulltextSearch(db(), scopeA, query, FULLTEXT_LIMITS);
    expect(roomy).toHaveLength(10);
    expect(roomy[0]!.chunkId).toBe(ids.a25);
    expect(roomy.slice(1).every((h) => h.score < roomy[0]!.score)).toBe(true);
  });

  it("honours websearch exclusions even when the excluded lexeme is the rarest", async () => {
    const hits = await fulltextSearch(
      db(),
      scopeA,
      { text: "hotel -reykjavik", limit: 100, strict: true },
      FULLTEXT_LIMITS,
    );
    expect(hits).toHaveLength(25);
    expect(hits.map((h) => h.chunkId)).not.toContain(ids.a25);
  });

  it("scores exactly Σ idf · ts_rank over the stored tsvector (the once-decompressed copy changes nothing)", async () => {
    const query = { text: "hotel booking in Reykjavik", limit: 3 };
    const hits = await fulltextSearch(db(), scopeA, query, FULLTEXT_LIMITS);
    const { terms } = await termStatistics(db(), scopeA, ["hotel", "book", "reykjavik"], FULLTEXT_LIMITS);
    const score = sql.join(
      terms.map((t) => sql`${t.idf}::float8 * ts_rank(${chunks.contentTsv}, ${t.tq}::tsquery, 1)`),
      sql` + `,
    );
    const rows = (await db().execute(
      sql`SELECT ${score} AS score FROM ${chunks} WHERE ${chunks.id} = ${hits[0]!.chunkId}`,
    )) as unknown as { rows: { score: number }[] };
    expect(hits[0]!.score).toBeCloseTo(Number(rows.rows[0]!.score), 12);
  });

  it("leaves the planner settings of a caller's transaction as they were", async () => {
    const setting = await withTransaction(db(), async (tx) => {
      const hits = await fulltextSearch(tx, scopeA, { text: "glacier permit", limit: 5 }, FULLTEXT_LIMITS);
      expect(hits[0]!.chunkId).toBe(ids.a25);
      const rows = (await tx.execute(sql`SELECT current_setting('enable_seqscan') AS v`)) as unknown as {
        rows: { v: string }[];
      };
      return rows.rows[0]!.v;
    });
    expect(setting).toBe("on");
  });

  it("keeps the full-text index free of a pending list (fastupdate off), so searches can use it", async () => {
    const rows = (await db().execute(
      sql`SELECT reloptions::text AS options FROM pg_class WHERE relname = 'chunks_content_tsv_idx'`,
    )) as unknown as { rows: { options: string | null }[] };
    expect(rows.rows[0]!.options).toContain("fastupdate=false");
  });
});
