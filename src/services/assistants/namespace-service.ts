import type { Queryable } from "../../db/client.js";
import { withTransaction } from "../../db/transaction.js";
import type { EncryptionKey } from "../../lib/encryption.js";
import { AppError } from "../../lib/errors.js";
import type { PageQuery } from "../../lib/pagination.js";
import type { Repositories } from "../../repositories/index.js";
import type { NamespaceFilter, NamespaceRow } from "../../repositories/namespace.repository.js";
import { diff, recordAudit } from "../audit/record-audit.js";
import type { ServiceContext } from "../context.js";
import { assertValidRules, type PiiPolicy, type PiiRules } from "../pii/settings.js";
import { assertScopeWritable, loadVisible, requireAssistantRead } from "./assistant-access.js";
import { createNamespacePlugins } from "./namespace-plugins.js";
import { usablePersona } from "./references.js";

export type NamespaceServiceRepositories = Pick<
  Repositories,
  "agents" | "auditLogs" | "departments" | "namespacePlugins" | "namespaces" | "personas"
>;

export interface NamespaceInput {
  departmentId: string;
  name: string;
  slug: string;
  description?: string | null | undefined;
  systemPrompt?: string | undefined;
  /** Inline persona text; `personaId` (a reusable persona) wins when both are set. */
  persona?: string | null | undefined;
  personaId?: string | null | undefined;
  /** Free-form settings; `defaultAgentId` names the agent conversations addressed to the namespace use. */
  config?: Record<string, unknown> | undefined;
  isActive?: boolean | undefined;
  /** PII handling in the namespace's turns (ADR 0007); `mask` when not given. */
  piiPolicy?: PiiPolicy | undefined;
  /** The namespace's own PII patterns and dictionaries. */
  piiRules?: PiiRules | undefined;
  /** Store the person's question masked too. */
  piiMaskStoredQuestion?: boolean | undefined;
}

export type NamespacePatch = Partial<Omit<NamespaceInput, "departmentId">>;

export function createNamespaceService(r: NamespaceServiceRepositories, pluginSecretKey: EncryptionKey) {
  const load = (ctx: ServiceContext, id: string) =>
    loadVisible(ctx, "Namespace", id, () => r.namespaces.findInOrg(ctx.orgId, id, ctx.db));

  /** References must stay inside the namespace's department (or be organisation-wide personas). */
  async function checkReferences(ctx: ServiceContext, departmentId: string, input: NamespacePatch) {
    if (input.piiRules) assertValidRules(input.piiRules);
    if (input.personaId) await usablePersona(r, ctx, input.personaId, departmentId);
    const agentId = input.config?.defaultAgentId;
    if (agentId === undefined || agentId === null) return;
    const agent =
      typeof agentId === "string" && /^[0-9a-f-]{36}$/i.test(agentId)
        ? await r.agents.findInOrg(ctx.orgId, agentId, ctx.db)
        : undefined;
    if (!agent || agent.departmentId !== departmentId || agent.archived) {
      throw new AppError(
        "VALIDATION",
        "config.defaultAgentId must name a live agent of the namespace's department",
        { field: "config.defaultAgentId" },
      );
    }
  }

  async function audit(
    ctx: ServiceContext,
    action: string,
    ns: NamespaceRow,
    changes: object,
    tx: Queryable,
  ) {
    await recordAudit(
      r,
      ctx,
      {
        action: `namespace.${action}`,
        entityType: "namespace",
        entityId: ns.id,
        departmentId: ns.departmentId,
        changes: { ...changes },
      },
      tx,
    );
  }

  return {
    list(ctx: ServiceContext, filter: NamespaceFilter, page: PageQuery) {
      requireAssistantRead(ctx);
      return r.namespaces.pageVisible(ctx.orgId, ctx.access, filter, page, ctx.db);
    },

    get: load,

    async create(ctx: ServiceContext, input: NamespaceInput): Promise<NamespaceRow> {
      await assertScopeWritable(r, ctx, input.departmentId);
      await checkReferences(ctx, input.departmentId, input);
      return withTransaction(ctx.db, async (tx) => {
        const ns = await r.namespaces.create({ ...input, orgId: ctx.orgId }, tx);
        await audit(ctx, "created", ns, { name: ns.name, slug: ns.slug }, tx);
        return ns;
      });
    },

    async update(ctx: ServiceContext, id: string, patch: NamespacePatch): Promise<NamespaceRow> {
      const ns = await load(ctx, id);
      await assertScopeWritable(r, ctx, ns.departmentId);
      await checkReferences(ctx, ns.departmentId, patch);
      return withTransaction(ctx.db, async (tx) => {
        const updated = await r.namespaces.update(id, patch, tx);
        await audit(ctx, "updated", ns, diff(ns, patch), tx);
        return updated!;
      });
    },

    /** Deletes the namespace with its plugins; its conversations keep their history. */
    async delete(ctx: ServiceContext, id: string): Promise<void> {
      const ns = await load(ctx, id);
      await assertScopeWritable(r, ctx, ns.departmentId);
      await withTransaction(ctx.db, async (tx) => {
        await r.namespaces.delete(id, tx);
        await audit(ctx, "deleted", ns, { name: ns.name, slug: ns.slug }, tx);
      });
    },

    plugins: createNamespacePlugins(r, load, pluginSecretKey),
  };
}

export type NamespaceService = ReturnType<typeof createNamespaceService>;
