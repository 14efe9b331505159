/**
 * `npm run bench:schedules`: fire-time lateness of schedules (start of a run − its occurrence) with
 * three worker instances, each with its own container and pool, on one server database, and the
 * exactly-once counts (duplicates and missed must be 0). Baseline measured in the same run: the same
 * load on ONE worker. Workers tick every 500 ms and run with the worker config (WORKER_CONCURRENCY,
 * WORKER_POLL_MS), the production defaults; each measurement gets its own fresh database. Also prints
 * where the lateness goes: due → claimed → job started → run started → finished, per stage.
 *
 * Server from BENCH_DATABASE_URL, else TEST_DATABASE_URL, else postgres://postgres@127.0.0.1:5432/postgres.
 * Options (env): BENCH_CRON (every-second schedules, 10), BENCH_ONCE (one-time schedules, 110),
 * BENCH_WINDOW_MS (10000).
 */
import { type Container, createContainer } from "../src/app/container.js";
import { loadConfig } from "../src/config/env.js";
import { openPostgres } from "../src/db/client.js";
import { runMigrations } from "../src/db/migrate.js";
import { createLogger } from "../src/lib/logger.js";
import { runScheduleHarness } from "../test/setup/schedule-harness.js";
import { createScratchDatabase, probeServer, redactUrl, serverBaseUrl } from "./lib/server-db.js";
import { percentile, ratio } from "./lib/stats.js";

const intEnv = (name: string, fallback: number) => {
  const value = Number(process.env[name]);
  return Number.isInteger(value) && value > 0 ? value : fallback;
};

const TICK_MS = 500;
const options = {
  cronSchedules: intEnv("BENCH_CRON", 10),
  onceSchedules: intEnv("BENCH_ONCE", 110),
  windowMs: intEnv("BENCH_WINDOW_MS", 10_000),
  tickMs: TICK_MS,
};

/**
 * One measurement on its OWN fresh database: sharing one would leave the previous measurement's
 * every-second schedules enabled, and the next run's first tick would claim their catch-up backlog
 * (one run per second of the gap, within the grace period) on top of the measured load.
 */
async function measure(base: string, workers: number) {
  const scratch = await createScratchDatabase(base, `atrium_bench_schedules_${workers}w`);
  try {
    const handle = openPostgres({ url: scratch.url, poolSize: 2 });
    await runMigrations(handle);
    await handle.close();
    return await measureOn(scratch.url, workers);
  } finally {
    await scratch.drop();
  }
}

const pct = (values: number[], p: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted.length === 0 ? Number.NaN : percentile(sorted, p);
};

async function measureOn(url: string, workers: number) {
  const config = loadConfig({
    NODE_ENV: "test",
    LOG_LEVEL: "silent",
    AUTH_SECRET: "bench-secret-that-is-long-enough-0123456789",
    DATABASE_URL: url,
    ...(process.env.WORKER_CONCURRENCY ? { WORKER_CONCURRENCY: process.env.WORKER_CONCURRENCY } : {}),
    ...(process.env.WORKER_POLL_MS ? { WORKER_POLL_MS: process.env.WORKER_POLL_MS } : {}),
  });
  const containers: Container[] = [];
  for (let i = 0; i < workers; i++) {
    containers.push(
      await createContainer(config, {
        logger: createLogger("silent"),
        database: openPostgres({ url, poolSize: 4 }),
      }),
    );
  }
  try {
    // The worker settings `atrium worker` runs with (config defaults unless the environment says).
    const result = await runScheduleHarness({
      containers,
      ...options,
      concurrency: config.worker.concurrency,
      pollMs: config.worker.pollMs,
    });
    const sorted = [...result.lateness].sort((a, b) => a - b);
    return {
      ...result,
      p50: percentile(sorted, 50),
      p99: percentile(sorted, 99),
      max: sorted.at(-1) ?? Number.NaN,
    };
  } finally {
    for (const c of containers) await c.close();
  }
}

async function main() {
  const base = serverBaseUrl();
  console.log(`server: ${redactUrl(base)} (${await probeServer(base)})`);
  {
    console.log(
      `load: ${options.cronSchedules} every-second + ${options.onceSchedules} one-time schedules over ${options.windowMs} ms; tick every ${TICK_MS} ms; per worker concurrency ${process.env.WORKER_CONCURRENCY ?? "2 (default)"}, poll ${process.env.WORKER_POLL_MS ?? "1000 (default)"} ms`,
    );
    const one = await measure(base, 1);
    const three = await measure(base, 3);
    const row = (name: string, r: Awaited<ReturnType<typeof measure>>) =>
      `${name.padEnd(22)} occurrences ${String(r.occurrences).padStart(4)}/${String(r.expected).padEnd(4)} duplicates ${r.duplicates}  missed ${r.missed}  not done ${r.notDone}  lateness p50 ${r.p50.toFixed(0)} ms  p99 ${r.p99.toFixed(0)} ms  max ${r.max.toFixed(0)} ms  workers used ${r.workersUsed}`;
    console.log(row("baseline: 1 worker", one));
    console.log(row("3 workers", three));
    const stages = (name: string, r: Awaited<ReturnType<typeof measure>>) =>
      `${name.padEnd(22)} stages p50/p99 ms: due→claimed ${pct(r.stages.claimed, 50).toFixed(0)}/${pct(r.stages.claimed, 99).toFixed(0)}  claimed→job started ${pct(r.stages.jobStarted, 50).toFixed(0)}/${pct(r.stages.jobStarted, 99).toFixed(0)}  job→run started ${pct(r.stages.runStarted, 50).toFixed(0)}/${pct(r.stages.runStarted, 99).toFixed(0)}  run→finished ${pct(r.stages.finished, 50).toFixed(0)}/${pct(r.stages.finished, 99).toFixed(0)}  tick ${pct(r.tickMs, 50).toFixed(0)}/${pct(r.tickMs, 99).toFixed(0)}  run's write on the schedule row ${pct(r.bookkeepingMs, 50).toFixed(0)}/${pct(r.bookkeepingMs, 99).toFixed(0)} (${r.bookkeepingMs.length})`;
    console.log(stages("baseline: 1 worker", one));
    console.log(stages("3 workers", three));
    console.log(
      `ratio 3 workers / 1 worker: p50 ${ratio(three.p50, one.p50).toFixed(2)}×, p99 ${ratio(three.p99, one.p99).toFixed(2)}×; p99 / tick interval ${(three.p99 / TICK_MS).toFixed(2)}×`,
    );
    const ok = three.duplicates === 0 && three.missed === 0 && one.duplicates === 0 && one.missed === 0;
    console.log(
      `goal p99 ≤ 2000 ms with 3 workers: ${three.p99 <= 2000 ? "met" : "NOT met"}; exactly once: ${ok ? "yes" : "NO"}`,
    );
    if (!ok) process.exitCode = 1;
  }
}

await main();
