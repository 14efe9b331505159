import { z } from "zod";
import { scheduleAction } from "../../../services/schedules/index.js";
import { resourceName, timestamp } from "../../schemas/common.js";
import { named } from "../../schemas/named.js";

const action = named(scheduleAction, "ScheduleAction");
const missedRunPolicy = z.enum(["run_once", "skip"]);
const status = z.enum(["active", "paused", "stopped", "completed"]);

const timing = {
  /** Cron expression (5 fields, or 6 with seconds first), in `timezone`; or give `runAt`. */
  cron: z.string().trim().min(1).max(120).optional(),
  /** A single fire time (ISO 8601, in the future); or give `cron`. */
  runAt: timestamp.optional(),
  /** IANA time zone the cron expression is read in (default UTC). */
  timezone: z.string().trim().min(1).max(64).optional(),
  /** After downtime: run the latest missed occurrence once (`run_once`, default) or `skip` it. */
  missedRunPolicy: missedRunPolicy.optional(),
};

export const createScheduleBody = z.object({
  departmentId: z.uuid(),
  name: resourceName,
  ...timing,
  action,
});

export const updateScheduleBody = z.object({
  name: resourceName.optional(),
  ...timing,
  action: action.optional(),
});

export const scheduleListQuery = z.object({
  departmentId: z.uuid().optional(),
  status: status.optional(),
});

export const schedule = named(
  z.object({
    id: z.uuid(),
    departmentId: z.uuid().nullable(),
    name: z.string(),
    kind: z.enum(["cron", "once"]),
    cron: z.string().nullable(),
    runAt: timestamp.nullable(),
    timezone: z.string(),
    missedRunPolicy,
    action: action.nullable(),
    status,
    statusReason: z.string().nullable(),
    nextRunAt: timestamp.nullable(),
    nextFireTimes: z.array(timestamp),
    lastRunAt: timestamp.nullable(),
    lastStatus: z.enum(["queued", "running", "done", "failed", "timeout"]).nullable(),
    lastError: z.string().nullable(),
    createdById: z.uuid().nullable(),
    createdAt: timestamp,
    updatedAt: timestamp,
  }),
  "Schedule",
);

export const scheduleRun = named(
  z.object({
    id: z.uuid(),
    scheduleId: z.uuid(),
    occurrenceAt: timestamp,
    trigger: z.enum(["schedule", "missed", "manual"]),
    status: z.enum(["queued", "running", "done", "failed", "skipped"]),
    /** The agent task this run created (GET /runs lists tasks with their steps). */
    agentTaskId: z.uuid().nullable(),
    startedAt: timestamp.nullable(),
    finishedAt: timestamp.nullable(),
    error: z.string().nullable(),
    createdAt: timestamp,
    updatedAt: timestamp,
  }),
  "ScheduleRun",
);
