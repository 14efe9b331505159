import { setTimeout as sleep } from "node:timers/promises";
import { inArray } from "drizzle-orm";
import type { Container } from "../../src/app/container.js";
import { scheduleRuns } from "../../src/db/schema/index.js";
import { JobRunner } from "../../src/jobs/runner.js";
import { cronerClock } from "../../src/services/schedules/index.js";
import type { ActionExecutor } from "../../src/services/schedules/schedule-runner.js";
import { scheduleRunHandler } from "../../src/worker/handlers/schedule-run.js";
import { makeDepartment, makeOrg, makeSystemRole, makeUser } from "../factories/identity.js";

/**
 * Exactly-once harness (test and `npm run bench:schedules`): N worker instances, each on its OWN
 * container and connection pool against one server database, run their real scheduler tick and
 * `schedule.run` handler over every-second cron schedules and one-time schedules for a window. The
 * action only counts executions, so what is measured is the claim path, not a model.
 */
export interface HarnessOptions {
  /** One container per worker; all on the same database. */
  containers: Container[];
  cronSchedules: number;
  onceSchedules: number;
  windowMs: number;
  tickMs: number;
  /** Jobs each worker runs at once (4 unless told; the production default is WORKER_CONCURRENCY=2). */
  concurrency?: number;
  /** The runner's idle poll (200 ms unless told; the production default is WORKER_POLL_MS=1000). */
  pollMs?: number;
}

export interface HarnessResult {
  occurrences: number;
  expected: number;
  duplicates: number;
  missed: number;
  notDone: number;
  /** ms from each scheduled occurrence to the start of its run. */
  lateness: number[];
  workersUsed: number;
  /**
   * Where the lateness goes, per run (ms): occurrence → claimed (the claiming tick's transaction began,
   * `created_at`), claimed → job started (the `schedule.run` handler was called), job started → run
   * started (`started_at`), run started → finished (`finished_at`).
   */
  stages: { claimed: number[]; jobStarted: number[]; runStarted: number[]; finished: number[] };
  /** Duration of each run's bookkeeping write on its schedule row, if the runner makes one (ms). */
  bookkeepingMs: number[];
  /** Duration of each scheduler tick that claimed something (ms). */
  tickMs: number[];
}

