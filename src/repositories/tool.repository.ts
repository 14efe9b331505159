import { and, asc, eq, ilike, inArray, isNull, or, type SQL } from "drizzle-orm";
import type { Access } from "../core/access.js";
import type { Queryable } from "../db/client.js";
import { guarded } from "../db/errors.js";
import { chunks, tools } from "../db/schema/index.js";
import type { Page, PageQuery } from "../lib/pagination.js";
import { departmentScope } from "./scope.js";
import { TableRepository } from "./table-repository.js";

export type ToolRow = typeof tools.$inferSelect;

export interface ToolFilter {
  departmentId?: string | undefined;
  kind?: "http" | "mcp" | undefined;
  search?: string | undefined;
}

export class ToolRepository extends TableRepository<typeof tools> {
  /** Org-wide tools (no department) plus the tools of departments `access` reaches. */
  private visible(orgId: string, access: Access, filter: ToolFilter): SQL | undefined {
    const scope = departmentScope(tools.departmentId, access);
    const pattern = filter.search ? `%${filter.search.replace(/[\\%_]/g, "\\$&")}%` : undefined;
    return and(
      eq(tools.orgId, orgId),
      scope ? or(isNull(tools.departmentId), scope) : undefined,
      filter.departmentId ? eq(tools.departmentId, filter.departmentId) : undefined,
      filter.kind ? eq(tools.kind, filter.kind) : undefined,
      pattern ? ilike(tools.name, pattern) : undefined,
    );
  }

  pageVisible(
    orgId: string,
    access: Access,
    filter: ToolFilter,
    query: PageQuery,
    tx?: Queryable,
  ): Promise<Page<ToolRow>> {
    return this.page(this.visible(orgId, access, filter), query, tx);
  }

  findInOrg(orgId: string, id: string, tx?: Queryable): Promise<ToolRow | undefined> {
    return this.findOne(and(eq(tools.orgId, orgId), eq(tools.id, id)), tx);
  }

  /** Enabled tools of the organisation with these names, org-wide or of `departmentId`. */
  findUsable(
    orgId: string,
    names: string[],
    departmentId: string | null,
    tx?: Queryable,
  ): Promise<ToolRow[]> {
    if (names.length === 0) return Promise.resolve([]);
    return this.findMany(
      and(
        eq(tools.orgId, orgId),
        inArray(tools.name, names),
        eq(tools.enabled, true),
        departmentId
          ? or(isNull(tools.departmentId), eq(tools.departmentId, departmentId))
          : isNull(tools.departmentId),
      ),
      tx,
    );
  }

  /** A document's chunks in reading order (for tools that show a document's text), at most `limit`. */
  async documentChunks(documentId: string, limit: number, tx?: Queryable): Promise<string[]> {
    const rows = await guarded(() =>
      this.q(tx)
        .select({ content: chunks.content })
        .from(chunks)
        .where(eq(chunks.documentId, documentId))
        .orderBy(asc(chunks.ordinal))
        .limit(limit),
    );
    return rows.map((r) => r.content);
  }
}
