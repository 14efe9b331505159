import { requirePermission } from "../../core/access.js";
import { withTransaction } from "../../db/transaction.js";
import { AppError } from "../../lib/errors.js";
import type { PageQuery } from "../../lib/pagination.js";
import { hashToken, randomToken } from "../../lib/secrets.js";
import type { Mailer } from "../../providers/mail/index.js";
import type { Repositories } from "../../repositories/index.js";
import type { InvitationRow, InvitationStatus } from "../../repositories/invitation.repository.js";
import { recordAudit } from "../audit/record-audit.js";
import type { Authenticator } from "../auth/authenticate.js";
import type { ServiceContext } from "../context.js";
import { legacyRoleOf } from "../identity/built-in-roles.js";
import { findRole, type RoleRef } from "../identity/find-role.js";
import { membershipRoleFor } from "../identity/membership.js";
import {
  assertCanGrantScope,
  assertCanManage,
  canSeeUser,
  loadVisibleDepartments,
} from "../identity/privileges.js";
import { invitationMail } from "./invitation-mail.js";

export type InvitationServiceRepositories = Pick<
  Repositories,
  "auditLogs" | "departments" | "invitations" | "organizations" | "systemRoles" | "users"
>;

export const DEFAULT_INVITATION_DAYS = 7;

export interface InvitationInput extends RoleRef {
  email: string;
  departmentId: string;
  expiresInDays?: number | undefined;
}

export type InvitationView = InvitationRow & { status: InvitationStatus };

export function invitationStatus(row: InvitationRow, now = Date.now()): InvitationStatus {
  if (row.acceptedAt) return "accepted";
  if (row.revokedAt) return "revoked";
  return row.expiresAt.getTime() <= now ? "expired" : "pending";
}

const view = (row: InvitationRow): InvitationView => ({ ...row, status: invitationStatus(row) });

export function createInvitationService(deps: {
  repositories: InvitationServiceRepositories;
  authenticator: Authenticator;
  publicUrl: string;
  mailer?: Mailer | undefined;
}) {
  const { repositories: r } = deps;

  async function load(ctx: ServiceContext, id: string): Promise<InvitationRow> {
    const invitation = await r.invitations.findInOrg(ctx.orgId, id, ctx.db);
    if (!invitation || !canSeeUser(ctx.access, invitation)) throw AppError.notFound("Invitation", id);
    return invitation;
  }

  async function send(ctx: ServiceContext, invitation: InvitationRow, acceptUrl: string): Promise<boolean> {
    if (!deps.mailer) return false;
    try {
      const org = await r.organizations.findById(ctx.orgId, ctx.db);
      await deps.mailer.send(
        invitationMail({
          to: invitation.email,
          orgName: org?.name ?? "Atrium",
          acceptUrl,
          expiresAt: invitation.expiresAt,
        }),
      );
      return true;
    } catch (error) {
      // The inviter still gets the link in the response, so a mail outage does not lose the invitation.
      ctx.logger.warn({ err: error, invitationId: invitation.id }, "could not send the invitation mail");
      return false;
    }
  }

  return {
    /**
     * Invites someone into a department the caller can see, with a role the caller could grant. The
     * token is returned once (with the link) and stored only as a hash; an earlier open invitation to
     * the same address is revoked.
     */
    async create(ctx: ServiceContext, input: InvitationInput) {
      requirePermission(ctx, "users:manage");
      const [department] = await loadVisibleDepartments(r, ctx, [input.departmentId]);
      if (department!.isArchived) {
        throw new AppError("PRECONDITION_FAILED", "The department is archived; unarchive it first");
      }
      const role = await findRole(r, ctx, input.roleId || input.role ? input : { role: "employee" });
      assertCanGrantScope(ctx, role, `The role "${role.name}"`);
      const email = input.email.toLowerCase();
      // Accepting moves an existing account: only someone who could change it directly may invite it.
      // An account the caller cannot see is not revealed here; acceptance refuses it.
      const existing = await r.users.findByEmail(ctx.orgId, email, ctx.db);
      if (existing && canSeeUser(ctx.access, existing)) {
        assertCanManage(ctx, existing, await deps.authenticator.accessOf(existing));
      }
      const token = randomToken();
      const days = input.expiresInDays ?? DEFAULT_INVITATION_DAYS;
      const invitation = await withTransaction(ctx.db, async (tx) => {
        const replaced = await r.invitations.revokeOpenFor(ctx.orgId, email, tx);
        const row = await r.invitations.create(
          {
            orgId: ctx.orgId,
            email,
            tokenHash: hashToken(token),
            role: legacyRoleOf(role),
            orgRole: membershipRoleFor(legacyRoleOf(role)),
            roleId: role.id,
            departmentId: department!.id,
            invitedById: ctx.actor.userId ?? null,
            expiresAt: new Date(Date.now() + days * 86_400_000),
          },
          tx,
        );
        await recordAudit(
          r,
          ctx,
          {
            action: "invitation.created",
            entityType: "invitation",
            entityId: row.id,
            departmentId: department!.id,
            changes: { email, role: role.slug, departmentId: department!.id, replaced: replaced.length },
          },
          tx,
        );
        return row;
      });
      const acceptUrl = `${deps.publicUrl.replace(/\/+$/, "")}/accept-invitation?token=${token}`;
      const mailed = await send(ctx, invitation, acceptUrl);
      return { invitation: view(invitation), token, acceptUrl, mailed };
    },

    async list(
      ctx: ServiceContext,
      filter: { status?: InvitationStatus | undefined; email?: string | undefined },
      page: PageQuery,
    ) {
      requirePermission(ctx, "users:manage");
      const result = await r.invitations.pageVisible(ctx.orgId, ctx.access, filter, page, ctx.db);
      return { ...result, items: result.items.map(view) };
    },

    async get(ctx: ServiceContext, id: string): Promise<InvitationView> {
      requirePermission(ctx, "users:manage");
      return view(await load(ctx, id));
    },

    /** Revokes an open invitation; revoking twice is harmless, revoking an accepted one is refused. */
    async revoke(ctx: ServiceContext, id: string): Promise<InvitationView> {
      requirePermission(ctx, "users:manage");
      const invitation = await load(ctx, id);
      if (invitation.acceptedAt) {
        throw new AppError(
          "CONFLICT",
          "The invitation has been accepted already; deactivate the user instead",
        );
      }
      if (invitation.revokedAt) return view(invitation);
      return withTransaction(ctx.db, async (tx) => {
        const updated = await r.invitations.update(id, { revokedAt: new Date() }, tx);
        await recordAudit(
          r,
          ctx,
          {
            action: "invitation.revoked",
            entityType: "invitation",
            entityId: id,
            departmentId: invitation.departmentId,
            changes: { email: invitation.email },
          },
          tx,
        );
        return view(updated!);
      });
    },
  };
}

export type InvitationService = ReturnType<typeof createInvitationService>;
