import type { Db } from "../../db/client.js";
import { BudgetRepository } from "../../repositories/budget.repository.js";
import type { Repositories } from "../../repositories/index.js";
import { UsageRepository } from "../../repositories/usage.repository.js";
import { createBudgetGuard } from "./budget-guard.js";
import { createBudgetService } from "./budget-service.js";
import { createUsageService } from "./usage-service.js";

export type { BudgetGuardService } from "./budget-guard.js";
export type { BudgetService } from "./budget-service.js";
export type { UsageService } from "./usage-service.js";

/**
 * Usage reports and budgets. Reports read the analytics client (a replica in server mode); the budget
 * guard reads the main database, which has the runs recorded a moment ago.
 */
export function createUsageServices(deps: {
  db: Db;
  analytics: Db;
  repositories: Repositories;
  budgetCacheSeconds: number;
}) {
  const reports = new UsageRepository(deps.analytics);
  const budgetGuard = createBudgetGuard({
    usage: new UsageRepository(deps.db),
    cacheSeconds: deps.budgetCacheSeconds,
  });
  return {
    usage: createUsageService({ usage: reports }),
    budgets: createBudgetService({
      repositories: deps.repositories,
      budgets: new BudgetRepository(deps.db),
      usage: reports,
      guard: budgetGuard,
    }),
    budgetGuard,
  };
}
