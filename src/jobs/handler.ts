import type { Logger } from "../lib/logger.js";
import type { JobKind, JobPayload } from "./catalog.js";

/** What a handler knows about the attempt it runs. */
export interface JobContext {
  jobId: string;
  /** 1 on the first run. */
  attempt: number;
  maxAttempts: number;
  /** No attempt follows this one if it fails. */
  final: boolean;
  /** Fires on the job's timeout, on a lost lease and on a forced stop; long work checks it. */
  signal: AbortSignal;
  logger: Logger;
}

/**
 * A job transport: validates nothing itself (the runner parses the payload with the catalog's schema),
 * builds a context and calls one service verb.
 */
export interface JobHandler<K extends JobKind = JobKind> {
  run(payload: JobPayload<K>, context: JobContext): Promise<unknown>;
  /** Called once when the job has failed for good, including when its last lease expired. */
  failed?(payload: JobPayload<K>, error: string): Promise<void>;
}

export type JobHandlers = { [K in JobKind]?: JobHandler<K> };

/** Thrown (or set as `permanent: true` on any error) when retrying cannot help. */
export class PermanentJobError extends Error {
  readonly permanent = true;
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "PermanentJobError";
  }
}
