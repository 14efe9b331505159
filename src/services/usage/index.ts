import type { Repositories } from "../../repositories/index.js";
import { createAnalyticsService } from "./analytics-service.js";
import { createBudgetGuard } from "./budget-guard.js";
import { createBudgetService } from "./budget-service.js";
import { createUsageService } from "./usage-service.js";

export type { AnalyticsService } from "./analytics-service.js";
export type { BudgetGuardService } from "./budget-guard.js";
export type { BudgetService } from "./budget-service.js";
export type { UsageService } from "./usage-service.js";

/** The repositories of usage and budgets. */
export type UsageRepositories = Pick<
  Repositories,
  "usage" | "usageReports" | "analyticsReports" | "budgets" | "organizations" | "departments" | "auditLogs"
>;

/**
 * Usage reports and budgets. Reports read `usageReports` (the analytics client, a replica in server
 * mode); the budget guard reads `usage` on the main database, which has the runs recorded a moment ago.
 */
export function createUsageServices(deps: { repositories: UsageRepositories; budgetCacheSeconds: number }) {
  const r = deps.repositories;
  const budgetGuard = createBudgetGuard({ usage: r.usage, cacheSeconds: deps.budgetCacheSeconds });
  return {
    usage: createUsageService({ usage: r.usageReports }),
    analytics: createAnalyticsService({ analytics: r.analyticsReports }),
    budgets: createBudgetService({
      repositories: r,
      budgets: r.budgets,
      usage: r.usageReports,
      guard: budgetGuard,
    }),
    budgetGuard,
  };
}
