import { sql } from "drizzle-orm";
import {
  boolean,
  check,
  doublePrecision,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  real,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from "drizzle-orm/pg-core";
import { halfvec, id, timestamps } from "./_columns.js";
import { agents, namespaces } from "./assistants.js";
import { conversations, messages } from "./conversations.js";
import { approvalStatus } from "./enums.js";
import { departments, organizations, users } from "./identity.js";
import { documentGenerations } from "./templates.js";

/**
 * Human-in-the-loop approval of a held assistant reply (seed 000 `Approval`). `messageId` is the held
 * draft; `isSample` marks an autonomous reply queued for after-the-fact review (sampling).
 */
export const approvals = pgTable(
  "approvals",
  {
    id: id(),
    orgId: uuid()
      .notNull()
      .references(() => organizations.id, { onDelete: "cascade" }),
    departmentId: uuid().references(() => departments.id, { onDelete: "cascade" }),
    namespaceId: uuid().references(() => namespaces.id, { onDelete: "set null" }),
    /** The held reply's conversation and draft (null when the approval holds a document generation). */
    conversationId: uuid().references(() => conversations.id, { onDelete: "cascade" }),
    messageId: uuid().references(() => messages.id, { onDelete: "cascade" }),
    /** A generation of a template that requires approval: approving renders it, rejecting fails it. */
    documentGenerationId: uuid().references(() => documentGenerations.id, { onDelete: "cascade" }),
    /** The user whose request produced the held reply. */
    requesterId: uuid().references(() => users.id, { onDelete: "set null" }),
    approverId: uuid().references(() => users.id, { onDelete: "set null" }),
    status: approvalStatus().notNull().default("pending"),
    intentName: text(),
    intentConfidence: real(),
    editedContent: text(),
    approverNotes: text(),
    escalatedToId: uuid().references(() => users.id, { onDelete: "set null" }),
    escalationReason: text(),
    isSample: boolean().notNull().default(false),
    /** The held draft's verified citations (as the message's `sources`), for the approver's review. */
    citations: jsonb().$type<unknown[]>().notNull().default([]),
    /** The turn (agent task) that drafted the reply. */
    taskId: uuid(),
    /**
     * A tool call that waits for this approval (`tools.requires_approval`): the turn paused before the
     * tool ran; approving runs it and resumes the turn (job `approval.resume`), from this row alone.
     */
    pendingToolCall: jsonb().$type<PendingToolCall>(),
    /** The message the requester received once decided (the draft itself, an edit or the refusal). */
    deliveredMessageId: uuid().references(() => messages.id, { onDelete: "set null" }),
    dueAt: timestamp({ withTimezone: true }),
    decidedAt: timestamp({ withTimezone: true }),
    ...timestamps(),
  },
  (t) => [
    index("approvals_org_status_created_at_idx").on(t.orgId, t.status, t.createdAt),
    index("approvals_department_id_idx").on(t.departmentId),
    index("approvals_namespace_id_idx").on(t.namespaceId),
    index("approvals_conversation_id_idx").on(t.conversationId),
    index("approvals_message_id_idx").on(t.messageId),
    index("approvals_requester_id_idx").on(t.requesterId),
    index("approvals_approver_id_idx").on(t.approverId),
    index("approvals_escalated_to_id_idx").on(t.escalatedToId),
    index("approvals_delivered_message_id_idx").on(t.deliveredMessageId),
    index("approvals_document_generation_id_idx").on(t.documentGenerationId),
    index("approvals_task_id_idx").on(t.taskId),
    index("approvals_pending_due_at_idx").on(t.dueAt).where(sql`${t.status} = 'pending'`),
  ],
);

/**
 * Trust matrix row per namespace and intent (seed 000 `IntentTrust`). After `threshold` approved replies
 * without edits the intent becomes autonomous; `samplingRate` of autonomous replies still get reviewed.
 */
export const intentTrust = pgTable(
  "intent_trust",
  {
    id: id(),
    orgId: uuid()
      .notNull()
      .references(() => organizations.id, { onDelete: "cascade" }),
    namespaceId: uuid()
      .notNull()
      .references(() => namespaces.id, { onDelete: "cascade" }),
    intentName: text().notNull(),
    successfulCount: integer().notNull().default(0),
    rejectedCount: integer().notNull().default(0),
    threshold: integer().notNull().default(10),
    isAutonomous: boolean().notNull().default(false),
    samplingRate: doublePrecision().notNull().default(0.1),
    promotedAt: timestamp({ withTimezone: true }),
    /**
     * Where the intent goes: `auto` (trust decides: held until autonomous), `hold` (always held),
     * `handoff` (to a person: the conversation is escalated) or `assistant` (`routeAgentId` answers).
     */
    route: text().$type<IntentRoute>().notNull().default("auto"),
    routeAgentId: uuid().references(() => agents.id, { onDelete: "set null" }),
    ...timestamps(),
  },
  (t) => [
    index("intent_trust_org_id_idx").on(t.orgId),
    index("intent_trust_route_agent_id_idx").on(t.routeAgentId),
    check("intent_trust_route_check", sql`${t.route} in ('auto', 'hold', 'handoff', 'assistant')`),
    uniqueIndex("intent_trust_namespace_intent_uq").on(t.namespaceId, t.intentName),
    check("intent_trust_sampling_rate_check", sql`${t.samplingRate} >= 0 and ${t.samplingRate} <= 1`),
  ],
);

/**
 * How a person wants to be told besides the notification centre: `email` sends each new notification
 * through the deployment's mailer too. One row per person, made on first change (absent: no e-mail).
 */
export const notificationPreferences = pgTable(
  "notification_preferences",
  {
    id: id(),
    orgId: uuid()
      .notNull()
      .references(() => organizations.id, { onDelete: "cascade" }),
    userId: uuid()
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    email: boolean().notNull().default(false),
    ...timestamps(),
  },
  (t) => [
    index("notification_preferences_org_id_idx").on(t.orgId),
    uniqueIndex("notification_preferences_user_uq").on(t.userId),
  ],
);

export interface PendingToolCall {
  toolCallId: string;
  name: string;
  input: unknown;
  step: number;
  /** The question the paused turn was answering. */
  questionMessageId: string;
}

export type IntentRoute = "auto" | "hold" | "handoff" | "assistant";
export type ApprovalTimeoutAction = "none" | "escalate" | "reject";

/**
 * How a namespace's held replies are reviewed: when they are due, what the worker does with one still
 * pending then (escalate to `escalateToUserId`, or reject), and the message a requester gets when a
 * reply is rejected (null: the built-in polite message). One row per namespace, made on first change.
 */
/**
 * A named set of people of an organisation who review held replies (issue 12): a namespace's approval
 * policy may name one (for the whole namespace, or per department); then only its members who may
 * decide approvals and reach the department are told and may decide.
 */
export const approverGroups = pgTable(
  "approver_groups",
  {
    id: id(),
    orgId: uuid()
      .notNull()
      .references(() => organizations.id, { onDelete: "cascade" }),
    name: text().notNull(),
    description: text(),
    ...timestamps(),
  },
  (t) => [uniqueIndex("approver_groups_org_name_uq").on(t.orgId, t.name)],
);

/** A member of an approver group (a user of the group's organisation). */
export const approverGroupMembers = pgTable(
  "approver_group_members",
  {
    groupId: uuid()
      .notNull()
      .references(() => approverGroups.id, { onDelete: "cascade" }),
    userId: uuid()
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    orgId: uuid()
      .notNull()
      .references(() => organizations.id, { onDelete: "cascade" }),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.groupId, t.userId] }),
    index("approver_group_members_user_id_idx").on(t.userId),
    index("approver_group_members_org_id_idx").on(t.orgId),
  ],
);

