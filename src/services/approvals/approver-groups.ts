import { requirePermission } from "../../core/access.js";
import type { Queryable } from "../../db/client.js";
import { withTransaction } from "../../db/transaction.js";
import { AppError } from "../../lib/errors.js";
import type { ApprovalPolicyRow } from "../../repositories/approval.repository.js";
import type { ApproverGroupRow } from "../../repositories/approver-group.repository.js";
import type { Repositories } from "../../repositories/index.js";
import { hasAllDepartments } from "../assistants/assistant-access.js";
import { recordAudit } from "../audit/record-audit.js";
import type { ServiceContext } from "../context.js";
import type { NotificationService } from "./notifications.js";

export type ApproverGroupRepositories = Pick<
  Repositories,
  "approverGroups" | "auditLogs" | "departments" | "users"
>;

export interface ApproverGroupView {
  id: string;
  name: string;
  description: string | null;
  /** Member user ids, in the order they were added. */
  memberIds: string[];
  createdAt: Date;
  updatedAt: Date;
}

const PERMISSION = "agents:manage" as const;

function view(row: ApproverGroupRow, memberIds: string[]): ApproverGroupView {
  return {
    id: row.id,
    name: row.name,
    description: row.description,
    memberIds,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
  };
}

/** The approver group a policy names for a department: its per-department entry, else the namespace's. */
export function groupOfPolicy(
  policy: Pick<ApprovalPolicyRow, "approverGroupId" | "departmentApproverGroups"> | undefined,
  departmentId: string | null,
): string | null {
  if (!policy) return null;
  return (departmentId ? policy.departmentApproverGroups[departmentId] : undefined) ?? policy.approverGroupId;
}

/**
 * Who reviews an approval (issue 12): the holders of `approvals:decide` who reach its department and,
 * when the namespace's policy names an approver group for it, only that group's members, in the
 * order they were added (timeouts escalate to the first of them).
 */
export async function routedApprovers(
  r: Pick<Repositories, "approvalPolicies" | "approverGroups">,
  notifications: Pick<NotificationService, "approversOf">,
  row: { orgId: string; namespaceId: string | null; departmentId: string | null },
  tx?: Queryable,
): Promise<{ approvers: string[]; groupId: string | null }> {
  const approvers = await notifications.approversOf(row.orgId, row.departmentId, tx);
  const policy = row.namespaceId ? await r.approvalPolicies.forNamespace(row.namespaceId, tx) : undefined;
  const groupId = groupOfPolicy(policy, row.departmentId);
  if (!groupId) return { approvers, groupId };
  const members = (await r.approverGroups.membersOf([groupId], tx)).get(groupId) ?? [];
  const allowed = new Set(approvers);
  return { approvers: members.filter((id) => allowed.has(id)), groupId };
}

/**
 * The groups and departments a policy names must be the organisation's: 400 otherwise
 * (`details.reason`: `approver_group_not_in_organisation`, `department_not_in_organisation`).
 */
export async function assertPolicyGroups(
  r: Pick<Repositories, "approverGroups" | "departments">,
  ctx: ServiceContext,
  input: {
    approverGroupId?: string | null | undefined;
    departmentApproverGroups?: Record<string, string> | undefined;
  },
): Promise<void> {
  const groups = [
    ...(input.approverGroupId ? [{ id: input.approverGroupId, field: "approverGroupId" }] : []),
    ...Object.entries(input.departmentApproverGroups ?? {}).map(([dept, id]) => ({
      id,
      field: `departmentApproverGroups.${dept}`,
    })),
  ];
  for (const group of groups) {
    if (!(await r.approverGroups.findInOrg(ctx.orgId, group.id, ctx.db))) {
      throw new AppError("VALIDATION", "The approver group is not one of this organisation's", {
        field: group.field,
        reason: "approver_group_not_in_organisation",
      });
    }
  }
  for (const dept of Object.keys(input.departmentApproverGroups ?? {})) {
    if (!(await r.departments.findInOrg(ctx.orgId, dept, ctx.db))) {
      throw new AppError("VALIDATION", "The department is not one of this organisation's", {
        field: `departmentApproverGroups.${dept}`,
        reason: "department_not_in_organisation",
      });
    }
  }
}

/**
 * Named approver groups of the organisation (issue 12): read with `agents:manage`, changed with it by a
 * role that reaches every department (a group decides who reviews any department's replies).
 */