export async function runScheduleHarness(o: HarnessOptions): Promise<HarnessResult> {
  const repos = o.containers[0]!.repositories;
  const org = await makeOrg(repos);
  const department = await makeDepartment(repos, org.id);
  const role = await makeSystemRole(repos, org.id, { permissions: ["agents:manage"], allDepartments: true });
  const user = await makeUser(repos, org.id, { departmentId: department.id, roleId: role.id });

  const executions = new Map<string, number>();
  const executor: ActionExecutor = async (_ctx, _action, schedule, run) => {
    const key = `${schedule.id}|${run.occurrenceAt.toISOString()}`;
    executions.set(key, (executions.get(key) ?? 0) + 1);
    return { counted: true };
  };

  const start = new Date(Math.ceil((Date.now() + 1_000) / 1_000) * 1_000);
  const base = {
    orgId: org.id,
    departmentId: department.id,
    createdById: user.id,
    timezone: "UTC",
    input: { type: "crawl", webSourceId: department.id },
  };
  const cronRows = await repos.schedules.createMany(
    Array.from({ length: o.cronSchedules }, (_, i) => ({
      ...base,
      name: `every second ${i}`,
      kind: "cron" as const,
      cronExpression: "* * * * * *",
      nextRunAt: start,
    })),
  );
  const onceRows = await repos.schedules.createMany(
    Array.from({ length: o.onceSchedules }, (_, i) => {
      const runAt = new Date(
        start.getTime() + Math.floor(((i + 0.5) / o.onceSchedules) * (o.windowMs - 1_500)),
      );
      return { ...base, name: `once ${i}`, kind: "once" as const, runAt, nextRunAt: runAt };
    }),
  );

  let ticking = true;
  const handlerStarts = new Map<string, number>();
  const tickDurations: number[] = [];
  // How long a run's bookkeeping write on its schedule row takes (it can wait on a tick's row lock).
  const bookkeeping: number[] = [];
  for (const c of o.containers) {
    const repo = c.repositories.schedules;
    const update = repo.update.bind(repo);
    repo.update = (async (...args: Parameters<typeof update>) => {
      if (!("lastRunAt" in (args[1] as object))) return update(...args);
      const t = Date.now();
      try {
        return await update(...args);
      } finally {
        bookkeeping.push(Date.now() - t);
      }
    }) as typeof repo.update;
  }
  const runners = o.containers.map((c, i) => {
    const scheduler = c.services.scheduler(`harness-w${i}`);
    const handler = scheduleRunHandler(c.services.scheduleRunnerWith(executor));
    const timedTick = async () => {
      const t = Date.now();
      const queued = await scheduler.tick();
      if (queued > 0) tickDurations.push(Date.now() - t);
      return queued;
    };
    return new JobRunner({
      jobs: c.repositories.jobs,
      handlers: {
        "schedule.run": {
          run: (payload, job) => {
            handlerStarts.set(payload.runId, Date.now());
            return handler.run(payload, job);
          },
        },
      },
      logger: c.logger,
      concurrency: o.concurrency ?? 4,
      pollMs: o.pollMs ?? 200,
      leaseMs: 30_000,
      workerId: `harness-w${i}`,
      ticks: [
        {
          name: "schedules",
          run: () => (ticking ? timedTick() : Promise.resolve(0)),
          everyMs: o.tickMs,
        },
      ],
    });
  });
  for (const runner of runners) runner.start();
  await sleep(start.getTime() - Date.now() + o.windowMs);
  ticking = false;
  const t0 = Date.now();
  // Let the claimed runs finish, then stop.
  for (let i = 0; i < 600 && (await repos.jobs.activeCount({ kinds: ["schedule.run"] })) > 0; i++)
    await sleep(50);
  if (process.env.HARNESS_DEBUG) console.log("drain ms", Date.now() - t0, "executions", executions.size);
  await Promise.all(runners.map((r) => r.stop(5_000)));

  const ids = [...cronRows, ...onceRows].map((s) => s.id);
  const runs = await repos.scheduleRuns.findMany(inArray(scheduleRuns.scheduleId, ids), undefined, 100_000);
  const finals = new Map(
    (await Promise.all(ids.map((id) => repos.schedules.findById(id)))).map((s) => [s!.id, s!]),
  );
  const expectedKeys = new Set<string>();
  for (const s of cronRows) {
    const end = finals.get(s.id)!.nextRunAt!;
    expectedKeys.add(`${s.id}|${start.toISOString()}`);
    for (const at of cronerClock.next("* * * * * *", "UTC", start, 10_000)) {
      if (at >= end) break;
      expectedKeys.add(`${s.id}|${at.toISOString()}`);
    }
  }
  for (const s of onceRows) expectedKeys.add(`${s.id}|${s.runAt!.toISOString()}`);

  const runKeys = new Map<string, number>();
  for (const r of runs) {
    const key = `${r.scheduleId}|${r.occurrenceAt.toISOString()}`;
    runKeys.set(key, (runKeys.get(key) ?? 0) + 1);
  }
  let duplicates = 0;
  for (const n of [...executions.values(), ...runKeys.values()]) duplicates += Math.max(0, n - 1);
  const missed = [...expectedKeys].filter((k) => (executions.get(k) ?? 0) === 0).length;
  const unexpected = [...runKeys.keys()].filter((k) => !expectedKeys.has(k)).length;
  const mine = runs.filter((r) => r.startedAt && r.finishedAt && handlerStarts.has(r.id));
  const stages = {
    claimed: mine.map((r) => r.createdAt.getTime() - r.occurrenceAt.getTime()),
    jobStarted: mine.map((r) => handlerStarts.get(r.id)! - r.createdAt.getTime()),
    runStarted: mine.map((r) => r.startedAt!.getTime() - handlerStarts.get(r.id)!),
    finished: mine.map((r) => r.finishedAt!.getTime() - r.startedAt!.getTime()),
  };
  return {
    stages,
    tickMs: tickDurations,
    bookkeepingMs: bookkeeping,
    occurrences: executions.size,
    expected: expectedKeys.size,
    duplicates: duplicates + unexpected,
    missed,
    notDone: runs.filter((r) => r.status !== "done").length,
    lateness: runs.filter((r) => r.startedAt).map((r) => r.startedAt!.getTime() - r.occurrenceAt.getTime()),
    workersUsed: new Set(runs.map((r) => r.claimedBy)).size,
  };
}
