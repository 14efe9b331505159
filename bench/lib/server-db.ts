import pg from "pg";

/** Where the server benchmarks connect to create their scratch databases. */
export function serverBaseUrl(): string {
  return (
    process.env.BENCH_DATABASE_URL ??
    process.env.TEST_DATABASE_URL ??
    "postgres://postgres@127.0.0.1:5432/postgres"
  );
}

/** The URL with its password masked, for messages. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = "***";
    return u.toString();
  } catch {
    return "<unparseable url>";
  }
}

async function withAdmin<T>(baseUrl: string, fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: baseUrl, connectionTimeoutMillis: 5000 });
  client.on("error", () => {});
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end().catch(() => {});
  }
}

/**
 * Checks that the server answers and offers pgvector; returns its version string, or throws an Error
 * whose message says what is missing.
 */
export async function probeServer(baseUrl: string): Promise<string> {
  let version: string;
  let hasVector: boolean;
  try {
    [version, hasVector] = await withAdmin(baseUrl, async (client) => {
      const v = await client.query<{ server_version: string }>("SHOW server_version");
      const ext = await client.query("SELECT 1 FROM pg_available_extensions WHERE name = 'vector'");
      return [v.rows[0]!.server_version, (ext.rowCount ?? 0) > 0] as const;
    });
  } catch (error) {
    throw new Error(`cannot reach PostgreSQL at ${redactUrl(baseUrl)}: ${(error as Error).message}`);
  }
  if (!hasVector) throw new Error(`PostgreSQL at ${redactUrl(baseUrl)} has no pgvector extension available`);
  return version;
}

export interface ScratchDatabase {
  name: string;
  url: string;
  /** Drops the database (terminating its connections); safe to call more than once. */
  drop(): Promise<void>;
}

/** Creates an empty database `<prefix>_<pid>` next to `baseUrl` (dropping a leftover of the same name). */
export async function createScratchDatabase(baseUrl: string, prefix: string): Promise<ScratchDatabase> {
  const name = `${prefix}_${process.pid}`;
  if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new Error(`invalid database name ${name}`);
  await withAdmin(baseUrl, async (client) => {
    await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await client.query(`CREATE DATABASE ${name}`);
  });
  const url = new URL(baseUrl);
  url.pathname = `/${name}`;
  let dropped = false;
  return {
    name,
    url: url.toString(),
    async drop() {
      if (dropped) return;
      await withAdmin(baseUrl, (client) => client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`));
      dropped = true;
    },
  };
}