export function createApproverGroupService(deps: { repositories: ApproverGroupRepositories }) {
  const r = deps.repositories;

  async function load(ctx: ServiceContext, id: string, tx: Queryable = ctx.db): Promise<ApproverGroupRow> {
    requirePermission(ctx, PERMISSION);
    const row = await r.approverGroups.findInOrg(ctx.orgId, id, tx);
    if (!row) throw AppError.notFound("Approver group", id);
    return row;
  }

  /** Groups are organisation-wide: changed only by a role that reaches every department. */
  function requireOrgWide(ctx: ServiceContext): void {
    requirePermission(ctx, PERMISSION);
    if (!hasAllDepartments(ctx.access)) {
      throw new AppError(
        "FORBIDDEN",
        "Approver groups are organisation-wide: only a role that reaches every department changes them",
      );
    }
  }

  async function shown(row: ApproverGroupRow, tx: Queryable): Promise<ApproverGroupView> {
    return view(row, (await r.approverGroups.membersOf([row.id], tx)).get(row.id) ?? []);
  }

  /** Members must be active users of the organisation: 400 (`user_not_in_organisation`) otherwise. */
  async function assertMembers(ctx: ServiceContext, userIds: readonly string[], field: string) {
    for (const userId of userIds) {
      const user = await r.users.findById(userId, ctx.db);
      if (user?.orgId !== ctx.orgId || !user.isActive) {
        throw new AppError("VALIDATION", "Every member must be an active user of this organisation", {
          field,
          reason: "user_not_in_organisation",
        });
      }
    }
  }

  async function audit(
    ctx: ServiceContext,
    action: string,
    id: string,
    changes: Record<string, unknown>,
    tx: Queryable,
  ) {
    await recordAudit(
      r,
      ctx,
      { action: `approver_group.${action}`, entityType: "approver_group", entityId: id, changes },
      tx,
    );
  }

  return {
    async list(ctx: ServiceContext): Promise<{ items: ApproverGroupView[] }> {
      requirePermission(ctx, PERMISSION);
      const rows = await r.approverGroups.listInOrg(ctx.orgId, ctx.db);
      const members = await r.approverGroups.membersOf(
        rows.map((row) => row.id),
        ctx.db,
      );
      return { items: rows.map((row) => view(row, members.get(row.id) ?? [])) };
    },

    async get(ctx: ServiceContext, id: string): Promise<ApproverGroupView> {
      return shown(await load(ctx, id), ctx.db);
    },

    async create(
      ctx: ServiceContext,
      input: { name: string; description?: string | null | undefined; memberIds?: string[] | undefined },
    ): Promise<ApproverGroupView> {
      requireOrgWide(ctx);
      const memberIds = [...new Set(input.memberIds ?? [])];
      await assertMembers(ctx, memberIds, "memberIds");
      return withTransaction(ctx.db, async (tx) => {
        const row = await r.approverGroups.create(
          { orgId: ctx.orgId, name: input.name, description: input.description ?? null },
          tx,
        );
        await r.approverGroups.setMembers(ctx.orgId, row.id, memberIds, tx);
        await audit(ctx, "created", row.id, { name: row.name, memberIds }, tx);
        return shown(row, tx);
      });
    },

    /** Renames, describes, adds and removes members (added members go last). */
    async update(
      ctx: ServiceContext,
      id: string,
      input: {
        name?: string | undefined;
        description?: string | null | undefined;
        addMemberIds?: string[] | undefined;
        removeMemberIds?: string[] | undefined;
      },
    ): Promise<ApproverGroupView> {
      const before = await load(ctx, id);
      requireOrgWide(ctx);
      await assertMembers(ctx, input.addMemberIds ?? [], "addMemberIds");
      return withTransaction(ctx.db, async (tx) => {
        const current = (await r.approverGroups.membersOf([id], tx)).get(id) ?? [];
        const removed = new Set(input.removeMemberIds ?? []);
        const next = [...new Set([...current, ...(input.addMemberIds ?? [])])].filter((m) => !removed.has(m));
        let row = before;
        if (input.name !== undefined || input.description !== undefined) {
          row =
            (await r.approverGroups.update(
              id,
              {
                ...(input.name !== undefined ? { name: input.name } : {}),
                ...(input.description !== undefined ? { description: input.description } : {}),
              },
              tx,
            )) ?? before;
        }
        if (input.addMemberIds || input.removeMemberIds) {
          await r.approverGroups.setMembers(ctx.orgId, id, next, tx);
        }
        await audit(ctx, "updated", id, { name: input.name, from: current, to: next }, tx);
        return shown(row, tx);
      });
    },

    /** Deleting a group a namespace's approval policy names is refused (409 with those namespaces). */
    async remove(ctx: ServiceContext, id: string): Promise<void> {
      await load(ctx, id);
      requireOrgWide(ctx);
      await withTransaction(ctx.db, async (tx) => {
        const usedBy = await r.approverGroups.usedBy(id, tx);
        if (usedBy.length > 0) {
          throw new AppError("CONFLICT", "An approval policy names this approver group; change it first", {
            reason: "approver_group_in_use",
            namespaceIds: usedBy,
          });
        }
        await r.approverGroups.delete(id, tx);
        await audit(ctx, "deleted", id, {}, tx);
      });
    },
  };
}

export type ApproverGroupService = ReturnType<typeof createApproverGroupService>;
