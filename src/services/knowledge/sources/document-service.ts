import { assertDepartmentVisible, requirePermission } from "../../../core/access.js";
import { withTransaction } from "../../../db/transaction.js";
import { AppError } from "../../../lib/errors.js";
import type { PageQuery } from "../../../lib/pagination.js";
import type { DocumentFilter, DocumentRow } from "../../../repositories/document.repository.js";
import { recordAudit } from "../../audit/record-audit.js";
import type { ServiceContext } from "../../context.js";
import { assertWritable, loadKnowledgeBase } from "../bases/index.js";
import { type DocumentDeps, type DocumentView, enqueueIngest, toDocumentView } from "./document-records.js";
import { createDocumentSources } from "./document-sources.js";

export { type DocumentDeps, type DocumentView, enqueueIngest, toDocumentView } from "./document-records.js";

export function createDocumentService(deps: DocumentDeps) {
  const r = deps.repositories;

  async function load(ctx: ServiceContext, id: string, write = false): Promise<DocumentRow> {
    requirePermission(ctx, write ? "kb:write" : "kb:read");
    const doc = await r.documents.findInOrg(ctx.orgId, id, ctx.db);
    if (!doc?.knowledgeBaseId) throw AppError.notFound("Document", id);
    assertDepartmentVisible(ctx, doc.departmentId, "Document", id);
    if (write) await assertWritable(r, ctx, doc.departmentId);
    return doc;
  }

  return {
    ...createDocumentSources(deps),

    /** Checks that the caller may add documents to the base (before an upload is read). */
    async assertCanAdd(ctx: ServiceContext, knowledgeBaseId: string): Promise<void> {
      await loadKnowledgeBase(r, ctx, knowledgeBaseId, { write: true });
    },

    async list(ctx: ServiceContext, knowledgeBaseId: string, filter: DocumentFilter, page: PageQuery) {
      const kb = await loadKnowledgeBase(r, ctx, knowledgeBaseId);
      const result = await r.documents.pageInKnowledgeBase(kb.id, filter, page, ctx.db);
      return { ...result, items: result.items.map(toDocumentView) };
    },

    async get(ctx: ServiceContext, id: string): Promise<DocumentView> {
      return toDocumentView(await load(ctx, id));
    },

    /** The document's chunks in reading order (what retrieval finds and answers cite). */
    async chunks(ctx: ServiceContext, id: string, page: PageQuery) {
      const doc = await load(ctx, id);
      return r.chunks.pageOfDocument(doc.id, page, ctx.db);
    },

    /** Runs the pipeline again (a new revision); unchanged content ends as "ready" with no new chunks. */
    async reingest(ctx: ServiceContext, id: string): Promise<DocumentView> {
      const doc = await load(ctx, id, true);
      return withTransaction(ctx.db, async (tx) => {
        const revision = doc.revision + 1;
        const updated = await r.documents.update(
          id,
          { status: "pending", error: null, revision, progress: { stage: "queued" } },
          tx,
        );
        await enqueueIngest(deps.queue, tx, updated!, revision);
        await recordAudit(
          r,
          ctx,
          {
            action: "document.reingested",
            entityType: "document",
            entityId: id,
            departmentId: doc.departmentId,
          },
          tx,
        );
        return toDocumentView(updated!);
      });
    },

    /** Deletes the document and its chunks; the stored original goes once the deletion committed. */
    async delete(ctx: ServiceContext, id: string): Promise<void> {
      const doc = await load(ctx, id, true);
      await withTransaction(ctx.db, async (tx) => {
        await r.documents.delete(id, tx);
        await recordAudit(
          r,
          ctx,
          {
            action: "document.deleted",
            entityType: "document",
            entityId: id,
            departmentId: doc.departmentId,
            changes: { title: doc.title, knowledgeBaseId: doc.knowledgeBaseId },
          },
          tx,
        );
      });
      if (doc.storageKey) await deps.storage.delete(doc.storageKey).catch(() => undefined);
    },
  };
}

export type DocumentService = ReturnType<typeof createDocumentService>;
