import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import pg from "pg";
import { inject } from "vitest";
import { type DatabaseHandle, openPglite, openPostgres } from "../../src/db/client.js";

export type TestBackend = "pglite" | "postgres";

export function testBackend(): TestBackend {
  return process.env.ATRIUM_TEST_BACKEND === "postgres" ? "postgres" : "pglite";
}

export interface TestDatabase {
  handle: DatabaseHandle;
  backend: TestBackend;
  /** Connection string of this file's own server database (postgres backend only). */
  url?: string;
  drop(): Promise<void>;
}

function serverUrl(): string {
  const url = process.env.TEST_DATABASE_URL;
  if (!url) throw new Error("TEST_DATABASE_URL is required for the postgres test backend");
  return url;
}

async function adminQuery(sqlText: string): Promise<void> {
  const admin = new pg.Client({ connectionString: serverUrl() });
  await admin.connect();
  try {
    await admin.query(sqlText);
  } finally {
    await admin.end();
  }
}

/** A fresh, migrated database of the current backend, private to the calling test file. */
export async function createTestDatabase(): Promise<TestDatabase> {
  if (testBackend() === "pglite") {
    const dump = readFileSync(inject("pgliteTemplatePath"));
    const handle = await openPglite({ loadDataDir: new Blob([dump]) });
    return { handle, backend: "pglite", drop: () => handle.close() };
  }
  const template = inject("postgresTemplate");
  if (!template) throw new Error("the postgres template database was not prepared");
  const name = `atrium_t_${process.ppid}_${randomBytes(5).toString("hex")}`;
  // CREATE DATABASE … TEMPLATE fails if another session is copying the same template at that instant.
  for (let attempt = 0; ; attempt++) {
    try {
      await adminQuery(`CREATE DATABASE ${name} TEMPLATE ${template}`);
      break;
    } catch (error) {
      if (attempt >= 20 || !/being accessed by other users/.test((error as Error).message)) throw error;
      await new Promise((r) => setTimeout(r, 100 + Math.random() * 200));
    }
  }
  const url = new URL(serverUrl());
  url.pathname = `/${name}`;
  const handle = openPostgres({ url: url.toString(), poolSize: 5 });
  return {
    handle,
    backend: "postgres",
    url: url.toString(),
    async drop() {
      await handle.close();
      await adminQuery(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    },
  };
}
