import type { JobHandler } from "../../jobs/handler.js";
import type { ScheduleRunner } from "../../services/schedules/index.js";

/** `schedule.run`: runs one claimed schedule occurrence as the schedule's creator. */
export function scheduleRunHandler(runner: ScheduleRunner): JobHandler<"schedule.run"> {
  return { run: (payload, job) => runner.run(payload.orgId, payload.runId, job.logger) };
}
