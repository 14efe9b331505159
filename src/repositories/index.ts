import type { DatabaseHandle, Queryable } from "../db/client.js";
import * as s from "../db/schema/index.js";
import type { Cache } from "../providers/cache/cache.js";
import { AgentRepository, AgentVersionRepository } from "./agent.repository.js";
import { AnalyticsRepository } from "./analytics.repository.js";
import {
  ApprovalPolicyRepository,
  ApprovalRepository,
  IntentTrustRepository,
} from "./approval.repository.js";
import { ApproverGroupRepository } from "./approver-group.repository.js";
import { AuditLogRepository } from "./audit-log.repository.js";
import { BudgetRepository } from "./budget.repository.js";
import { ChunkRepository } from "./chunk.repository.js";
import { ConversationRepository } from "./conversation.repository.js";
import { DepartmentRepository } from "./department.repository.js";
import { DocumentRepository } from "./document.repository.js";
import {
  DocumentGenerationRepository,
  DocumentTemplateRepository,
  DocumentTemplateVersionRepository,
  LegacyTemplateRepository,
} from "./document-template.repository.js";
import { EmployeeProfileRepository } from "./employee-profile.repository.js";
import { FeedbackRepository } from "./feedback.repository.js";
import { ApiKeyRepository, SessionRepository, SystemRoleRepository } from "./identity.repositories.js";
import { IntentExampleRepository, IntentExampleSetRepository } from "./intent-example.repository.js";
import { InvitationRepository } from "./invitation.repository.js";
import { JobRepository } from "./job.repository.js";
import { KnowledgeBaseRepository } from "./knowledge-base.repository.js";
import { MessageRepository } from "./message.repository.js";
import { NamespacePluginRepository, NamespaceRepository } from "./namespace.repository.js";
import { NotificationPreferenceRepository, NotificationRepository } from "./notification.repository.js";
import { OrganizationRepository, OrgMemberRepository } from "./org.repository.js";
import { PasswordResetTokenRepository } from "./password-reset.repository.js";
import { PersonaRepository } from "./persona.repository.js";
import { PiiRedactionMapRepository } from "./pii.repository.js";
import { RetrievalRepository } from "./retrieval.repository.js";
import { RunTraceRepository } from "./run-trace.repository.js";
import { ScheduleRepository, ScheduleRunRepository } from "./schedule.repository.js";
import { TableRepository } from "./table-repository.js";
import { ToolRepository } from "./tool.repository.js";
import { UsageRepository } from "./usage.repository.js";
import { UserRepository } from "./user.repository.js";
import { WebSourceRepository } from "./web-source.repository.js";

/**
 * Every repository, built once by the composition root (src/app/container.ts): one per table, and the
 * query repositories that read across tables. Services take the few they use
 * (`Pick<Repositories, …>`). `analytics` is the read-only client of reports (a replica in server mode;
 * the main database otherwise).
 */
export function createRepositories(
  db: Queryable,
  cache: Cache,
  ttlSeconds: number,
  handle?: DatabaseHandle,
  analytics: Queryable = db,
) {
  return {
    ...createTableRepositories(db, cache, ttlSeconds, handle),
    ...createQueryRepositories(db, analytics),
  };
}

/**
 * Queries that join several tables and own none (no CRUD): retrieval, a turn's trace, usage and
 * budgets. `usageReports` reads the analytics client; `usage` the main database, which has the runs
 * recorded a moment ago (the budget guard).
 */
export function createQueryRepositories(db: Queryable, analytics: Queryable = db) {
  return {
    retrieval: new RetrievalRepository(db),
    runTraces: new RunTraceRepository(db),
    usage: new UsageRepository(db),
    usageReports: new UsageRepository(analytics),
    analyticsReports: new AnalyticsRepository(analytics),
    budgets: new BudgetRepository(db),
  };
}

/**
 * One repository per table. Tables with domain queries get their own class; the rest share
 * TableRepository's CRUD and pagination until a domain needs more.
 */
