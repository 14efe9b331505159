import type { Queryable } from "../db/client.js";
import type { JobRepository, JobRow } from "../repositories/job.repository.js";
import { type CatalogOverrides, type JobKind, type JobPayload, jobCatalog, specOf } from "./catalog.js";

export interface EnqueueOptions {
  /** While a queued or running job holds this key, enqueueing again returns that job. */
  dedupeKey?: string;
  runAt?: Date;
}

/**
 * The producer side of the queue, used by services. Enqueue takes the caller's transaction so the job
 * commits (or rolls back) with the change that asked for it; the payload is checked against the
 * catalog here, so a bad job fails its producer instead of a worker.
 */
export function createJobQueue(jobs: JobRepository, overrides: CatalogOverrides = {}) {
  return {
    async enqueue<K extends JobKind>(
      tx: Queryable,
      kind: K,
      payload: JobPayload<K>,
      options: EnqueueOptions = {},
    ): Promise<{ job: JobRow; created: boolean }> {
      const parsed = jobCatalog[kind].payload.parse(payload) as Record<string, unknown>;
      const spec = specOf(kind, overrides);
      return jobs.enqueue(
        {
          orgId: typeof parsed.orgId === "string" ? parsed.orgId : null,
          kind,
          payload: parsed,
          maxAttempts: spec.maxAttempts,
          priority: spec.priority,
          dedupeKey: options.dedupeKey ?? null,
          ...(options.runAt ? { runAt: options.runAt } : {}),
        },
        tx,
      );
    },
    /** Enqueues many jobs of one kind in ONE insert (no dedupe key, due now). */
    async enqueueMany<K extends JobKind>(tx: Queryable, kind: K, payloads: JobPayload<K>[]): Promise<number> {
      const spec = specOf(kind, overrides);
      const rows = payloads.map((payload) => {
        const parsed = jobCatalog[kind].payload.parse(payload) as Record<string, unknown>;
        return {
          orgId: typeof parsed.orgId === "string" ? parsed.orgId : null,
          kind,
          payload: parsed,
          maxAttempts: spec.maxAttempts,
          priority: spec.priority,
        };
      });
      return (await jobs.createMany(rows, tx)).length;
    },
  };
}

export type JobQueue = ReturnType<typeof createJobQueue>;
