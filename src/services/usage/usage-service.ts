import { requirePermission } from "../../core/access.js";
import type {
  UsageCell,
  UsageGroup,
  UsageMetrics,
  UsageRepository,
} from "../../repositories/usage.repository.js";
import type { ServiceContext } from "../context.js";
import { selfId } from "../users/load-user.js";
import { resolvePeriod } from "./period.js";

export interface UsageQuery {
  from?: string | undefined;
  to?: string | undefined;
  groupBy?: UsageGroup | undefined;
}

export interface UsageDay extends UsageMetrics {
  day: string;
}

/** One department, user, assistant or model (or, grouped by day, one day) with its totals and days. */
export interface UsageRow extends UsageMetrics {
  /** Department, user or assistant id, or `provider/model`; null for runs without one. */
  id: string | null;
  /** Department, user or assistant name, `provider/model`, or the day (YYYY-MM-DD) by day. */
  name: string | null;
  email: string | null;
  days: UsageDay[];
}

export interface UsageReport {
  from: string;
  to: string;
  groupBy: UsageGroup;
  totals: UsageMetrics;
  rows: UsageRow[];
}

const zero = (): UsageMetrics => ({
  promptTokens: 0,
  completionTokens: 0,
  totalTokens: 0,
  costUsd: 0,
  runs: 0,
});

function add(into: UsageMetrics, cell: UsageMetrics): void {
  into.promptTokens += cell.promptTokens;
  into.completionTokens += cell.completionTokens;
  into.totalTokens += cell.totalTokens;
  into.costUsd += cell.costUsd;
  into.runs += cell.runs;
}

/** Sums of numeric(12,6) costs keep six decimals, not float noise. */
const roundCost = <T extends UsageMetrics>(m: T): T => ({ ...m, costUsd: Math.round(m.costUsd * 1e6) / 1e6 });

const metricsOf = (c: UsageCell): UsageMetrics => ({
  promptTokens: c.promptTokens,
  completionTokens: c.completionTokens,
  totalTokens: c.totalTokens,
  costUsd: c.costUsd,
  runs: c.runs,
});

/** Folds (group, day) cells into one row per group, most expensive first (days ascending inside). */
function fold(cells: UsageCell[], groupBy: UsageGroup): { totals: UsageMetrics; rows: UsageRow[] } {
  const totals = zero();
  const rows = new Map<string, UsageRow>();
  for (const cell of cells) {
    add(totals, cell);
    const key = groupBy === "day" ? cell.day : (cell.key ?? "");
    let row = rows.get(key);
    if (!row) {
      row =
        groupBy === "day"
          ? { id: null, name: cell.day, email: null, days: [], ...zero() }
          : { id: cell.key, name: cell.label, email: cell.email, days: [], ...zero() };
      rows.set(key, row);
    }
    add(row, cell);
    row.days.push(roundCost({ day: cell.day, ...metricsOf(cell) }));
  }
  const list = [...rows.values()].map(roundCost);
  if (groupBy !== "day") list.sort((a, b) => b.costUsd - a.costUsd || b.totalTokens - a.totalTokens);
  return { totals: roundCost(totals), rows: list };
}

/** Usage reports (tokens, cost, runs) read from the analytics client. */
export function createUsageService(deps: { usage: UsageRepository }) {
  return {
    /** The organisation's usage within the caller's departments; needs `analytics:read`. */
    async report(ctx: ServiceContext, query: UsageQuery): Promise<UsageReport> {
      requirePermission(ctx, "analytics:read");
      const period = resolvePeriod(query);
      const groupBy = query.groupBy ?? "day";
      const cells = await deps.usage.cells(
        { orgId: ctx.orgId, start: period.start, end: period.end, access: ctx.access },
        groupBy,
      );
      return { from: period.from, to: period.to, groupBy, ...fold(cells, groupBy) };
    },

    /** The caller's own usage per day, whatever their permissions. */
    async mine(ctx: ServiceContext, query: Omit<UsageQuery, "groupBy">): Promise<UsageReport> {
      const userId = selfId(ctx);
      const period = resolvePeriod(query);
      const cells = await deps.usage.cells(
        { orgId: ctx.orgId, start: period.start, end: period.end, userId },
        "day",
      );
      return { from: period.from, to: period.to, groupBy: "day", ...fold(cells, "day") };
    },
  };
}

export type UsageService = ReturnType<typeof createUsageService>;
