import { randomUUID } from "node:crypto";
import { sql } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { withTransaction } from "../../src/db/transaction.js";
import type { JobHandlers } from "../../src/jobs/handler.js";
import { PermanentJobError } from "../../src/jobs/handler.js";
import { createJobQueue } from "../../src/jobs/queue.js";
import { JobRunner } from "../../src/jobs/runner.js";
import { createLogger } from "../../src/lib/logger.js";
import { useTestContainer } from "../setup/container.js";

/** The jobs table as a queue: transactional enqueue, dedupe, SKIP LOCKED claims, retries, leases. */
describe("job queue and runner", () => {
  const t = useTestContainer();
  const logger = createLogger("silent");
  const repo = () => t.current.container.repositories.jobs;
  const queue = () => createJobQueue(repo());
  const db = () => t.current.container.database.db;
  let orgId = "";
  beforeAll(async () => {
    const slug = `jobs-${randomUUID().slice(0, 8)}`;
    orgId = (await t.current.container.repositories.organizations.create({ name: "Jobs", slug })).id;
  });
  const payload = () => ({ documentId: randomUUID(), orgId, revision: 1 });
  const clear = () => db().execute(sql`DELETE FROM jobs`);
  const runner = (handlers: JobHandlers, extra: Partial<ConstructorParameters<typeof JobRunner>[0]> = {}) =>
    new JobRunner({
      jobs: repo(),
      handlers,
      logger,
      pollMs: 10,
      leaseMs: 5_000,
      catalog: { "document.ingest": { backoff: { baseMs: 20, maxMs: 40 } } },
      ...extra,
    });

  it("enqueues inside the caller's transaction, and dedupes while a job with the key is active", async () => {
    await clear();
    await withTransaction(db(), async (tx) => {
      await queue().enqueue(tx, "document.ingest", payload());
      throw new Error("roll back");
    }).catch(() => undefined);
    expect(await repo().activeCount()).toBe(0);
    const p = payload();
    const first = await queue().enqueue(db(), "document.ingest", p, { dedupeKey: "k1" });
    const second = await queue().enqueue(db(), "document.ingest", p, { dedupeKey: "k1" });
    expect(first.created).toBe(true);
    expect(second).toMatchObject({ created: false, job: { id: first.job.id } });
    await expect(queue().enqueue(db(), "document.ingest", { documentId: "nope" } as never)).rejects.toThrow();
    await runner({ "document.ingest": { run: async () => "ok" } }).runUntilIdle();
    const third = await queue().enqueue(db(), "document.ingest", p, { dedupeKey: "k1" });
    expect(third.created).toBe(true);
  });

  it("claims by priority then age, retries with backoff, and fails permanent errors at once", async () => {
    await clear();
    const seen: string[] = [];
    const attempts = new Map<string, number>();
    const flaky = payload();
    const broken = payload();
    await queue().enqueue(db(), "document.ingest", flaky);
    await queue().enqueue(db(), "document.ingest", broken);
    const started = Date.now();
    await runner(
      {
        "document.ingest": {
          async run(p, job) {
            seen.push(p.documentId);
            attempts.set(p.documentId, job.attempt);
            if (p.documentId === broken.documentId) throw new PermanentJobError("bad input");
            if (job.attempt < 3) throw new Error(`transient ${job.attempt}`);
            return { ok: true };
          },
        },
      },
      { concurrency: 1 },
    ).runUntilIdle({ includeDelayed: true });
    expect(Date.now() - started).toBeGreaterThanOrEqual(30);
    const rows = await repo().findMany(undefined);
    const flakyRow = rows.find((r) => r.payload.documentId === flaky.documentId)!;
    const brokenRow = rows.find((r) => r.payload.documentId === broken.documentId)!;
    expect(flakyRow).toMatchObject({ status: "done", attempts: 3, result: { ok: true }, lockedBy: null });
    expect(flakyRow.lastError).toBe("transient 2");
    expect(brokenRow).toMatchObject({ status: "failed", attempts: 1, lastError: "bad input" });
    expect(seen.filter((id) => id === flaky.documentId)).toHaveLength(3);
  });

  it("gives up after max attempts and calls the failure hook once", async () => {
    await clear();
    const failures: string[] = [];
    await queue().enqueue(db(), "document.ingest", payload());
    await runner({
      "document.ingest": {
        run: async () => {
          throw new Error("still down");
        },
        failed: async (_p, error) => {
          failures.push(error);
        },
      },
    }).runUntilIdle({ includeDelayed: true });
    const [row] = await repo().findMany(undefined);
    expect(row).toMatchObject({ status: "failed", attempts: 5, maxAttempts: 5, lastError: "still down" });
    expect(failures).toEqual(["still down"]);
  });

  it("times a job out through its AbortSignal and retries it", async () => {
    await clear();
    await queue().enqueue(db(), "document.ingest", payload());
    let calls = 0;
    await runner(
      {
        "document.ingest": {
          run: async (_p, job) => {
            calls++;
            if (calls === 1) {
              await new Promise((resolve) => job.signal.addEventListener("abort", resolve));
              throw job.signal.reason;
            }
            return "second time lucky";
          },
        },
      },
      { catalog: { "document.ingest": { timeoutMs: 100, backoff: { baseMs: 10, maxMs: 10 } } } },
    ).runUntilIdle({ includeDelayed: true });
    const [row] = await repo().findMany(undefined);
    expect(row).toMatchObject({ status: "done", attempts: 2 });
    expect(row!.lastError).toMatch(/longer than/);
  });

  it("reclaims a job whose worker died (lease expired) and completes it; a stale worker cannot overwrite", async () => {
    await clear();
    const { job } = await queue().enqueue(db(), "document.ingest", payload());
    const [claimed] = await repo().claim("dead-worker", 1, 60_000);
    expect(claimed?.id).toBe(job.id);
    expect(await repo().claim("other", 5, 60_000)).toEqual([]);
    await db().execute(sql`UPDATE jobs SET locked_until = now() - interval '1 second' WHERE id = ${job.id}`);
    const done: number[] = [];
    const live = runner({ "document.ingest": { run: async (_p, j) => void done.push(j.attempt) } });
    await live.runUntilIdle();
    expect(done).toEqual([2]);
    const row = await repo().findById(job.id);
    expect(row).toMatchObject({ status: "done", attempts: 2 });
    expect(await repo().complete(job.id, "dead-worker", "late")).toBe(false);
    expect((await repo().findById(job.id))!.result).toBeNull();
  });

  it("keeps a long job's lease alive with heartbeats", async () => {
    await clear();
    const { job } = await queue().enqueue(db(), "document.ingest", payload());
    let leaseDuringRun: Date | null = null;
    await runner(
      {
        "document.ingest": {
          run: async () => {
            await new Promise((r) => setTimeout(r, 1_200));
            leaseDuringRun = (await repo().findById(job.id))!.lockedUntil;
          },
        },
      },
      { leaseMs: 900 },
    ).runUntilIdle();
    expect(leaseDuringRun).not.toBeNull();
    expect(leaseDuringRun!.getTime()).toBeGreaterThan(Date.now() - 200);
    expect(await repo().findById(job.id)).toMatchObject({ status: "done", attempts: 1 });
  });

  it("never gives one job to two concurrent runners", async () => {
    await clear();
    const total = 60;
    for (let i = 0; i < total; i++) await queue().enqueue(db(), "document.ingest", payload());
    const processed: string[] = [];
    const handlers: JobHandlers = {
      "document.ingest": {
        run: async (_p, job) => {
          processed.push(job.jobId);
          await new Promise((r) => setTimeout(r, 2));
        },
      },
    };
    const a = runner(handlers, { workerId: "a", concurrency: 4 });
    const b = runner(handlers, { workerId: "b", concurrency: 4 });
    await Promise.all([a.runUntilIdle(), b.runUntilIdle()]);
    expect(processed).toHaveLength(total);
    expect(new Set(processed).size).toBe(total);
    const rows = await repo().findMany(undefined);
    expect(rows.every((r) => r.status === "done" && r.attempts === 1)).toBe(true);
    expect(a.processed + b.processed).toBe(total);
  });
});
