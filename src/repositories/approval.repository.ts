import { and, eq, gte, inArray, lte, or, type SQL, sql } from "drizzle-orm";
import type { Access } from "../core/access.js";
import type { Queryable } from "../db/client.js";
import { guarded } from "../db/errors.js";
import {
  agentRuns,
  approvalPolicies,
  approvals,
  intentTrust,
  systemRoles,
  users,
} from "../db/schema/index.js";
import type { Page, PageQuery } from "../lib/pagination.js";
import { departmentScope } from "./scope.js";
import { type NewRow, type Patch, type Row, TableRepository } from "./table-repository.js";

export type ApprovalRow = Row<typeof approvals>;
export type ApprovalStatus = ApprovalRow["status"];
export type IntentTrustRow = Row<typeof intentTrust>;
export type ApprovalPolicyRow = Row<typeof approvalPolicies>;

export interface ApprovalFilter {
  status?: ApprovalStatus | undefined;
  namespaceId?: string | undefined;
  departmentId?: string | undefined;
  intent?: string | undefined;
  /** Only approvals due before this time. */
  dueBefore?: Date | undefined;
  isSample?: boolean | undefined;
}

/** Statuses an approver may still decide. */
export const OPEN_STATUSES: ApprovalStatus[] = ["pending", "escalated"];

export interface ApprovalStats {
  decided: number;
  pending: number;
  p50Seconds: number | null;
  p95Seconds: number | null;
  byIntent: { intent: string; decided: number; approved: number; approvalRate: number }[];
}

/**
 * The approver group the namespace's policy names for an approval's department (its per-department
 * entry, else the namespace's), as text; null when the policy names none.
 */
export const approverGroupOf = sql`coalesce(
  (select coalesce(p.department_approver_groups ->> ${approvals.departmentId}::text, p.approver_group_id::text)
     from approval_policies p where p.namespace_id = ${approvals.namespaceId}),
  null)`;

/** True when the approval's policy names no approver group, or names one the user is a member of. */
function inApproverGroup(userId: string | undefined): SQL {
  return sql`(${approverGroupOf} is null or exists (
    select 1 from approver_group_members m
     where m.group_id::text = ${approverGroupOf} and m.user_id = ${userId ?? null}::uuid))`;
}

export class ApprovalRepository extends TableRepository<typeof approvals> {
  /**
   * Approvals the caller may review: the departments their access reaches, plus the ones escalated
   * to them by name. The caller's permission is the service's check.
   */
  visible(orgId: string, access: Access, userId: string | undefined): SQL | undefined {
    const reach = and(departmentScope(approvals.departmentId, access), inApproverGroup(userId));
    const mine = userId ? eq(approvals.escalatedToId, userId) : undefined;
    return and(eq(approvals.orgId, orgId), reach && mine ? or(reach, mine) : reach);
  }

  private filtered(where: SQL | undefined, filter: ApprovalFilter): SQL | undefined {
    return and(
      where,
      filter.status ? eq(approvals.status, filter.status) : undefined,
      filter.namespaceId ? eq(approvals.namespaceId, filter.namespaceId) : undefined,
      filter.departmentId ? eq(approvals.departmentId, filter.departmentId) : undefined,
      filter.intent ? eq(approvals.intentName, filter.intent) : undefined,
      filter.dueBefore ? lte(approvals.dueAt, filter.dueBefore) : undefined,
      filter.isSample === undefined ? undefined : eq(approvals.isSample, filter.isSample),
    );
  }

  pageVisible(
    orgId: string,
    access: Access,
    userId: string | undefined,
    filter: ApprovalFilter,
    query: PageQuery,
    tx?: Queryable,
  ): Promise<Page<ApprovalRow>> {
    return this.page(this.filtered(this.visible(orgId, access, userId), filter), query, tx);
  }

  findVisible(orgId: string, access: Access, userId: string | undefined, id: string, tx?: Queryable) {
    return this.findOne(and(eq(approvals.id, id), this.visible(orgId, access, userId)), tx);
  }

