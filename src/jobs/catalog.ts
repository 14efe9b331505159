import { z } from "zod";

/** How a job kind is run: payload shape, attempts, time limit and retry spacing. */
export interface JobSpec<P extends z.ZodType = z.ZodType> {
  payload: P;
  /** Attempts in all (the first run included) before the job fails for good. */
  maxAttempts: number;
  /** Longest a single attempt may run; the handler's AbortSignal fires then. */
  timeoutMs: number;
  /** Delay before retry n (1-based) is baseMs · 2^(n−1), capped at maxMs, with ±20 % jitter. */
  backoff: { baseMs: number; maxMs: number };
  /** Higher runs first among due jobs (interactive work before bulk work). */
  priority: number;
}

const id = z.uuid();

/** Every job kind Atrium runs. A kind missing here cannot be enqueued. */
export const jobCatalog = {
  /** Extract → chunk → embed → store one document (files, freeform text, tables, crawled pages). */
  "document.ingest": {
    payload: z.object({ documentId: id, orgId: id, revision: z.number().int().min(0) }),
    maxAttempts: 5,
    timeoutMs: 15 * 60_000,
    backoff: { baseMs: 5_000, maxMs: 10 * 60_000 },
    priority: 10,
  },
  /** Crawl a web source and (re-)ingest the pages whose content changed. */
  "web_source.crawl": {
    payload: z.object({ webSourceId: id, orgId: id, reason: z.enum(["created", "manual", "schedule"]) }),
    maxAttempts: 3,
    timeoutMs: 60 * 60_000,
    backoff: { baseMs: 60_000, maxMs: 30 * 60_000 },
    priority: 5,
  },
  /** Re-embed a knowledge base with its pending model, then switch to it. */
  "knowledge_base.reembed": {
    payload: z.object({ knowledgeBaseId: id, orgId: id, model: z.string().min(1).max(200) }),
    maxAttempts: 5,
    timeoutMs: 6 * 60 * 60_000,
    backoff: { baseMs: 30_000, maxMs: 30 * 60_000 },
    priority: 0,
  },
  /** Embed a namespace's intent examples with the current embedding model (after a model change). */
  "intent_examples.reembed": {
    payload: z.object({ orgId: id, namespaceId: id, model: z.string().min(1).max(200) }),
    maxAttempts: 5,
    timeoutMs: 60 * 60_000,
    backoff: { baseMs: 30_000, maxMs: 30 * 60_000 },
    priority: 1,
  },
  /** Resume a turn paused before a tool that required approval, now approved (as the requester). */
  "approval.resume": {
    payload: z.object({ orgId: id, approvalId: id }),
    maxAttempts: 3,
    timeoutMs: 10 * 60_000,
    backoff: { baseMs: 10_000, maxMs: 5 * 60_000 },
    priority: 8,
  },
  /** Render a queued document generation (PDF, DOCX or a large input) as the person who asked. */
  "document.generate": {
    payload: z.object({ orgId: id, generationId: id }),
    maxAttempts: 3,
    timeoutMs: 10 * 60_000,
    backoff: { baseMs: 5_000, maxMs: 2 * 60_000 },
    priority: 7,
  },
  /** Rebuild one user's memory profile from their recent messages (deduplicated per user). */
  "memory.extract": {
    payload: z.object({ orgId: id, userId: id }),
    maxAttempts: 3,
    timeoutMs: 5 * 60_000,
    backoff: { baseMs: 10_000, maxMs: 5 * 60_000 },
    priority: 1,
  },
  /**
   * Run one claimed schedule occurrence (a `schedule_runs` row) as the schedule's creator. One attempt:
   * a run is started at most once (a retry of a started run records it failed instead).
   */
  "schedule.run": {
    payload: z.object({ orgId: id, runId: id }),
    maxAttempts: 1,
    timeoutMs: 15 * 60_000,
    backoff: { baseMs: 10_000, maxMs: 60_000 },
    priority: 6,
  },
} satisfies Record<string, JobSpec>;

export type JobKind = keyof typeof jobCatalog;
export type JobPayload<K extends JobKind> = z.infer<(typeof jobCatalog)[K]["payload"]>;

export function isJobKind(kind: string): kind is JobKind {
  return Object.hasOwn(jobCatalog, kind);
}

/** Test and operator overrides (e.g. millisecond backoff in tests) applied on top of the catalog. */
export type CatalogOverrides = Partial<Record<JobKind, Partial<Omit<JobSpec, "payload">>>>;

export function specOf(kind: JobKind, overrides: CatalogOverrides = {}): JobSpec {
  return { ...jobCatalog[kind], ...overrides[kind] } as JobSpec;
}

/** The delay before the next attempt after `attempts` attempts (1 = the first run failed). */
export function backoffDelay(spec: JobSpec, attempts: number, random = Math.random): number {
  const exponential = spec.backoff.baseMs * 2 ** Math.max(0, attempts - 1);
  const capped = Math.min(spec.backoff.maxMs, exponential);
  return Math.round(capped * (0.8 + 0.4 * random()));
}
