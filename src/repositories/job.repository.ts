import { and, count, eq, inArray, lt, lte, sql } from "drizzle-orm";
import type { Queryable } from "../db/client.js";
import { guarded } from "../db/errors.js";
import { jobs } from "../db/schema/index.js";
import { type NewRow, TableRepository } from "./table-repository.js";

export type JobRow = typeof jobs.$inferSelect;
export type NewJob = NewRow<typeof jobs>;

/** Rows of a raw `execute` (node-postgres and PGlite both answer `{ rows }`). */
function rowsOf<T>(result: unknown): T[] {
  return (result as { rows: T[] }).rows;
}

/** Raw rows come back snake_case; this is the one place that maps them. */
function fromRaw(r: Record<string, unknown>): JobRow {
  const date = (v: unknown) => (v === null || v === undefined ? null : new Date(v as string));
  const json = (v: unknown) => (typeof v === "string" ? JSON.parse(v) : v);
  return {
    id: r.id as string,
    orgId: (r.org_id as string | null) ?? null,
    kind: r.kind as string,
    payload: json(r.payload) as Record<string, unknown>,
    status: r.status as JobRow["status"],
    priority: Number(r.priority),
    runAt: date(r.run_at)!,
    attempts: Number(r.attempts),
    maxAttempts: Number(r.max_attempts),
    dedupeKey: (r.dedupe_key as string | null) ?? null,
    lockedBy: (r.locked_by as string | null) ?? null,
    lockedUntil: date(r.locked_until),
    lastError: (r.last_error as string | null) ?? null,
    result: json(r.result) ?? null,
    finishedAt: date(r.finished_at),
    createdAt: date(r.created_at)!,
    updatedAt: date(r.updated_at)!,
  };
}

const leaseOf = (ms: number) => sql`now() + make_interval(secs => ${Math.max(1, ms) / 1000})`;

/**
 * The job queue's SQL. Enqueue runs inside the caller's transaction (a job exists exactly when the
 * change that asked for it committed); workers claim due jobs with FOR UPDATE SKIP LOCKED, so any
 * number of them share the table without ever taking the same job. Every state change after the claim
 * is conditional on the worker still holding the lease (`locked_by`), so a worker that lost its lease
 * cannot overwrite the outcome of the one that took the job over.
 */
export class JobRepository extends TableRepository<typeof jobs> {
  /**
   * Inserts a job; with a `dedupeKey` that a queued or running job already holds, inserts nothing and
   * returns that job instead (`created: false`).
   */
  async enqueue(job: NewJob, tx?: Queryable): Promise<{ job: JobRow; created: boolean }> {
    const q = this.q(tx);
    const inserted = await guarded(() =>
      q
        .insert(jobs)
        .values(job)
        .onConflictDoNothing({
          target: jobs.dedupeKey,
          where: sql`${jobs.status} in ('queued', 'running')`,
        })
        .returning(),
    );
    if (inserted[0]) return { job: inserted[0], created: true };
    const existing = await this.findOne(
      and(eq(jobs.dedupeKey, job.dedupeKey!), inArray(jobs.status, ["queued", "running"])),
      tx,
    );
    if (!existing) throw new Error(`job with dedupe key ${job.dedupeKey} vanished while enqueueing`);
    return { job: existing, created: false };
  }

  /**
   * Atomically takes up to `limit` due jobs (highest priority, then oldest run_at) for `workerId`:
   * status running, lease until now + leaseMs, attempts + 1. Rows another worker is claiming at the
   * same instant are skipped, not waited for.
   */
  async claim(
    workerId: string,
    limit: number,
    leaseMs: number,
    kinds?: readonly string[],
  ): Promise<JobRow[]> {
    if (limit < 1) return [];
    const kindFilter = kinds
      ? sql`AND kind IN (${sql.join(
          kinds.map((k) => sql`${k}`),
          sql`, `,
        )})`
      : sql``;
    const result = await guarded(() =>
      this.db.execute(sql`
        UPDATE jobs SET status = 'running', locked_by = ${workerId}, locked_until = ${leaseOf(leaseMs)},
          attempts = attempts + 1, updated_at = now()
        WHERE status = 'queued' AND id IN (
          SELECT id FROM jobs
          WHERE status = 'queued' AND run_at <= now() ${kindFilter}
          ORDER BY priority DESC, run_at, id
          LIMIT ${limit}
          FOR UPDATE SKIP LOCKED
        )
        RETURNING *`),
    );
    return rowsOf<Record<string, unknown>>(result)
      .map(fromRaw)
      .sort((a, b) => b.priority - a.priority || a.runAt.getTime() - b.runAt.getTime());
  }

