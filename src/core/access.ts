import { AppError } from "../lib/errors.js";
import type { Permission } from "./permissions.js";

/** Effective permissions and department reach, computed once per request. */
export interface Access {
  permissions: ReadonlySet<string>;
  /** True when the role reaches every department (still minus `excludedDepartmentIds`). */
  allDepartments: boolean;
  departmentIds: ReadonlySet<string>;
  /** Per-user revocations; they win over everything else. */
  excludedDepartmentIds: ReadonlySet<string>;
}

export const noAccess: Access = {
  permissions: new Set(),
  allDepartments: false,
  departmentIds: new Set(),
  excludedDepartmentIds: new Set(),
};

/** Unrestricted access for system jobs (seeding, schedulers); never handed to a request. */
export const systemAccess: Access = {
  permissions: new Set(["*"]),
  allDepartments: true,
  departmentIds: new Set(),
  excludedDepartmentIds: new Set(),
};

export function hasPermission(access: Access, permission: Permission): boolean {
  return access.permissions.has("*") || access.permissions.has(permission);
}

export function requirePermission(ctx: { access: Access }, permission: Permission): void {
  if (!hasPermission(ctx.access, permission)) {
    throw new AppError("FORBIDDEN", `This needs the ${permission} permission`, { permission });
  }
}

export function canSeeDepartment(access: Access, departmentId: string | null | undefined): boolean {
  if (!departmentId) return false;
  if (access.excludedDepartmentIds.has(departmentId)) return false;
  return access.allDepartments || access.departmentIds.has(departmentId);
}

/**
 * A resource in a department the caller cannot see is reported as not found, exactly like a missing
 * one, so ids of other departments' data do not leak.
 */
export function assertDepartmentVisible(
  ctx: { access: Access },
  departmentId: string | null,
  entity: string,
  id: string,
) {
  if (!canSeeDepartment(ctx.access, departmentId)) throw AppError.notFound(entity, id);
}

/** Department ids the caller may see, or "all" (minus exclusions) for org-wide roles. */
export function visibleDepartments(
  access: Access,
): { all: true; except: string[] } | { all: false; ids: string[] } {
  if (access.allDepartments) return { all: true, except: [...access.excludedDepartmentIds] };
  return { all: false, ids: [...access.departmentIds].filter((id) => !access.excludedDepartmentIds.has(id)) };
}
