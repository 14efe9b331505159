import { requirePermission } from "../../core/access.js";
import type { CursorPage } from "../../lib/pagination.js";
import type { AuditLogFilter, AuditLogRow } from "../../repositories/audit-log.repository.js";
import type { Repositories } from "../../repositories/index.js";
import type { ServiceContext } from "../context.js";

/**
 * Reading the audit log (audit:read), newest first. Rows stay inside the caller's organisation and
 * departments; org-level rows (no department) need a role that reaches every department.
 */
export function createAuditService(repositories: Pick<Repositories, "auditLogs">) {
  return {
    list(
      ctx: ServiceContext,
      filter: AuditLogFilter,
      page: { cursor?: string | undefined; limit: number },
    ): Promise<CursorPage<AuditLogRow>> {
      requirePermission(ctx, "audit:read");
      return repositories.auditLogs.pageVisible(ctx.orgId, ctx.access, filter, page, ctx.db);
    },
  };
}

export type AuditService = ReturnType<typeof createAuditService>;