export function createTableRepositories(
  db: Queryable,
  cache: Cache,
  ttlSeconds: number,
  handle?: DatabaseHandle,
) {
  const plain = <T extends Parameters<typeof tableRepository>[1]>(table: T) => tableRepository(db, table);
  const messages = new MessageRepository(db, s.messages, cache, "message", ttlSeconds);
  return {
    // identity
    organizations: new OrganizationRepository(db, s.organizations),
    orgMembers: new OrgMemberRepository(db, s.orgMembers),
    departments: new DepartmentRepository(db, s.departments),
    systemRoles: new SystemRoleRepository(db, s.systemRoles, cache, "role", ttlSeconds),
    users: new UserRepository(db, cache, ttlSeconds),
    sessions: new SessionRepository(db, cache, ttlSeconds),
    invitations: new InvitationRepository(db, s.invitations),
    passwordResetTokens: new PasswordResetTokenRepository(db, s.passwordResetTokens),
    apiKeys: new ApiKeyRepository(db, s.apiKeys),
    // knowledge
    knowledgeBases: new KnowledgeBaseRepository(db, s.knowledgeBases),
    documents: new DocumentRepository(db),
    webSources: new WebSourceRepository(db, s.webSources),
    chunks: new ChunkRepository(db, handle),
    chunkQuestions: plain(s.chunkQuestions),
    // assistants
    namespaces: new NamespaceRepository(db, s.namespaces),
    namespacePlugins: new NamespacePluginRepository(db, s.namespacePlugins),
    personas: new PersonaRepository(db, s.personas),
    agents: new AgentRepository(db, s.agents),
    agentVersions: new AgentVersionRepository(db, s.agentVersions, cache, "agent_version", ttlSeconds),
    tools: new ToolRepository(db, s.tools),
    // conversations
    conversations: new ConversationRepository(db, cache, ttlSeconds, messages),
    messages,
    piiRedactionMaps: new PiiRedactionMapRepository(db, s.piiRedactionMaps),
    feedback: new FeedbackRepository(db, s.feedback),
    // governance
    approvals: new ApprovalRepository(db, s.approvals),
    intentTrust: new IntentTrustRepository(db, s.intentTrust),
    approvalPolicies: new ApprovalPolicyRepository(db, s.approvalPolicies),
    approverGroups: new ApproverGroupRepository(db, s.approverGroups),
    intentExamples: new IntentExampleRepository(db, s.intentExamples),
    intentExampleSets: new IntentExampleSetRepository(db, s.intentExampleSets),
    // documents
    templates: new LegacyTemplateRepository(db, s.templates),
    documentTemplates: new DocumentTemplateRepository(db, s.documentTemplates),
    documentTemplateVersions: new DocumentTemplateVersionRepository(db, s.documentTemplateVersions),
    documentGenerations: new DocumentGenerationRepository(db, s.documentGenerations),
    // memory
    employeeProfiles: new EmployeeProfileRepository(db, s.employeeProfiles),
    // execution
    agentTasks: plain(s.agentTasks),
    agentToolCalls: plain(s.agentToolCalls),
    schedules: new ScheduleRepository(db, s.schedules),
    scheduleRuns: new ScheduleRunRepository(db, s.scheduleRuns),
    jobs: new JobRepository(db, s.jobs),
    // observability
    auditLogs: new AuditLogRepository(db, s.auditLogs),
    agentRuns: plain(s.agentRuns),
    retrievalHits: plain(s.retrievalHits),
    notifications: new NotificationRepository(db, s.notifications),
    notificationPreferences: new NotificationPreferenceRepository(db, s.notificationPreferences),
  };
}

function tableRepository<T extends ConstructorParameters<typeof TableRepository>[1]>(
  db: Queryable,
  table: T,
) {
  return new TableRepository(db, table);
}

export type TableRepositories = ReturnType<typeof createTableRepositories>;
export type QueryRepositories = ReturnType<typeof createQueryRepositories>;
export type Repositories = TableRepositories & QueryRepositories;
