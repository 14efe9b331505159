import { and, asc, eq, inArray, or, sql } from "drizzle-orm";
import type { Queryable } from "../db/client.js";
import { guarded } from "../db/errors.js";
import { approvalPolicies, approverGroupMembers, approverGroups } from "../db/schema/index.js";
import { type Row, TableRepository } from "./table-repository.js";

export type ApproverGroupRow = Row<typeof approverGroups>;

/** Named sets of approvers (issue 12) and their members. */
export class ApproverGroupRepository extends TableRepository<typeof approverGroups> {
  listInOrg(orgId: string, tx?: Queryable): Promise<ApproverGroupRow[]> {
    return guarded(() =>
      this.q(tx)
        .select()
        .from(approverGroups)
        .where(eq(approverGroups.orgId, orgId))
        .orderBy(asc(approverGroups.name))
        .limit(1000),
    );
  }

  findInOrg(orgId: string, id: string, tx?: Queryable): Promise<ApproverGroupRow | undefined> {
    return this.findOne(and(eq(approverGroups.id, id), eq(approverGroups.orgId, orgId)), tx);
  }

  /** The member ids of each group, in the order they were added. */
  async membersOf(groupIds: readonly string[], tx?: Queryable): Promise<Map<string, string[]>> {
    const out = new Map<string, string[]>(groupIds.map((id) => [id, []]));
    if (groupIds.length === 0) return out;
    const rows = await guarded(() =>
      this.q(tx)
        .select({ groupId: approverGroupMembers.groupId, userId: approverGroupMembers.userId })
        .from(approverGroupMembers)
        .where(inArray(approverGroupMembers.groupId, [...groupIds]))
        .orderBy(asc(approverGroupMembers.createdAt), asc(approverGroupMembers.userId)),
    );
    for (const row of rows) out.get(row.groupId)?.push(row.userId);
    return out;
  }

  /** Replaces a group's members (in the given order). */
  async setMembers(
    orgId: string,
    groupId: string,
    userIds: readonly string[],
    tx?: Queryable,
  ): Promise<void> {
    await guarded(() =>
      this.q(tx).delete(approverGroupMembers).where(eq(approverGroupMembers.groupId, groupId)),
    );
    if (userIds.length === 0) return;
    const base = Date.now();
    await guarded(() =>
      this.q(tx)
        .insert(approverGroupMembers)
        .values(userIds.map((userId, i) => ({ groupId, userId, orgId, createdAt: new Date(base + i) }))),
    );
  }

  /** The namespaces whose approval policy names the group (for the whole namespace or a department). */
  async usedBy(groupId: string, tx?: Queryable): Promise<string[]> {
    const rows = await guarded(() =>
      this.q(tx)
        .select({ namespaceId: approvalPolicies.namespaceId })
        .from(approvalPolicies)
        .where(
          or(
            eq(approvalPolicies.approverGroupId, groupId),
            sql`exists (select 1 from jsonb_each_text(${approvalPolicies.departmentApproverGroups}) e where e.value = ${groupId})`,
          ),
        ),
    );
    return rows.map((row) => row.namespaceId);
  }
}
