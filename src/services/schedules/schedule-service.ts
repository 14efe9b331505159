import { canSeeDepartment, requirePermission } from "../../core/access.js";
import type { Db } from "../../db/client.js";
import { withTransaction } from "../../db/transaction.js";
import type { JobQueue } from "../../jobs/queue.js";
import { AppError } from "../../lib/errors.js";
import type { PageQuery } from "../../lib/pagination.js";
import type { Repositories } from "../../repositories/index.js";
import type { ScheduleFilter, ScheduleRow, ScheduleRunRow } from "../../repositories/schedule.repository.js";
import { recordAudit } from "../audit/record-audit.js";
import type { ServiceContext } from "../context.js";
import type { CronClock } from "./cron.js";
import {
  fireTimes,
  resolveTiming,
  type ScheduleAction,
  type ScheduleInput,
  type SchedulePatch,
  scheduleAction,
} from "./schedule-input.js";

export type ScheduleServiceRepositories = Pick<
  Repositories,
  "schedules" | "scheduleRuns" | "departments" | "auditLogs"
>;

/** How many upcoming fire times a schedule view lists. */
export const NEXT_FIRE_TIMES = 5;

export function toScheduleView(row: ScheduleRow, clock: CronClock, now = new Date()) {
  const action = scheduleAction.safeParse(row.input);
  return {
    id: row.id,
    departmentId: row.departmentId,
    name: row.name,
    kind: row.kind,
    cron: row.cronExpression,
    runAt: row.runAt,
    timezone: row.timezone,
    missedRunPolicy: row.missedRunPolicy,
    action: action.success ? action.data : null,
    status: row.status,
    statusReason: row.statusReason,
    nextRunAt: row.status === "active" ? row.nextRunAt : null,
    /** The next five fire times while active (none when paused, stopped or completed). */
    nextFireTimes: row.status === "active" ? fireTimes(clock, row, now, NEXT_FIRE_TIMES) : [],
    lastRunAt: row.lastRunAt,
    lastStatus: row.lastStatus,
    lastError: row.lastError,
    createdById: row.createdById,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
  };
}
export type ScheduleView = ReturnType<typeof toScheduleView>;

export function toRunView(row: ScheduleRunRow) {
  const { orgId: _org, claimedBy: _by, ...rest } = row;
  return rest;
}

export interface ScheduleServiceDeps {
  db: Db;
  repositories: ScheduleServiceRepositories;
  queue: JobQueue;
  clock: CronClock;
  /** Checks the caller can see what the action names (NOT_FOUND otherwise), with the owning service. */
  checkTarget(ctx: ServiceContext, action: ScheduleAction): Promise<void>;
}

