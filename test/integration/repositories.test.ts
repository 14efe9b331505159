import { getTableName, is } from "drizzle-orm";
import { PgTable } from "drizzle-orm/pg-core";
import { beforeAll, describe, expect, it } from "vitest";
import * as schema from "../../src/db/schema/index.js";
import { SESSION_SECRET_COLUMNS } from "../../src/repositories/identity.repositories.js";
import { createQueryRepositories, type TableRepositories } from "../../src/repositories/index.js";
import { TableRepository } from "../../src/repositories/table-repository.js";
import { USER_SECRET_COLUMNS } from "../../src/repositories/user.repository.js";
import {
  agentRunValues,
  agentTaskValues,
  agentToolCallValues,
  agentValues,
  agentVersionValues,
  apiKeyValues,
  approvalValues,
  auditLogValues,
  chunkQuestionValues,
  chunkValues,
  conversationValues,
  departmentValues,
  documentGenerationValues,
  documentTemplateValues,
  documentValues,
  employeeProfileValues,
  feedbackValues,
  intentExampleValues,
  intentTrustValues,
  invitationValues,
  jobValues,
  knowledgeBaseValues,
  makeWorld,
  messageValues,
  namespacePluginValues,
  namespaceValues,
  notificationValues,
  orgMemberValues,
  orgValues,
  passwordResetValues,
  personaValues,
  piiRedactionValues,
  retrievalHitValues,
  scheduleValues,
  sessionValues,
  systemRoleValues,
  templateValues,
  testEmbedding,
  toolValues,
  userValues,
  type World,
  webSourceValues,
} from "../factories/index.js";
import { useTestContainer } from "../setup/container.js";

type RepoKey = keyof TableRepositories;
/** How to make one valid row for a repository, and a change to apply to it. */
type CrudCase<K extends RepoKey> = {
  build: (w: World) => Parameters<TableRepositories[K]["create"]>[0];
  patch: NonNullable<Parameters<TableRepositories[K]["update"]>[1]>;
};

const later = new Date("2031-05-06T07:08:09.123Z");

