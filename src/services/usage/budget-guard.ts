import { AppError } from "../../lib/errors.js";
import { budgetFromSettings } from "../../repositories/budget.repository.js";
import type { UsageRepository } from "../../repositories/usage.repository.js";
import type { BudgetGuard } from "../chat/collaborators.js";
import type { ServiceContext } from "../context.js";
import { monthName, monthOf } from "./period.js";

type SpendCheck = NonNullable<Awaited<ReturnType<UsageRepository["spendCheck"]>>>;

export interface BudgetGuardDeps {
  /** A repository on the MAIN database: a replica could lag behind the runs just recorded. */
  usage: UsageRepository;
  /**
   * How long one spend reading is reused (per organisation and department, per process). A few
   * seconds keep turns off the database while bounding how far a burst can overshoot a budget.
   */
  cacheSeconds: number;
  now?: () => Date;
}

export type BudgetGuardService = BudgetGuard & {
  /** Forgets cached readings of an organisation (after its budgets change). */
  invalidate(orgId: string): void;
};

const MAX_CACHED = 10_000;
const usd = (n: number) => `$${n.toFixed(2)}`;

function nextMonthName(end: Date): string {
  return end.toLocaleString("en-GB", { day: "numeric", month: "long", year: "numeric", timeZone: "UTC" });
}

/** Refuses model calls once the organisation's or the department's monthly (UTC) budget is spent. */
export function createBudgetGuard(deps: BudgetGuardDeps): BudgetGuardService {
  const now = deps.now ?? (() => new Date());
  const cache = new Map<string, { until: number; month: string; check: SpendCheck }>();

  async function read(orgId: string, departmentId: string | null, month: ReturnType<typeof monthOf>) {
    const key = `${orgId}:${departmentId ?? ""}`;
    const hit = cache.get(key);
    const at = Date.now();
    if (hit && hit.until > at && hit.month === month.label) return hit.check;
    const check = await deps.usage.spendCheck(orgId, departmentId, month.start, month.end);
    if (!check) throw AppError.notFound("Organisation", orgId);
    if (deps.cacheSeconds > 0) {
      if (cache.size >= MAX_CACHED) cache.clear();
      cache.set(key, { until: at + deps.cacheSeconds * 1000, month: month.label, check });
    }
    return check;
  }

  return {
    async assertWithinBudget(ctx: ServiceContext, departmentId: string | null): Promise<void> {
      const month = monthOf(now());
      const check = await read(ctx.orgId, departmentId, month);
      const when = monthName(month.label);
      const resume = `Assistants can answer again on ${nextMonthName(month.end)} or once an administrator raises the budget.`;
      if (check.orgBudgetUsd !== null && check.orgSpentUsd >= check.orgBudgetUsd) {
        throw new AppError(
          "LIMIT_EXCEEDED",
          `The organisation's monthly budget of ${usd(check.orgBudgetUsd)} for ${when} is spent (${usd(check.orgSpentUsd)} used). ${resume}`,
          {
            budget: "organization",
            month: month.label,
            budgetUsd: check.orgBudgetUsd,
            spentUsd: check.orgSpentUsd,
          },
        );
      }
      const departmentBudget = budgetFromSettings(check.departmentBudget);
      if (departmentId && departmentBudget !== null && check.departmentSpentUsd >= departmentBudget) {
        throw new AppError(
          "LIMIT_EXCEEDED",
          `The ${check.departmentName ?? "department"} department's monthly budget of ${usd(departmentBudget)} for ${when} is spent (${usd(check.departmentSpentUsd)} used). ${resume}`,
          {
            budget: "department",
            departmentId,
            month: month.label,
            budgetUsd: departmentBudget,
            spentUsd: check.departmentSpentUsd,
          },
        );
      }
    },

    async spentDepartments(ctx: ServiceContext, departmentIds: readonly string[]): Promise<Set<string>> {
      const month = monthOf(now());
      const spent = new Set<string>();
      for (const departmentId of new Set(departmentIds)) {
        const check = await read(ctx.orgId, departmentId, month);
        const budget = budgetFromSettings(check.departmentBudget);
        if (budget !== null && check.departmentSpentUsd >= budget) spent.add(departmentId);
      }
      return spent;
    },

    invalidate(orgId: string): void {
      for (const key of cache.keys()) if (key.startsWith(`${orgId}:`)) cache.delete(key);
    },
  };
}
