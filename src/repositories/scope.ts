import { and, inArray, isNull, notInArray, or, type SQL, sql } from "drizzle-orm";
import type { PgColumn } from "drizzle-orm/pg-core";
import type { Access } from "../core/access.js";

/**
 * The SQL filter that keeps a query inside the departments `access` reaches. Every read of
 * department-scoped data goes through it (or through a service check on a single row).
 */
export function departmentScope(column: PgColumn, access: Access): SQL | undefined {
  const excluded = [...access.excludedDepartmentIds];
  if (access.allDepartments) return excluded.length > 0 ? notInArray(column, excluded) : undefined;
  const ids = [...access.departmentIds].filter((id) => !access.excludedDepartmentIds.has(id));
  return ids.length > 0 ? inArray(column, ids) : sql`false`;
}

export function orgAndDepartmentScope(
  orgColumn: PgColumn,
  orgId: string,
  departmentColumn: PgColumn,
  access: Access,
) {
  return and(sql`${orgColumn} = ${orgId}`, departmentScope(departmentColumn, access));
}

/**
 * Like departmentScope, but rows without a department (organisation-wide) are always in scope.
 * (`or(isNull, undefined)` would drop the "every department" case, hence the explicit branch.)
 */
export function departmentOrOrgWideScope(column: PgColumn, access: Access): SQL | undefined {
  const scope = departmentScope(column, access);
  return scope ? or(isNull(column), scope) : undefined;
}
