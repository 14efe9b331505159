import { asc, eq, sql } from "drizzle-orm";
import { beforeAll, describe, expect, it, vi } from "vitest";
import type { Queryable } from "../../src/db/client.js";
import { copyRows, vectorLiteral } from "../../src/db/copy.js";
import { chunks, DEFAULT_EMBEDDING_MODEL } from "../../src/db/schema/index.js";
import { withTransaction } from "../../src/db/transaction.js";
import type { NewChunk } from "../../src/repositories/chunk.repository.js";
import {
  chunkValues,
  type DocumentRow,
  makeDepartment,
  makeDocument,
  makeKnowledgeBase,
  makeOrg,
  testEmbedding,
} from "../factories/index.js";
import { useTestContainer } from "../setup/container.js";
import { testBackend } from "../setup/database.js";

// Wraps copyRows in a spy (same behaviour) to see which write path chunks.write took.
vi.mock(import("../../src/db/copy.js"), async (importOriginal) => {
  const original = await importOriginal();
  return { ...original, copyRows: vi.fn(original.copyRows) };
});

const ROWS = 1200;
const NEEDLE = 600;
const onPostgres = testBackend() === "postgres";
/**
 * Every row gets a 384-d embedding, but on PGlite only every 40th is labelled with the indexed model:
 * incremental HNSW inserts cost tens of milliseconds per row in WebAssembly (minutes for 1200 rows), and
 * the other rows' label keeps them out of the partial index while their vectors round-trip the same way.
 */
const INDEXED_EVERY = onPostgres ? 4 : 40;
const UNINDEXED_MODEL = "test-unindexed-384";

/** Text that COPY's text format must escape, and that array and JSON literals must quote. */
const TRICKY = [
  "tab\there",
  "line one\nline two\r\nline three",
  `quotes "double" and 'single'`,
  "back\\slash \\N \\t \\\\ literal",
  "\\N",
  "emoji 🚀, accents éàü — “curly” 日本語",
  "comma, separated, {braces}, [brackets], NULL",
];
const QUESTIONS = [
  "What, exactly, is covered?",
  'He said "hi"',
  "{braces} and }{",
  "back\\slash\\",
  "NULL",
  "  padded  ",
  "tab\tand\nnewline",
  "",
];

function row(doc: DocumentRow, i: number): NewChunk {
  const text = TRICKY[i % TRICKY.length]!;
  const withoutEmbedding = i % 100 === 99;
  return chunkValues(doc, {
    ordinal: i,
    content:
      i === NEEDLE
        ? "The aardvark quartermaster reconciles the zeppelin ledger"
        : i < 20
          ? text
          : `#${i} ${text}`,
    tokenCount: i % 50,
    embedding: withoutEmbedding ? null : testEmbedding(i + 1),
    embeddingModel: withoutEmbedding
      ? null
      : i % INDEXED_EVERY === 0
        ? DEFAULT_EMBEDDING_MODEL
        : UNINDEXED_MODEL,
    syntheticQuestions: i % 9 === 0 ? [] : QUESTIONS.slice(i % 4),
    metadata: {
      page: i,
      heading: text,
      nested: { quote: '"', backslash: "\\", list: [1, "two", null, true] },
    },
  });
}

/** Rows of a raw `execute` (node-postgres and PGlite both return `{ rows }`). */
const rowsOf = <T>(result: unknown) => (result as { rows: T[] }).rows;

async function explain(db: Queryable, query: ReturnType<typeof sql>): Promise<string> {
  return withTransaction(db, async (tx) => {
    await tx.execute(sql`SET LOCAL enable_seqscan = off`);
    const result = await tx.execute(sql`EXPLAIN ${query}`);
    return rowsOf<Record<string, string>>(result)
      .map((r) => r["QUERY PLAN"])
      .join("\n");
  });
}

