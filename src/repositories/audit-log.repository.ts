import { and, eq, gte, isNull, lt, notInArray, or, type SQL } from "drizzle-orm";
import type { Access } from "../core/access.js";
import type { Queryable } from "../db/client.js";
import { auditLogs } from "../db/schema/index.js";
import type { CursorPage } from "../lib/pagination.js";
import { departmentScope } from "./scope.js";
import { TableRepository } from "./table-repository.js";

export type AuditLogRow = typeof auditLogs.$inferSelect;

export interface AuditLogFilter {
  action?: string | undefined;
  entityType?: string | undefined;
  entityId?: string | undefined;
  userId?: string | undefined;
  departmentId?: string | undefined;
  from?: Date | undefined;
  to?: Date | undefined;
}

export class AuditLogRepository extends TableRepository<typeof auditLogs> {
  /**
   * Rows of one organisation the caller may read: org-wide roles see everything, including rows with
   * no department (org-level events), except departments revoked from them; department-limited
   * readers see only rows of their departments.
   */
  private scope(access: Access): SQL | undefined {
    if (!access.allDepartments) return departmentScope(auditLogs.departmentId, access);
    const excluded = [...access.excludedDepartmentIds];
    return excluded.length > 0
      ? or(isNull(auditLogs.departmentId), notInArray(auditLogs.departmentId, excluded))
      : undefined;
  }

  pageVisible(
    orgId: string,
    access: Access,
    filter: AuditLogFilter,
    options: { cursor?: string | undefined; limit: number },
    tx?: Queryable,
  ): Promise<CursorPage<AuditLogRow>> {
    const where = and(
      eq(auditLogs.orgId, orgId),
      this.scope(access),
      filter.action ? eq(auditLogs.action, filter.action) : undefined,
      filter.entityType ? eq(auditLogs.entityType, filter.entityType) : undefined,
      filter.entityId ? eq(auditLogs.entityId, filter.entityId) : undefined,
      filter.userId ? eq(auditLogs.userId, filter.userId) : undefined,
      filter.departmentId ? eq(auditLogs.departmentId, filter.departmentId) : undefined,
      filter.from ? gte(auditLogs.createdAt, filter.from) : undefined,
      filter.to ? lt(auditLogs.createdAt, filter.to) : undefined,
    );
    return this.pageAfter(where, options, tx);
  }
}
