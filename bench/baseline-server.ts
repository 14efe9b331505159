/**
 * The bare baseline for `npm run bench:api`: Fastify with no plugins, no zod, no auth and no logging,
 * and a pg.Pool of Atrium's size running the same two statements Atrium's `GET /departments` runs,
 * answering with the same JSON body. Started by api.bench.ts as `node --import tsx
 * bench/baseline-server.ts`, like Atrium itself.
 *
 * Environment: DATABASE_URL, BENCH_ORG_ID (the organisation a token would name), DATABASE_POOL_SIZE
 * (default 10, as in Atrium), HOST (default 127.0.0.1), PORT (default 0). Prints one JSON line
 * `{"listening": "<address>"}` on stdout when ready.
 */
import Fastify from "fastify";
import pg from "pg";
import {
  DEPARTMENT_COUNT_SQL,
  DEPARTMENT_PAGE_STATEMENT,
  departmentPageSql,
} from "./lib/api-departments-sql.js";

interface DepartmentDbRow {
  id: string;
  org_id: string;
  name: string;
  slug: string;
  color: string | null;
  description: string | null;
  settings: Record<string, unknown>;
  is_archived: boolean;
  archived_at: Date | null;
  created_at: Date;
  updated_at: Date;
}

const url = process.env.DATABASE_URL;
const orgId = process.env.BENCH_ORG_ID;
if (!url || !orgId) {
  console.error("baseline-server: DATABASE_URL and BENCH_ORG_ID are required");
  process.exit(2);
}

const pool = new pg.Pool({
  connectionString: url,
  max: Number(process.env.DATABASE_POOL_SIZE ?? 10),
  application_name: "atrium-bench-baseline",
});
pool.on("error", () => {});

const pageSql = departmentPageSql();

function intParam(value: unknown, fallback: number, max: number): number {
  const n = typeof value === "string" ? Number(value) : Number.NaN;
  return Number.isInteger(n) && n >= 1 && n <= max ? n : fallback;
}

const app = Fastify({ logger: false });

app.get("/health", async () => ({ ok: true }));

app.get("/departments", async (request) => {
  const query = request.query as Record<string, unknown>;
  const page = intParam(query.page, 1, 1_000_000);
  const pageSize = intParam(query.pageSize, 20, 100);
  const offset = (page - 1) * pageSize;
  const rows = await pool.query<DepartmentDbRow & { count: string }>({
    name: DEPARTMENT_PAGE_STATEMENT,
    text: pageSql,
    values: [orgId, false, pageSize, offset],
  });
  const first = rows.rows[0];
  const total = first
    ? Number(first.count)
    : offset > 0
      ? Number(
          (await pool.query<{ count: string }>(DEPARTMENT_COUNT_SQL, [orgId, false])).rows[0]?.count ?? 0,
        )
      : 0;
  return {
    items: rows.rows.map((r) => ({
      id: r.id,
      name: r.name,
      slug: r.slug,
      color: r.color,
      description: r.description,
      settings: r.settings,
      isArchived: r.is_archived,
      archivedAt: r.archived_at ? r.archived_at.toISOString() : null,
      createdAt: r.created_at.toISOString(),
      updatedAt: r.updated_at.toISOString(),
    })),
    page,
    pageSize,
    total,
    totalPages: Math.ceil(total / pageSize),
  };
});

const address = await app.listen({
  host: process.env.HOST ?? "127.0.0.1",
  port: Number(process.env.PORT ?? 0),
});
console.log(JSON.stringify({ listening: address }));

const stop = async () => {
  await app.close();
  await pool.end();
  process.exit(0);
};
process.once("SIGINT", () => void stop());
process.once("SIGTERM", () => void stop());
