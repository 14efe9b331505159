import type { Db, Queryable } from "../../db/client.js";
import { withTransaction } from "../../db/transaction.js";
import { AppError } from "../../lib/errors.js";
import { hashPassword, verifyPassword } from "../../lib/passwords.js";
import { hashToken } from "../../lib/secrets.js";
import type { Repositories } from "../../repositories/index.js";
import type { InvitationRow } from "../../repositories/invitation.repository.js";
import type { UserRow } from "../../repositories/user.repository.js";
import { recordAudit } from "../audit/record-audit.js";
import type { AccountLockout } from "../auth/account-lockout.js";
import type { Authenticator } from "../auth/authenticate.js";
import type { SessionService } from "../auth/session-service.js";
import type { RequestMeta } from "../context.js";
import { legacyRoleOf } from "../identity/built-in-roles.js";
import { createMember, updateMember } from "../identity/membership.js";
import { createInviterReach, lowersRole } from "./inviter-reach.js";

export type AcceptInvitationRepositories = Pick<
  Repositories,
  "auditLogs" | "departments" | "invitations" | "orgMembers" | "organizations" | "systemRoles" | "users"
>;

export interface AcceptInput {
  token: string;
  name: string;
  password: string;
}

const refused = (code: "CONFLICT" | "PRECONDITION_FAILED", message: string) => new AppError(code, message);

/**
 * Accepting an invitation: a new account in the invited department and role, or, when the address
 * already has an account in the organisation, that account moved there (its owner proves it with its
 * password, so an inviter who saw the link cannot take the account over). The invitation grants only
 * what its inviter could grant directly now, and never lowers an existing account's role. Returns a
 * signed-in pair.
 */
export function createInvitationAcceptance(deps: {
  db: Db;
  repositories: AcceptInvitationRepositories;
  sessions: SessionService;
  authenticator: Authenticator;
  lockout: AccountLockout;
}) {
  const { repositories: r } = deps;
  const reach = createInviterReach(deps);

  /** The role an existing account holds now (its role id, or its legacy role's built-in one). */
  async function currentRole(user: UserRow) {
    const role = user.roleId
      ? await r.systemRoles.findById(user.roleId)
      : await r.systemRoles.findBySlug(user.orgId, user.role);
    return role?.orgId === user.orgId ? role : undefined;
  }

  /** Everything the invitation points at must still be usable. */
  async function target(invitation: InvitationRow) {
    if (invitation.acceptedAt) throw refused("CONFLICT", "This invitation has already been used");
    if (invitation.revokedAt) throw refused("PRECONDITION_FAILED", "This invitation has been revoked");
    if (invitation.expiresAt.getTime() <= Date.now()) {
      throw refused("PRECONDITION_FAILED", "This invitation has expired; ask for a new one");
    }
    const org = await r.organizations.findById(invitation.orgId);
    if (!org?.isActive) throw refused("PRECONDITION_FAILED", "The organisation is no longer active");
    const department = invitation.departmentId
      ? await r.departments.findById(invitation.departmentId)
      : undefined;
    if (!department || department.isArchived) {
      throw refused("PRECONDITION_FAILED", "The invited department no longer takes new members");
    }
    const role = invitation.roleId
      ? await r.systemRoles.findById(invitation.roleId)
      : await r.systemRoles.findBySlug(invitation.orgId, invitation.role);
    if (!role || role.orgId !== invitation.orgId) {
      throw refused("PRECONDITION_FAILED", "The invited role no longer exists; ask for a new invitation");
    }
    return { org, department, role };
  }

  async function link(
    existing: UserRow,
    values: Pick<UserRow, "departmentId" | "roleId" | "role">,
    tx: Queryable,
  ) {
    const updated = await updateMember(r, existing.id, values, tx);
    // Like a transfer: tokens issued for the old department stop working.
    const moved = existing.departmentId !== values.departmentId;
    return moved ? (await r.users.bumpTokenVersion(existing.id, tx))! : updated;
  }

  return {
    async accept(input: AcceptInput, meta: RequestMeta) {
      const invitation = await r.invitations.findByTokenHash(hashToken(input.token));
      if (!invitation) throw AppError.notFound("Invitation");
      const { org, department, role } = await target(invitation);
      const inviterAccess = await reach.inviterAccess(invitation, department, role);
      const existing = await r.users.findByEmail(invitation.orgId, invitation.email);
      if (existing && !existing.isActive) {
        throw refused(
          "PRECONDITION_FAILED",
          "This account is deactivated; ask an administrator to reactivate it",
        );
      }
      // The account's password, throttled like a sign-in.
      const proven =
        !existing ||
        (await deps.lockout.check(existing.email, async () => {
          const hash = await r.users.passwordHashOf(existing.id);
          return Boolean(hash && (await verifyPassword(hash, input.password)));
        }));
      if (!proven) {
        throw new AppError(
          "UNAUTHORIZED",
          `This email already has an account in ${org.name}; enter that account's password to accept`,
        );
      }
      if (existing) {
        await reach.assertInviterMayChange(inviterAccess, existing);
        const current = await currentRole(existing);
        if (lowersRole(current, role)) {
          throw refused(
            "PRECONDITION_FAILED",
            `Accepting would lower your role from "${current!.name}" to "${role.name}"; ask an administrator to change your role directly`,
          );
        }
      }
      const passwordHash = existing ? undefined : await hashPassword(input.password);
      const values = { departmentId: department.id, roleId: role.id, role: legacyRoleOf(role) };
      const user = await withTransaction(deps.db, async (tx) => {
        const user = existing
          ? await link(existing, values, tx)
          : await createMember(
              r,
              {
                orgId: org.id,
                email: invitation.email,
                name: input.name,
                passwordHash: passwordHash!,
                ...values,
              },
              tx,
            );
        if (!(await r.invitations.markAccepted(invitation.id, user.id, tx))) {
          throw refused("CONFLICT", "This invitation has already been used");
        }
        const ctx = { orgId: org.id, actor: { kind: "user" as const, id: user.id, userId: user.id }, meta };
        await recordAudit(
          r,
          ctx,
          {
            action: "invitation.accepted",
            entityType: "invitation",
            entityId: invitation.id,
            departmentId: department.id,
            changes: { email: invitation.email, userId: user.id, linkedExistingUser: Boolean(existing) },
          },
          tx,
        );
        await recordAudit(
          r,
          ctx,
          {
            action: existing ? "user.role_changed" : "user.created",
            entityType: "user",
            entityId: user.id,
            departmentId: department.id,
            changes: existing
              ? {
                  departmentId: { from: existing.departmentId, to: department.id },
                  roleId: { from: existing.roleId, to: role.id },
                }
              : { email: invitation.email, role: role.slug, departmentId: department.id },
          },
          tx,
        );
        return user;
      });
      return { user, tokens: await deps.sessions.issue(user, meta) };
    },
  };
}
