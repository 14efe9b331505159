import type { Access } from "../../core/access.js";
import { canSeeDepartment, hasPermission } from "../../core/access.js";
import type { Permission } from "../../core/permissions.js";
import { AppError } from "../../lib/errors.js";
import type { DepartmentRow } from "../../repositories/department.repository.js";
import type { Repositories } from "../../repositories/index.js";
import type { UserRow } from "../../repositories/user.repository.js";
import type { ServiceContext } from "../context.js";

/**
 * No privilege escalation: whoever manages users or roles can hand out only what they hold
 * themselves, and can act only on people who hold no more than they do.
 */

/** Whoever acts: a request's context, or an inviter whose access is checked again later. */
type Caller = Pick<ServiceContext, "access">;

const forbidden = (message: string, details?: Record<string, unknown>) =>
  new AppError("FORBIDDEN", message, details);

export function assertCanGrantPermissions(ctx: Caller, permissions: readonly string[]): void {
  const missing = permissions.filter((p) => !hasPermission(ctx.access, p as Permission));
  if (missing.length > 0) {
    throw forbidden("You cannot grant permissions you do not hold yourself", { permissions: missing });
  }
}

export interface GrantedScope {
  permissions: readonly string[];
  allDepartments: boolean;
  departmentIds: readonly string[];
}

/** A role (or a user's effective access) may be granted only when it is within the caller's own reach. */
export function assertCanGrantScope(ctx: Caller, scope: GrantedScope, what: string): void {
  const missing = scope.permissions.filter((p) => !hasPermission(ctx.access, p as Permission));
  if (missing.length > 0) {
    throw forbidden(`${what} holds permissions you do not hold yourself`, { permissions: missing });
  }
  if (scope.allDepartments && !ctx.access.allDepartments) {
    throw forbidden(`${what} reaches every department; only an organisation-wide role may grant that`);
  }
  if (scope.departmentIds.some((id) => !canSeeDepartment(ctx.access, id))) {
    throw forbidden(`${what} reaches departments outside your own`);
  }
}

/**
 * A role always reaches its holder's own department besides the ones it lists. So a role listing none
 * (the built-in employee, approver and department head roles, or a custom one like them) applies in
 * every department, and a role held by someone elsewhere applies there too. Creating, changing or
 * deleting a role therefore needs a caller whose reach covers every department the role can apply in.
 */
export function assertCanChangeRole(
  ctx: ServiceContext,
  role: GrantedScope,
  holderDepartments: ReadonlyArray<string | null>,
  what: string,
): void {
  assertCanGrantScope(ctx, role, what);
  if (ctx.access.allDepartments) return;
  if (!role.allDepartments && role.departmentIds.length === 0) {
    throw forbidden(
      `${what} applies in every department (each holder's own); only a role that reaches every department may change it`,
    );
  }
  if (holderDepartments.some((id) => !canSeeDepartment(ctx.access, id))) {
    throw forbidden(`${what} is held or offered in departments outside your own`);
  }
}

/** Whether `access` can see this user (by their department; department-less users need an org-wide role). */
export function canSeeUser(access: Access, user: Pick<UserRow, "departmentId">): boolean {
  return user.departmentId ? canSeeDepartment(access, user.departmentId) : access.allDepartments;
}

/** The caller may manage a user only when the user's effective access is within the caller's. */
export function assertCanManage(ctx: Caller, target: UserRow, targetAccess: Access): void {
  const scope = {
    permissions: [...targetAccess.permissions],
    allDepartments: targetAccess.allDepartments,
    departmentIds: [...targetAccess.departmentIds],
  };
  try {
    assertCanGrantScope(ctx, scope, "This user");
  } catch (error) {
    if (error instanceof AppError) {
      throw forbidden("You cannot manage a user who holds more access than you do", {
        userId: target.id,
      });
    }
    throw error;
  }
}

/**
 * Loads departments named in a request. One that does not exist, belongs to another organisation or
 * is hidden from the caller is reported as not found, so hidden ids do not leak.
 */
export async function loadVisibleDepartments(
  repositories: Pick<Repositories, "departments">,
  ctx: ServiceContext,
  ids: readonly string[],
): Promise<DepartmentRow[]> {
  const unique = [...new Set(ids)];
  const rows = await repositories.departments.findByIds(unique, ctx.db);
  const found = new Map(rows.filter((d) => d.orgId === ctx.orgId).map((d) => [d.id, d]));
  for (const id of unique) {
    if (!found.has(id) || !canSeeDepartment(ctx.access, id)) throw AppError.notFound("Department", id);
  }
  return unique.map((id) => found.get(id)!);
}

/** Department ids as the caller may see them: ids of hidden departments are left out. */
export function visibleIds(access: Access, ids: readonly string[]): string[] {
  return ids.filter((id) => canSeeDepartment(access, id));
}

/**
 * A list edited by someone who sees only part of it: the caller's new list replaces the part they can
 * see, and the ids they cannot see stay as they were.
 */
export function mergeHidden(access: Access, before: readonly string[], next: readonly string[]): string[] {
  const hidden = before.filter((id) => !canSeeDepartment(access, id));
  return [...new Set([...next, ...hidden])];
}
