import { z } from "zod";
import type { MissedRunPolicy, ScheduleStatus } from "../../db/schema/execution.js";
import { AppError } from "../../lib/errors.js";
import { type CronClock, isTimeZone } from "./cron.js";

const id = z.uuid();

/** What a schedule runs; stored in `schedules.input`. */
export const scheduleAction = z.discriminatedUnion("type", [
  z.object({
    /** Ask an assistant a prompt as the creator and deliver the answer. */
    type: z.literal("ask"),
    agentId: id,
    prompt: z.string().trim().min(1).max(4000),
    /**
     * `notification`: the answer becomes a notification of the creator (e-mailed too when they chose
     * e-mail notifications); `conversation`: it stays in `conversationId`, or a new conversation per run.
     */
    deliverTo: z.enum(["notification", "conversation"]).default("notification"),
    conversationId: id.optional(),
  }),
  z.object({
    type: z.literal("generate_document"),
    templateId: id,
    input: z.record(z.string(), z.unknown()).default({}),
    /** Save the output into this knowledge base (else the template's default). */
    knowledgeBaseId: id.optional(),
  }),
  z.object({ type: z.literal("crawl"), webSourceId: id }),
  z.object({
    /** Re-embed a knowledge base with `model` (or finish a pending model change). */
    type: z.literal("reembed"),
    knowledgeBaseId: id,
    model: z.string().trim().min(1).max(200).optional(),
  }),
]);
export type ScheduleAction = z.infer<typeof scheduleAction>;

export const missedRunPolicy = z.enum(["run_once", "skip"]);
export const scheduleStatus = z.enum(["active", "paused", "stopped", "completed"]);

export interface ScheduleInput {
  departmentId: string;
  name: string;
  cron?: string | undefined;
  runAt?: Date | undefined;
  timezone?: string | undefined;
  missedRunPolicy?: MissedRunPolicy | undefined;
  action: ScheduleAction;
}

export type SchedulePatch = Partial<Omit<ScheduleInput, "departmentId">>;

export interface Timing {
  kind: "cron" | "once";
  cronExpression: string | null;
  runAt: Date | null;
  timezone: string;
}

/** Recurring schedules closer together than this are refused (a schedule is not a busy loop). */
export const MIN_INTERVAL_MS = 1_000;

/**
 * Checks the timing of a schedule and returns it, or refuses with EVERY problem at once (400 with
 * `issues`): both or neither of cron and runAt, a bad cron, an unknown time zone, a past one-time date.
 */
export function resolveTiming(
  clock: CronClock,
  input: { cron?: string | null | undefined; runAt?: Date | null | undefined; timezone?: string | undefined },
  now = new Date(),
): Timing {
  const issues: { path: string; message: string }[] = [];
  const timezone = input.timezone ?? "UTC";
  const zoneOk = isTimeZone(timezone);
  if (!zoneOk) issues.push({ path: "body.timezone", message: `"${timezone}" is not an IANA time zone` });
  const cron = input.cron ?? null;
  const runAt = input.runAt ?? null;
  if (cron !== null && runAt !== null) {
    issues.push({ path: "body", message: "give either cron (recurring) or runAt (one time), not both" });
  }
  if (cron === null && runAt === null) {
    issues.push({ path: "body", message: "give cron (recurring) or runAt (one time)" });
  }
  if (cron !== null) {
    const problems = clock.problems(cron, zoneOk ? timezone : "UTC");
    for (const message of problems) issues.push({ path: "body.cron", message });
    if (problems.length === 0) {
      const [a, b] = clock.next(cron, zoneOk ? timezone : "UTC", now, 2);
      if (a && b && b.getTime() - a.getTime() < MIN_INTERVAL_MS) {
        issues.push({ path: "body.cron", message: "runs must be at least one second apart" });
      }
    }
  }
  if (runAt !== null && runAt.getTime() <= now.getTime()) {
    issues.push({ path: "body.runAt", message: "runAt is in the past" });
  }
  if (issues.length > 0) {
    throw new AppError(
      "VALIDATION",
      `The schedule has ${issues.length} problem(s): ${issues.map((i) => i.message).join("; ")}`,
      {
        reason: "SCHEDULE_INVALID",
        issues,
      },
    );
  }
  return cron !== null
    ? { kind: "cron", cronExpression: cron, runAt: null, timezone }
    : { kind: "once", cronExpression: null, runAt, timezone };
}

/** The next `count` fire times after `after` (a one-time schedule has at most one). */
export function fireTimes(
  clock: CronClock,
  timing: Pick<Timing, "kind" | "cronExpression" | "runAt" | "timezone">,
  after: Date,
  count: number,
): Date[] {
  if (timing.kind === "once") return timing.runAt && timing.runAt > after ? [timing.runAt] : [];
  return timing.cronExpression ? clock.next(timing.cronExpression, timing.timezone, after, count) : [];
}

export type { ScheduleStatus };
