import { AppError } from "../../lib/errors.js";
import type { SystemRoleRow } from "../../repositories/identity.repositories.js";
import type { Repositories } from "../../repositories/index.js";
import type { ServiceContext } from "../context.js";

export interface RoleRef {
  roleId?: string | undefined;
  /** A role slug: a built-in one (`employee`, `dept_head`, …) or a custom one. */
  role?: string | undefined;
}

/** The role named by id or by slug in the caller's organisation; 404 when there is none. */
export async function findRole(
  repositories: Pick<Repositories, "systemRoles">,
  ctx: Pick<ServiceContext, "orgId" | "db">,
  ref: RoleRef,
): Promise<SystemRoleRow> {
  let role: SystemRoleRow | undefined;
  if (ref.roleId) {
    role = await repositories.systemRoles.findById(ref.roleId);
    if (role && ref.role && role.slug !== ref.role) {
      throw new AppError("VALIDATION", "roleId and role name different roles; send one of them");
    }
  } else if (ref.role) {
    role = await repositories.systemRoles.findBySlug(ctx.orgId, ref.role, ctx.db);
  }
  if (!role || role.orgId !== ctx.orgId) throw AppError.notFound("Role", ref.roleId ?? ref.role);
  return role;
}