  /**
   * The decision, only if the approval is still open: a conditional UPDATE, so of two approvers
   * deciding at once exactly one row comes back (the other gets undefined and reads the winner).
   */
  async decideIfOpen(
    id: string,
    patch: Patch<typeof approvals>,
    tx?: Queryable,
  ): Promise<ApprovalRow | undefined> {
    const [row] = await this.updateWhere(
      and(eq(approvals.id, id), inArray(approvals.status, OPEN_STATUSES)),
      patch,
      tx,
    );
    return row;
  }

  /** Open approvals past their due time whose namespace policy says what to do then. */
  async overdue(now: Date, limit: number, tx?: Queryable) {
    return guarded(() =>
      this.q(tx)
        .select({ approval: this.columns, policy: approvalPolicies })
        .from(approvals)
        .innerJoin(approvalPolicies, eq(approvalPolicies.namespaceId, approvals.namespaceId))
        .where(
          and(
            eq(approvals.status, "pending"),
            eq(approvals.isSample, false),
            lte(approvals.dueAt, now),
            sql`${approvalPolicies.onTimeout} <> 'none'`,
          ),
        )
        .limit(limit),
    ) as Promise<{ approval: ApprovalRow; policy: ApprovalPolicyRow }[]>;
  }

  /** The run that drafted a held reply (its message is the draft). */
  async runOfDraft(messageId: string, tx?: Queryable): Promise<string | undefined> {
    const [row] = await guarded(() =>
      this.q(tx)
        .select({ id: agentRuns.id })
        .from(agentRuns)
        .where(eq(agentRuns.messageId, messageId))
        .limit(1),
    );
    return row?.id;
  }

  /** Active members of the organisation with their role's access fields (to find approvers). */
  async activeMembers(orgId: string, tx?: Queryable) {
    return guarded(() =>
      this.q(tx)
        .select({
          id: users.id,
          departmentId: users.departmentId,
          extraPermissions: users.extraPermissions,
          revokedPermissions: users.revokedPermissions,
          extraDepartmentIds: users.extraDepartmentIds,
          revokedDepartmentIds: users.revokedDepartmentIds,
          role: {
            permissions: systemRoles.permissions,
            allDepartments: systemRoles.allDepartments,
            departmentIds: systemRoles.departmentIds,
          },
        })
        .from(users)
        .leftJoin(systemRoles, eq(systemRoles.id, users.roleId))
        .where(and(eq(users.orgId, orgId), eq(users.isActive, true)))
        .limit(5000),
    );
  }

  /** Time to decision (p50/p95) and approval rate per intent, over the approvals the caller sees. */
  async stats(
    orgId: string,
    access: Access,
    userId: string | undefined,
    filter: Pick<ApprovalFilter, "namespaceId" | "departmentId"> & { since?: Date | undefined },
    tx?: Queryable,
  ): Promise<ApprovalStats> {
    const scope = and(
      this.filtered(this.visible(orgId, access, userId), filter),
      filter.since ? gte(approvals.createdAt, filter.since) : undefined,
    );
    const seconds = sql`extract(epoch from (${approvals.decidedAt} - ${approvals.createdAt}))`;
    const [totals] = await guarded(() =>
      this.q(tx)
        .select({
          decided: sql<number>`count(*) filter (where ${approvals.decidedAt} is not null)`.mapWith(Number),
          pending:
            sql<number>`count(*) filter (where ${approvals.status} in ('pending', 'escalated'))`.mapWith(
              Number,
            ),
          p50: sql<number | null>`percentile_cont(0.5) within group (order by ${seconds})`,
          p95: sql<number | null>`percentile_cont(0.95) within group (order by ${seconds})`,
        })
        .from(approvals)
        .where(scope),
    );
    const byIntent = await guarded(() =>
      this.q(tx)
        .select({
          intent: sql<string>`coalesce(${approvals.intentName}, 'unknown')`,
          decided: sql<number>`count(*)`.mapWith(Number),
          approved: sql<number>`count(*) filter (where ${approvals.status} = 'approved')`.mapWith(Number),
        })
        .from(approvals)
        .where(and(scope, sql`${approvals.decidedAt} is not null`))
        .groupBy(sql`1`)
        .orderBy(sql`1`),
    );
    const num = (v: unknown) => (v === null || v === undefined ? null : Math.round(Number(v) * 1000) / 1000);
    return {
      decided: totals?.decided ?? 0,
      pending: totals?.pending ?? 0,
      p50Seconds: num(totals?.p50),
      p95Seconds: num(totals?.p95),
      byIntent: byIntent.map((b) => ({
        ...b,
        approvalRate: b.decided === 0 ? 0 : Math.round((b.approved / b.decided) * 10_000) / 10_000,
      })),
    };
  }
}

