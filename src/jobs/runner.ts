import { hostname } from "node:os";
import { setTimeout as sleep } from "node:timers/promises";
import { z } from "zod";
import { isAppError } from "../lib/errors.js";
import { newId } from "../lib/ids.js";
import type { Logger } from "../lib/logger.js";
import type { JobRepository, JobRow } from "../repositories/job.repository.js";
import {
  backoffDelay,
  type CatalogOverrides,
  isJobKind,
  type JobKind,
  jobCatalog,
  specOf,
} from "./catalog.js";
import type { JobHandler, JobHandlers } from "./handler.js";

export interface RunnerOptions {
  jobs: JobRepository;
  handlers: JobHandlers;
  logger: Logger;
  workerId?: string;
  /** Jobs run at the same time by this runner. */
  concurrency?: number;
  /** Sleep between polls when there is nothing to do. */
  pollMs?: number;
  /** Lease length; a heartbeat renews it every third of it while the job runs. */
  leaseMs?: number;
  /** How often expired leases are looked for. */
  reclaimEveryMs?: number;
  /** Periodic work (the crawl scheduler) run from the loop every `tickEveryMs`. */
  tick?: () => Promise<unknown>;
  tickEveryMs?: number;
  /**
   * More periodic work with its own interval (the schedule tick, every half second): run before each
   * claim when due, and the idle sleep never outlasts the next one.
   */
  ticks?: ReadonlyArray<{ name: string; run: () => Promise<unknown>; everyMs: number }>;
  catalog?: CatalogOverrides;
}

const PERMANENT_APP_CODES = new Set([
  "VALIDATION",
  "NOT_FOUND",
  "FORBIDDEN",
  "PRECONDITION_FAILED",
  "UNAUTHORIZED",
]);

