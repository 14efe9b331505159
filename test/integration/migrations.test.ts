import { readFileSync } from "node:fs";
import { join } from "node:path";
import { getTableName, is, sql } from "drizzle-orm";
import { PgTable } from "drizzle-orm/pg-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type DatabaseHandle, openPglite } from "../../src/db/client.js";
import { migrationsFolder, runMigrations } from "../../src/db/migrate.js";
import * as schema from "../../src/db/schema/index.js";
import { createTestDatabase, type TestDatabase, testBackend } from "../setup/database.js";

const journal = JSON.parse(readFileSync(join(migrationsFolder, "meta", "_journal.json"), "utf8")) as {
  entries: { tag: string; when: number }[];
};

const schemaTables = Object.values(schema as Record<string, unknown>)
  .filter((value): value is PgTable => is(value, PgTable))
  .map((table) => getTableName(table))
  .sort();

async function rows<T>(handle: DatabaseHandle, query: ReturnType<typeof sql>): Promise<T[]> {
  return ((await handle.db.execute(query)) as unknown as { rows: T[] }).rows;
}

const appliedMigrations = (handle: DatabaseHandle) =>
  rows<{ created_at: string | number }>(
    handle,
    sql`SELECT created_at FROM drizzle.__drizzle_migrations ORDER BY created_at`,
  ).then((applied) => applied.map((m) => Number(m.created_at)));

describe("migrations", () => {
  /** PGlite: a brand-new in-memory database. Server PostgreSQL: a database of this file, migrated already. */
  let handle: DatabaseHandle;
  let server: TestDatabase | undefined;

  beforeAll(async () => {
    if (testBackend() === "postgres") {
      server = await createTestDatabase();
      handle = server.handle;
      return;
    }
    handle = await openPglite({});
    expect(await rows(handle, sql`SELECT 1 FROM pg_extension WHERE extname = 'vector'`)).toHaveLength(0);
    await runMigrations(handle);
  }, 120_000);

  afterAll(async () => {
    await (server ? server.drop() : handle?.close());
  });

  it("records every journal entry once; running again (even concurrently) is a no-op", async () => {
    // Server PostgreSQL starts from a template; apply anything added to the journal since it was built.
    await runMigrations(handle);
    const applied = await appliedMigrations(handle);
    expect(applied).toEqual(journal.entries.map((e) => e.when));
    await runMigrations(handle);
    await Promise.all([runMigrations(handle), runMigrations(handle)]);
    expect(await appliedMigrations(handle)).toEqual(applied);
  });

  it("installs pgvector with halfvec support", async () => {
    const [extension] = await rows<{ extversion: string }>(
      handle,
      sql`SELECT extversion FROM pg_extension WHERE extname = 'vector'`,
    );
    expect(extension).toBeDefined();
    const [major, minor] = extension!.extversion.split(".").map(Number);
    expect(major! * 100 + minor!).toBeGreaterThanOrEqual(7);
    const [distance] = await rows<{ d: number }>(
      handle,
      sql`SELECT ('[1,0,0]'::halfvec(3) <=> '[0,1,0]'::halfvec(3))::float8 AS d`,
    );
    expect(Number(distance?.d)).toBeCloseTo(1, 5);
  });

  it("creates exactly the tables of the schema (46)", async () => {
    const tables = await rows<{ table_name: string }>(
      handle,
      sql`SELECT table_name FROM information_schema.tables
          WHERE table_schema = 'public' AND table_type = 'BASE TABLE' ORDER BY table_name`,
    );
    expect(schemaTables).toHaveLength(46);
    expect(tables.map((r) => r.table_name).sort()).toEqual(schemaTables);
  });

  it("creates the per-model HNSW and the full-text GIN indexes", async () => {
    const indexes = await rows<{ indexname: string; indexdef: string }>(
      handle,
      sql`SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = 'public'`,
    );
    const byName = new Map(indexes.map((i) => [i.indexname, i.indexdef]));
    for (const table of ["chunks", "chunk_questions"]) {
      const definition = byName.get(`${table}_embedding_hash384_hnsw_idx`);
      expect(definition, table).toMatch(/USING hnsw/);
      expect(definition).toMatch(/halfvec\(384\)/);
      expect(definition).toMatch(/halfvec_cosine_ops/);
      expect(definition).toMatch(/WHERE \(embedding_model = 'hash-384'::text\)/);
    }
    // Intent examples are compared in process (src/services/intents), so no index is maintained.
    expect(byName.has("intent_examples_embedding_hash384_hnsw_idx")).toBe(false);
    expect(byName.get("chunks_content_tsv_idx")).toMatch(/USING gin/);
    expect(byName.get("messages_text_content_gin_idx")).toMatch(/USING gin .*to_tsvector/);
  });
});
