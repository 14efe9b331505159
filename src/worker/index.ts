import { hostname } from "node:os";
import type { Container } from "../app/container.js";
import type { CatalogOverrides } from "../jobs/catalog.js";
import { JobRunner } from "../jobs/runner.js";
import { newId } from "../lib/ids.js";
import { createJobHandlers } from "./handlers/index.js";

export interface WorkerOptions {
  workerId?: string;
  concurrency?: number;
  pollMs?: number;
  leaseMs?: number;
  tickEveryMs?: number;
  /** How often the schedule tick claims due occurrences (default 500 ms). */
  scheduleTickMs?: number;
  catalog?: CatalogOverrides;
}

/**
 * A job runner wired to the container: every handler, the crawl scheduler and approval timeouts as its
 * periodic tick, the schedule tick every half second, and
 * the concurrency, poll interval and lease from config unless overridden. Used by `atrium worker`,
 * the embedded worker of `atrium start`, the CLI's in-process ingestion and tests.
 */
export function createWorker(container: Container, options: WorkerOptions = {}): JobRunner {
  const { services, config } = container;
  const workerId = options.workerId ?? `${hostname()}:${process.pid}:${newId().slice(-8)}`;
  const scheduler = services.scheduler(workerId);
  return new JobRunner({
    jobs: container.repositories.jobs,
    handlers: createJobHandlers(services),
    logger: container.logger.child({ component: "worker" }),
    concurrency: options.concurrency ?? config.worker.concurrency,
    pollMs: options.pollMs ?? config.worker.pollMs,
    leaseMs: options.leaseMs ?? config.worker.leaseMs,
    // Periodic work: due crawls, and held replies past their namespace's timeout (escalate or reject).
    tick: () => Promise.all([services.crawlScheduler.enqueueDue(), services.approvals.runTimeouts()]),
    tickEveryMs: options.tickEveryMs ?? 30_000,
    // Schedules: due occurrences claimed exactly once (services/schedules/scheduler.ts).
    ticks: [{ name: "schedules", run: () => scheduler.tick(), everyMs: options.scheduleTickMs ?? 500 }],
    workerId,
    ...(options.catalog ? { catalog: options.catalog } : {}),
  });
}