describe("chunks", () => {
  const t = useTestContainer();
  const repos = () => t.current.container.repositories;
  let doc: DocumentRow;
  let expected: NewChunk[];
  let stored: (typeof chunks.$inferSelect)[];

  beforeAll(async () => {
    const org = await makeOrg(repos());
    const department = await makeDepartment(repos(), org.id);
    const kb = await makeKnowledgeBase(repos(), department);
    doc = await makeDocument(repos(), kb);
    expected = Array.from({ length: ROWS }, (_, i) => row(doc, i));
    expect(await repos().chunks.write(expected)).toBe(ROWS);
    stored = await t.current.container.database.db
      .select()
      .from(chunks)
      .where(eq(chunks.documentId, doc.id))
      .orderBy(asc(chunks.ordinal));
  });

  it("chunks.write writes every row, with COPY on server PostgreSQL and INSERTs on PGlite", () => {
    expect(vi.mocked(copyRows)).toHaveBeenCalledTimes(onPostgres ? 1 : 0);
    expect(stored).toHaveLength(ROWS);
    expect(new Set(stored.map((c) => c.id)).size).toBe(ROWS);
    expect(stored.map((c) => c.ordinal)).toEqual(expected.map((c) => c.ordinal));
  });

  it("reads back content, questions and metadata exactly", () => {
    const project = (c: NewChunk) => ({
      orgId: c.orgId,
      departmentId: c.departmentId,
      knowledgeBaseId: c.knowledgeBaseId,
      documentId: c.documentId,
      ordinal: c.ordinal,
      content: c.content,
      tokenCount: c.tokenCount,
      syntheticQuestions: c.syntheticQuestions,
      metadata: c.metadata,
      embeddingModel: c.embeddingModel,
    });
    expect(stored.map(project)).toEqual(expected.map(project));
    expect(stored[4]?.content).toBe("\\N");
    expect(stored[1]?.syntheticQuestions).toEqual(QUESTIONS.slice(1));
  });

  it("reads back embeddings within halfvec precision, and null where none was given", () => {
    for (const [i, chunk] of stored.entries()) {
      const want = expected[i]!.embedding;
      if (!want) {
        expect(chunk.embedding).toBeNull();
        continue;
      }
      expect(chunk.embedding).toHaveLength(384);
      const worst = Math.max(...want.map((v, d) => Math.abs(v - chunk.embedding![d]!)));
      expect(worst).toBeLessThan(1e-3);
    }
  });

  it("fills the generated tsvector and finds the right chunk with websearch_to_tsquery", async () => {
    const search = (q: string) =>
      repos().chunks.findMany(sql`${chunks.contentTsv} @@ websearch_to_tsquery('english', ${q})`);
    expect((await search("aardvark zeppelin")).map((c) => c.ordinal)).toEqual([NEEDLE]);
    expect((await search('"quartermaster reconciles"')).map((c) => c.ordinal)).toEqual([NEEDLE]);
    expect((await search("ledgers")).map((c) => c.ordinal)).toEqual([NEEDLE]);
    expect(await search("aardvark -zeppelin")).toEqual([]);
    expect(stored[NEEDLE]?.contentTsv).toContain("'aardvark'");
  });

  it("nearest-neighbour search by cosine distance returns the chunk with that embedding first", async () => {
    const target = stored[INDEXED_EVERY * 3]!;
    const result = await t.current.container.database.db.execute(
      sql`SELECT ordinal FROM chunks WHERE embedding_model = ${DEFAULT_EMBEDDING_MODEL}
          ORDER BY (embedding::halfvec(384)) <=> ${vectorLiteral(target.embedding!)}::halfvec(384) LIMIT 10`,
    );
    const ordinals = rowsOf<{ ordinal: number }>(result).map((r) => r.ordinal);
    expect(ordinals).toHaveLength(10);
    expect(ordinals[0]).toBe(target.ordinal);
  });

  it.runIf(onPostgres)("the vector query uses the per-model HNSW index", async () => {
    const q = vectorLiteral(testEmbedding(7));
    const plan = await explain(
      t.current.container.database.db,
      sql`SELECT id FROM chunks WHERE embedding_model = 'hash-384'
            ORDER BY (embedding::halfvec(384)) <=> ${q}::halfvec(384) LIMIT 10`,
    );
    expect(plan).toContain("chunks_embedding_hash384_hnsw_idx");
  });

  it.runIf(onPostgres)("the full-text query uses the GIN index", async () => {
    const plan = await explain(
      t.current.container.database.db,
      sql`SELECT id FROM chunks WHERE content_tsv @@ websearch_to_tsquery('english', 'aardvark zeppelin')`,
    );
    expect(plan).toContain("chunks_content_tsv_idx");
  });

  it("chunks.write inside a transaction is rolled back with it", async () => {
    const extra = [0, 1, 2].map((i) => row(doc, ROWS + i));
    await expect(
      withTransaction(t.current.container.database.db, async (tx) => {
        expect(await repos().chunks.write(extra, [], tx)).toBe(3);
        expect(await repos().chunks.count(eq(chunks.documentId, doc.id), tx)).toBe(ROWS + 3);
        throw new Error("undo");
      }),
    ).rejects.toThrow("undo");
    expect(await repos().chunks.count(eq(chunks.documentId, doc.id))).toBe(ROWS);
    expect(await repos().chunks.write([])).toBe(0);
  });
});
