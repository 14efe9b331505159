/**
 * `npm run bench:analytics`: p50/p95 of every analytics report over 90 days, computed from the raw
 * tables (the only path today: there are no rollups yet), on server PostgreSQL through Atrium's own
 * repository. The baseline in the same run is the same report over the last 7 days, so the table shows
 * how a report's cost grows with the period it covers.
 *
 * Options: --messages N (env BENCH_MESSAGES, default 200000), --runs N (per report, default 10);
 * server from BENCH_DATABASE_URL, else TEST_DATABASE_URL (a scratch database atrium_analytics_<pid> is
 * created there and dropped at the end).
 */
import { sql } from "drizzle-orm";
import { openPostgres } from "../src/db/client.js";
import { runMigrations } from "../src/db/migrate.js";
import { AnalyticsRepository, analyticsReports } from "../src/repositories/analytics.repository.js";
import { intOption } from "./lib/options.js";
import { createScratchDatabase, redactUrl, serverBaseUrl } from "./lib/server-db.js";
import { ratio, summarize } from "./lib/stats.js";

const messages = intOption("messages", "BENCH_MESSAGES", 200_000, { min: 1_000, max: 5_000_000 });
const runs = intOption("runs", "BENCH_RUNS", 10, { min: 3, max: 1_000 });
const DAYS = 90;
const DEPARTMENTS = 10;
const PER_CONVERSATION = 10;

const base = serverBaseUrl();
const scratch = await createScratchDatabase(base, "atrium_analytics");
const handle = openPostgres({ url: scratch.url, poolSize: 2 });
try {
  await runMigrations(handle);
  const db = handle.db;
  const conversations = Math.ceil(messages / PER_CONVERSATION);
  console.log(
    `bench:analytics on ${redactUrl(scratch.url)}: ${messages} messages in ${conversations} conversations, ` +
      `${messages / 2} runs, ${DEPARTMENTS} departments, over ${DAYS} days; ${runs} runs per report`,
  );
  const t0 = performance.now();
  await db.execute(sql`
    with o as (insert into organizations (id, name, slug) values (gen_random_uuid(), 'Bench', 'bench') returning id),
    u as (insert into users (id, org_id, email) select gen_random_uuid(), o.id, 'bench@example.test' from o returning id, org_id)
    insert into departments (id, org_id, name, slug)
    select gen_random_uuid(), u.org_id, 'Dept ' || g, 'dept-' || g from u, generate_series(1, ${DEPARTMENTS}) g`);
  await db.execute(sql`
    insert into conversations (id, org_id, user_id, department_id, channel, created_at)
    select gen_random_uuid(), u.org_id, u.id, d.id,
      (array['web','slack','email','api'])[1 + g % 4]::conversation_channel,
      now() - (random() * ${DAYS}) * interval '1 day'
    from users u, generate_series(1, ${conversations}) g
    join lateral (select id from departments order by id offset (g % ${DEPARTMENTS}) limit 1) d on true`);
  await db.execute(sql`
    insert into messages (id, org_id, conversation_id, role, sources, model, created_at)
    select gen_random_uuid(), c.org_id, c.id, case when k % 2 = 0 then 'user' else 'assistant' end::message_role,
      case when k % 4 = 1 then jsonb_build_array(jsonb_build_object('documentId', md5((k % 50)::text)))
           else '[]'::jsonb end,
      case when k % 2 = 1 then 'extractive' end, c.created_at + k * interval '1 second'
    from conversations c, generate_series(0, ${PER_CONVERSATION - 1}) k`);
  await db.execute(sql`
    insert into agent_runs (id, org_id, trace_id, provider, model, department_id, conversation_id,
      total_tokens, cost_usd, metadata, created_at)
    select gen_random_uuid(), m.org_id, md5(m.id::text), 'offline', 'extractive', c.department_id, c.id, 100, 0.001,
      jsonb_build_object('relevance', jsonb_build_object('decision', case when random() < 0.1 then 'off-topic' else 'answer' end),
        'intent', jsonb_build_object('name', 'intent-' || (abs(hashtext(m.id::text)) % 5))),
      m.created_at
    from messages m join conversations c on c.id = m.conversation_id where m.role = 'assistant'`);
  await db.execute(sql`
    insert into feedback (id, org_id, conversation_id, message_id, rating, created_at)
    select gen_random_uuid(), m.org_id, m.conversation_id, m.id, case when random() < 0.8 then 1 else -1 end, m.created_at
    from messages m where m.role = 'assistant' and random() < 0.1`);
  await db.execute(sql`analyze`);
  console.log(`loaded in ${((performance.now() - t0) / 1000).toFixed(1)} s`);

  const org = (await db.execute(sql`select id from organizations limit 1`)) as unknown as {
    rows: { id: string }[];
  };
  const access = {
    permissions: new Set<string>(),
    allDepartments: true,
    departmentIds: new Set<string>(),
    excludedDepartmentIds: new Set<string>(),
  };
  const repo = new AnalyticsRepository(db);
  const day = 86_400_000;
  const end = new Date(Date.now() + day);
  const time = async (report: (typeof analyticsReports)[number], days: number) => {
    const filter = { orgId: org.rows[0]!.id, start: new Date(end.getTime() - days * day), end, access };
    await repo.cells(report, filter, report === "documents" ? "none" : "department", "day"); // warm-up
    const samples: number[] = [];
    const started = performance.now();
    for (let i = 0; i < runs; i++) {
      const s = performance.now();
      await repo.cells(report, filter, report === "documents" ? "none" : "department", "day");
      samples.push(performance.now() - s);
    }
    return summarize(samples, performance.now() - started);
  };
  console.log("\nreport       90d p50 ms  90d p95 ms   7d p50 ms   7d p95 ms  90d/7d p50");
  for (const report of analyticsReports) {
    const long = await time(report, DAYS);
    const short = await time(report, 7);
    console.log(
      `${report.padEnd(12)} ${long.p50Ms.toFixed(1).padStart(10)} ${long.p95Ms.toFixed(1).padStart(11)} ` +
        `${short.p50Ms.toFixed(1).padStart(11)} ${short.p95Ms.toFixed(1).padStart(11)} ` +
        `${ratio(long.p50Ms, short.p50Ms).toFixed(2).padStart(11)}`,
    );
  }
} finally {
  await handle.close();
  await scratch.drop();
}