/** Whether retrying the same job can help: data errors no, infrastructure errors yes. */
export function isPermanentError(error: unknown): boolean {
  // An error that knows whether retrying helps says so with `permanent` (e.g. a file that cannot be read).
  if ((error as { permanent?: unknown } | null)?.permanent === true) return true;
  if (isAppError(error)) return PERMANENT_APP_CODES.has(error.code);
  return error instanceof z.ZodError;
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * The worker loop: claims due jobs (FOR UPDATE SKIP LOCKED) up to its concurrency, runs each with a
 * time limit and a lease heartbeat, records the outcome (done, retry with exponential backoff, or
 * failed), and puts back jobs whose worker died. `stop()` stops claiming and waits for running jobs.
 */
export class JobRunner {
  readonly workerId: string;
  private readonly concurrency: number;
  private readonly pollMs: number;
  private readonly leaseMs: number;
  private readonly reclaimEveryMs: number;
  private readonly tickEveryMs: number;
  private readonly running = new Map<string, { promise: Promise<void>; abort: AbortController }>();
  private loop: Promise<void> | undefined;
  private stopping = false;
  private wake: (() => void) | undefined;
  private lastReclaim = 0;
  private lastTick = 0;
  private readonly lastTicks = new Map<string, number>();
  processed = 0;

  constructor(private readonly options: RunnerOptions) {
    this.workerId = options.workerId ?? `${hostname()}:${process.pid}:${newId().slice(-8)}`;
    this.concurrency = Math.max(1, options.concurrency ?? 2);
    this.pollMs = options.pollMs ?? 1_000;
    this.leaseMs = options.leaseMs ?? 60_000;
    this.reclaimEveryMs = options.reclaimEveryMs ?? Math.max(1_000, this.leaseMs / 2);
    this.tickEveryMs = options.tickEveryMs ?? 30_000;
  }

  get busy(): number {
    return this.running.size;
  }

  /** Starts the background loop (idempotent). */
  start(): void {
    if (this.loop) return;
    this.stopping = false;
    this.loop = this.pollLoop().catch((error: unknown) => {
      this.options.logger.error({ err: error }, "worker loop stopped by an error");
    });
  }

  /** Stops claiming; running jobs get `graceMs` to finish, then are aborted (their lease then expires). */
  async stop(graceMs = 30_000): Promise<void> {
    this.stopping = true;
    this.wake?.();
    await this.loop;
    this.loop = undefined;
    const all = Promise.allSettled([...this.running.values()].map((r) => r.promise));
    const timer = setTimeout(() => {
      for (const r of this.running.values()) r.abort.abort(new Error("the worker is shutting down"));
    }, graceMs);
    await all;
    clearTimeout(timer);
  }

  /**
   * One pass of the loop: reclaims expired leases and the scheduler when due, then claims and starts
   * as many due jobs as there are free slots. Returns how many were started.
   */
  async pollOnce(now = Date.now()): Promise<number> {
    if (now - this.lastReclaim >= this.reclaimEveryMs) {
      this.lastReclaim = now;
      await this.reclaim();
    }
    if (this.options.tick && now - this.lastTick >= this.tickEveryMs) {
      this.lastTick = now;
      await this.options.tick().catch((error: unknown) => {
        this.options.logger.error({ err: error }, "scheduler tick failed");
      });
    }
    for (const tick of this.options.ticks ?? []) {
      if (now - (this.lastTicks.get(tick.name) ?? 0) < tick.everyMs) continue;
      this.lastTicks.set(tick.name, now);
      await tick.run().catch((error: unknown) => {
        this.options.logger.error({ err: error, tick: tick.name }, "periodic tick failed");
      });
    }
    const free = this.concurrency - this.running.size;
    if (free <= 0 || this.stopping) return 0;
    const kinds = Object.keys(this.options.handlers).filter(isJobKind);
    const claimed = await this.options.jobs.claim(this.workerId, free, this.leaseMs, kinds);
    for (const job of claimed) this.launch(job);
    return claimed.length;
  }

  /**
   * Runs jobs until none is queued (due, or also delayed with `includeDelayed`) or running, for
   * embedded use (tests, `atrium ingest`). Expired leases are reclaimed on every pass.
   */
  async runUntilIdle(options: { timeoutMs?: number; includeDelayed?: boolean } = {}): Promise<number> {
    const deadline = Date.now() + (options.timeoutMs ?? 120_000);
    const before = this.processed;
    for (;;) {
      this.lastReclaim = 0;
      const started = await this.pollOnce();
      if (this.running.size > 0) {
        await Promise.race([...this.running.values()].map((r) => r.promise));
        continue;
      }
      if (started > 0) continue;
      const active = await this.options.jobs.activeCount({ dueOnly: !options.includeDelayed });
      if (active === 0) return this.processed - before;
      if (Date.now() > deadline)
        throw new Error(`the queue was not idle after ${options.timeoutMs ?? 120_000} ms`);
      await sleep(Math.min(50, this.pollMs));
    }
  }

  private async pollLoop(): Promise<void> {
    while (!this.stopping) {
      let started = 0;
      try {
        started = await this.pollOnce();
      } catch (error) {
        this.options.logger.warn({ err: error }, "job poll failed; retrying");
      }
      if (this.stopping) break;
      if (started > 0 && this.running.size < this.concurrency) continue;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, this.idleMs());
        this.wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      this.wake = undefined;
    }
  }

  /** The idle sleep: the poll interval, cut short by the next periodic tick that falls due. */
  private idleMs(): number {
    const now = Date.now();
    let wait = this.pollMs;
    for (const tick of this.options.ticks ?? []) {
      wait = Math.min(wait, (this.lastTicks.get(tick.name) ?? 0) + tick.everyMs - now);
    }
    return Math.max(10, wait);
  }

  private async reclaim(): Promise<void> {
    const { requeued, failed } = await this.options.jobs.reclaimExpired();
    if (requeued.length > 0)
      this.options.logger.warn({ jobs: requeued }, "requeued jobs whose worker was lost");
    for (const job of failed) await this.finalFailure(job, job.lastError ?? "lease expired");
  }

  private launch(job: JobRow): void {
    const abort = new AbortController();
    const promise = this.execute(job, abort)
      .catch((error: unknown) => {
        this.options.logger.error({ err: error, jobId: job.id }, "could not record a job outcome");
      })
      .finally(() => {
        this.running.delete(job.id);
        this.processed++;
        this.wake?.();
      });
    this.running.set(job.id, { promise, abort });
  }

  private async execute(job: JobRow, abort: AbortController): Promise<void> {
    const kind = job.kind as JobKind;
    const spec = specOf(kind, this.options.catalog);
    const handler = this.options.handlers[kind] as JobHandler | undefined;
    const logger = this.options.logger.child({ jobId: job.id, kind, attempt: job.attempts });
    const heartbeat = setInterval(
      () => {
        this.options.jobs.heartbeat(job.id, this.workerId, this.leaseMs).then(
          (held) => {
            if (!held) abort.abort(new Error("the job's lease was lost to another worker"));
          },
          (error: unknown) => logger.warn({ err: error }, "lease heartbeat failed"),
        );
      },
      Math.max(250, this.leaseMs / 3),
    );
    const timeout = setTimeout(
      () =>
        abort.abort(new Error(`the job took longer than its ${Math.round(spec.timeoutMs / 1000)} s limit`)),
      spec.timeoutMs,
    );
    try {
      if (!handler) throw new Error(`no handler for job kind ${kind}`);
      const payload = jobCatalog[kind].payload.parse(job.payload);
      const context = {
        jobId: job.id,
        attempt: job.attempts,
        maxAttempts: job.maxAttempts,
        final: job.attempts >= job.maxAttempts,
        signal: abort.signal,
        logger,
      };
      const aborted = new Promise<never>((_, reject) => {
        abort.signal.addEventListener("abort", () => reject(abort.signal.reason), { once: true });
      });
      aborted.catch(() => undefined);
      const result = await Promise.race([handler.run(payload as never, context), aborted]);
      await this.options.jobs.complete(job.id, this.workerId, result ?? null);
    } catch (error) {
      const message = messageOf(error);
      const permanent = isPermanentError(error);
      const retryAt =
        permanent || job.attempts >= job.maxAttempts
          ? null
          : new Date(Date.now() + backoffDelay(spec, job.attempts));
      logger.warn({ err: error, retryAt }, retryAt ? "job failed; will retry" : "job failed for good");
      const recorded = await this.options.jobs.fail(job.id, this.workerId, message, retryAt);
      if (recorded && !retryAt) await this.finalFailure(job, message);
    } finally {
      clearInterval(heartbeat);
      clearTimeout(timeout);
    }
  }

  private async finalFailure(job: JobRow, message: string): Promise<void> {
    if (!isJobKind(job.kind)) return;
    const handler = this.options.handlers[job.kind] as JobHandler | undefined;
    const parsed = jobCatalog[job.kind].payload.safeParse(job.payload);
    if (!handler?.failed || !parsed.success) return;
    await handler.failed(parsed.data as never, message).catch((error: unknown) => {
      this.options.logger.error({ err: error, jobId: job.id }, "job failure hook failed");
    });
  }
}