export class IntentTrustRepository extends TableRepository<typeof intentTrust> {
  find(namespaceId: string, intent: string, tx?: Queryable): Promise<IntentTrustRow | undefined> {
    return this.findOne(
      and(eq(intentTrust.namespaceId, namespaceId), eq(intentTrust.intentName, intent)),
      tx,
    );
  }

  listForNamespace(namespaceId: string, tx?: Queryable): Promise<IntentTrustRow[]> {
    return this.findMany(eq(intentTrust.namespaceId, namespaceId), tx);
  }

  /** The row for (namespace, intent), made with the defaults when missing. */
  async ensure(row: NewRow<typeof intentTrust>, tx?: Queryable): Promise<IntentTrustRow> {
    const [created] = await guarded(() =>
      this.q(tx)
        .insert(intentTrust)
        .values(row)
        .onConflictDoNothing({ target: [intentTrust.namespaceId, intentTrust.intentName] })
        .returning(),
    );
    return created ?? (await this.find(row.namespaceId, row.intentName, tx))!;
  }

  /** Adds one approved-unedited reply; promotes when the count reaches the threshold. */
  async recordSuccess(
    id: string,
    tx?: Queryable,
  ): Promise<{ row: IntentTrustRow; promoted: boolean } | undefined> {
    const before = await this.findById(id, tx);
    if (!before) return undefined;
    const count = before.successfulCount + 1;
    const promoted = !before.isAutonomous && count >= before.threshold;
    const [row] = await this.updateWhere(
      eq(intentTrust.id, id),
      {
        successfulCount: count,
        ...(promoted ? { isAutonomous: true, promotedAt: new Date() } : {}),
      },
      tx,
    );
    return { row: row!, promoted };
  }

  /** A rejection or an edit: the count starts again and an autonomous intent is demoted. */
  async recordFailure(
    id: string,
    tx?: Queryable,
  ): Promise<{ row: IntentTrustRow; demoted: boolean } | undefined> {
    const before = await this.findById(id, tx);
    if (!before) return undefined;
    const [row] = await this.updateWhere(
      eq(intentTrust.id, id),
      {
        successfulCount: 0,
        rejectedCount: sql`${intentTrust.rejectedCount} + 1` as unknown as number,
        isAutonomous: false,
        promotedAt: null,
      },
      tx,
    );
    return { row: row!, demoted: before.isAutonomous };
  }
}

export class ApprovalPolicyRepository extends TableRepository<typeof approvalPolicies> {
  forNamespace(namespaceId: string, tx?: Queryable): Promise<ApprovalPolicyRow | undefined> {
    return this.findOne(eq(approvalPolicies.namespaceId, namespaceId), tx);
  }

  async upsert(row: NewRow<typeof approvalPolicies>, tx?: Queryable): Promise<ApprovalPolicyRow> {
    const { id: _id, orgId: _org, namespaceId: _ns, ...patch } = row;
    const [saved] = await guarded(() =>
      this.q(tx)
        .insert(approvalPolicies)
        .values(row)
        .onConflictDoUpdate({
          target: approvalPolicies.namespaceId,
          set: { ...patch, updatedAt: new Date() },
        })
        .returning(),
    );
    return saved!;
  }
}
