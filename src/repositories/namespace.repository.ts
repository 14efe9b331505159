import { and, eq, ilike, or, type SQL } from "drizzle-orm";
import type { Access } from "../core/access.js";
import type { Queryable } from "../db/client.js";
import { namespacePlugins, namespaces } from "../db/schema/index.js";
import type { Page, PageQuery } from "../lib/pagination.js";
import { likePattern } from "./persona.repository.js";
import { departmentScope } from "./scope.js";
import { TableRepository } from "./table-repository.js";

export type NamespaceRow = typeof namespaces.$inferSelect;
export type NamespacePluginRow = typeof namespacePlugins.$inferSelect;

export interface NamespaceFilter {
  departmentId?: string | undefined;
  q?: string | undefined;
  isActive?: boolean | undefined;
}

export class NamespaceRepository extends TableRepository<typeof namespaces> {
  private visible(orgId: string, access: Access, filter: NamespaceFilter): SQL | undefined {
    const pattern = filter.q ? likePattern(filter.q) : undefined;
    return and(
      eq(namespaces.orgId, orgId),
      departmentScope(namespaces.departmentId, access),
      filter.departmentId ? eq(namespaces.departmentId, filter.departmentId) : undefined,
      filter.isActive === undefined ? undefined : eq(namespaces.isActive, filter.isActive),
      pattern ? or(ilike(namespaces.name, pattern), ilike(namespaces.slug, pattern)) : undefined,
    );
  }

  pageVisible(
    orgId: string,
    access: Access,
    filter: NamespaceFilter,
    query: PageQuery,
    tx?: Queryable,
  ): Promise<Page<NamespaceRow>> {
    return this.page(this.visible(orgId, access, filter), query, tx);
  }

  findInOrg(orgId: string, id: string, tx?: Queryable): Promise<NamespaceRow | undefined> {
    return this.findOne(and(eq(namespaces.orgId, orgId), eq(namespaces.id, id)), tx);
  }
}

export class NamespacePluginRepository extends TableRepository<typeof namespacePlugins> {
  listFor(namespaceId: string, tx?: Queryable): Promise<NamespacePluginRow[]> {
    return this.findMany(eq(namespacePlugins.namespaceId, namespaceId), tx, 100);
  }

  findFor(namespaceId: string, pluginId: string, tx?: Queryable): Promise<NamespacePluginRow | undefined> {
    return this.findOne(
      and(eq(namespacePlugins.namespaceId, namespaceId), eq(namespacePlugins.pluginId, pluginId)),
      tx,
    );
  }
}
