import { Cron } from "croner";
import type { Db } from "../../../db/client.js";
import { withTransaction } from "../../../db/transaction.js";
import type { JobQueue } from "../../../jobs/queue.js";
import { AppError } from "../../../lib/errors.js";
import type { Repositories } from "../../../repositories/index.js";

/** Re-crawls closer together than this are refused: a schedule is for keeping up, not for polling. */
export const MIN_SCHEDULE_INTERVAL_MS = 5 * 60_000;

/** The next time a cron expression fires after `from` (UTC); VALIDATION when it is not a valid cron. */
export function nextRunOf(schedule: string, from = new Date()): Date | null {
  try {
    return new Cron(schedule, { paused: true, timezone: "UTC" }).nextRun(from);
  } catch (error) {
    throw new AppError(
      "VALIDATION",
      `The schedule is not a valid cron expression: ${(error as Error).message}`,
    );
  }
}

/** Checks a schedule: valid cron, fires at all, and not more often than every five minutes. */
export function validateSchedule(schedule: string): Date {
  const first = nextRunOf(schedule);
  const second = first ? nextRunOf(schedule, first) : null;
  if (!first) throw new AppError("VALIDATION", "The schedule never fires");
  if (second && second.getTime() - first.getTime() < MIN_SCHEDULE_INTERVAL_MS) {
    throw new AppError("VALIDATION", "Scheduled re-crawls must be at least five minutes apart");
  }
  return first;
}

/**
 * The scheduler tick (run by every worker's loop): web sources whose `next_run_at` has passed get a
 * crawl job and their next time, in one transaction. Sources are locked with SKIP LOCKED, so with
 * many workers each due source is enqueued once; the job's dedupe key covers a crawl still running.
 */
export function createCrawlScheduler(deps: {
  db: Db;
  repositories: Pick<Repositories, "webSources">;
  queue: JobQueue;
}) {
  const r = deps.repositories;
  return {
    async enqueueDue(limit = 100): Promise<number> {
      return withTransaction(deps.db, async (tx) => {
        const due = await r.webSources.lockDue(limit, tx);
        for (const source of due) {
          const next = source.schedule ? nextRunOf(source.schedule) : null;
          await r.webSources.update(source.id, { nextRunAt: next }, tx);
          await deps.queue.enqueue(
            tx,
            "web_source.crawl",
            { webSourceId: source.id, orgId: source.orgId, reason: "schedule" },
            { dedupeKey: `web_source.crawl:${source.id}` },
          );
        }
        return due.length;
      });
    },
  };
}

export type CrawlScheduler = ReturnType<typeof createCrawlScheduler>;
