import { and, eq, gte, isNull, lt, notInArray, or, type SQL, sql } from "drizzle-orm";
import type { Access } from "../core/access.js";
import type { Queryable } from "../db/client.js";
import { guarded } from "../db/errors.js";
import { agentRuns, agents, departments, users } from "../db/schema/index.js";
import { departmentScope } from "./scope.js";

export type UsageGroup = "department" | "user" | "agent" | "model" | "day";

export interface UsageMetrics {
  promptTokens: number;
  completionTokens: number;
  totalTokens: number;
  costUsd: number;
  runs: number;
}

/**
 * One (group, day) cell of a usage report; `key` is the department, user or assistant id, or
 * `provider/model`; null for "none".
 */
export interface UsageCell extends UsageMetrics {
  day: string;
  key: string | null;
  label: string | null;
  email: string | null;
}

export interface UsageFilter {
  orgId: string;
  /** Inclusive start and exclusive end (UTC instants). */
  start: Date;
  end: Date;
  /** Department reach of the caller; omitted for a user's own usage. */
  access?: Access;
  userId?: string;
}

const metrics = {
  promptTokens: sql<number>`coalesce(sum(${agentRuns.promptTokens}), 0)`.mapWith(Number),
  completionTokens: sql<number>`coalesce(sum(${agentRuns.completionTokens}), 0)`.mapWith(Number),
  totalTokens: sql<number>`coalesce(sum(${agentRuns.totalTokens}), 0)`.mapWith(Number),
  costUsd: sql<number>`coalesce(sum(${agentRuns.costUsd}), 0)`.mapWith(Number),
  runs: sql<number>`count(*)`.mapWith(Number),
};

/**
 * Runs of org-wide agents have no department: only callers who reach every department see them
 * (a department-limited caller's scope never includes "no department").
 */
function runScope(access: Access): SQL | undefined {
  if (!access.allDepartments) return departmentScope(agentRuns.departmentId, access);
  const excluded = [...access.excludedDepartmentIds];
  return excluded.length > 0
    ? or(isNull(agentRuns.departmentId), notInArray(agentRuns.departmentId, excluded))
    : undefined;
}

/**
 * Usage and spend from `agent_runs`. Reports are built on the analytics client (a replica in server
 * mode); the budget guard uses an instance on the main database so it sees the latest runs.
 */
export class UsageRepository {
  constructor(private readonly db: Queryable) {}

  private where(filter: UsageFilter): SQL | undefined {
    return and(
      eq(agentRuns.orgId, filter.orgId),
      gte(agentRuns.createdAt, filter.start),
      lt(agentRuns.createdAt, filter.end),
      filter.access ? runScope(filter.access) : undefined,
      filter.userId ? eq(agentRuns.userId, filter.userId) : undefined,
    );
  }

  /** Metrics per UTC day and per group (department, user, assistant, model, or none for `day`). */
  async cells(filter: UsageFilter, group: UsageGroup): Promise<UsageCell[]> {
    const day = sql<string>`to_char(${agentRuns.createdAt} at time zone 'UTC', 'YYYY-MM-DD')`;
    const q = this.db;
    if (group === "department") {
      const rows = await guarded(() =>
        q
          .select({ day, key: agentRuns.departmentId, label: departments.name, ...metrics })
          .from(agentRuns)
          .leftJoin(departments, eq(departments.id, agentRuns.departmentId))
          .where(this.where(filter))
          .groupBy(day, agentRuns.departmentId, departments.name)
          .orderBy(day, departments.name),
      );
      return rows.map((r) => ({ ...r, email: null }));
    }
    if (group === "user") {
      return guarded(() =>
        q
          .select({ day, key: agentRuns.userId, label: users.name, email: users.email, ...metrics })
          .from(agentRuns)
          .leftJoin(users, eq(users.id, agentRuns.userId))
          .where(this.where(filter))
          .groupBy(day, agentRuns.userId, users.name, users.email)
          .orderBy(day, users.email),
      );
    }
    if (group === "agent") {
      const rows = await guarded(() =>
        q
          .select({ day, key: agentRuns.agentId, label: agents.name, ...metrics })
          .from(agentRuns)
          .leftJoin(agents, eq(agents.id, agentRuns.agentId))
          .where(this.where(filter))
          .groupBy(day, agentRuns.agentId, agents.name)
          .orderBy(day, agents.name),
      );
      return rows.map((r) => ({ ...r, email: null }));
    }
    if (group === "model") {
      const model = sql<string>`${agentRuns.provider} || '/' || ${agentRuns.model}`;
      const rows = await guarded(() =>
        q
          .select({ day, key: model, ...metrics })
          .from(agentRuns)
          .where(this.where(filter))
          .groupBy(day, model)
          .orderBy(day, model),
      );
      return rows.map((r) => ({ ...r, label: r.key, email: null }));
    }
    const rows = await guarded(() =>
      q
        .select({ day, ...metrics })
        .from(agentRuns)
        .where(this.where(filter))
        .groupBy(day)
        .orderBy(day),
    );
    return rows.map((r) => ({ ...r, key: null, label: null, email: null }));
  }

  /**
   * Cost per department charged (null = charged to no department) over a period, for the budgets
   * overview: a run counts against `billed_department_id`, or `department_id` on rows older than it.
   */
  async costByDepartment(orgId: string, start: Date, end: Date): Promise<Map<string | null, number>> {
    const billed = sql<string | null>`coalesce(${agentRuns.billedDepartmentId}, ${agentRuns.departmentId})`;
    const rows = await guarded(() =>
      this.db
        .select({ departmentId: billed, costUsd: metrics.costUsd })
        .from(agentRuns)
        .where(and(eq(agentRuns.orgId, orgId), gte(agentRuns.createdAt, start), lt(agentRuns.createdAt, end)))
        .groupBy(billed),
    );
    return new Map(rows.map((r) => [r.departmentId, r.costUsd]));
  }

  /**
   * What the budget guard needs in one statement on the (org_id, created_at) index: the organisation's
   * budget, the department's budget (from its settings) and both amounts spent in the period.
   */
  async spendCheck(orgId: string, departmentId: string | null, start: Date, end: Date) {
    const result = await guarded(() =>
      this.db.execute(sql`
        select o.monthly_budget_usd as org_budget,
               d.settings -> 'monthlyBudgetUsd' as department_budget,
               d.name as department_name,
               s.org_spent, s.department_spent
        from organizations o
        left join departments d on d.id = ${departmentId} and d.org_id = o.id
        cross join lateral (
          select coalesce(sum(r.cost_usd), 0) as org_spent,
                 coalesce(sum(r.cost_usd) filter (
                   where coalesce(r.billed_department_id, r.department_id) = ${departmentId}
                 ), 0) as department_spent
          from agent_runs r
          where r.org_id = o.id and r.created_at >= ${start.toISOString()} and r.created_at < ${end.toISOString()}
        ) s
        where o.id = ${orgId}`),
    );
    const row = (result as unknown as { rows: Record<string, unknown>[] }).rows[0];
    if (!row) return undefined;
    const json = (v: unknown) => (typeof v === "string" ? safeJson(v) : v);
    return {
      orgBudgetUsd: row.org_budget === null ? null : Number(row.org_budget),
      departmentBudget: json(row.department_budget) as unknown,
      departmentName: (row.department_name as string | null) ?? null,
      orgSpentUsd: Number(row.org_spent),
      departmentSpentUsd: Number(row.department_spent),
    };
  }
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
