import { assertDepartmentVisible, hasPermission, requirePermission } from "../../core/access.js";
import { withTransaction } from "../../db/transaction.js";
import { AppError } from "../../lib/errors.js";
import { type BudgetRepository, budgetFromSettings } from "../../repositories/budget.repository.js";
import type { Repositories } from "../../repositories/index.js";
import type { UsageRepository } from "../../repositories/usage.repository.js";
import { recordAudit } from "../audit/record-audit.js";
import type { ServiceContext } from "../context.js";
import type { BudgetGuardService } from "./budget-guard.js";
import { monthOf } from "./period.js";

export interface BudgetLine {
  /** Null means no budget: spending is not capped. */
  budgetUsd: number | null;
  spentUsd: number;
  /** Null without a budget; never below zero. */
  remainingUsd: number | null;
}

export interface DepartmentBudget extends BudgetLine {
  id: string;
  name: string;
  isArchived: boolean;
}

export interface BudgetOverview {
  /** The calendar month (UTC) the amounts are for, YYYY-MM. */
  month: string;
  organization: BudgetLine;
  departments: DepartmentBudget[];
}

const round = (n: number) => Math.round(n * 1e6) / 1e6;

function line(budgetUsd: number | null, spentUsd: number): BudgetLine {
  const spent = round(spentUsd);
  return {
    budgetUsd,
    spentUsd: spent,
    remainingUsd: budgetUsd === null ? null : round(Math.max(0, budgetUsd - spent)),
  };
}

export interface BudgetServiceDeps {
  repositories: Pick<Repositories, "organizations" | "departments" | "auditLogs">;
  budgets: BudgetRepository;
  /** Spend for the overview, read on the analytics client. */
  usage: UsageRepository;
  guard: BudgetGuardService;
  now?: () => Date;
}

/** Monthly budgets of the organisation and its departments: read, set, and what is left of them. */
export function createBudgetService(deps: BudgetServiceDeps) {
  const r = deps.repositories;
  const now = deps.now ?? (() => new Date());

  async function spentByDepartment(orgId: string) {
    const month = monthOf(now());
    return { month, spent: await deps.usage.costByDepartment(orgId, month.start, month.end) };
  }

  const sum = (spent: Map<string | null, number>) => [...spent.values()].reduce((a, b) => a + b, 0);

  return {
    /** The organisation's budget and every department the caller reaches; needs `analytics:read`. */
    async overview(ctx: ServiceContext): Promise<BudgetOverview> {
      requirePermission(ctx, "analytics:read");
      const org = await r.organizations.findById(ctx.orgId, ctx.db);
      if (!org) throw AppError.notFound("Organisation", ctx.orgId);
      const [{ month, spent }, departments] = await Promise.all([
        spentByDepartment(ctx.orgId),
        deps.budgets.visibleDepartments(ctx.orgId, ctx.access, ctx.db),
      ]);
      return {
        month: month.label,
        organization: line(org.monthlyBudgetUsd, sum(spent)),
        departments: departments.map((d) => ({
          id: d.id,
          name: d.name,
          isArchived: d.isArchived,
          ...line(budgetFromSettings(d.settings.monthlyBudgetUsd), spent.get(d.id) ?? 0),
        })),
      };
    },

    /** Sets (or with null removes) the organisation's monthly budget; needs `org:admin`. */
    async setOrganizationBudget(
      ctx: ServiceContext,
      budgetUsd: number | null,
    ): Promise<BudgetLine & { month: string }> {
      requirePermission(ctx, "org:admin");
      const org = await r.organizations.findById(ctx.orgId, ctx.db);
      if (!org) throw AppError.notFound("Organisation", ctx.orgId);
      await withTransaction(ctx.db, async (tx) => {
        await deps.budgets.setOrgBudget(ctx.orgId, budgetUsd, tx);
        await recordAudit(
          r,
          ctx,
          {
            action: "organization.budget_changed",
            entityType: "organization",
            entityId: ctx.orgId,
            changes: { monthlyBudgetUsd: { from: org.monthlyBudgetUsd, to: budgetUsd } },
          },
          tx,
        );
      });
      deps.guard.invalidate(ctx.orgId);
      const { month, spent } = await spentByDepartment(ctx.orgId);
      return { month: month.label, ...line(budgetUsd, sum(spent)) };
    },

    /**
     * Sets (or with null removes) a department's monthly budget: `departments:manage` or `org:admin`,
     * and the department must be within the caller's reach (404 otherwise, like a missing one).
     */
    async setDepartmentBudget(
      ctx: ServiceContext,
      departmentId: string,
      budgetUsd: number | null,
    ): Promise<DepartmentBudget & { month: string }> {
      if (!hasPermission(ctx.access, "departments:manage") && !hasPermission(ctx.access, "org:admin")) {
        throw new AppError("FORBIDDEN", "This needs the departments:manage or the org:admin permission", {
          permission: "departments:manage",
        });
      }
      const department = await r.departments.findInOrg(ctx.orgId, departmentId, ctx.db);
      if (!department) throw AppError.notFound("Department", departmentId);
      assertDepartmentVisible(ctx, department.id, "Department", departmentId);
      if (department.isArchived) {
        throw new AppError(
          "PRECONDITION_FAILED",
          "The department is archived; unarchive it to change its budget",
        );
      }
      const before = budgetFromSettings(department.settings.monthlyBudgetUsd);
      await withTransaction(ctx.db, async (tx) => {
        await deps.budgets.setDepartmentBudget(ctx.orgId, department.id, budgetUsd, tx);
        await recordAudit(
          r,
          ctx,
          {
            action: "department.budget_changed",
            entityType: "department",
            entityId: department.id,
            departmentId: department.id,
            changes: { monthlyBudgetUsd: { from: before, to: budgetUsd } },
          },
          tx,
        );
      });
      deps.guard.invalidate(ctx.orgId);
      const { month, spent } = await spentByDepartment(ctx.orgId);
      return {
        month: month.label,
        id: department.id,
        name: department.name,
        isArchived: department.isArchived,
        ...line(budgetUsd, spent.get(department.id) ?? 0),
      };
    },
  };
}

export type BudgetService = ReturnType<typeof createBudgetService>;