/** One entry per table repository; the first test fails when createRepositories gains a key missing here. */
const cases: { [K in RepoKey]: CrudCase<K> } = {
  organizations: {
    build: () => orgValues(),
    patch: { name: "Renamed org", settings: { locale: "de", nested: { a: [1, 2] } }, monthlyBudgetUsd: 12.5 },
  },
  orgMembers: { build: (w) => orgMemberValues(w.user), patch: { role: "admin" } },
  departments: {
    build: (w) => departmentValues(w.org.id),
    patch: { name: "Legal", isArchived: true, archivedAt: later },
  },
  systemRoles: {
    build: (w) => systemRoleValues(w.org.id),
    patch: { permissions: ["kb:write"], allDepartments: true },
  },
  users: {
    build: (w) => userValues(w.org.id, { departmentId: w.department.id }),
    patch: { name: "Renamed", tokenVersion: 4, extraPermissions: ["audit:read"] },
  },
  sessions: { build: (w) => sessionValues(w.user), patch: { revokedAt: later, revokedReason: "logout" } },
  invitations: {
    build: (w) => invitationValues(w.org.id, { departmentId: w.department.id }),
    patch: { acceptedAt: later, orgRole: "admin" },
  },
  passwordResetTokens: { build: (w) => passwordResetValues(w.user), patch: { usedAt: later } },
  apiKeys: {
    build: (w) => apiKeyValues(w.org.id, { userId: w.user.id }),
    patch: { revokedAt: later, permissions: [] },
  },
  knowledgeBases: {
    build: (w) => knowledgeBaseValues(w.department),
    patch: { description: "Policies", config: { chunkSize: 400 } },
  },
  documents: {
    build: (w) => documentValues(w.knowledgeBase),
    patch: { status: "ready", chunkCount: 3, sizeBytes: 5_000_000_000 },
  },
  webSources: {
    build: (w) => webSourceValues(w.knowledgeBase),
    patch: { maxDepth: 3, lastCrawlStatus: "done", excludePatterns: ["*.pdf"] },
  },
  chunks: {
    build: (w) => chunkValues(w.document),
    patch: { content: "Rewritten chunk", embedding: testEmbedding(99, { exact: true }) },
  },
  chunkQuestions: { build: (w) => chunkQuestionValues(w.chunk), patch: { question: "Who approves leave?" } },
  namespaces: {
    build: (w) => namespaceValues(w.department),
    patch: { systemPrompt: "Be brief.", isActive: false },
  },
  namespacePlugins: {
    build: (w) => namespacePluginValues(w.namespace),
    patch: { enabled: false, config: { channel: "#hr" } },
  },
  personas: { build: (w) => personaValues(w.org.id), patch: { tone: "formal", isArchived: true } },
  agents: { build: (w) => agentValues(w.org.id), patch: { primaryModelTemperature: 0.25, toolsEnabled: [] } },
  agentVersions: { build: (w) => agentVersionValues(w.agent, 2), patch: { changelog: "First release" } },
  tools: { build: (w) => toolValues(w.org.id), patch: { requiresApproval: true, kind: "mcp" } },
  conversations: {
    build: (w) => conversationValues(w.user),
    patch: { status: "closed", closedAt: later, messageCount: 7 },
  },
  messages: {
    build: (w) => messageValues(w.conversation),
    patch: { content: "Edited", heldForApproval: true, sources: [{ chunkId: "c1" }] },
  },
  piiRedactionMaps: { build: (w) => piiRedactionValues(w.conversation), patch: { valueHash: "hmac" } },
  feedback: {
    build: (w) => feedbackValues(w.message, w.user.id),
    patch: { rating: -1, comment: "Wrong policy" },
  },
  approvals: {
    build: (w) => approvalValues(w.message, { requesterId: w.user.id }),
    patch: { status: "approved", decidedAt: later },
  },
  intentTrust: {
    build: (w) => intentTrustValues(w.namespace),
    patch: { successfulCount: 5, isAutonomous: true, samplingRate: 0.5 },
  },
  notificationPreferences: {
    build: (w) => ({ orgId: w.org.id, userId: w.user.id }),
    patch: { email: true },
  },
  approvalPolicies: {
    build: (w) => ({ orgId: w.org.id, namespaceId: w.namespace.id }),
    patch: { dueMinutes: 30, onTimeout: "reject" },
  },
  approverGroups: {
    build: (w) => ({ orgId: w.org.id, name: "Reviewers" }),
    patch: { description: "The people who review held replies" },
  },
  intentExamples: { build: (w) => intentExampleValues(w.namespace), patch: { phrase: "Day off please" } },
  intentExampleSets: {
    build: (w) => ({ orgId: w.org.id, namespaceId: w.namespace.id }),
    patch: { version: 2, threshold: 0.5 },
  },
  templates: { build: (w) => templateValues(w.org.id), patch: { description: "Legacy letter" } },
  documentTemplates: {
    build: (w) => documentTemplateValues(w.org.id),
    patch: { outputFormat: "html", isActive: false },
  },
  documentTemplateVersions: {
    build: (w) => ({
      orgId: w.org.id,
      templateId: w.documentTemplate.id,
      version: 2,
      templateBody: "Dear {{name}}, again",
      outputFormat: "markdown" as const,
    }),
    patch: { templateBody: "Dear {{name}}, once more" },
  },
  documentGenerations: {
    build: (w) => documentGenerationValues(w.org.id, { templateId: w.documentTemplate.id }),
    patch: { status: "done", output: "Dear Ada" },
  },
  employeeProfiles: {
    build: (w) => employeeProfileValues(w.user),
    patch: { profileVersion: 2, preferences: { language: "fr" } },
  },
  agentTasks: {
    build: (w) => agentTaskValues(w.org.id),
    patch: { status: "done", totalTokens: 42, costUsd: 0.001234 },
  },
  agentToolCalls: {
    build: (w) => agentToolCallValues(w.agentTask, { toolId: w.tool.id }),
    patch: { status: "ok", outputData: { hits: 3 } },
  },
  schedules: {
    build: (w) => scheduleValues(w.org.id, { agentId: w.agent.id }),
    patch: { enabled: false, nextRunAt: later },
  },
  scheduleRuns: {
    build: (w) => ({
      orgId: w.org.id,
      scheduleId: w.schedule.id,
      occurrenceAt: new Date(Date.now() + Math.floor(Math.random() * 1e9)),
    }),
    patch: { status: "done", agentTaskId: null, finishedAt: later },
  },
  jobs: { build: () => jobValues(), patch: { status: "running", attempts: 1, lockedBy: "worker-1" } },
  auditLogs: { build: (w) => auditLogValues(w.org.id, { userId: w.user.id }), patch: { requestId: "req-1" } },
  agentRuns: { build: (w) => agentRunValues(w.org.id), patch: { status: "ok", latencyMs: 321 } },
  retrievalHits: {
    build: (w) => retrievalHitValues(w.agentRun, { chunkId: w.chunk.id }),
    patch: { rerankScore: 0.875 },
  },
  notifications: { build: (w) => notificationValues(w.user), patch: { readAt: later } },
};

type AnyRow = { id: string; createdAt: Date; updatedAt: Date } & Record<string, unknown>;
/** The TableRepository surface every repository shares, without its per-table types. */
interface AnyRepository {
  table: PgTable;
  create(values: unknown): Promise<AnyRow>;
  findById(id: string): Promise<AnyRow | undefined>;
  findMany(where: undefined, tx: undefined, limit: number): Promise<AnyRow[]>;
  update(id: string, patch: unknown): Promise<AnyRow | undefined>;
  delete(id: string): Promise<boolean>;
  count(where: undefined): Promise<number>;
  page(
    where: undefined,
    query: { page: number; pageSize: number },
  ): Promise<{ items: AnyRow[]; total: number }>;
}

