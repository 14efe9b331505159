import { systemAccess } from "../../core/access.js";
import { withTransaction } from "../../db/transaction.js";
import type { Repositories } from "../../repositories/index.js";
import type { TrustService } from "../approvals/trust.js";
import type { AgentService } from "../assistants/agent-service.js";
import type { NamespaceService } from "../assistants/namespace-service.js";
import { recordAudit } from "../audit/record-audit.js";
import type { ServiceContext } from "../context.js";
import type { IntentExampleService } from "../intents/intent-service.js";
import type { DocumentService, KnowledgeBaseService } from "../knowledge/index.js";
import { DEFAULT_AGENT_SETTING, defaultAgentIdOf } from "../orgs/default-agent.js";
import {
  DEMO_AGENT_TOOLS,
  DEMO_CONTENT,
  DEMO_DEFAULT_AGENT,
  type DemoDepartmentContent,
} from "./demo-content.js";
import { readDemoDocuments } from "./demo-documents.js";

export type SeedDemoContentRepositories = Pick<
  Repositories,
  "agents" | "auditLogs" | "departments" | "documents" | "knowledgeBases" | "namespaces" | "organizations"
>;

/** The services the demo content is created through, so it gets the same validation and audit as the API. */
export interface DemoContentServices {
  knowledgeBases: Pick<KnowledgeBaseService, "create">;
  documents: Pick<DocumentService, "upload">;
  agents: Pick<AgentService, "create">;
  namespaces: Pick<NamespaceService, "create">;
  /** Intent examples and their governance (absent: the demo namespaces get no intents). */
  intents?: Pick<IntentExampleService, "import" | "summary"> | undefined;
  trust?: Pick<TrustService, "setTrust" | "promote"> | undefined;
}

/** What one run added or changed (all zero: the demo content was already complete). */
export interface DemoContentResult {
  knowledgeBases: number;
  documentsAdded: number;
  documentsUpdated: number;
  agents: number;
  namespaces: number;
  defaultAgentSet: boolean;
}

const PAGE = { page: 1, pageSize: 100 };

export function demoContentChanged(result: DemoContentResult): boolean {
  return (
    result.knowledgeBases +
      result.documentsAdded +
      result.documentsUpdated +
      result.agents +
      result.namespaces >
      0 || result.defaultAgentSet
  );
}

/**
 * Fills the demo organisation's departments with their knowledge bases, documents (queued for
 * ingestion), assistants and namespaces. Idempotent: what exists (by name, slug or file name) is kept
 * as it is, so running it again adds only what is missing, and a bundled document whose text changed
 * becomes a new revision of the same document. Each step commits on its own: a failure half-way is
 * completed by the next run.
 */
export async function seedDemoContent(
  ctx: ServiceContext,
  r: SeedDemoContentRepositories,
  services: DemoContentServices,
  documentsRoot?: string,
): Promise<DemoContentResult> {
  const result: DemoContentResult = {
    knowledgeBases: 0,
    documentsAdded: 0,
    documentsUpdated: 0,
    agents: 0,
    namespaces: 0,
    defaultAgentSet: false,
  };
  const departments = await r.departments.pageVisible(
    ctx.orgId,
    systemAccess,
    { includeArchived: false },
    PAGE,
  );
  const agentIds = new Map<string, string>();
  for (const content of DEMO_CONTENT) {
    const department = departments.items.find((d) => d.slug === content.department);
    if (!department) continue;
    const kbId = await ensureKnowledgeBase(ctx, r, services, department.id, content, result);
    await ensureDocuments(ctx, r, services, kbId, content.department, result, documentsRoot);
    const agentId = await ensureAgent(ctx, r, services, department.id, kbId, content, result);
    agentIds.set(content.agent.name, agentId);
    await ensureNamespace(ctx, r, services, department.id, agentId, content, result);
  }
  const defaultAgentId = agentIds.get(DEMO_DEFAULT_AGENT);
  if (defaultAgentId) result.defaultAgentSet = await ensureDefaultAgent(ctx, r, defaultAgentId);
  return result;
}

async function ensureKnowledgeBase(
  ctx: ServiceContext,
  r: SeedDemoContentRepositories,
  services: DemoContentServices,
  departmentId: string,
  content: DemoDepartmentContent,
  result: DemoContentResult,
): Promise<string> {
  const existing = (await r.knowledgeBases.findByName(ctx.orgId, content.knowledgeBase.name, ctx.db)).find(
    (kb) => kb.departmentId === departmentId,
  );
  if (existing) return existing.id;
  const kb = await services.knowledgeBases.create(ctx, { departmentId, ...content.knowledgeBase });
  result.knowledgeBases += 1;
  return kb.id;
}

