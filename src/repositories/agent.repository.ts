import { and, asc, eq, ilike, inArray, isNotNull, max, type SQL, sql } from "drizzle-orm";
import type { Access } from "../core/access.js";
import type { Queryable } from "../db/client.js";
import { guarded } from "../db/errors.js";
import { agents, agentVersions, tools } from "../db/schema/index.js";
import type { Page, PageQuery } from "../lib/pagination.js";
import { CachedTableRepository } from "./cached-table-repository.js";
import { likePattern } from "./persona.repository.js";
import { departmentOrOrgWideScope } from "./scope.js";
import { TableRepository } from "./table-repository.js";

export type AgentRow = typeof agents.$inferSelect;
export type AgentVersionRow = typeof agentVersions.$inferSelect;

export interface AgentFilter {
  departmentId?: string | undefined;
  q?: string | undefined;
  enabled?: boolean | undefined;
  includeArchived?: boolean | undefined;
}

/** An enabled `tools` row an agent could name, with the department that owns it (null = org-wide). */
export interface ToolRef {
  name: string;
  departmentId: string | null;
}

export class AgentRepository extends TableRepository<typeof agents> {
  /** Org-wide agents (no department) are visible to every member; the rest follow department reach. */
  private visible(orgId: string, access: Access, filter: AgentFilter): SQL | undefined {
    return and(
      eq(agents.orgId, orgId),
      departmentOrOrgWideScope(agents.departmentId, access),
      filter.departmentId ? eq(agents.departmentId, filter.departmentId) : undefined,
      filter.enabled === undefined ? undefined : eq(agents.enabled, filter.enabled),
      filter.includeArchived ? undefined : eq(agents.archived, false),
      filter.q ? ilike(agents.name, likePattern(filter.q)) : undefined,
    );
  }

  pageVisible(
    orgId: string,
    access: Access,
    filter: AgentFilter,
    query: PageQuery,
    tx?: Queryable,
  ): Promise<Page<AgentRow>> {
    return this.page(this.visible(orgId, access, filter), query, tx);
  }

  findInOrg(orgId: string, id: string, tx?: Queryable): Promise<AgentRow | undefined> {
    return this.findOne(and(eq(agents.orgId, orgId), eq(agents.id, id)), tx);
  }

  /** The live (not archived) agent of that name, compared case-insensitively like the unique index. */
  findLiveByName(orgId: string, name: string, tx?: Queryable): Promise<AgentRow | undefined> {
    return this.findOne(
      and(eq(agents.orgId, orgId), eq(agents.archived, false), sql`lower(${agents.name}) = lower(${name})`),
      tx,
    );
  }

  /** The department's oldest enabled, published agent: the fallback of a namespace without a default. */
  async firstEnabledInDepartment(departmentId: string, tx?: Queryable): Promise<AgentRow | undefined> {
    const rows = await guarded(() =>
      this.q(tx)
        .select()
        .from(agents)
        .where(
          and(
            eq(agents.departmentId, departmentId),
            eq(agents.enabled, true),
            eq(agents.archived, false),
            isNotNull(agents.currentVersionId),
          ),
        )
        .orderBy(asc(agents.createdAt), asc(agents.id))
        .limit(1),
    );
    return rows[0];
  }

  /** Enabled tool rows of the organisation among `names`. */
  async enabledTools(orgId: string, names: string[], tx?: Queryable): Promise<ToolRef[]> {
    if (names.length === 0) return [];
    return guarded(() =>
      this.q(tx)
        .select({ name: tools.name, departmentId: tools.departmentId })
        .from(tools)
        .where(and(eq(tools.orgId, orgId), eq(tools.enabled, true), inArray(tools.name, names))),
    );
  }
}

/**
 * Published versions never change, so reading one by id through the cache is always safe; every turn
 * loads its conversation's pinned version. (A deleted agent takes its versions with it by cascade,
 * past the cache: readers check the agent row itself, which is not cached.)
 */
export class AgentVersionRepository extends CachedTableRepository<typeof agentVersions> {
  pageFor(agentId: string, query: PageQuery, tx?: Queryable): Promise<Page<AgentVersionRow>> {
    return this.page(eq(agentVersions.agentId, agentId), query, tx);
  }

  findByNumber(agentId: string, version: number, tx?: Queryable): Promise<AgentVersionRow | undefined> {
    return this.findOne(and(eq(agentVersions.agentId, agentId), eq(agentVersions.version, version)), tx);
  }

  findInOrg(orgId: string, id: string, tx?: Queryable): Promise<AgentVersionRow | undefined> {
    return this.findOne(and(eq(agentVersions.orgId, orgId), eq(agentVersions.id, id)), tx);
  }

  async latestNumber(agentId: string, tx?: Queryable): Promise<number> {
    const rows = await guarded(() =>
      this.q(tx)
        .select({ n: max(agentVersions.version) })
        .from(agentVersions)
        .where(eq(agentVersions.agentId, agentId)),
    );
    return rows[0]?.n ?? 0;
  }
}
