import { and, desc, eq, getTableColumns, ilike, or, type SQL, sql } from "drizzle-orm";
import type { Access } from "../core/access.js";
import type { Queryable } from "../db/client.js";
import { compileRowMapper } from "../db/compiled-row-mapper.js";
import { guarded } from "../db/errors.js";
import { departments } from "../db/schema/index.js";
import { buildPage, type Page, type PageQuery, toOffset } from "../lib/pagination.js";
import { departmentScope } from "./scope.js";
import { TableRepository } from "./table-repository.js";

export type DepartmentRow = typeof departments.$inferSelect;

export interface DepartmentFilter {
  includeArchived: boolean;
  search?: string | undefined;
}

/** How a caller's reach shapes the list query; each shape gets one prepared statement. */
type ReachShape = "all" | "all-except" | "only";

const placeholder = {
  orgId: sql.placeholder("orgId"),
  ids: sql.placeholder("ids"),
  limit: sql.placeholder("limit"),
  offset: sql.placeholder("offset"),
};

export class DepartmentRepository extends TableRepository<typeof departments> {
  private readonly preparedPages = new Map<
    string,
    { execute(params: Record<string, unknown>): Promise<unknown> }
  >();

  private visible(orgId: string, access: Access, filter: DepartmentFilter): SQL | undefined {
    const pattern = filter.search ? `%${filter.search.replace(/[\\%_]/g, "\\$&")}%` : undefined;
    return and(
      eq(departments.orgId, orgId),
      departmentScope(departments.id, access),
      filter.includeArchived ? undefined : eq(departments.isArchived, false),
      pattern ? or(ilike(departments.name, pattern), ilike(departments.slug, pattern)) : undefined,
    );
  }

  /**
   * `GET /departments` is the busiest list in the product. Without a search its statement depends only
   * on the shape of the caller's reach, so it is built once per shape and prepared (a named statement
   * on PostgreSQL) instead of being rebuilt by the query builder on every request.
   */
  async pageVisible(
    orgId: string,
    access: Access,
    filter: DepartmentFilter,
    query: PageQuery,
    tx?: Queryable,
  ): Promise<Page<DepartmentRow>> {
    // The prepared statement is bound to the root database: a transaction (or a search) builds its own.
    if (this.inTransaction(tx) || filter.search)
      return this.page(this.visible(orgId, access, filter), query, tx);
    const excluded = access.excludedDepartmentIds;
    const ids = access.allDepartments
      ? [...excluded]
      : [...access.departmentIds].filter((id) => !excluded.has(id));
    if (!access.allDepartments && ids.length === 0) return buildPage([], query, 0);
    const shape: ReachShape = access.allDepartments ? (ids.length > 0 ? "all-except" : "all") : "only";
    const { limit, offset } = toOffset(query);
    const prepared = this.preparedPage(shape, filter.includeArchived);
    const rows = (await guarded(() => prepared.execute({ orgId, ids, limit, offset }))) as {
      row: DepartmentRow;
      pageTotal: number;
    }[];
    const total =
      rows[0]?.pageTotal ?? (offset > 0 ? await this.count(this.visible(orgId, access, filter)) : 0);
    return buildPage(
      rows.map((r) => r.row),
      query,
      total,
    );
  }

  private preparedPage(shape: ReachShape, includeArchived: boolean) {
    const name = `departments_page_${shape.replace("-", "_")}${includeArchived ? "_archived" : ""}`;
    let prepared = this.preparedPages.get(name);
    if (!prepared) {
      const reach =
        shape === "all"
          ? undefined
          : shape === "all-except"
            ? sql`${departments.id} <> all(${placeholder.ids}::uuid[])`
            : sql`${departments.id} = any(${placeholder.ids}::uuid[])`;
      prepared = this.db
        .select({
          row: getTableColumns(departments),
          pageTotal: sql<number>`count(*) over()`.mapWith(Number),
        })
        .from(departments)
        .where(
          and(
            eq(departments.orgId, placeholder.orgId),
            reach,
            includeArchived ? undefined : eq(departments.isArchived, false),
          ),
        )
        .orderBy(desc(departments.createdAt), desc(departments.id))
        .limit(placeholder.limit)
        .offset(placeholder.offset)
        .prepare(name);
      compileRowMapper(prepared);
      this.preparedPages.set(name, prepared);
    }
    return prepared;
  }

  /** The department with this (normalised) name, compared case-insensitively; archived ones count. */
  findByName(orgId: string, name: string, tx?: Queryable): Promise<DepartmentRow | undefined> {
    return this.findOne(
      and(eq(departments.orgId, orgId), sql`lower(${departments.name}) = lower(${name})`),
      tx,
    );
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
