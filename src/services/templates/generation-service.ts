import { hasPermission } from "../../core/access.js";
import type { Queryable } from "../../db/client.js";
import { withTransaction } from "../../db/transaction.js";
import type { JobQueue } from "../../jobs/queue.js";
import { AppError, isAppError } from "../../lib/errors.js";
import { newId } from "../../lib/ids.js";
import type { Logger } from "../../lib/logger.js";
import type { PageQuery } from "../../lib/pagination.js";
import { type BlobStorage, blobKey } from "../../providers/storage/index.js";
import type {
  DocumentGenerationFilter,
  DocumentGenerationRow,
  DocumentTemplateRow,
} from "../../repositories/document-template.repository.js";
import type { Repositories } from "../../repositories/index.js";
import { canSeeScope } from "../assistants/assistant-access.js";
import { recordAudit } from "../audit/record-audit.js";
import type { ActingUsers } from "../auth/acting-user.js";
import type { ServiceContext } from "../context.js";
import type { DocumentService } from "../knowledge/index.js";
import { systemContext } from "../orgs/system-context.js";
import { renderTemplate } from "./engine/render.js";
import { buildOutput, OUTPUT_TYPES } from "./output/index.js";
import {
  declaredNames,
  loadTemplate,
  managesTemplates,
  orgFormatOf,
  requireTemplateRead,
} from "./template-access.js";
import { resolveInput } from "./variables.js";

export type GenerationServiceRepositories = Pick<
  Repositories,
  | "approvals"
  | "auditLogs"
  | "conversations"
  | "departments"
  | "documentGenerations"
  | "documentTemplateVersions"
  | "documentTemplates"
  | "organizations"
  | "users"
>;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export interface GenerateInput {
  input?: Record<string, unknown> | undefined;
  /** Save the output into this knowledge base (else the template's default, unless `save` is false). */
  knowledgeBaseId?: string | null | undefined;
  save?: boolean | undefined;
  conversationId?: string | null | undefined;
}

export interface GenerationDeps {
  repositories: GenerationServiceRepositories;
  storage: BlobStorage;
  documents: DocumentService;
  /** Where PDF, DOCX and large renders go (`document.generate`); without it everything renders inline. */
  queue?: JobQueue | undefined;
  /** The worker renders as the person who asked (their knowledge-base rights, their name on the file). */
  actingUsers?: ActingUsers | undefined;
  db?: Queryable | undefined;
  /** Tells the approvers of a generation held for approval (set once governance exists). */
  notifyHeld?: (() => ((ctx: ServiceContext, approvalId: string) => Promise<void>) | undefined) | undefined;
}

/** Inputs above this many characters (as JSON) render in the worker whatever the format. */
export const INLINE_INPUT_LIMIT = 32 * 1024;

/** PDF and DOCX (layout engines) and large inputs render in the worker; small text formats inline. */
export function rendersInWorker(format: DocumentGenerationRow["outputFormat"], input: unknown): boolean {
  return format === "pdf" || format === "docx" || JSON.stringify(input).length > INLINE_INPUT_LIMIT;
}

/** A generation as the API shows it: the stored file is reached through its download link. */
export function toGenerationView(row: DocumentGenerationRow) {
  const { storageKey, output: _output, ...rest } = row;
  return { ...rest, downloadUrl: storageKey ? `/document-generations/${row.id}/download` : null };
}
export type GenerationView = ReturnType<typeof toGenerationView>;

const fileNameOf = (template: Pick<DocumentTemplateRow, "name">, row: DocumentGenerationRow) => {
  const base =
    template.name
      .replace(/[^\p{L}\p{N} ._-]+/gu, "")
      .trim()
      .slice(0, 80) || "document";
  return `${base} ${row.id.slice(-8)}${OUTPUT_TYPES[row.outputFormat].extension}`;
};

