import { BUILT_IN_ROLES, type LegacyRole } from "../../core/permissions.js";
import type { Queryable } from "../../db/client.js";
import type { SystemRoleRow } from "../../repositories/identity.repositories.js";
import type { Repositories } from "../../repositories/index.js";

const LEGACY_ROLES = new Set<string>(BUILT_IN_ROLES.map((role) => role.slug));

/** Creates the built-in system roles of a new organisation; pass the organisation's transaction. */
export async function createBuiltInRoles(
  repositories: Pick<Repositories, "systemRoles">,
  orgId: string,
  tx: Queryable,
): Promise<Map<LegacyRole, SystemRoleRow>> {
  const rows = await repositories.systemRoles.createMany(
    BUILT_IN_ROLES.map((role) => ({ orgId, isSystem: true, ...role })),
    tx,
  );
  return new Map(rows.map((row) => [row.slug as LegacyRole, row]));
}

/**
 * The legacy `users.role` value that goes with a role: a built-in role's own slug, and `employee`
 * for custom roles (the legacy enum cannot name them, and `employee` grants the least).
 */
export function legacyRoleOf(role: { isSystem: boolean; slug: string }): LegacyRole {
  return role.isSystem && LEGACY_ROLES.has(role.slug) ? (role.slug as LegacyRole) : "employee";
}
