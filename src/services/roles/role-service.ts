import type { Access } from "../../core/access.js";
import { requirePermission } from "../../core/access.js";
import { ALL_PERMISSIONS, PERMISSIONS, type Permission } from "../../core/permissions.js";
import { withTransaction } from "../../db/transaction.js";
import { AppError } from "../../lib/errors.js";
import { normalizeName } from "../../lib/names.js";
import type { SystemRoleRow } from "../../repositories/identity.repositories.js";
import type { Repositories } from "../../repositories/index.js";
import { diff, recordAudit } from "../audit/record-audit.js";
import type { ServiceContext } from "../context.js";
import {
  assertCanChangeRole,
  loadVisibleDepartments,
  mergeHidden,
  visibleIds,
} from "../identity/privileges.js";

export interface RoleInput {
  name: string;
  slug: string;
  description?: string | null | undefined;
  permissions: Permission[];
  allDepartments: boolean;
  departmentIds: string[];
}

export type RolePatch = Partial<RoleInput>;

/** A role as the caller may see it: ids of departments hidden from the caller are left out. */
function present(access: Access, role: SystemRoleRow): SystemRoleRow {
  return { ...role, departmentIds: visibleIds(access, role.departmentIds) };
}

/**
 * Roles (seed 000 SystemRole). Listing is open to every member (people need to know what a role
 * means); changing needs roles:manage, and nobody can write a role that reaches beyond their own access.
 */
export function createRoleService(
  repositories: Pick<Repositories, "systemRoles" | "users" | "invitations" | "departments" | "auditLogs">,
) {
  const r = repositories;

  async function load(ctx: ServiceContext, id: string): Promise<SystemRoleRow> {
    const role = await r.systemRoles.findById(id);
    if (!role || role.orgId !== ctx.orgId) throw AppError.notFound("Role", id);
    return role;
  }

  /** Names are unique per organisation once normalised, whatever their case or invisible characters. */
  async function freeName(ctx: ServiceContext, raw: string, self?: string): Promise<string> {
    const name = normalizeName(raw);
    const taken = await r.systemRoles.findByName(ctx.orgId, name, ctx.db);
    if (taken && taken.id !== self) {
      throw new AppError("CONFLICT", `A role named "${name}" already exists`, { field: "name" });
    }
    return name;
  }

  /** Home departments of the role's holders and of its open invitations: where else the role applies. */
  async function holderDepartments(ctx: ServiceContext, role: SystemRoleRow) {
    const [users, invited] = await Promise.all([
      r.users.holderDepartments(ctx.orgId, role.id, ctx.db),
      r.invitations.openDepartmentsForRole(role.id, ctx.db),
    ]);
    return [...new Set([...users, ...invited])];
  }

  return {
    permissions: () => ALL_PERMISSIONS.map((key) => ({ key, description: PERMISSIONS[key] })),

    async list(ctx: ServiceContext): Promise<SystemRoleRow[]> {
      const roles = await r.systemRoles.listForOrg(ctx.orgId, ctx.db);
      return roles.map((role) => present(ctx.access, role));
    },

    get: async (ctx: ServiceContext, id: string) => present(ctx.access, await load(ctx, id)),

    async create(ctx: ServiceContext, input: RoleInput): Promise<SystemRoleRow> {
      requirePermission(ctx, "roles:manage");
      const values = {
        ...input,
        name: await freeName(ctx, input.name),
        permissions: [...new Set(input.permissions)],
      };
      await loadVisibleDepartments(r, ctx, values.departmentIds);
      assertCanChangeRole(ctx, values, [], "The role");
      return withTransaction(ctx.db, async (tx) => {
        const role = await r.systemRoles.create({ orgId: ctx.orgId, isSystem: false, ...values }, tx);
        await recordAudit(
          r,
          ctx,
          { action: "role.created", entityType: "role", entityId: role.id, changes: { ...values } },
          tx,
        );
        return present(ctx.access, role);
      });
    },

    async update(ctx: ServiceContext, id: string, patch: RolePatch): Promise<SystemRoleRow> {
      requirePermission(ctx, "roles:manage");
      const role = await load(ctx, id);
      const holders = await holderDepartments(ctx, role);
      assertCanChangeRole(ctx, role, holders, "This role");
      if (role.isSystem && patch.slug !== undefined && patch.slug !== role.slug) {
        throw new AppError("PRECONDITION_FAILED", "Built-in roles keep their slug");
      }
      const changesAdminReach = patch.permissions !== undefined || patch.allDepartments === false;
      if (role.isSystem && role.slug === "admin" && changesAdminReach) {
        throw new AppError(
          "PRECONDITION_FAILED",
          "The administrator role always holds every permission in every department",
        );
      }
      if (patch.departmentIds) await loadVisibleDepartments(r, ctx, patch.departmentIds);
      const values: RolePatch = {
        ...patch,
        ...(patch.name !== undefined ? { name: await freeName(ctx, patch.name, id) } : {}),
        ...(patch.permissions ? { permissions: [...new Set(patch.permissions)] } : {}),
        ...(patch.departmentIds
          ? { departmentIds: mergeHidden(ctx.access, role.departmentIds, patch.departmentIds) }
          : {}),
      };
      assertCanChangeRole(ctx, { ...role, ...values }, holders, "The role");
      const changes = diff(role, values);
      if (Object.keys(changes).length === 0) return present(ctx.access, role);
      return withTransaction(ctx.db, async (tx) => {
        const updated = await r.systemRoles.update(id, values, tx);
        await recordAudit(r, ctx, { action: "role.updated", entityType: "role", entityId: id, changes }, tx);
        return present(ctx.access, updated!);
      });
    },

    async remove(ctx: ServiceContext, id: string): Promise<void> {
      requirePermission(ctx, "roles:manage");
      const role = await load(ctx, id);
      if (role.isSystem) throw new AppError("PRECONDITION_FAILED", "built-in roles cannot be deleted");
      assertCanChangeRole(ctx, role, await holderDepartments(ctx, role), "This role");
      const [users, invitations] = await Promise.all([
        r.users.countWithRole(ctx.orgId, id, ctx.db),
        r.invitations.countOpenForRole(id, ctx.db),
      ]);
      if (users > 0 || invitations > 0) {
        throw new AppError(
          "CONFLICT",
          `The role is still assigned (${users} users, ${invitations} open invitations); reassign them first`,
          { users, invitations },
        );
      }
      await withTransaction(ctx.db, async (tx) => {
        await r.systemRoles.delete(id, tx);
        await recordAudit(
          r,
          ctx,
          {
            action: "role.deleted",
            entityType: "role",
            entityId: id,
            changes: { name: role.name, slug: role.slug },
          },
          tx,
        );
      });
    },
  };
}

export type RoleService = ReturnType<typeof createRoleService>;
