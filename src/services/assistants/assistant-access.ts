import type { Access } from "../../core/access.js";
import { canSeeDepartment, hasPermission, requirePermission } from "../../core/access.js";
import { AppError } from "../../lib/errors.js";
import type { Repositories } from "../../repositories/index.js";
import type { ServiceContext } from "../context.js";

export type AssistantAccessRepositories = Pick<Repositories, "departments">;

/**
 * Access rules shared by personas, namespaces and agents. Reading assistants needs `chat:use` (people
 * talk to them) or `agents:manage` (people build them); writing needs `agents:manage`. A row without a
 * department is organisation-wide: every member may read it, and only a caller who reaches every
 * department may write it (otherwise a department head could change what other departments use).
 */
export function requireAssistantRead(ctx: ServiceContext): void {
  if (hasPermission(ctx.access, "chat:use") || hasPermission(ctx.access, "agents:manage")) return;
  throw new AppError("FORBIDDEN", "This needs the chat:use or agents:manage permission", {
    permission: "chat:use",
  });
}

/** Whether the caller sees a row of this department (null = organisation-wide: everyone does). */
export function canSeeScope(access: Access, departmentId: string | null): boolean {
  return departmentId === null || canSeeDepartment(access, departmentId);
}

export function hasAllDepartments(access: Access): boolean {
  return access.allDepartments && access.excludedDepartmentIds.size === 0;
}

/**
 * Checks that the caller may write a row of this scope: `agents:manage`, and for org-wide rows every
 * department. A department the caller cannot see is NOT_FOUND, exactly like a missing one.
 */
export async function assertScopeWritable(
  r: AssistantAccessRepositories,
  ctx: ServiceContext,
  departmentId: string | null,
): Promise<void> {
  requirePermission(ctx, "agents:manage");
  if (departmentId === null) {
    if (!hasAllDepartments(ctx.access)) {
      throw new AppError(
        "FORBIDDEN",
        "Organisation-wide assistants can only be changed by a role that reaches every department",
      );
    }
    return;
  }
  const department = await r.departments.findInOrg(ctx.orgId, departmentId, ctx.db);
  if (!department || !canSeeDepartment(ctx.access, department.id)) {
    throw AppError.notFound("Department", departmentId);
  }
}

/** Loads a row the caller may read, or NOT_FOUND (missing, other organisation or hidden department). */
export async function loadVisible<T extends { departmentId: string | null }>(
  ctx: ServiceContext,
  entity: string,
  id: string,
  find: () => Promise<T | undefined>,
): Promise<T> {
  requireAssistantRead(ctx);
  const row = await find();
  if (!row || !canSeeScope(ctx.access, row.departmentId)) throw AppError.notFound(entity, id);
  return row;
}