  /** Extends the lease of a job this worker still holds; false when the lease was lost. */
  async heartbeat(id: string, workerId: string, leaseMs: number): Promise<boolean> {
    const rows = await guarded(() =>
      this.db
        .update(jobs)
        .set({ lockedUntil: leaseOf(leaseMs), updatedAt: new Date() })
        .where(and(eq(jobs.id, id), eq(jobs.lockedBy, workerId), eq(jobs.status, "running")))
        .returning({ id: jobs.id }),
    );
    return rows.length > 0;
  }

  async complete(id: string, workerId: string, result: unknown, tx?: Queryable): Promise<boolean> {
    const rows = await guarded(() =>
      this.q(tx)
        .update(jobs)
        .set({
          status: "done",
          result: (result ?? null) as never,
          lockedBy: null,
          lockedUntil: null,
          finishedAt: new Date(),
          updatedAt: new Date(),
        })
        .where(and(eq(jobs.id, id), eq(jobs.lockedBy, workerId), eq(jobs.status, "running")))
        .returning({ id: jobs.id }),
    );
    return rows.length > 0;
  }

  /**
   * Records a failed attempt: back to queued at `retryAt`, or failed for good when `retryAt` is null.
   * False when this worker no longer holds the job.
   */
  async fail(id: string, workerId: string, error: string, retryAt: Date | null): Promise<boolean> {
    const patch = retryAt
      ? { status: "queued" as const, runAt: retryAt, finishedAt: null }
      : { status: "failed" as const, finishedAt: new Date() };
    const rows = await guarded(() =>
      this.db
        .update(jobs)
        .set({
          ...patch,
          lastError: error.slice(0, 4000),
          lockedBy: null,
          lockedUntil: null,
          updatedAt: new Date(),
        })
        .where(and(eq(jobs.id, id), eq(jobs.lockedBy, workerId), eq(jobs.status, "running")))
        .returning({ id: jobs.id }),
    );
    return rows.length > 0;
  }

  /**
   * Crash recovery: running jobs whose lease expired (their worker died or hung) go back to the queue,
   * or fail for good when they have used every attempt. Returns the requeued ids and the failed jobs.
   */
  async reclaimExpired(): Promise<{ requeued: string[]; failed: JobRow[] }> {
    const expired = and(eq(jobs.status, "running"), lt(jobs.lockedUntil, sql`now()`));
    const lost = "the worker stopped renewing its lease (crashed or hung)";
    const failed = await guarded(() =>
      this.db
        .update(jobs)
        .set({ status: "failed", lastError: lost, lockedBy: null, lockedUntil: null, finishedAt: new Date() })
        .where(and(expired, sql`${jobs.attempts} >= ${jobs.maxAttempts}`))
        .returning(),
    );
    const requeued = await guarded(() =>
      this.db
        .update(jobs)
        .set({ status: "queued", lastError: lost, lockedBy: null, lockedUntil: null, runAt: sql`now()` })
        .where(and(expired, sql`${jobs.attempts} < ${jobs.maxAttempts}`))
        .returning({ id: jobs.id }),
    );
    return { requeued: requeued.map((r) => r.id), failed };
  }

  /** Jobs queued or running (optionally only those due now); 0 means the queue is idle. */
  async activeCount(options: { dueOnly?: boolean; kinds?: readonly string[] } = {}): Promise<number> {
    const due = options.dueOnly ? sql`(${jobs.status} = 'running' or ${jobs.runAt} <= now())` : undefined;
    const rows = await guarded(() =>
      this.db
        .select({ n: count() })
        .from(jobs)
        .where(
          and(
            inArray(jobs.status, ["queued", "running"]),
            due,
            options.kinds ? inArray(jobs.kind, [...options.kinds]) : undefined,
          ),
        ),
    );
    return rows[0]?.n ?? 0;
  }

  /** The earliest run_at among queued jobs (for a poll loop that sleeps until then). */
  async nextRunAt(): Promise<Date | undefined> {
    const rows = await guarded(() =>
      this.db
        .select({ runAt: jobs.runAt })
        .from(jobs)
        .where(eq(jobs.status, "queued"))
        .orderBy(jobs.runAt)
        .limit(1),
    );
    return rows[0]?.runAt;
  }

  /** Jobs of one kind whose payload has `key` = `value` (e.g. a document's jobs), newest first. */
  findByPayload(kind: string, key: string, value: string, tx?: Queryable): Promise<JobRow[]> {
    return this.findMany(and(eq(jobs.kind, kind), sql`${jobs.payload} ->> ${key} = ${value}`), tx, 100);
  }

  /** Finished jobs older than `before` (housekeeping). */
  purgeFinished(before: Date, tx?: Queryable): Promise<number> {
    return this.deleteWhere(and(inArray(jobs.status, ["done", "failed"]), lte(jobs.finishedAt, before)), tx);
  }
}
