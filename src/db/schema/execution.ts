import { sql } from "drizzle-orm";
import {
  boolean,
  check,
  index,
  integer,
  jsonb,
  numeric,
  pgTable,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from "drizzle-orm/pg-core";
import { id, timestamps } from "./_columns.js";
import { agents, agentVersions, namespaces, tools } from "./assistants.js";
import { conversations, messages } from "./conversations.js";
import { agentTaskStatus, jobStatus, scheduleKind, toolCallStatus } from "./enums.js";
import { departments, organizations, users } from "./identity.js";

/**
 * Recurring (cron) or one-time run of an agent or namespace with a fixed input (seed 001 `schedules`).
 * `input` holds what runs (`{ action: "ask" | "generate_document" | "crawl" | "reembed", … }`, zod in
 * services/schedules). The worker's scheduler tick claims each due occurrence once into
 * `schedule_runs`; each run creates an agent_tasks row with `scheduleId`. `status` is the truth
 * (`active`, `paused`, `stopped` with `statusReason`, `completed` for a one-time schedule that ran);
 * `enabled` mirrors `status = 'active'` for the due index.
 */
export const schedules = pgTable(
  "schedules",
  {
    id: id(),
    orgId: uuid()
      .notNull()
      .references(() => organizations.id, { onDelete: "cascade" }),
    departmentId: uuid().references(() => departments.id, { onDelete: "cascade" }),
    agentId: uuid().references(() => agents.id, { onDelete: "cascade" }),
    namespaceId: uuid().references(() => namespaces.id, { onDelete: "cascade" }),
    createdById: uuid().references(() => users.id, { onDelete: "set null" }),
    name: text().notNull(),
    kind: scheduleKind().notNull(),
    cronExpression: text(),
    /** For `once`: when to run. */
    runAt: timestamp({ withTimezone: true }),
    timezone: text().notNull().default("UTC"),
    input: jsonb().$type<Record<string, unknown>>().notNull().default({}),
    enabled: boolean().notNull().default(true),
    nextRunAt: timestamp({ withTimezone: true }),
    lastRunAt: timestamp({ withTimezone: true }),
    lastStatus: agentTaskStatus(),
    lastError: text(),
    status: text().$type<ScheduleStatus>().notNull().default("active"),
    /** Why the schedule is stopped (creator deactivated, permission or department lost, …). */
    statusReason: text(),
    /** After downtime, occurrences older than the grace period: run the latest once, or skip them. */
    missedRunPolicy: text().$type<MissedRunPolicy>().notNull().default("run_once"),
    ...timestamps(),
  },
  (t) => [
    index("schedules_org_id_idx").on(t.orgId),
    index("schedules_department_id_idx").on(t.departmentId),
    index("schedules_agent_id_idx").on(t.agentId),
    index("schedules_namespace_id_idx").on(t.namespaceId),
    index("schedules_created_by_id_idx").on(t.createdById),
    index("schedules_due_idx").on(t.nextRunAt).where(sql`${t.enabled}`),
    check(
      "schedules_kind_check",
      sql`(${t.kind} = 'cron' and ${t.cronExpression} is not null) or (${t.kind} = 'once' and ${t.runAt} is not null)`,
    ),
    check("schedules_status_check", sql`${t.status} in ('active', 'paused', 'stopped', 'completed')`),
    check("schedules_missed_run_policy_check", sql`${t.missedRunPolicy} in ('run_once', 'skip')`),
  ],
);

export type ScheduleStatus = "active" | "paused" | "stopped" | "completed";
export type MissedRunPolicy = "run_once" | "skip";
export type ScheduleRunStatus = "queued" | "running" | "done" | "failed" | "skipped";
export type ScheduleRunTrigger = "schedule" | "missed" | "manual";

/**
 * One occurrence of a schedule, claimed exactly once: the UNIQUE (schedule_id, occurrence_at) makes a
 * second claim of the same occurrence (another worker, a retried tick) insert nothing. `agentTaskId`
 * is the task the run created.
 */
export const scheduleRuns = pgTable(
  "schedule_runs",
  {
    id: id(),
    orgId: uuid()
      .notNull()
      .references(() => organizations.id, { onDelete: "cascade" }),
    scheduleId: uuid()
      .notNull()
      .references(() => schedules.id, { onDelete: "cascade" }),
    /** The fire time this run stands for (for `manual`, the time it was asked for). */
    occurrenceAt: timestamp({ withTimezone: true, precision: 3 }).notNull(),
    trigger: text().$type<ScheduleRunTrigger>().notNull().default("schedule"),
    status: text().$type<ScheduleRunStatus>().notNull().default("queued"),
    agentTaskId: uuid().references(() => agentTasks.id, { onDelete: "set null" }),
    claimedBy: text(),
    startedAt: timestamp({ withTimezone: true }),
    finishedAt: timestamp({ withTimezone: true }),
    error: text(),
    ...timestamps(),
  },
  (t) => [
    index("schedule_runs_org_id_idx").on(t.orgId),
    uniqueIndex("schedule_runs_schedule_occurrence_uq").on(t.scheduleId, t.occurrenceAt),
    index("schedule_runs_agent_task_id_idx").on(t.agentTaskId),
    check(
      "schedule_runs_status_check",
      sql`${t.status} in ('queued', 'running', 'done', 'failed', 'skipped')`,
    ),
    check("schedule_runs_trigger_check", sql`${t.trigger} in ('schedule', 'missed', 'manual')`),
  ],
);

/**
 * One agent-runner execution (seed 000 `AgentTask` + seed 001 `tasks`): a chat turn, a scheduled run or
 * an API call. Tokens are integers, cost is USD numeric(12,6).
 */
export const agentTasks = pgTable(
  "agent_tasks",
  {
    id: id(),
    orgId: uuid()
      .notNull()
      .references(() => organizations.id, { onDelete: "cascade" }),
    departmentId: uuid().references(() => departments.id, { onDelete: "cascade" }),
    namespaceId: uuid().references(() => namespaces.id, { onDelete: "set null" }),
    agentId: uuid().references(() => agents.id, { onDelete: "set null" }),
    agentVersionId: uuid().references(() => agentVersions.id, { onDelete: "set null" }),
    conversationId: uuid().references(() => conversations.id, { onDelete: "cascade" }),
    messageId: uuid().references(() => messages.id, { onDelete: "set null" }),
    scheduleId: uuid().references(() => schedules.id, { onDelete: "set null" }),
    /** Who or what started it; null for scheduled/system runs. */
    userId: uuid().references(() => users.id, { onDelete: "set null" }),
    /** Runner adapter: `ai-sdk`, `extractive`, … */
    adapterType: text().notNull(),
    status: agentTaskStatus().notNull().default("queued"),
    input: jsonb().$type<Record<string, unknown>>().notNull().default({}),
    output: jsonb().$type<Record<string, unknown>>(),
    error: text(),
    promptTokens: integer().notNull().default(0),
    completionTokens: integer().notNull().default(0),
    totalTokens: integer().notNull().default(0),
    costUsd: numeric({ precision: 12, scale: 6, mode: "number" }).notNull().default(0),
    durationMs: integer(),
    metadata: jsonb().$type<Record<string, unknown>>().notNull().default({}),
    startedAt: timestamp({ withTimezone: true }),
    completedAt: timestamp({ withTimezone: true }),
    ...timestamps(),
  },
  (t) => [
    index("agent_tasks_org_id_created_at_idx").on(t.orgId, t.createdAt),
    index("agent_tasks_department_id_idx").on(t.departmentId),
    index("agent_tasks_namespace_id_idx").on(t.namespaceId),
    index("agent_tasks_agent_id_idx").on(t.agentId),
    index("agent_tasks_agent_version_id_idx").on(t.agentVersionId),
    index("agent_tasks_conversation_id_idx").on(t.conversationId),
    index("agent_tasks_message_id_idx").on(t.messageId),
    index("agent_tasks_schedule_id_idx").on(t.scheduleId),
    index("agent_tasks_user_id_idx").on(t.userId),
    index("agent_tasks_status_idx").on(t.status),
  ],
);

/** Step-level trace of an agent task (seed 000 `AgentToolCall`). */
export const agentToolCalls = pgTable(
  "agent_tool_calls",
  {
    id: id(),
    orgId: uuid()
      .notNull()
      .references(() => organizations.id, { onDelete: "cascade" }),
    agentTaskId: uuid()
      .notNull()
      .references(() => agentTasks.id, { onDelete: "cascade" }),
    toolId: uuid().references(() => tools.id, { onDelete: "set null" }),
    stepIndex: integer().notNull(),
    stepName: text().notNull(),
    status: toolCallStatus().notNull().default("running"),
    inputData: jsonb(),
    outputData: jsonb(),
    durationMs: integer(),
    errorMessage: text(),
    startedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    completedAt: timestamp({ withTimezone: true }),
    ...timestamps(),
  },
  (t) => [
    index("agent_tool_calls_org_id_idx").on(t.orgId),
    index("agent_tool_calls_agent_task_id_step_idx").on(t.agentTaskId, t.stepIndex),
    index("agent_tool_calls_tool_id_idx").on(t.toolId),
  ],
);

/**
 * Internal job queue, claimed with `FOR UPDATE SKIP LOCKED`. `lockedUntil` is the lease: a worker that
 * dies leaves a running job whose lease expires and is reclaimed. `dedupeKey` makes enqueue idempotent
 * while a job with that key is queued or running. Null org = system job.
 */
export const jobs = pgTable(
  "jobs",
  {
    id: id(),
    orgId: uuid().references(() => organizations.id, { onDelete: "cascade" }),
    kind: text().notNull(),
    payload: jsonb().$type<Record<string, unknown>>().notNull().default({}),
    status: jobStatus().notNull().default("queued"),
    /** Higher runs first among due jobs. */
    priority: integer().notNull().default(0),
    runAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    attempts: integer().notNull().default(0),
    maxAttempts: integer().notNull().default(5),
    dedupeKey: text(),
    lockedBy: text(),
    lockedUntil: timestamp({ withTimezone: true }),
    lastError: text(),
    result: jsonb(),
    finishedAt: timestamp({ withTimezone: true }),
    ...timestamps(),
  },
  (t) => [
    index("jobs_org_id_idx").on(t.orgId),
    index("jobs_queued_run_at_idx").on(t.status, t.runAt).where(sql`${t.status} = 'queued'`),
    index("jobs_running_locked_until_idx").on(t.lockedUntil).where(sql`${t.status} = 'running'`),
    uniqueIndex("jobs_active_dedupe_key_uq").on(t.dedupeKey).where(sql`${t.status} in ('queued', 'running')`),
    index("jobs_kind_status_idx").on(t.kind, t.status),
  ],
);
