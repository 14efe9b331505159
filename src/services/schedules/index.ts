import type { Db } from "../../db/client.js";
import type { JobQueue } from "../../jobs/queue.js";
import type { Logger } from "../../lib/logger.js";
import type { ServiceContext } from "../context.js";
import { type ActionServices, createActionExecutor } from "./actions.js";
import { type CronClock, cronerClock } from "./cron.js";
import type { ScheduleAction } from "./schedule-input.js";
import {
  type ActionExecutor,
  createScheduleRunner,
  type ScheduleRunnerRepositories,
} from "./schedule-runner.js";
import { createScheduleService, type ScheduleServiceRepositories } from "./schedule-service.js";
import { createScheduler } from "./scheduler.js";

export { type CronClock, cronerClock } from "./cron.js";
export { type ScheduleAction, scheduleAction } from "./schedule-input.js";
export type { ActionExecutor, RunOutcome, ScheduleRunner } from "./schedule-runner.js";
export { type ScheduleView, toScheduleView } from "./schedule-service.js";
export { createScheduler, type Scheduler } from "./scheduler.js";

/** What the schedule service and the run executor read and write. */
export type SchedulesRepositories = ScheduleServiceRepositories & ScheduleRunnerRepositories;

/** Schedules (issue 14 item 4): the HTTP service, the worker's tick and the run executor. */
export function createScheduleServices(deps: {
  db: Db;
  repositories: SchedulesRepositories;
  queue: JobQueue;
  actions: ActionServices;
  checkTarget(ctx: ServiceContext, action: ScheduleAction): Promise<void>;
  contextOf(orgId: string, email: string, logger: Logger): Promise<ServiceContext>;
  clock?: CronClock;
}) {
  const clock = deps.clock ?? cronerClock;
  const execute = createActionExecutor(deps.actions);
  const runnerWith = (executor: ActionExecutor) =>
    createScheduleRunner({
      db: deps.db,
      repositories: deps.repositories,
      contextOf: deps.contextOf,
      execute: executor,
      notifyStopped: async (s, reason) => {
        if (!s.createdById) return;
        await deps.actions.notify(s.orgId, [s.createdById], {
          type: "schedule.stopped",
          title: `Schedule stopped: ${s.name}`,
          body: `It stopped because ${reason}. Someone with the agents:manage permission can resume it.`,
          entityType: "schedule",
          entityId: s.id,
        });
      },
    });
  return {
    schedules: createScheduleService({ ...deps, clock }),
    scheduleRunner: runnerWith(execute),
    /** A runner with another executor (tests and the benchmark, whose runs must not call a model). */
    scheduleRunnerWith: runnerWith,
    scheduler: (workerId?: string) =>
      createScheduler({
        db: deps.db,
        repositories: deps.repositories,
        queue: deps.queue,
        clock,
        ...(workerId ? { workerId } : {}),
      }),
  };
}
