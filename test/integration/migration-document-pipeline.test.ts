import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { sql } from "drizzle-orm";
import { afterAll, describe, expect, it } from "vitest";
import { openPglite } from "../../src/db/client.js";
import { migrationsFolder, runMigrations } from "../../src/db/migrate.js";

/**
 * Migration 0005 moves a document's pipeline state (revision, ingested revision, source hash,
 * progress) out of `metadata` into columns. A database that has documents from before it keeps them
 * working: the values arrive in the columns and leave `metadata`, whose other keys stay.
 */
const TAG = "0005_document_pipeline_columns";
const journal = JSON.parse(readFileSync(join(migrationsFolder, "meta", "_journal.json"), "utf8")) as {
  entries: { tag: string }[];
};
const before = mkdtempSync(join(tmpdir(), "atrium-migrations-"));
cpSync(migrationsFolder, before, { recursive: true });
const index = journal.entries.findIndex((entry) => entry.tag === TAG);
writeFileSync(
  join(before, "meta", "_journal.json"),
  JSON.stringify({ ...journal, entries: journal.entries.slice(0, index) }),
);

const handle = await openPglite({});
afterAll(async () => {
  await handle.close();
  rmSync(before, { recursive: true, force: true });
});

const rows = async <T>(query: ReturnType<typeof sql>) =>
  ((await handle.db.execute(query)) as unknown as { rows: T[] }).rows;

describe("migration 0005: document pipeline state becomes columns", () => {
  it("moves revision, ingested revision, source hash and progress out of metadata", async () => {
    expect(index).toBeGreaterThan(0);
    await runMigrations(handle, before);
    const [org] = await rows<{ id: string }>(
      sql`INSERT INTO organizations (id, name, slug) VALUES (gen_random_uuid(), 'Old', 'old') RETURNING id`,
    );
    const [dept] = await rows<{ id: string }>(
      sql`INSERT INTO departments (id, org_id, name, slug) VALUES (gen_random_uuid(), ${org!.id}, 'HR', 'hr') RETURNING id`,
    );
    const metadata = {
      revision: 3,
      ingestedRevision: 2,
      sourceHash: "abc123",
      progress: { stage: "embedding", done: 4, total: 9 },
      frontMatter: { owner: "hr" },
    };
    await rows(sql`INSERT INTO documents (id, org_id, department_id, title, type, metadata)
      VALUES (gen_random_uuid(), ${org!.id}, ${dept!.id}, 'old.md', 'md', ${JSON.stringify(metadata)}::jsonb),
             (gen_random_uuid(), ${org!.id}, ${dept!.id}, 'plain.txt', 'txt', '{}'::jsonb)`);

    await runMigrations(handle);
    const docs = await rows<{
      title: string;
      revision: number;
      ingested_revision: number | null;
      source_hash: string | null;
      progress: unknown;
      metadata: Record<string, unknown>;
    }>(
      sql`SELECT title, revision, ingested_revision, source_hash, progress, metadata FROM documents ORDER BY title`,
    );
    expect(docs).toEqual([
      {
        title: "old.md",
        revision: 3,
        ingested_revision: 2,
        source_hash: "abc123",
        progress: { stage: "embedding", done: 4, total: 9 },
        metadata: { frontMatter: { owner: "hr" } },
      },
      {
        title: "plain.txt",
        revision: 0,
        ingested_revision: null,
        source_hash: null,
        progress: null,
        metadata: {},
      },
    ]);
  });
});