export function createGenerationService(deps: GenerationDeps) {
  const r = deps.repositories;

  /** A generation the caller may see: its department's (or org-wide), and theirs unless they manage templates. */
  async function load(ctx: ServiceContext, id: string): Promise<DocumentGenerationRow> {
    requireTemplateRead(ctx);
    const row = await r.documentGenerations.findInOrg(ctx.orgId, id, ctx.db);
    const mine = row?.userId != null && row.userId === ctx.actor.userId;
    if (!row || !canSeeScope(ctx.access, row.departmentId) || (!managesTemplates(ctx) && !mine)) {
      throw AppError.notFound("Document generation", id);
    }
    return row;
  }

  /** pending → rendering → done (file stored, saved into the knowledge base when asked) or failed. */
  async function run(ctx: ServiceContext, template: DocumentTemplateRow, row: DocumentGenerationRow) {
    await r.documentGenerations.update(row.id, { status: "rendering" }, ctx.db);
    let storageKey: string | undefined;
    try {
      const org = await orgFormatOf(r, ctx);
      const text = renderTemplate(template.templateBody, declaredNames(template.variables), row.input, org);
      const file = await buildOutput(row.outputFormat, text, { title: template.name, orgName: org.name });
      storageKey = blobKey("orgs", ctx.orgId, "generations", row.id, `${newId()}${file.extension}`);
      await deps.storage.put(storageKey, file.data, { contentType: file.mimeType });
      let outputFileId: string | null = null;
      if (row.knowledgeBaseId) {
        const saved = await deps.documents.addGenerated(ctx, row.knowledgeBaseId, {
          filename: fileNameOf(template, row),
          mimeType: file.mimeType.split(";")[0],
          data: file.data,
          metadata: { generationId: row.id, templateId: template.id, templateVersion: template.version },
        });
        outputFileId = saved.document.id;
      }
      return (await r.documentGenerations.update(
        row.id,
        {
          status: "done",
          output: text,
          storageKey,
          sizeBytes: file.data.length,
          outputFileId,
          error: null,
          completedAt: new Date(),
        },
        ctx.db,
      ))!;
    } catch (error) {
      if (storageKey) await deps.storage.delete(storageKey).catch(() => undefined);
      const message = isAppError(error) && error.code !== "INTERNAL" ? error.message : "Rendering failed";
      if (!isAppError(error))
        ctx.logger.error({ err: error, generationId: row.id }, "document generation failed");
      return (await r.documentGenerations.update(
        row.id,
        { status: "failed", error: message, completedAt: new Date() },
        ctx.db,
      ))!;
    }
  }

  async function start(ctx: ServiceContext, template: DocumentTemplateRow, request: GenerateInput) {
    if (!template.isActive)
      throw new AppError("CONFLICT", "The template is inactive; activate it to generate");
    const input = resolveInput(template.variables, request.input ?? {});
    const knowledgeBaseId =
      request.knowledgeBaseId ?? (request.save === false ? null : template.defaultKnowledgeBaseId);
    if (request.save === true && !knowledgeBaseId) {
      throw new AppError("VALIDATION", "Say which knowledge base to save into (knowledgeBaseId)");
    }
    if (knowledgeBaseId) await deps.documents.assertCanAdd(ctx, knowledgeBaseId);
    if (request.conversationId) {
      const conversation = await r.conversations.findById(request.conversationId, ctx.db);
      if (conversation?.orgId !== ctx.orgId || conversation.userId !== ctx.actor.userId) {
        throw AppError.notFound("Conversation", request.conversationId);
      }
    }
    const held = template.requiresApproval;
    const created = async (tx: Queryable) => {
      const row = await r.documentGenerations.create(
        {
          orgId: ctx.orgId,
          departmentId: template.departmentId,
          templateId: template.id,
          templateVersion: template.version,
          userId: ctx.actor.userId ?? null,
          conversationId: request.conversationId ?? null,
          input,
          outputFormat: template.outputFormat,
          knowledgeBaseId: knowledgeBaseId ?? null,
          status: held ? "awaiting_approval" : "pending",
        },
        tx,
      );
      // Held (ADR 0008): an approval of the template's department (and namespace) holds it until decided.
      const approval = held
        ? await r.approvals.create(
            {
              orgId: ctx.orgId,
              departmentId: template.departmentId,
              namespaceId: template.namespaceId,
              documentGenerationId: row.id,
              requesterId: ctx.actor.userId ?? null,
              status: "pending",
            },
            tx,
          )
        : undefined;
      return { row, approvalId: approval?.id };
    };
    const { row, approvalId } = held ? await withTransaction(ctx.db, created) : await created(ctx.db);
    const deferred = !held && deps.queue !== undefined && rendersInWorker(row.outputFormat, input);
    if (deferred) {
      await deps.queue!.enqueue(
        ctx.db,
        "document.generate",
        { orgId: ctx.orgId, generationId: row.id },
        { dedupeKey: `document.generate:${row.id}` },
      );
    }
    const finished = held || deferred ? row : await run(ctx, template, row);
    if (approvalId) await deps.notifyHeld?.()?.(ctx, approvalId);
    await recordAudit(r, ctx, {
      action: "document_generation.created",
      entityType: "document_generation",
      entityId: row.id,
      departmentId: row.departmentId,
      changes: {
        templateId: template.id,
        status: finished.status,
        knowledgeBaseId: knowledgeBaseId ?? null,
        ...(approvalId ? { approvalId } : {}),
      },
    });
    return toGenerationView(finished);
  }

  /** A template by id, or by name among those the caller can see (one match, else a clear error). */
  async function byReference(ctx: ServiceContext, ref: string): Promise<DocumentTemplateRow> {
    requireTemplateRead(ctx);
    if (UUID.test(ref)) return loadTemplate(r, ctx, ref);
    const found = await r.documentTemplates.findVisibleByName(ctx.orgId, ctx.access, ref.trim(), ctx.db);
    if (found.length === 0) throw AppError.notFound("Document template", ref);
    if (found.length > 1) {
      throw new AppError("VALIDATION", `Several templates are named "${ref}"; give the template's id`, {
        ids: found.map((t) => t.id),
      });
    }
    return found[0]!;
  }

  /** The template as it was at the generation's version (the body may have changed since it was queued). */
  async function templateAt(row: DocumentGenerationRow, db: Queryable) {
    const template = row.templateId ? await r.documentTemplates.findById(row.templateId, db) : undefined;
    if (!template || template.version === row.templateVersion) return template;
    const kept = (await r.documentTemplateVersions.listOf(template.id, db)).find(
      (v) => v.version === row.templateVersion,
    );
    return kept ? { ...template, templateBody: kept.templateBody, variables: kept.variables } : template;
  }

  return {
    /** `document.generate`: renders a queued generation as its requester; a finished one is left alone. */
    async renderQueued(orgId: string, generationId: string, logger: Logger): Promise<unknown> {
      const db = deps.db;
      if (!db) throw new AppError("UNAVAILABLE", "No database for queued generations");
      const row = await r.documentGenerations.findInOrg(orgId, generationId, db);
      if (!row || (row.status !== "pending" && row.status !== "rendering")) return undefined;
      const fail = (error: string) =>
        r.documentGenerations.update(row.id, { status: "failed", error, completedAt: new Date() }, db);
      const template = await templateAt(row, db);
      if (!template) return fail("The template was deleted before the document was rendered");
      const requester = row.userId ? await r.users.findById(row.userId, db) : undefined;
      let ctx: ServiceContext;
      if (requester?.isActive && deps.actingUsers) {
        ctx = await deps.actingUsers.contextFor(orgId, requester.email, db, logger, "document-generation");
      } else if (!row.userId) {
        ctx = systemContext(orgId, db, logger, "document-generation");
      } else {
        return fail("The person who asked for this document can no longer act");
      }
      return toGenerationView(await run(ctx, template, row));
    },

    /** By id or visible name: the assistant tool `generate_document` names templates as people do. */
    async generateFor(ctx: ServiceContext, ref: string, request: GenerateInput): Promise<GenerationView> {
      return start(ctx, await byReference(ctx, ref), request);
    },

    /** Renders inline (templates are small; large inputs are capped by the body limit). */
    async generate(ctx: ServiceContext, templateId: string, request: GenerateInput): Promise<GenerationView> {
      return start(ctx, await loadTemplate(r, ctx, templateId), request);
    },

    async list(ctx: ServiceContext, filter: DocumentGenerationFilter, page: PageQuery) {
      requireTemplateRead(ctx);
      const own = managesTemplates(ctx) ? filter : { ...filter, userId: ctx.actor.userId ?? "" };
      const result = await r.documentGenerations.pageVisible(ctx.orgId, ctx.access, own, page, ctx.db);
      return { ...result, items: result.items.map(toGenerationView) };
    },

    async get(ctx: ServiceContext, id: string): Promise<GenerationView> {
      return toGenerationView(await load(ctx, id));
    },

    async download(ctx: ServiceContext, id: string) {
      const row = await load(ctx, id);
      if (!row.storageKey) {
        throw new AppError(
          row.status === "done" ? "NOT_FOUND" : "CONFLICT",
          row.status === "done"
            ? "The output was deleted"
            : `The generation is ${row.status}; there is no file`,
        );
      }
      const template = row.templateId
        ? await r.documentTemplates.findById(row.templateId, ctx.db)
        : undefined;
      return {
        data: await deps.storage.get(row.storageKey),
        mimeType: OUTPUT_TYPES[row.outputFormat].mimeType,
        filename: fileNameOf(template ?? { name: "document" }, row),
      };
    },

    /** The same input through the template as it is now (its current version). */
    async rerun(ctx: ServiceContext, id: string): Promise<GenerationView> {
      const row = await load(ctx, id);
      if (!row.templateId) throw new AppError("CONFLICT", "The template of this generation was deleted");
      const template = await loadTemplate(r, ctx, row.templateId);
      return start(ctx, template, {
        input: row.input,
        knowledgeBaseId: row.knowledgeBaseId,
        save: row.knowledgeBaseId !== null,
        conversationId: row.conversationId,
      });
    },

    /** Deletes the stored file and the rendered text; the history row stays (a copy saved into a knowledge base is that base's). */
    async deleteOutput(ctx: ServiceContext, id: string): Promise<GenerationView> {
      const row = await load(ctx, id);
      if (!hasPermission(ctx.access, "templates:manage") && row.userId !== ctx.actor.userId) {
        throw AppError.notFound("Document generation", id);
      }
      const updated = (await r.documentGenerations.update(
        id,
        { storageKey: null, output: null, sizeBytes: null },
        ctx.db,
      ))!;
      if (row.storageKey) await deps.storage.delete(row.storageKey).catch(() => undefined);
      await recordAudit(r, ctx, {
        action: "document_generation.output_deleted",
        entityType: "document_generation",
        entityId: id,
        departmentId: row.departmentId,
      });
      return toGenerationView(updated);
    },
  };
}

export type GenerationService = ReturnType<typeof createGenerationService>;