export const approvalPolicies = pgTable(
  "approval_policies",
  {
    id: id(),
    orgId: uuid()
      .notNull()
      .references(() => organizations.id, { onDelete: "cascade" }),
    namespaceId: uuid()
      .notNull()
      .references(() => namespaces.id, { onDelete: "cascade" }),
    dueMinutes: integer().notNull().default(1440),
    onTimeout: text().$type<ApprovalTimeoutAction>().notNull().default("none"),
    escalateToUserId: uuid().references(() => users.id, { onDelete: "set null" }),
    rejectionMessage: text(),
    /** Only this group's members review the namespace's held replies (a group in use cannot be deleted). */
    approverGroupId: uuid().references(() => approverGroups.id, { onDelete: "restrict" }),
    /** Per department (id → approver group id), overriding `approverGroupId` there. */
    departmentApproverGroups: jsonb().$type<Record<string, string>>().notNull().default({}),
    ...timestamps(),
  },
  (t) => [
    index("approval_policies_org_id_idx").on(t.orgId),
    index("approval_policies_approver_group_id_idx").on(t.approverGroupId),
    uniqueIndex("approval_policies_namespace_uq").on(t.namespaceId),
    index("approval_policies_escalate_to_user_id_idx").on(t.escalateToUserId),
    check("approval_policies_due_minutes_check", sql`${t.dueMinutes} > 0`),
    check("approval_policies_on_timeout_check", sql`${t.onTimeout} in ('none', 'escalate', 'reject')`),
  ],
);

/**
 * Labelled phrase for intent classification (seed 000 `IntentExample`). The nearest-neighbour vote
 * runs in process over a namespace's vectors (src/services/intents), never as a SQL vector search, so
 * the table has no HNSW index: maintaining one made every import slow (minutes for 10,000 phrases on
 * PGlite) for no reader.
 */
export const intentExamples = pgTable(
  "intent_examples",
  {
    id: id(),
    orgId: uuid()
      .notNull()
      .references(() => organizations.id, { onDelete: "cascade" }),
    namespaceId: uuid()
      .notNull()
      .references(() => namespaces.id, { onDelete: "cascade" }),
    intentName: text().notNull(),
    phrase: text().notNull(),
    embedding: halfvec(),
    embeddingModel: text(),
    metadata: jsonb().$type<Record<string, unknown>>().notNull().default({}),
    ...timestamps(),
  },
  (t) => [
    index("intent_examples_org_id_idx").on(t.orgId),
    index("intent_examples_namespace_intent_idx").on(t.namespaceId, t.intentName),
  ],
);

/**
 * One row per namespace with intent examples or settings: `version` goes up in the same transaction
 * as every change to the namespace's examples, so a process holding a trained classifier knows with
 * one indexed read whether it is stale (its own writes and other processes' alike); the same read
 * brings the namespace's threshold.
 */
export const intentExampleSets = pgTable(
  "intent_example_sets",
  {
    id: id(),
    orgId: uuid()
      .notNull()
      .references(() => organizations.id, { onDelete: "cascade" }),
    namespaceId: uuid()
      .notNull()
      .references(() => namespaces.id, { onDelete: "cascade" }),
    version: integer().notNull().default(1),
    /** Below this confidence the namespace's classification answers `unknown`. */
    threshold: real().notNull().default(0.3),
    ...timestamps(),
  },
  (t) => [
    index("intent_example_sets_org_id_idx").on(t.orgId),
    uniqueIndex("intent_example_sets_namespace_uq").on(t.namespaceId),
    check("intent_example_sets_threshold_check", sql`${t.threshold} >= 0 and ${t.threshold} <= 1`),
  ],
);