/** Schedules (issue 14 item 4): `agents:manage`, scoped to the schedule's department. */
export function createScheduleService(deps: ScheduleServiceDeps) {
  const r = deps.repositories;
  const view = (row: ScheduleRow) => toScheduleView(row, deps.clock);

  async function load(ctx: ServiceContext, id: string): Promise<ScheduleRow> {
    requirePermission(ctx, "agents:manage");
    const row = await r.schedules.findInOrg(ctx.orgId, id, ctx.db);
    if (!row || !canSeeDepartment(ctx.access, row.departmentId)) throw AppError.notFound("Schedule", id);
    return row;
  }

  const audit = (ctx: ServiceContext, row: ScheduleRow, action: string, changes?: Record<string, unknown>) =>
    recordAudit(r, ctx, {
      action: `schedule.${action}`,
      entityType: "schedule",
      entityId: row.id,
      departmentId: row.departmentId,
      ...(changes ? { changes } : {}),
    });

  const agentOf = (a: ScheduleAction) => (a.type === "ask" ? a.agentId : null);

  return {
    async list(ctx: ServiceContext, filter: ScheduleFilter, page: PageQuery) {
      requirePermission(ctx, "agents:manage");
      const result = await r.schedules.pageVisible(ctx.orgId, ctx.access, filter, page, ctx.db);
      return { ...result, items: result.items.map(view) };
    },

    async get(ctx: ServiceContext, id: string): Promise<ScheduleView> {
      return view(await load(ctx, id));
    },

    async create(ctx: ServiceContext, input: ScheduleInput): Promise<ScheduleView> {
      requirePermission(ctx, "agents:manage");
      const department = await r.departments.findInOrg(ctx.orgId, input.departmentId, ctx.db);
      if (!department || !canSeeDepartment(ctx.access, department.id)) {
        throw AppError.notFound("Department", input.departmentId);
      }
      const timing = resolveTiming(deps.clock, input);
      await deps.checkTarget(ctx, input.action);
      const now = new Date();
      const row = await r.schedules.create(
        {
          orgId: ctx.orgId,
          departmentId: department.id,
          agentId: agentOf(input.action),
          createdById: ctx.actor.userId ?? null,
          name: input.name,
          ...timing,
          input: input.action,
          missedRunPolicy: input.missedRunPolicy ?? "run_once",
          nextRunAt: fireTimes(deps.clock, timing, now, 1)[0] ?? null,
        },
        ctx.db,
      );
      await audit(ctx, row, "created", { name: row.name, kind: row.kind, action: input.action.type });
      return view(row);
    },

    async update(ctx: ServiceContext, id: string, patch: SchedulePatch): Promise<ScheduleView> {
      const row = await load(ctx, id);
      if (row.status === "completed" && patch.runAt === undefined) {
        throw new AppError("PRECONDITION_FAILED", "The one-time schedule has run; give a new runAt");
      }
      const timingChanged =
        patch.cron !== undefined || patch.runAt !== undefined || patch.timezone !== undefined;
      const timing = timingChanged
        ? resolveTiming(deps.clock, {
            cron: patch.cron ?? (patch.runAt !== undefined ? null : row.cronExpression),
            runAt: patch.runAt ?? (patch.cron !== undefined ? null : row.runAt),
            timezone: patch.timezone ?? row.timezone,
          })
        : undefined;
      if (patch.action) await deps.checkTarget(ctx, patch.action);
      const status = timing && row.status === "completed" ? "active" : row.status;
      const updated = await r.schedules.update(
        row.id,
        {
          ...(patch.name !== undefined ? { name: patch.name } : {}),
          ...(patch.missedRunPolicy ? { missedRunPolicy: patch.missedRunPolicy } : {}),
          ...(patch.action ? { input: patch.action, agentId: agentOf(patch.action) } : {}),
          ...(timing
            ? {
                ...timing,
                status,
                enabled: status === "active",
                nextRunAt: fireTimes(deps.clock, timing, new Date(), 1)[0] ?? null,
              }
            : {}),
        },
        ctx.db,
      );
      await audit(ctx, row, "updated", { fields: Object.keys(patch) });
      return view(updated!);
    },

    async pause(ctx: ServiceContext, id: string): Promise<ScheduleView> {
      const row = await load(ctx, id);
      if (row.status !== "active") {
        throw new AppError("PRECONDITION_FAILED", `The schedule is ${row.status}; only an active one pauses`);
      }
      const updated = await r.schedules.update(row.id, { status: "paused", enabled: false }, ctx.db);
      await audit(ctx, row, "paused");
      return view(updated!);
    },

    /**
     * Resumes a paused schedule, or re-arms a stopped one under the CALLER's rights (the caller becomes
     * its creator). Fire times missed while paused are not caught up: it fires next at its next time.
     */
    async resume(ctx: ServiceContext, id: string): Promise<ScheduleView> {
      const row = await load(ctx, id);
      if (row.status !== "paused" && row.status !== "stopped") {
        throw new AppError(
          "PRECONDITION_FAILED",
          `The schedule is ${row.status}; only a paused or stopped one resumes`,
        );
      }
      const next = fireTimes(deps.clock, row, new Date(), 1)[0] ?? null;
      if (!next)
        throw new AppError("PRECONDITION_FAILED", "The schedule has no fire time left; give a new runAt");
      const updated = await r.schedules.update(
        row.id,
        {
          status: "active",
          enabled: true,
          statusReason: null,
          nextRunAt: next,
          ...(row.status === "stopped" ? { createdById: ctx.actor.userId ?? null } : {}),
        },
        ctx.db,
      );
      await audit(ctx, row, "resumed", { from: row.status });
      return view(updated!);
    },

    /** Queues a run now (also of a paused schedule), claimed like any occurrence. */
    async runNow(ctx: ServiceContext, id: string) {
      const row = await load(ctx, id);
      if (row.status === "stopped") {
        throw new AppError(
          "PRECONDITION_FAILED",
          `The schedule is stopped (${row.statusReason ?? "no reason"}); resume it first`,
        );
      }
      const run = await withTransaction(ctx.db, async (tx) => {
        const claimed = await r.scheduleRuns.claim(
          { orgId: row.orgId, scheduleId: row.id, occurrenceAt: new Date(), trigger: "manual" },
          tx,
        );
        if (!claimed) throw new AppError("CONFLICT", "A run was asked for this very millisecond; try again");
        await deps.queue.enqueue(tx, "schedule.run", { orgId: row.orgId, runId: claimed.id });
        return claimed;
      });
      await audit(ctx, row, "run_requested", { runId: run.id });
      return toRunView(run);
    },

    async runs(ctx: ServiceContext, id: string, page: PageQuery) {
      const row = await load(ctx, id);
      const result = await r.scheduleRuns.pageOf(row.id, page, ctx.db);
      return { ...result, items: result.items.map(toRunView) };
    },

    async delete(ctx: ServiceContext, id: string): Promise<void> {
      const row = await load(ctx, id);
      await r.schedules.delete(row.id, ctx.db);
      await audit(ctx, row, "deleted", { name: row.name });
    },
  };
}

export type ScheduleService = ReturnType<typeof createScheduleService>;