async function ensureDocuments(
  ctx: ServiceContext,
  r: SeedDemoContentRepositories,
  services: DemoContentServices,
  knowledgeBaseId: string,
  department: string,
  result: DemoContentResult,
  documentsRoot: string | undefined,
): Promise<void> {
  for (const file of await readDemoDocuments(department, documentsRoot)) {
    const before = await r.documents.findFileByTitle(knowledgeBaseId, file.filename, ctx.db);
    const { document, created } = await services.documents.upload(ctx, knowledgeBaseId, {
      filename: file.filename,
      data: file.data,
      mimeType: "text/markdown",
    });
    if (created) result.documentsAdded += 1;
    else if (before && document.revision !== before.revision) result.documentsUpdated += 1;
  }
}

async function ensureAgent(
  ctx: ServiceContext,
  r: SeedDemoContentRepositories,
  services: DemoContentServices,
  departmentId: string,
  knowledgeBaseId: string,
  content: DemoDepartmentContent,
  result: DemoContentResult,
): Promise<string> {
  const existing = await r.agents.findLiveByName(ctx.orgId, content.agent.name, ctx.db);
  if (existing) return existing.id;
  const agent = await services.agents.create(ctx, {
    ...content.agent,
    departmentId,
    // Null: the configured default provider (the offline extractive model unless LLM_* says otherwise).
    primaryModelProvider: null,
    ragEnabled: [knowledgeBaseId],
    toolsEnabled: DEMO_AGENT_TOOLS,
  });
  result.agents += 1;
  return agent.id;
}

async function ensureNamespace(
  ctx: ServiceContext,
  r: SeedDemoContentRepositories,
  services: DemoContentServices,
  departmentId: string,
  agentId: string,
  content: DemoDepartmentContent,
  result: DemoContentResult,
): Promise<void> {
  const { slug } = content.namespace;
  const found = await r.namespaces.pageVisible(ctx.orgId, systemAccess, { q: slug }, PAGE, ctx.db);
  let namespaceId = found.items.find((ns) => ns.slug === slug)?.id;
  if (!namespaceId) {
    const created = await services.namespaces.create(ctx, {
      ...content.namespace,
      departmentId,
      config: { defaultAgentId: agentId },
    });
    namespaceId = created.id;
    result.namespaces += 1;
  }
  await ensureIntents(ctx, services, namespaceId, content);
}

/** The namespace's intent examples and their governance, once (a namespace with examples is kept). */
async function ensureIntents(
  ctx: ServiceContext,
  services: DemoContentServices,
  namespaceId: string,
  content: DemoDepartmentContent,
): Promise<void> {
  if (!content.intents || !services.intents || !services.trust) return;
  if ((await services.intents.summary(ctx, namespaceId)).examples > 0) return;
  await services.intents.import(ctx, namespaceId, {
    examples: content.intents.flatMap((i) => i.phrases.map((phrase) => ({ intent: i.intent, phrase }))),
  });
  for (const { intent, governance } of content.intents) {
    if (governance === "autonomous") await services.trust.promote(ctx, namespaceId, intent);
    if (governance === "hold" || governance === "handoff") {
      await services.trust.setTrust(ctx, namespaceId, intent, { route: governance });
    }
  }
}

/** Sets the organisation's default assistant unless one that still exists is already set. */
async function ensureDefaultAgent(
  ctx: ServiceContext,
  r: SeedDemoContentRepositories,
  agentId: string,
): Promise<boolean> {
  const org = await r.organizations.findById(ctx.orgId, ctx.db);
  if (!org) return false;
  const current = defaultAgentIdOf(org);
  if (current && (await r.agents.findInOrg(ctx.orgId, current, ctx.db))?.archived === false) return false;
  const settings = { ...org.settings, [DEFAULT_AGENT_SETTING]: agentId };
  await withTransaction(ctx.db, async (tx) => {
    await r.organizations.update(org.id, { settings }, tx);
    const change = { from: current ?? null, to: agentId };
    await recordAudit(
      r,
      ctx,
      {
        action: "org.updated",
        entityType: "organization",
        entityId: org.id,
        changes: { settings: { [DEFAULT_AGENT_SETTING]: change } },
      },
      tx,
    );
  });
  return true;
}
