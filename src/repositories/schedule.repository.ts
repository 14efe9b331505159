import { and, desc, eq, lte } from "drizzle-orm";
import type { Access } from "../core/access.js";
import type { Queryable } from "../db/client.js";
import { guarded } from "../db/errors.js";
import { scheduleRuns, schedules } from "../db/schema/index.js";
import { newId } from "../lib/ids.js";
import type { Page, PageQuery } from "../lib/pagination.js";
import { departmentScope } from "./scope.js";
import { TableRepository } from "./table-repository.js";

export type ScheduleRow = typeof schedules.$inferSelect;
export type ScheduleRunRow = typeof scheduleRuns.$inferSelect;

export interface ScheduleFilter {
  departmentId?: string | undefined;
  status?: ScheduleRow["status"] | undefined;
}

export class ScheduleRepository extends TableRepository<typeof schedules> {
  pageVisible(
    orgId: string,
    access: Access,
    filter: ScheduleFilter,
    query: PageQuery,
    tx?: Queryable,
  ): Promise<Page<ScheduleRow>> {
    const where = and(
      eq(schedules.orgId, orgId),
      departmentScope(schedules.departmentId, access),
      filter.departmentId ? eq(schedules.departmentId, filter.departmentId) : undefined,
      filter.status ? eq(schedules.status, filter.status) : undefined,
    );
    return this.page(where, query, tx);
  }

  findInOrg(orgId: string, id: string, tx?: Queryable): Promise<ScheduleRow | undefined> {
    return this.findOne(and(eq(schedules.orgId, orgId), eq(schedules.id, id)), tx);
  }

  /**
   * Active schedules whose next fire time has come by `now` (the caller's clock, the one it plans
   * occurrences with), locked with SKIP LOCKED: two scheduler ticks
   * never work on the same schedule at once, and neither waits for the other.
   */
  lockDue(limit: number, now: Date, tx: Queryable): Promise<ScheduleRow[]> {
    return guarded(() =>
      tx
        .select()
        .from(schedules)
        .where(and(eq(schedules.enabled, true), lte(schedules.nextRunAt, now)))
        .orderBy(schedules.nextRunAt)
        .limit(limit)
        .for("update", { skipLocked: true }),
    );
  }
}

export class ScheduleRunRepository extends TableRepository<typeof scheduleRuns> {
  /**
   * Claims one occurrence: inserts its run unless the (schedule, occurrence) pair exists already
   * (UNIQUE + ON CONFLICT DO NOTHING). Returns the new run, or undefined when someone claimed it first.
   */
  async claim(
    values: Pick<ScheduleRunRow, "orgId" | "scheduleId" | "occurrenceAt" | "trigger"> &
      Partial<Pick<ScheduleRunRow, "status" | "claimedBy" | "error" | "finishedAt">>,
    tx?: Queryable,
  ): Promise<ScheduleRunRow | undefined> {
    const rows = await guarded(() =>
      this.q(tx)
        .insert(scheduleRuns)
        .values({ id: newId(), ...values })
        .onConflictDoNothing({ target: [scheduleRuns.scheduleId, scheduleRuns.occurrenceAt] })
        .returning(),
    );
    return rows[0];
  }

  /**
   * Claims many occurrences in ONE statement (the tick's batch): inserts each run unless its (schedule,
   * occurrence) pair exists already. Returns only the runs this statement inserted.
   */
  async claimMany(
    values: Array<
      Pick<ScheduleRunRow, "orgId" | "scheduleId" | "occurrenceAt" | "trigger"> &
        Partial<Pick<ScheduleRunRow, "status" | "claimedBy" | "error" | "finishedAt">>
    >,
    tx?: Queryable,
  ): Promise<ScheduleRunRow[]> {
    if (values.length === 0) return [];
    return guarded(() =>
      this.q(tx)
        .insert(scheduleRuns)
        .values(values.map((v) => ({ id: newId(), ...v })))
        .onConflictDoNothing({ target: [scheduleRuns.scheduleId, scheduleRuns.occurrenceAt] })
        .returning(),
    );
  }

  /** Moves a queued run to running; false when it is not queued (already started by a lost worker). */
  async start(id: string, tx?: Queryable): Promise<boolean> {
    const rows = await this.q(tx)
      .update(scheduleRuns)
      .set({ status: "running", startedAt: new Date(), updatedAt: new Date() })
      .where(and(eq(scheduleRuns.id, id), eq(scheduleRuns.status, "queued")))
      .returning({ id: scheduleRuns.id });
    return rows.length > 0;
  }

  pageOf(scheduleId: string, query: PageQuery, tx?: Queryable): Promise<Page<ScheduleRunRow>> {
    return this.page(eq(scheduleRuns.scheduleId, scheduleId), query, tx);
  }

  async latestOf(scheduleId: string, limit: number, tx?: Queryable): Promise<ScheduleRunRow[]> {
    return this.q(tx)
      .select()
      .from(scheduleRuns)
      .where(eq(scheduleRuns.scheduleId, scheduleId))
      .orderBy(desc(scheduleRuns.occurrenceAt))
      .limit(limit);
  }
}
