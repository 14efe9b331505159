import { systemAccess } from "../../core/access.js";
import { withTransaction } from "../../db/transaction.js";
import { AppError } from "../../lib/errors.js";
import { hashPassword, samePassword, verifyPassword } from "../../lib/passwords.js";
import type { Repositories } from "../../repositories/index.js";
import type { UserRow } from "../../repositories/user.repository.js";
import { recordAudit } from "../audit/record-audit.js";
import type { AccountLockout } from "../auth/account-lockout.js";
import type { SessionService, TokenPair } from "../auth/session-service.js";
import type { ServiceContext } from "../context.js";
import { createMember } from "../identity/membership.js";
import { selfId } from "./load-user.js";

export type UserCredentialsRepositories = Pick<
  Repositories,
  "auditLogs" | "departments" | "orgMembers" | "sessions" | "systemRoles" | "users"
>;

const samePasswordError = () =>
  new AppError("VALIDATION", "The new password must differ from the current one", { field: "newPassword" });

/** Password changes by the user, and operator-created administrators. */
export function createUserCredentials(deps: {
  repositories: UserCredentialsRepositories;
  sessions: SessionService;
  lockout: AccountLockout;
}) {
  const { repositories: r, sessions } = deps;

  return {
    /**
     * Changes the caller's password. Every session and access token issued before ends (a stolen one
     * dies with the old password); the caller gets a fresh pair so this device stays signed in.
     */
    async changePassword(
      ctx: ServiceContext,
      input: { currentPassword: string; newPassword: string },
    ): Promise<TokenPair> {
      const id = selfId(ctx);
      const user = await r.users.findById(id, ctx.db);
      if (!user || user.orgId !== ctx.orgId) throw AppError.notFound("User", id);
      // The hash is read from the database every time: rows (and their cached copies) never carry it.
      // Throttled per account, sharing the count with sign-in.
      const correct = await deps.lockout.check(user.email, async () => {
        const currentHash = await r.users.passwordHashOf(id);
        return Boolean(currentHash && (await verifyPassword(currentHash, input.currentPassword)));
      });
      if (!correct) {
        throw new AppError("VALIDATION", "The current password is wrong", { field: "currentPassword" });
      }
      if (samePassword(input.newPassword, input.currentPassword)) throw samePasswordError();
      const passwordHash = await hashPassword(input.newPassword);
      const updated = await withTransaction(ctx.db, async (tx) => {
        await r.users.update(id, { passwordHash }, tx);
        const revoked = await r.sessions.revokeAllForUser(id, "password_changed", tx);
        const bumped = await r.users.bumpTokenVersion(id, tx);
        await recordAudit(
          r,
          ctx,
          {
            action: "user.password_changed",
            entityType: "user",
            entityId: id,
            departmentId: user.departmentId,
            changes: { revokedSessions: revoked.length },
          },
          tx,
        );
        return bumped!;
      });
      return sessions.issue(updated, ctx.meta);
    },

    /** An administrator of an existing organisation, created by an operator (`atrium users create-admin`). */
    async createAdmin(
      ctx: ServiceContext,
      input: { email: string; name: string; password: string },
    ): Promise<UserRow> {
      if (ctx.actor.kind !== "system") {
        throw new AppError("FORBIDDEN", "Administrators are created by invitation or by an operator");
      }
      const email = input.email.toLowerCase();
      if (await r.users.findByEmail(ctx.orgId, email, ctx.db)) {
        throw new AppError("CONFLICT", `A user with the email ${email} already exists in this organisation`);
      }
      const adminRole = await r.systemRoles.findBySlug(ctx.orgId, "admin", ctx.db);
      const departments = await r.departments.pageVisible(
        ctx.orgId,
        systemAccess,
        { includeArchived: false },
        { page: 1, pageSize: 1 },
        ctx.db,
      );
      const passwordHash = await hashPassword(input.password);
      return withTransaction(ctx.db, async (tx) => {
        const user = await createMember(
          r,
          {
            orgId: ctx.orgId,
            email,
            name: input.name,
            passwordHash,
            role: "admin",
            roleId: adminRole?.id ?? null,
            departmentId: departments.items[0]?.id ?? null,
          },
          tx,
        );
        await recordAudit(
          r,
          ctx,
          {
            action: "user.created",
            entityType: "user",
            entityId: user.id,
            departmentId: user.departmentId,
            changes: { email, role: "admin", orgRole: "admin" },
          },
          tx,
        );
        return user;
      });
    },
  };
}
