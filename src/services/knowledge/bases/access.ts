import { assertDepartmentVisible, requirePermission } from "../../../core/access.js";
import { AppError } from "../../../lib/errors.js";
import type { Repositories } from "../../../repositories/index.js";
import type { KnowledgeBaseRow } from "../../../repositories/knowledge-base.repository.js";
import type { ServiceContext } from "../../context.js";

/**
 * Loads a knowledge base the caller may read (kb:read, its department visible) — a base in a hidden
 * department is NOT_FOUND like a missing one. With `write`, also needs kb:write and refuses changes
 * while the department is archived (read-only).
 */
export async function loadKnowledgeBase(
  r: Pick<Repositories, "knowledgeBases">,
  ctx: ServiceContext,
  id: string,
  options: { write?: boolean } = {},
): Promise<KnowledgeBaseRow> {
  requirePermission(ctx, options.write ? "kb:write" : "kb:read");
  const kb = await r.knowledgeBases.findInOrg(ctx.orgId, id, ctx.db);
  if (!kb) throw AppError.notFound("Knowledge base", id);
  assertDepartmentVisible(ctx, kb.departmentId, "Knowledge base", id);
  if (options.write) await assertWritable(r, ctx, kb.departmentId);
  return kb;
}

/** Archived departments keep their knowledge readable but refuse every change. */
export async function assertWritable(
  r: Pick<Repositories, "knowledgeBases">,
  ctx: ServiceContext,
  departmentId: string,
): Promise<void> {
  if (await r.knowledgeBases.departmentArchived(departmentId, ctx.db)) {
    throw new AppError(
      "PRECONDITION_FAILED",
      "The department is archived, so its knowledge is read-only; unarchive it to make changes",
    );
  }
}
