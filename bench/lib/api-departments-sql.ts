/**
 * The SQL that Atrium's `GET /departments` sends for a caller who sees every department, copied from
 * what Drizzle generates for DepartmentRepository.pageVisible → TableRepository.page() (one prepared
 * query: the page with a window count; a separate count only past the last page). The baseline server runs these strings with plain pg; api.bench.ts checks
 * them against Drizzle's own toSQL() before it measures anything, so they cannot drift silently.
 */
export const DEPARTMENT_COLUMNS = [
  "id",
  "org_id",
  "name",
  "slug",
  "color",
  "description",
  "settings",
  "is_archived",
  "archived_at",
  "created_at",
  "updated_at",
] as const;

const WHERE = 'where ("departments"."org_id" = $1 and "departments"."is_archived" = $2)';

/**
 * Atrium prepares this statement once (DepartmentRepository.pageVisible) and runs it as a named
 * statement; the baseline uses the same name so both skip PostgreSQL's parse and plan equally.
 */
export const DEPARTMENT_PAGE_STATEMENT = "departments_page_all";

export function departmentPageSql(): string {
  const columns = DEPARTMENT_COLUMNS.map((c) => `"${c}"`).join(", ");
  return (
    `select ${columns}, count(*) over() from "departments" ${WHERE} ` +
    `order by "departments"."created_at" desc, "departments"."id" desc limit $3 offset $4`
  );
}

export const DEPARTMENT_COUNT_SQL = `select count(*) from "departments" ${WHERE}`;
