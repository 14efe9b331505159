import type { Db } from "../../db/client.js";
import type { ScheduleRunTrigger } from "../../db/schema/execution.js";
import { withTransaction } from "../../db/transaction.js";
import type { JobQueue } from "../../jobs/queue.js";
import type { Repositories } from "../../repositories/index.js";
import type { ScheduleRow } from "../../repositories/schedule.repository.js";
import type { CronClock } from "./cron.js";

export type SchedulerRepositories = Pick<Repositories, "schedules" | "scheduleRuns">;

/** An occurrence later than this past its time when the tick sees it was missed (downtime). */
export const DEFAULT_MISSED_GRACE_MS = 60_000;
/** Missed occurrences counted at most (an every-second schedule down for a day stops counting here). */
const MAX_COUNTED = 10_000;

interface Planned {
  at: Date;
  trigger: ScheduleRunTrigger;
  skipped?: string;
}

/** Occurrences of a cron schedule from `first` (its stored next run) up to `until`, counted with a cap. */
function occurrencesUntil(clock: CronClock, s: ScheduleRow, first: Date, until: Date) {
  const found: Date[] = [first];
  let cursor = first;
  let counted = 1;
  while (counted < MAX_COUNTED) {
    const batch = clock.next(s.cronExpression!, s.timezone, cursor, 200).filter((d) => d <= until);
    for (const d of batch) {
      counted++;
      found.push(d);
      if (found.length > 2) found.splice(0, found.length - 2);
    }
    if (batch.length < 200) break;
    cursor = batch.at(-1)!;
  }
  return { latest: found.at(-1), counted };
}

/**
 * What a due schedule runs now. Occurrences within the grace period run each (normally one);
 * older ones were missed while no worker ran: the latest runs once (`run_once`), or is recorded as
 * skipped (`skip`), never one run per missed occurrence.
 */
export function planOccurrences(clock: CronClock, s: ScheduleRow, now: Date, graceMs: number): Planned[] {
  const first = s.nextRunAt;
  if (!first || first > now) return [];
  const cutoff = new Date(now.getTime() - graceMs);
  const plan: Planned[] = [];
  if (s.kind === "once") {
    const missed = first < cutoff;
    if (!missed) return [{ at: first, trigger: "schedule" }];
    return [
      s.missedRunPolicy === "run_once"
        ? { at: first, trigger: "missed" }
        : {
            at: first,
            trigger: "missed",
            skipped: "missed while no worker ran; skipped by the missed-run policy",
          },
    ];
  }
  if (first < cutoff) {
    const { latest, counted } = occurrencesUntil(clock, s, first, cutoff);
    if (latest) {
      const more = counted >= MAX_COUNTED ? `${counted}+` : String(counted);
      plan.push(
        s.missedRunPolicy === "run_once"
          ? { at: latest, trigger: "missed" }
          : {
              at: latest,
              trigger: "missed",
              skipped: `${more} occurrence(s) missed while no worker ran; skipped by the missed-run policy`,
            },
      );
    }
  }
  // `next_run_at` is itself an occurrence (the one the schedule waits for), then the cron's next ones.
  if (first >= cutoff) plan.push({ at: first, trigger: "schedule" });
  // Small batches: normally none or one is due, and croner computes every date it is asked for.
  let cursor = first < cutoff ? cutoff : first;
  for (let batches = 0; batches < 100; batches++) {
    const batch = clock.next(s.cronExpression!, s.timezone, cursor, 4);
    const due = batch.filter((at) => at <= now);
    for (const at of due) plan.push({ at, trigger: "schedule" });
    if (due.length < batch.length || batch.length === 0) break;
    cursor = batch.at(-1)!;
  }
  return plan;
}

/**
 * The scheduler tick every worker runs. In ONE transaction per pass: lock the due schedules (FOR
 * UPDATE SKIP LOCKED, so concurrent ticks split them), claim all their occurrences in one INSERT … ON
 * CONFLICT (schedule_id, occurrence_at) DO NOTHING, enqueue (one insert) a `schedule.run` job only for
 * a claim that inserted a row, and move `next_run_at` past now. The lock keeps ticks apart; the unique
 * constraint makes a duplicate claim impossible even without it.
 */
export function createScheduler(deps: {
  db: Db;
  repositories: SchedulerRepositories;
  queue: JobQueue;
  clock: CronClock;
  graceMs?: number;
  /** Recorded on each run it claims. */
  workerId?: string;
}) {
  const r = deps.repositories;
  const graceMs = deps.graceMs ?? DEFAULT_MISSED_GRACE_MS;

  return {
    /** Claims every due occurrence it can lock; returns how many runs it queued. */
    async tick(limit = 200, now = new Date()): Promise<number> {
      return withTransaction(deps.db, async (tx) => {
        const due = await r.schedules.lockDue(limit, now, tx);
        // Plan everything first, then write in batches: the claimed runs cannot start before this
        // transaction commits, so it makes one claim insert and one job insert, not two per occurrence.
        const claims: Parameters<typeof r.scheduleRuns.claimMany>[0] = [];
        const planned = new Set<string>();
        for (const s of due) {
          for (const p of planOccurrences(deps.clock, s, now, graceMs)) {
            planned.add(s.id);
            claims.push({
              orgId: s.orgId,
              scheduleId: s.id,
              occurrenceAt: p.at,
              trigger: p.trigger,
              claimedBy: deps.workerId ?? null,
              ...(p.skipped ? { status: "skipped" as const, error: p.skipped, finishedAt: now } : {}),
            });
          }
        }
        // Only runs this insert created are queued (a pair claimed before is left alone).
        const inserted = await r.scheduleRuns.claimMany(claims, tx);
        const toRun = inserted.filter((run) => run.status === "queued");
        const queued = await deps.queue.enqueueMany(
          tx,
          "schedule.run",
          toRun.map((run) => ({ orgId: run.orgId, runId: run.id })),
        );
        for (const s of due) {
          if (!planned.has(s.id)) continue;
          const next =
            s.kind === "cron" ? (deps.clock.next(s.cronExpression!, s.timezone, now, 1)[0] ?? null) : null;
          const done = s.kind === "once";
          await r.schedules.update(
            s.id,
            {
              nextRunAt: next,
              ...(done ? { status: "completed" as const, enabled: false } : {}),
              updatedAt: new Date(),
            },
            tx,
          );
        }
        return queued;
      });
    },
  };
}

export type Scheduler = ReturnType<typeof createScheduler>;