const uuidV7 = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe("repositories: CRUD on every table", () => {
  const t = useTestContainer();
  let world: World;
  const repo = (name: RepoKey) => t.current.container.repositories[name] as unknown as AnyRepository;

  beforeAll(async () => {
    world = await makeWorld(t.current.container.repositories);
  });

  it("covers every repository, and every schema table has one", () => {
    const repositories = t.current.container.repositories;
    // The query repositories join tables and own none; everything else is one table's CRUD.
    const queryKeys = Object.keys(createQueryRepositories(t.current.container.database.db));
    expect(queryKeys.sort()).toEqual([
      "analyticsReports",
      "budgets",
      "retrieval",
      "runTraces",
      "usage",
      "usageReports",
    ]);
    for (const key of queryKeys) {
      expect(repositories[key as keyof typeof repositories]).not.toBeInstanceOf(TableRepository);
    }
    const repositoryKeys = Object.keys(repositories)
      .filter((key) => !queryKeys.includes(key))
      .sort();
    expect(repositoryKeys).toEqual(Object.keys(cases).sort());
    for (const key of repositoryKeys) expect(repo(key as RepoKey)).toBeInstanceOf(TableRepository);
    expect(repositoryKeys).toHaveLength(45);
    const schemaTables = Object.values(schema as Record<string, unknown>)
      .filter((value): value is PgTable => is(value, PgTable))
      .map((table) => getTableName(table))
      .sort();
    const repositoryTables = repositoryKeys.map((key) => getTableName(repo(key as RepoKey).table));
    // A membership table is written only through its parent's repository (its rows mean nothing alone).
    const ownedByParent: Record<string, RepoKey> = { approver_group_members: "approverGroups" };
    for (const parent of Object.values(ownedByParent)) expect(repositoryKeys).toContain(parent);
    expect([...repositoryTables, ...Object.keys(ownedByParent)].sort()).toEqual(schemaTables);
  });

  const SECRET_COLUMNS: Partial<Record<RepoKey, readonly string[]>> = {
    users: USER_SECRET_COLUMNS,
    sessions: SESSION_SECRET_COLUMNS,
  };

  for (const name of Object.keys(cases) as RepoKey[]) {
    it(`${name}: create, read, update, list, delete`, async () => {
      const { build, patch } = cases[name] as unknown as { build(w: World): object; patch: object };
      const r = repo(name);
      const values = build(world);
      const before = await r.count(undefined);

      const created = await r.create(values);
      expect(created.id).toMatch(uuidV7);
      // Secret columns (password and token hashes) are written but never read back with the row.
      const secret: readonly string[] = SECRET_COLUMNS[name] ?? [];
      expect(created).toMatchObject(
        Object.fromEntries(Object.entries(values).filter(([k]) => !secret.includes(k))),
      );
      for (const column of secret) expect(created).not.toHaveProperty(column);
      expect(created.createdAt).toBeInstanceOf(Date);
      expect(created.updatedAt).toBeInstanceOf(Date);
      expect(await r.findById(created.id)).toEqual(created);

      expect(await r.count(undefined)).toBe(before + 1);
      expect((await r.findMany(undefined, undefined, 10_000)).map((row) => row.id)).toContain(created.id);
      const page = await r.page(undefined, { page: 1, pageSize: 100 });
      expect(page.total).toBe(before + 1);
      expect(page.items[0]?.id).toBe(created.id);

      await sleep(5);
      const updated = await r.update(created.id, patch);
      expect(updated).toMatchObject({ ...patch, id: created.id, createdAt: created.createdAt });
      expect(updated!.updatedAt.getTime()).toBeGreaterThan(created.updatedAt.getTime());
      expect(await r.findById(created.id)).toEqual(updated);

      expect(await r.delete(created.id)).toBe(true);
      expect(await r.findById(created.id)).toBeUndefined();
      expect(await r.delete(created.id)).toBe(false);
      expect(await r.update(created.id, patch)).toBeUndefined();
      expect(await r.count(undefined)).toBe(before);
    });
  }

  it("deleting the organisation cascades to every row it owns", async () => {
    const counts = async () =>
      Object.fromEntries(
        await Promise.all(
          (Object.keys(cases) as RepoKey[]).map(async (k) => [k, await repo(k).count(undefined)]),
        ),
      );
    const populated = await counts();
    expect(populated).toMatchObject({ organizations: 1, chunks: 1, messages: 1, retrievalHits: 0 });
    expect(await t.current.container.repositories.organizations.delete(world.org.id)).toBe(true);
    const after = await counts();
    expect(Object.values(after).every((n) => n === 0)).toBe(true);
    expect(await t.current.container.repositories.users.findById(world.user.id)).toBeUndefined();
  });
});
