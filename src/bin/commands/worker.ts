import type { Command } from "commander";
import { z } from "zod";
import type { Container } from "../../app/container.js";
import type { JobRunner } from "../../jobs/runner.js";
import { createWorker } from "../../worker/index.js";

type OpenContainer = (options?: { migrate: boolean }) => Promise<Container>;

/**
 * Starts the job loop for a long-running process and stops it gracefully (running jobs finish, up to
 * the grace period) on SIGINT/SIGTERM before `onStopped` runs.
 */
export function runWorkerUntilSignal(
  container: Container,
  options: { concurrency?: number; onStopped: () => Promise<void> },
): JobRunner {
  const worker = createWorker(container, options.concurrency ? { concurrency: options.concurrency } : {});
  worker.start();
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    container.logger.info(
      { signal, workerId: worker.workerId },
      "worker stopping; letting running jobs finish",
    );
    await worker.stop();
    await options.onStopped();
  };
  process.once("SIGINT", () => void stop("SIGINT"));
  process.once("SIGTERM", () => void stop("SIGTERM"));
  return worker;
}

/** `atrium worker`: a process that only runs jobs (server mode: start as many as the load needs). */
export function registerWorkerCommand(program: Command, open: OpenContainer): void {
  program
    .command("worker")
    .description("run background jobs (ingestion, crawls, re-embedding) until stopped")
    .option("--concurrency <n>", "jobs run at the same time (default WORKER_CONCURRENCY)")
    .action(async (raw: unknown) => {
      const parsed = z
        .object({ concurrency: z.coerce.number().int().min(1).max(64).optional() })
        .safeParse(raw);
      if (!parsed.success) throw new Error("--concurrency must be a whole number from 1 to 64");
      const container = await open({ migrate: false });
      const worker = runWorkerUntilSignal(container, {
        ...(parsed.data.concurrency ? { concurrency: parsed.data.concurrency } : {}),
        onStopped: async () => {
          await container.close();
          process.exit(0);
        },
      });
      container.logger.info(
        {
          workerId: worker.workerId,
          concurrency: parsed.data.concurrency ?? container.config.worker.concurrency,
        },
        "Atrium worker is running",
      );
    });
}
