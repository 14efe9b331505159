import { mkdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import type { TestProject } from "vitest/node";
import { openPglite, openPostgres } from "../../src/db/client.js";
import { runMigrations } from "../../src/db/migrate.js";

declare module "vitest" {
  export interface ProvidedContext {
    pgliteTemplatePath: string;
    postgresTemplate: string | null;
  }
}

/** A migrated PGlite, dumped once so every test file starts from a copy instead of migrating again. */
async function buildPgliteTemplate(): Promise<string> {
  const handle = await openPglite({});
  if (handle.kind !== "pglite") throw new Error("unreachable");
  await runMigrations(handle);
  const dump = await handle.pglite.dumpDataDir("gzip");
  await handle.close();
  const dir = join(tmpdir(), `atrium-test-${process.pid}`);
  mkdirSync(dir, { recursive: true });
  const path = join(dir, "pglite-template.tar.gz");
  writeFileSync(path, Buffer.from(await dump.arrayBuffer()));
  return path;
}

export const POSTGRES_TEMPLATE = `atrium_template_${process.pid}`;

/** A migrated server database used as CREATE DATABASE … TEMPLATE for each test file. */
async function buildPostgresTemplate(url: string): Promise<string> {
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  try {
    await admin.query(`DROP DATABASE IF EXISTS ${POSTGRES_TEMPLATE}`);
    await admin.query(`CREATE DATABASE ${POSTGRES_TEMPLATE}`);
  } finally {
    await admin.end();
  }
  const templateUrl = new URL(url);
  templateUrl.pathname = `/${POSTGRES_TEMPLATE}`;
  const handle = openPostgres({ url: templateUrl.toString(), poolSize: 1 });
  await runMigrations(handle);
  await handle.close();
  return POSTGRES_TEMPLATE;
}

async function dropLeftovers(url: string): Promise<void> {
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  try {
    const { rows } = await admin.query<{ datname: string }>(
      "SELECT datname FROM pg_database WHERE datname LIKE $1 OR datname = $2",
      [`atrium_t_${process.pid}_%`, POSTGRES_TEMPLATE],
    );
    for (const row of rows) await admin.query(`DROP DATABASE IF EXISTS ${row.datname} WITH (FORCE)`);
  } finally {
    await admin.end();
  }
}

export default async function setup(project: TestProject) {
  project.provide("pgliteTemplatePath", await buildPgliteTemplate());
  const url = process.env.TEST_DATABASE_URL;
  project.provide("postgresTemplate", url ? await buildPostgresTemplate(url) : null);
  return async () => {
    if (url) await dropLeftovers(url);
  };
}
