import { and, eq, ilike, or, type SQL } from "drizzle-orm";
import type { Queryable } from "../db/client.js";
import { departments } from "../db/schema/index.js";
import type { Page, PageQuery } from "../lib/pagination.js";
import type { Access } from "../services/context.js";
import { departmentScope } from "./scope.js";
import { TableRepository } from "./table-repository.js";

export type DepartmentRow = typeof departments.$inferSelect;

export interface DepartmentFilter {
  includeArchived: boolean;
  search?: string | undefined;
}

export class DepartmentRepository extends TableRepository<typeof departments> {
  private visible(orgId: string, access: Access, filter: DepartmentFilter): SQL | undefined {
    const pattern = filter.search ? `%${filter.search.replace(/[\\%_]/g, "\\$&")}%` : undefined;
    return and(
      eq(departments.orgId, orgId),
      departmentScope(departments.id, access),
      filter.includeArchived ? undefined : eq(departments.isArchived, false),
      pattern ? or(ilike(departments.name, pattern), ilike(departments.slug, pattern)) : undefined,
    );
  }

  pageVisible(
    orgId: string,
    access: Access,
    filter: DepartmentFilter,
    query: PageQuery,
    tx?: Queryable,
  ): Promise<Page<DepartmentRow>> {
    return this.page(this.visible(orgId, access, filter), query, tx);
  }

  findInOrg(orgId: string, id: string, tx?: Queryable): Promise<DepartmentRow | undefined> {
    return this.findOne(and(eq(departments.orgId, orgId), eq(departments.id, id)), tx);
  }

  /** The oldest department that is not archived (where OAuth sign-ups are placed). */
  async firstActive(orgId: string, tx?: Queryable): Promise<DepartmentRow | undefined> {
    const [first] = await this.findMany(
      and(eq(departments.orgId, orgId), eq(departments.isArchived, false)),
      tx,
      1,
    );
    return first;
  }
}
