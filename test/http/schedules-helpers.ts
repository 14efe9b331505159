import { JobRunner } from "../../src/jobs/runner.js";
import { createJobHandlers } from "../../src/worker/handlers/index.js";
import type { TestApp } from "./identity-helpers.js";

/** Runs queued `schedule.run` jobs only (what they queue, e.g. crawls, is not run). */
export async function runScheduled(t: TestApp): Promise<number> {
  const { container } = t.context;
  const handlers = createJobHandlers(container.services);
  const runner = new JobRunner({
    jobs: container.repositories.jobs,
    handlers: { "schedule.run": handlers["schedule.run"] } as typeof handlers,
    logger: container.logger,
    concurrency: 1,
    pollMs: 20,
    leaseMs: 30_000,
  });
  return runner.runUntilIdle({ timeoutMs: 60_000 });
}

/** One scheduler tick, as a worker runs it every half second. */
export function tick(t: TestApp): Promise<number> {
  return t.context.container.services.scheduler("test").tick();
}
