import { and, asc, eq, sql } from "drizzle-orm";
import type { Access } from "../core/access.js";
import type { Queryable } from "../db/client.js";
import { guarded } from "../db/errors.js";
import { departments, organizations } from "../db/schema/index.js";
import { departmentScope } from "./scope.js";

/**
 * Budget writes. A department's budget lives in `departments.settings.monthlyBudgetUsd` and is set by
 * a JSON merge in SQL, so a concurrent change of another setting is never lost; the organisation's
 * budget is its `monthly_budget_usd` column.
 */
export class BudgetRepository {
  constructor(private readonly db: Queryable) {}

  async setDepartmentBudget(orgId: string, departmentId: string, budgetUsd: number | null, tx?: Queryable) {
    const settings =
      budgetUsd === null
        ? sql`${departments.settings} - 'monthlyBudgetUsd'`
        : sql`${departments.settings} || jsonb_build_object('monthlyBudgetUsd', ${budgetUsd}::numeric)`;
    const rows = await guarded(() =>
      (tx ?? this.db)
        .update(departments)
        .set({ settings, updatedAt: new Date() })
        .where(and(eq(departments.orgId, orgId), eq(departments.id, departmentId)))
        .returning({ id: departments.id }),
    );
    return rows.length > 0;
  }

  async setOrgBudget(orgId: string, budgetUsd: number | null, tx?: Queryable) {
    const rows = await guarded(() =>
      (tx ?? this.db)
        .update(organizations)
        .set({ monthlyBudgetUsd: budgetUsd, updatedAt: new Date() })
        .where(eq(organizations.id, orgId))
        .returning({ id: organizations.id }),
    );
    return rows.length > 0;
  }

  /** Departments of the organisation the caller reaches (archived ones too: they may have spent). */
  visibleDepartments(orgId: string, access: Access, tx?: Queryable): Promise<BudgetDepartment[]> {
    return guarded(() =>
      (tx ?? this.db)
        .select({
          id: departments.id,
          name: departments.name,
          isArchived: departments.isArchived,
          settings: departments.settings,
        })
        .from(departments)
        .where(and(eq(departments.orgId, orgId), departmentScope(departments.id, access)))
        .orderBy(asc(departments.name), asc(departments.id)),
    );
  }
}

export interface BudgetDepartment {
  id: string;
  name: string;
  isArchived: boolean;
  settings: Record<string, unknown>;
}

/** A budget as stored in settings: a finite, non-negative number, anything else means "no budget". */
export function budgetFromSettings(value: unknown): number | null {
  const n = typeof value === "string" ? Number(value) : value;
  return typeof n === "number" && Number.isFinite(n) && n >= 0 ? n : null;
}
