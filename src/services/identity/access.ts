import type { Access } from "../../core/access.js";
import { isPermission } from "../../core/permissions.js";

export interface UserAccessFields {
  departmentId: string | null;
  extraPermissions: string[];
  revokedPermissions: string[];
  extraDepartmentIds: string[];
  revokedDepartmentIds: string[];
}

export interface RoleAccessFields {
  permissions: string[];
  allDepartments: boolean;
  departmentIds: string[];
}

/**
 * Effective access (seed 000): permissions = role ∪ extra − revoked; departments = (all, or the role's
 * departments ∪ the user's own) ∪ extra − revoked. Unknown permission strings are ignored.
 */
export function computeAccess(user: UserAccessFields, role: RoleAccessFields | undefined): Access {
  const revoked = new Set(user.revokedPermissions);
  const permissions = new Set(
    [...(role?.permissions ?? []), ...user.extraPermissions].filter(
      (p) => isPermission(p) && !revoked.has(p),
    ),
  );
  const excluded = new Set(user.revokedDepartmentIds);
  const departmentIds = new Set([
    ...(role?.departmentIds ?? []),
    ...(user.departmentId ? [user.departmentId] : []),
    ...user.extraDepartmentIds,
  ]);
  for (const id of excluded) departmentIds.delete(id);
  return {
    permissions,
    allDepartments: role?.allDepartments ?? false,
    departmentIds,
    excludedDepartmentIds: excluded,
  };
}

/** API keys carry their own scope, capped by what their creator could do when the key is used. */
export function intersectAccess(key: Access, owner: Access): Access {
  const permissions = new Set([...key.permissions].filter((p) => owner.permissions.has(p)));
  const excluded = new Set([...key.excludedDepartmentIds, ...owner.excludedDepartmentIds]);
  const ownerSees = (id: string) => owner.allDepartments || owner.departmentIds.has(id);
  if (key.allDepartments) {
    return {
      permissions,
      allDepartments: owner.allDepartments,
      departmentIds: owner.departmentIds,
      excludedDepartmentIds: excluded,
    };
  }
  return {
    permissions,
    allDepartments: false,
    departmentIds: new Set([...key.departmentIds].filter((id) => ownerSees(id) && !excluded.has(id))),
    excludedDepartmentIds: excluded,
  };
}
