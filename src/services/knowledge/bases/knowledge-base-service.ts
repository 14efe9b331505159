import { assertDepartmentVisible, requirePermission } from "../../../core/access.js";
import { withTransaction } from "../../../db/transaction.js";
import type { JobQueue } from "../../../jobs/queue.js";
import { AppError } from "../../../lib/errors.js";
import type { PageQuery } from "../../../lib/pagination.js";
import type { BlobStorage } from "../../../providers/storage/index.js";
import type { Repositories } from "../../../repositories/index.js";
import type {
  KnowledgeBaseFilter,
  KnowledgeBaseRow,
} from "../../../repositories/knowledge-base.repository.js";
import { diff, recordAudit } from "../../audit/record-audit.js";
import type { ServiceContext } from "../../context.js";
import { assertWritable, loadKnowledgeBase } from "./access.js";
import {
  type KnowledgeBaseConfig,
  type KnowledgeBaseConfigInput,
  mergeConfig,
  resolveConfig,
} from "./config.js";
import type { EmbedderRegistry } from "./embedders.js";

export interface KnowledgeBaseInput {
  departmentId: string;
  name: string;
  description?: string | null | undefined;
  embeddingModel?: string | undefined;
  config?: KnowledgeBaseConfigInput | undefined;
}

export type KnowledgeBasePatch = Partial<Omit<KnowledgeBaseInput, "departmentId">>;

export type KnowledgeBaseView = Omit<KnowledgeBaseRow, "config"> & { config: KnowledgeBaseConfig };

const view = (kb: KnowledgeBaseRow): KnowledgeBaseView => ({ ...kb, config: resolveConfig(kb.config) });

export interface KnowledgeBaseDeps {
  repositories: Pick<Repositories, "knowledgeBases" | "departments" | "documents" | "auditLogs">;
  queue: JobQueue;
  embedders: EmbedderRegistry;
  storage: BlobStorage;
}

export function createKnowledgeBaseService(deps: KnowledgeBaseDeps) {
  const r = deps.repositories;

  /**
   * A model change starts a background re-embedding: the base keeps serving its current model while
   * `pendingEmbeddingModel` is filled in, and switches once every chunk has it.
   */
  async function changeModel(ctx: ServiceContext, kb: KnowledgeBaseRow, model: string) {
    const tx = ctx.db;
    if (kb.pendingEmbeddingModel) await r.knowledgeBases.discardPending(kb.id, kb.pendingEmbeddingModel, tx);
    if (model === kb.embeddingModel) return { pendingEmbeddingModel: null };
    await deps.queue.enqueue(
      tx,
      "knowledge_base.reembed",
      { knowledgeBaseId: kb.id, orgId: kb.orgId, model },
      { dedupeKey: `knowledge_base.reembed:${kb.id}:${model}` },
    );
    return { pendingEmbeddingModel: model };
  }

  return {
    async list(ctx: ServiceContext, filter: KnowledgeBaseFilter, page: PageQuery) {
      requirePermission(ctx, "kb:read");
      const result = await r.knowledgeBases.pageVisible(ctx.orgId, ctx.access, filter, page, ctx.db);
      return { ...result, items: result.items.map(view) };
    },

    async get(ctx: ServiceContext, id: string): Promise<KnowledgeBaseView> {
      return view(await loadKnowledgeBase(r, ctx, id));
    },

    /** A base by name (the CLI's `--kb`); ambiguous names must be given as ids. */
    async findByName(ctx: ServiceContext, name: string): Promise<KnowledgeBaseView | undefined> {
      requirePermission(ctx, "kb:read");
      const all = await r.knowledgeBases.findByName(ctx.orgId, name, ctx.db);
      const visible = all.filter((kb) => {
        try {
          assertDepartmentVisible(ctx, kb.departmentId, "Knowledge base", kb.id);
          return true;
        } catch {
          return false;
        }
      });
      if (visible.length > 1) {
        throw new AppError("CONFLICT", `${visible.length} knowledge bases are named "${name}"; use an id`);
      }
      return visible[0] ? view(visible[0]) : undefined;
    },

    async create(ctx: ServiceContext, input: KnowledgeBaseInput): Promise<KnowledgeBaseView> {
      requirePermission(ctx, "kb:write");
      const department = await r.departments.findInOrg(ctx.orgId, input.departmentId, ctx.db);
      if (!department) throw AppError.notFound("Department", input.departmentId);
      assertDepartmentVisible(ctx, department.id, "Department", input.departmentId);
      await assertWritable(r, ctx, department.id);
      const model = input.embeddingModel ?? deps.embedders.defaultModel;
      deps.embedders.get(model);
      const config = mergeConfig({}, input.config);
      return withTransaction(ctx.db, async (tx) => {
        const kb = await r.knowledgeBases.create(
          {
            orgId: ctx.orgId,
            departmentId: department.id,
            name: input.name,
            description: input.description ?? null,
            embeddingModel: model,
            config: config as unknown as Record<string, unknown>,
            createdById: ctx.actor.userId ?? null,
          },
          tx,
        );
        await recordAudit(
          r,
          ctx,
          {
            action: "knowledge_base.created",
            entityType: "knowledge_base",
            entityId: kb.id,
            departmentId: kb.departmentId,
            changes: { name: kb.name, embeddingModel: model, config },
          },
          tx,
        );
        return view(kb);
      });
    },

    async update(ctx: ServiceContext, id: string, patch: KnowledgeBasePatch): Promise<KnowledgeBaseView> {
      const kb = await loadKnowledgeBase(r, ctx, id, { write: true });
      if (patch.embeddingModel) deps.embedders.get(patch.embeddingModel);
      const config = patch.config ? mergeConfig(kb.config, patch.config) : undefined;
      return withTransaction(ctx.db, async (tx) => {
        const txCtx = { ...ctx, db: tx };
        const model =
          patch.embeddingModel && patch.embeddingModel !== (kb.pendingEmbeddingModel ?? kb.embeddingModel)
            ? await changeModel(txCtx, kb, patch.embeddingModel)
            : {};
        const values = {
          ...(patch.name !== undefined ? { name: patch.name } : {}),
          ...(patch.description !== undefined ? { description: patch.description } : {}),
          ...(config ? { config: config as unknown as Record<string, unknown> } : {}),
          ...model,
        };
        const updated = await r.knowledgeBases.update(id, values, tx);
        await recordAudit(
          r,
          ctx,
          {
            action: "knowledge_base.updated",
            entityType: "knowledge_base",
            entityId: id,
            departmentId: kb.departmentId,
            changes: diff(kb, values),
          },
          tx,
        );
        return view(updated!);
      });
    },

    /** Deletes the base with its documents, chunks and web sources; stored originals go after commit. */
    async delete(ctx: ServiceContext, id: string): Promise<void> {
      const kb = await loadKnowledgeBase(r, ctx, id, { write: true });
      const keys: string[] = [];
      await withTransaction(ctx.db, async (tx) => {
        keys.push(...(await r.documents.storageKeys({ knowledgeBaseId: id }, tx)));
        await r.knowledgeBases.delete(id, tx);
        await recordAudit(
          r,
          ctx,
          {
            action: "knowledge_base.deleted",
            entityType: "knowledge_base",
            entityId: id,
            departmentId: kb.departmentId,
            changes: { name: kb.name },
          },
          tx,
        );
      });
      await Promise.allSettled(keys.map((key) => deps.storage.delete(key)));
    },
  };
}

export type KnowledgeBaseService = ReturnType<typeof createKnowledgeBaseService>;
