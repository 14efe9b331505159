import type { Access } from "../../core/access.js";
import { canSeeDepartment, hasPermission } from "../../core/access.js";
import { AppError } from "../../lib/errors.js";
import type { DepartmentRow } from "../../repositories/department.repository.js";
import type { SystemRoleRow } from "../../repositories/identity.repositories.js";
import type { Repositories } from "../../repositories/index.js";
import type { InvitationRow } from "../../repositories/invitation.repository.js";
import type { UserRow } from "../../repositories/user.repository.js";
import type { Authenticator } from "../auth/authenticate.js";
import { assertCanGrantScope, assertCanManage, canSeeUser } from "../identity/privileges.js";

export type InviterReachRepositories = Pick<Repositories, "users">;

/** One answer for every way the inviter's reach falls short: the invitee learns nothing more. */
const beyondInviter = () =>
  new AppError(
    "FORBIDDEN",
    "This invitation grants more than the person who sent it may grant now; ask an administrator for a new one",
  );

/**
 * An invitation grants only what its inviter could grant directly. Checked when it is made (with the
 * caller's context) and again when it is accepted, with the inviter's access at that moment: a
 * demoted, moved or deactivated inviter's invitations stop granting what they no longer could.
 */
export function createInviterReach(deps: {
  repositories: InviterReachRepositories;
  authenticator: Authenticator;
}) {
  const { repositories: r, authenticator } = deps;

  return {
    /** The inviter's current access, if it still covers the invitation's department and role. */
    async inviterAccess(
      invitation: InvitationRow,
      department: DepartmentRow,
      role: SystemRoleRow,
    ): Promise<Access> {
      const inviter = invitation.invitedById ? await r.users.findById(invitation.invitedById) : undefined;
      if (!inviter?.isActive || inviter.orgId !== invitation.orgId) throw beyondInviter();
      const access = await authenticator.accessOf(inviter);
      if (!hasPermission(access, "users:manage") || !canSeeDepartment(access, department.id)) {
        throw beyondInviter();
      }
      try {
        assertCanGrantScope({ access }, role, "The role");
      } catch {
        throw beyondInviter();
      }
      return access;
    },

    /** At acceptance: the inviter must be able to manage the existing account, as a direct edit needs. */
    async assertInviterMayChange(access: Access, existing: UserRow): Promise<void> {
      if (!canSeeUser(access, existing)) throw beyondInviter();
      const existingAccess = await authenticator.accessOf(existing);
      try {
        assertCanManage({ access }, existing, existingAccess);
      } catch {
        throw beyondInviter();
      }
    },
  };
}

/**
 * Whether moving from `current` to `next` takes something away: a permission, every-department reach
 * or a listed department. Accepting an invitation never does that silently.
 */
export function lowersRole(current: SystemRoleRow | undefined, next: SystemRoleRow): boolean {
  if (!current || current.id === next.id) return false;
  const permissions = new Set(next.permissions);
  if (current.permissions.some((p) => !permissions.has(p))) return true;
  if (next.allDepartments) return false;
  return current.allDepartments || current.departmentIds.some((id) => !next.departmentIds.includes(id));
}

export type InviterReach = ReturnType<typeof createInviterReach>;
