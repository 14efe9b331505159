import { canSeeDepartment, hasPermission } from "../../core/access.js";
import type { Db } from "../../db/client.js";
import { isAppError } from "../../lib/errors.js";
import type { Logger } from "../../lib/logger.js";
import type { Repositories } from "../../repositories/index.js";
import type { ScheduleRow, ScheduleRunRow } from "../../repositories/schedule.repository.js";
import type { ServiceContext } from "../context.js";
import { type ScheduleAction, scheduleAction } from "./schedule-input.js";

export type ScheduleRunnerRepositories = Pick<
  Repositories,
  "schedules" | "scheduleRuns" | "agentTasks" | "users"
>;

/** Carries out one action as the creator; what it returns is the task's output. */
export type ActionExecutor = (
  ctx: ServiceContext,
  action: ScheduleAction,
  schedule: ScheduleRow,
  run: ScheduleRunRow,
) => Promise<Record<string, unknown>>;

export interface ScheduleRunnerDeps {
  db: Db;
  repositories: ScheduleRunnerRepositories;
  /** The creator's context with their permissions and departments of today (throws if inactive). */
  contextOf(orgId: string, email: string, logger: Logger): Promise<ServiceContext>;
  execute: ActionExecutor;
  /** Tells the creator their schedule stopped (and why). */
  notifyStopped?(schedule: ScheduleRow, reason: string): Promise<void>;
}

export type RunOutcome =
  | { status: "done" | "failed"; runId: string; agentTaskId: string; error?: string }
  | { status: "skipped"; runId: string; reason: string };

/** Why the creator may no longer run this schedule, or null while they still may. */
async function revocationOf(deps: ScheduleRunnerDeps, s: ScheduleRow, logger: Logger) {
  if (!s.createdById) return { reason: "the creator's account was deleted" };
  const creator = await deps.repositories.users.findById(s.createdById, deps.db);
  if (!creator || creator.orgId !== s.orgId) return { reason: "the creator's account was deleted" };
  if (!creator.isActive) return { reason: "the creator was deactivated" };
  const ctx = await deps.contextOf(s.orgId, creator.email, logger);
  if (!hasPermission(ctx.access, "agents:manage")) {
    return { reason: "the creator no longer has the agents:manage permission" };
  }
  if (s.departmentId && !canSeeDepartment(ctx.access, s.departmentId)) {
    return { reason: "the creator no longer reaches the schedule's department" };
  }
  return { ctx };
}

/**
 * The worker's `schedule.run`: starts a claimed run at most once, re-checks the creator's rights of
 * today (a creator who was deactivated or lost the permission or department STOPS the schedule, with
 * the reason, instead of running with stale rights), records an agent task linked to the schedule,
 * carries out the action as the creator and records the outcome on run, task and schedule.
 */
export function createScheduleRunner(deps: ScheduleRunnerDeps) {
  const r = deps.repositories;

  async function stop(s: ScheduleRow, reason: string) {
    await r.schedules.update(
      s.id,
      { status: "stopped", enabled: false, statusReason: reason, nextRunAt: null },
      deps.db,
    );
    await deps.notifyStopped?.(s, reason).catch(() => undefined);
  }

  return {
    async run(orgId: string, runId: string, logger: Logger): Promise<RunOutcome> {
      const run = await r.scheduleRuns.findById(runId, deps.db);
      if (!run || run.orgId !== orgId) return { status: "skipped", runId, reason: "gone" };
      if (!(await r.scheduleRuns.start(runId, deps.db))) {
        // Started before by a worker that was lost: never run an occurrence twice.
        if (run.status === "running") {
          await r.scheduleRuns.update(
            runId,
            { status: "failed", error: "the worker running it was lost", finishedAt: new Date() },
            deps.db,
          );
        }
        return { status: "skipped", runId, reason: "already started" };
      }
      const finishRun = (patch: Partial<ScheduleRunRow>) =>
        r.scheduleRuns.update(runId, { ...patch, finishedAt: new Date() }, deps.db);
      const s = await r.schedules.findById(run.scheduleId, deps.db);
      if (!s) {
        await finishRun({ status: "skipped", error: "the schedule was deleted" });
        return { status: "skipped", runId, reason: "the schedule was deleted" };
      }
      if (s.status === "stopped" || (s.status === "paused" && run.trigger !== "manual")) {
        const reason = `the schedule is ${s.status}`;
        await finishRun({ status: "skipped", error: reason });
        return { status: "skipped", runId, reason };
      }
      const access = await revocationOf(deps, s, logger);
      if ("reason" in access) {
        await stop(s, access.reason!);
        await finishRun({ status: "skipped", error: `stopped: ${access.reason}` });
        return { status: "skipped", runId, reason: access.reason! };
      }
      const action = scheduleAction.parse(s.input);
      const started = Date.now();
      const task = await r.agentTasks.create(
        {
          orgId: s.orgId,
          departmentId: s.departmentId,
          agentId: s.agentId,
          namespaceId: s.namespaceId,
          scheduleId: s.id,
          userId: s.createdById,
          adapterType: `schedule:${action.type}`,
          status: "running",
          input: { ...action, occurrenceAt: run.occurrenceAt.toISOString(), trigger: run.trigger, runId },
          startedAt: new Date(),
        },
        deps.db,
      );
      await r.scheduleRuns.update(runId, { agentTaskId: task.id }, deps.db);
      let error: string | undefined;
      let output: Record<string, unknown> | undefined;
      try {
        output = await deps.execute(access.ctx, action, s, run);
      } catch (e) {
        error = isAppError(e) || e instanceof Error ? e.message : String(e);
        logger.warn({ err: e, scheduleId: s.id, runId }, "scheduled run failed");
        // Refused with today's rights (the target moved to a department the creator lost): stop.
        if (isAppError(e) && e.code === "FORBIDDEN") await stop(s, `the creator may no longer: ${e.message}`);
      }
      const status = error === undefined ? "done" : "failed";
      const completedAt = new Date();
      await r.agentTasks.update(
        task.id,
        {
          status,
          ...(output ? { output } : {}),
          error: error ?? null,
          completedAt,
          durationMs: completedAt.getTime() - started,
        },
        deps.db,
      );
      await finishRun({ status, error: error ?? null });
      await r.schedules.update(
        s.id,
        { lastRunAt: completedAt, lastStatus: status, lastError: error ?? null },
        deps.db,
      );
      return { status, runId, agentTaskId: task.id, ...(error ? { error } : {}) };
    },
  };
}

export type ScheduleRunner = ReturnType<typeof createScheduleRunner>;
