import { requirePermission } from "../../core/access.js";
import type { Permission } from "../../core/permissions.js";
import { withTransaction } from "../../db/transaction.js";
import { AppError } from "../../lib/errors.js";
import type { PageQuery } from "../../lib/pagination.js";
import type { Repositories } from "../../repositories/index.js";
import type { UserFilter, UserRow } from "../../repositories/user.repository.js";
import { type AuditEntry, diff, recordAudit } from "../audit/record-audit.js";
import type { ServiceContext } from "../context.js";
import { legacyRoleOf } from "../identity/built-in-roles.js";
import { updateMember } from "../identity/membership.js";
import {
  assertCanGrantPermissions,
  assertCanGrantScope,
  loadVisibleDepartments,
  mergeHidden,
} from "../identity/privileges.js";
import { presentUser, selfId, type UserLoader } from "./load-user.js";

export type UserServiceRepositories = Pick<
  Repositories,
  "auditLogs" | "departments" | "orgMembers" | "users"
>;

export interface UserPatch {
  name?: string | undefined;
  phone?: string | null | undefined;
  avatarUrl?: string | null | undefined;
  roleId?: string | undefined;
  role?: string | undefined;
  extraPermissions?: Permission[] | undefined;
  revokedPermissions?: Permission[] | undefined;
  extraDepartmentIds?: string[] | undefined;
  revokedDepartmentIds?: string[] | undefined;
}

type UserValues = Partial<Pick<UserRow, keyof UserPatch>>;

const ACCESS_FIELDS = [
  "roleId",
  "role",
  "extraPermissions",
  "revokedPermissions",
  "extraDepartmentIds",
  "revokedDepartmentIds",
] as const;

/** Which audit action records which fields, so each kind of change can be found on its own. */
const AUDIT_GROUPS: ReadonlyArray<{ action: string; fields: ReadonlyArray<keyof UserValues> }> = [
  { action: "user.updated", fields: ["name", "phone", "avatarUrl"] },
  { action: "user.role_changed", fields: ["roleId", "role"] },
  { action: "user.permissions_changed", fields: ["extraPermissions", "revokedPermissions"] },
  { action: "user.departments_changed", fields: ["extraDepartmentIds", "revokedDepartmentIds"] },
];

const unique = <T>(values: readonly T[]) => [...new Set(values)];

export function createUserService(deps: { repositories: UserServiceRepositories; loader: UserLoader }) {
  const { repositories: r, loader } = deps;

  /** Turns a patch into column values, refusing anything the caller could not grant. */
  async function accessValues(ctx: ServiceContext, user: UserRow, patch: UserPatch): Promise<UserValues> {
    const values: UserValues = {};
    if (patch.roleId !== undefined || patch.role !== undefined) {
      const role = await loader.role(ctx, patch);
      assertCanGrantScope(ctx, role, `The role "${role.name}"`);
      values.roleId = role.id;
      values.role = legacyRoleOf(role);
    }
    if (patch.extraPermissions) {
      assertCanGrantPermissions(ctx, patch.extraPermissions);
      values.extraPermissions = unique(patch.extraPermissions);
    }
    if (patch.revokedPermissions) {
      // Lifting a revocation grants the permission back: the same check as granting it.
      const kept = new Set(patch.revokedPermissions);
      assertCanGrantPermissions(
        ctx,
        user.revokedPermissions.filter((p) => !kept.has(p as Permission)),
      );
      values.revokedPermissions = unique(patch.revokedPermissions);
    }
    for (const field of ["extraDepartmentIds", "revokedDepartmentIds"] as const) {
      const ids = patch[field];
      if (!ids) continue;
      await loadVisibleDepartments(r, ctx, ids);
      // Ids the caller cannot see stay as they were, so a department revocation lifted here is always
      // one of a department the caller sees, i.e. could grant.
      values[field] = mergeHidden(ctx.access, user[field], ids);
    }
    return values;
  }

  return {
    async list(ctx: ServiceContext, filter: UserFilter, page: PageQuery) {
      requirePermission(ctx, "users:manage");
      const result = await r.users.pageVisible(ctx.orgId, ctx.access, filter, page, ctx.db);
      return { ...result, items: result.items.map((u) => presentUser(ctx.access, u)) };
    },

    /** Anyone may read their own record; other users need users:manage and a visible department. */
    async get(ctx: ServiceContext, id: string): Promise<UserRow> {
      if (ctx.actor.kind === "user" && ctx.actor.userId === id) {
        const self = await r.users.findById(id);
        if (self && self.orgId === ctx.orgId) return presentUser(ctx.access, self);
      }
      requirePermission(ctx, "users:manage");
      return presentUser(ctx.access, await loader.find(ctx, id));
    },

    async update(ctx: ServiceContext, id: string, patch: UserPatch): Promise<UserRow> {
      const user = await loader.managed(ctx, id);
      const touchesAccess = ACCESS_FIELDS.some((field) => patch[field] !== undefined);
      // An API key acts for its owner: it may not change its owner's access either.
      if (touchesAccess && ctx.actor.userId === user.id) {
        throw new AppError(
          "FORBIDDEN",
          "You cannot change your own role, permissions or departments; ask another administrator",
        );
      }
      const values: UserValues = {
        ...(patch.name !== undefined ? { name: patch.name } : {}),
        ...(patch.phone !== undefined ? { phone: patch.phone } : {}),
        ...(patch.avatarUrl !== undefined ? { avatarUrl: patch.avatarUrl } : {}),
        ...(await accessValues(ctx, user, patch)),
      };
      const entries: AuditEntry[] = [];
      for (const group of AUDIT_GROUPS) {
        const picked = Object.fromEntries(group.fields.map((f) => [f, values[f]]));
        const changes = diff(user, picked);
        if (Object.keys(changes).length === 0) continue;
        entries.push({
          action: group.action,
          entityType: "user",
          entityId: user.id,
          departmentId: user.departmentId,
          changes,
        });
      }
      if (entries.length === 0) return presentUser(ctx.access, user);
      return withTransaction(ctx.db, async (tx) => {
        const updated = await updateMember(r, user.id, values, tx);
        for (const entry of entries) await recordAudit(r, ctx, entry, tx);
        return presentUser(ctx.access, updated);
      });
    },

    /** The caller's own profile fields; nothing that changes what they may do. */
    async updateMe(
      ctx: ServiceContext,
      patch: Pick<UserPatch, "name" | "phone" | "avatarUrl">,
    ): Promise<UserRow> {
      const id = selfId(ctx);
      const user = await r.users.findById(id);
      if (!user || user.orgId !== ctx.orgId) throw AppError.notFound("User", id);
      const changes = diff(user, patch);
      if (Object.keys(changes).length === 0) return presentUser(ctx.access, user);
      return withTransaction(ctx.db, async (tx) => {
        const updated = await r.users.update(id, patch, tx);
        await recordAudit(
          r,
          ctx,
          {
            action: "user.updated",
            entityType: "user",
            entityId: id,
            departmentId: user.departmentId,
            changes,
          },
          tx,
        );
        return presentUser(ctx.access, updated!);
      });
    },
  };
}

export type UserService = ReturnType<typeof createUserService>;
