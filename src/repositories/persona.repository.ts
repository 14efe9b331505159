import { and, eq, ilike, type SQL } from "drizzle-orm";
import type { Access } from "../core/access.js";
import type { Queryable } from "../db/client.js";
import { personas } from "../db/schema/index.js";
import type { Page, PageQuery } from "../lib/pagination.js";
import { departmentOrOrgWideScope } from "./scope.js";
import { TableRepository } from "./table-repository.js";

export type PersonaRow = typeof personas.$inferSelect;

export interface PersonaFilter {
  departmentId?: string | undefined;
  q?: string | undefined;
}

export const likePattern = (text: string) => `%${text.replace(/[\\%_]/g, "\\$&")}%`;

export class PersonaRepository extends TableRepository<typeof personas> {
  /** Org-wide personas (no department) are visible to every member; the rest follow department reach. */
  private visible(orgId: string, access: Access, filter: PersonaFilter): SQL | undefined {
    return and(
      eq(personas.orgId, orgId),
      departmentOrOrgWideScope(personas.departmentId, access),
      filter.departmentId ? eq(personas.departmentId, filter.departmentId) : undefined,
      filter.q ? ilike(personas.name, likePattern(filter.q)) : undefined,
    );
  }

  pageVisible(
    orgId: string,
    access: Access,
    filter: PersonaFilter,
    query: PageQuery,
    tx?: Queryable,
  ): Promise<Page<PersonaRow>> {
    return this.page(this.visible(orgId, access, filter), query, tx);
  }

  findInOrg(orgId: string, id: string, tx?: Queryable): Promise<PersonaRow | undefined> {
    return this.findOne(and(eq(personas.orgId, orgId), eq(personas.id, id)), tx);
  }
}
