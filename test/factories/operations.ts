// Factories for governance, documents, memory, execution and observability rows.
import type { Queryable } from "../../src/db/client.js";
import type * as s from "../../src/db/schema/index.js";
import type { NamespaceRow } from "./assistants.js";
import type { MessageRow } from "./conversations.js";
import type { UserRow } from "./identity.js";
import { testEmbedding } from "./knowledge.js";
import type { Overrides, Repositories, Row, Values } from "./types.js";
import { unique } from "./unique.js";

export type AgentTaskRow = Row<typeof s.agentTasks>;
export type AgentRunRow = Row<typeof s.agentRuns>;
type NamespaceRef = Pick<NamespaceRow, "id" | "orgId">;

export function approvalValues(
  message: Pick<MessageRow, "id" | "orgId" | "conversationId">,
  overrides: Overrides<typeof s.approvals> = {},
): Values<typeof s.approvals> {
  return {
    orgId: message.orgId,
    conversationId: message.conversationId,
    messageId: message.id,
    intentName: "leave.request",
    intentConfidence: 0.75,
    ...overrides,
  };
}

export function intentTrustValues(
  namespace: NamespaceRef,
  overrides: Overrides<typeof s.intentTrust> = {},
): Values<typeof s.intentTrust> {
  return {
    orgId: namespace.orgId,
    namespaceId: namespace.id,
    intentName: unique("intent"),
    threshold: 5,
    ...overrides,
  };
}

export function intentExampleValues(
  namespace: NamespaceRef,
  overrides: Overrides<typeof s.intentExamples> = {},
): Values<typeof s.intentExamples> {
  return {
    orgId: namespace.orgId,
    namespaceId: namespace.id,
    intentName: "leave.request",
    phrase: "I want to book a day off",
    embedding: testEmbedding(11, { exact: true }),
    embeddingModel: "hash-384",
    ...overrides,
  };
}

export function templateValues(
  orgId: string,
  overrides: Overrides<typeof s.templates> = {},
): Values<typeof s.templates> {
  return {
    orgId,
    name: unique("Template"),
    filePath: `templates/${unique("file")}.docx`,
    variables: [{ name: "employee", required: true }],
    ...overrides,
  };
}

export function documentTemplateValues(
  orgId: string,
  overrides: Overrides<typeof s.documentTemplates> = {},
): Values<typeof s.documentTemplates> {
  return {
    orgId,
    name: unique("Letter"),
    templateBody: "Dear {{name}},\n\nYour leave is approved.",
    variables: [{ name: "name", description: "Recipient", required: true }],
    ...overrides,
  };
}

export function makeDocumentTemplate(
  repos: Repositories,
  orgId: string,
  overrides: Overrides<typeof s.documentTemplates> = {},
  tx?: Queryable,
) {
  return repos.documentTemplates.create(documentTemplateValues(orgId, overrides), tx);
}

export function documentGenerationValues(
  orgId: string,
  overrides: Overrides<typeof s.documentGenerations> = {},
): Values<typeof s.documentGenerations> {
  return { orgId, input: { name: "Ada" }, ...overrides };
}

export function employeeProfileValues(
  user: Pick<UserRow, "id" | "orgId">,
  overrides: Overrides<typeof s.employeeProfiles> = {},
): Values<typeof s.employeeProfiles> {
  return {
    orgId: user.orgId,
    userId: user.id,
    summary: "Works on payroll.",
    currentProjects: ["payroll-migration"],
    frequentIntents: [{ intent: "leave.request", count: 3 }],
    ...overrides,
  };
}

export function agentTaskValues(
  orgId: string,
  overrides: Overrides<typeof s.agentTasks> = {},
): Values<typeof s.agentTasks> {
  return { orgId, adapterType: "extractive", input: { question: "hi" }, ...overrides };
}

export function makeAgentTask(
  repos: Repositories,
  orgId: string,
  overrides: Overrides<typeof s.agentTasks> = {},
  tx?: Queryable,
) {
  return repos.agentTasks.create(agentTaskValues(orgId, overrides), tx);
}

export function agentToolCallValues(
  task: Pick<AgentTaskRow, "id" | "orgId">,
  overrides: Overrides<typeof s.agentToolCalls> = {},
): Values<typeof s.agentToolCalls> {
  return {
    orgId: task.orgId,
    agentTaskId: task.id,
    stepIndex: 0,
    stepName: "retrieve",
    inputData: { query: "leave" },
    ...overrides,
  };
}

export function scheduleValues(
  orgId: string,
  overrides: Overrides<typeof s.schedules> = {},
): Values<typeof s.schedules> {
  return {
    orgId,
    name: unique("Schedule"),
    kind: "cron",
    cronExpression: "0 9 * * 1",
    input: { report: "weekly" },
    ...overrides,
  };
}

export function jobValues(overrides: Overrides<typeof s.jobs> = {}): Values<typeof s.jobs> {
  return { kind: "test.noop", payload: { n: 1 }, ...overrides };
}

export function auditLogValues(
  orgId: string,
  overrides: Overrides<typeof s.auditLogs> = {},
): Values<typeof s.auditLogs> {
  return {
    orgId,
    actorType: "system",
    action: "test.created",
    entityType: "test",
    entityId: unique("entity"),
    changes: { before: null, after: { ok: true } },
    ...overrides,
  };
}

export function agentRunValues(
  orgId: string,
  overrides: Overrides<typeof s.agentRuns> = {},
): Values<typeof s.agentRuns> {
  return {
    orgId,
    traceId: unique("trace"),
    provider: "offline",
    model: "extractive",
    promptTokens: 10,
    completionTokens: 5,
    totalTokens: 15,
    costUsd: 0.000125,
    ...overrides,
  };
}

export function makeAgentRun(
  repos: Repositories,
  orgId: string,
  overrides: Overrides<typeof s.agentRuns> = {},
  tx?: Queryable,
) {
  return repos.agentRuns.create(agentRunValues(orgId, overrides), tx);
}

export function retrievalHitValues(
  run: Pick<AgentRunRow, "id" | "orgId">,
  overrides: Overrides<typeof s.retrievalHits> = {},
): Values<typeof s.retrievalHits> {
  return { orgId: run.orgId, agentRunId: run.id, rank: 1, score: 0.8125, citationLabel: "[1]", ...overrides };
}

export function notificationValues(
  user: Pick<UserRow, "id" | "orgId">,
  overrides: Overrides<typeof s.notifications> = {},
): Values<typeof s.notifications> {
  return {
    orgId: user.orgId,
    userId: user.id,
    type: "approval.requested",
    title: unique("Notification"),
    ...overrides,
  };
}

export function makeNotification(
  repos: Repositories,
  user: Pick<UserRow, "id" | "orgId">,
  overrides: Overrides<typeof s.notifications> = {},
  tx?: Queryable,
) {
  return repos.notifications.create(notificationValues(user, overrides), tx);
}
