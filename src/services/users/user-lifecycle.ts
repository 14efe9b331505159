import { withTransaction } from "../../db/transaction.js";
import { AppError } from "../../lib/errors.js";
import type { Repositories } from "../../repositories/index.js";
import type { UserRow } from "../../repositories/user.repository.js";
import { recordAudit } from "../audit/record-audit.js";
import type { AccountLockout } from "../auth/account-lockout.js";
import type { ServiceContext } from "../context.js";
import { loadVisibleDepartments } from "../identity/privileges.js";
import { presentUser, type UserLoader } from "./load-user.js";

export type UserLifecycleRepositories = Pick<
  Repositories,
  "auditLogs" | "departments" | "sessions" | "users"
>;

/** Deactivation, reactivation and department transfer: the changes that end a user's current tokens. */
export function createUserLifecycle(deps: {
  repositories: UserLifecycleRepositories;
  loader: UserLoader;
  lockout: AccountLockout;
}) {
  const { repositories: r, loader } = deps;

  async function setActive(ctx: ServiceContext, id: string, isActive: boolean): Promise<UserRow> {
    const user = await loader.managed(ctx, id);
    if (!isActive && ctx.actor.userId === user.id) {
      throw new AppError("FORBIDDEN", "You cannot deactivate your own account");
    }
    if (user.isActive === isActive) return presentUser(ctx.access, user);
    return withTransaction(ctx.db, async (tx) => {
      let updated = await r.users.update(
        user.id,
        { isActive, deactivatedAt: isActive ? null : new Date() },
        tx,
      );
      let revokedSessions = 0;
      if (!isActive) {
        // Deactivation ends every session and every access token already handed out.
        revokedSessions = (await r.sessions.revokeAllForUser(user.id, "deactivated", tx)).length;
        updated = await r.users.bumpTokenVersion(user.id, tx);
      }
      await recordAudit(
        r,
        ctx,
        {
          action: isActive ? "user.reactivated" : "user.deactivated",
          entityType: "user",
          entityId: user.id,
          departmentId: user.departmentId,
          changes: {
            isActive: { from: user.isActive, to: isActive },
            ...(isActive ? {} : { revokedSessions }),
          },
        },
        tx,
      );
      return presentUser(ctx.access, updated!);
    });
  }

  return {
    /** Lifts a sign-in lock (and forgets failed attempts) of a user the caller manages. */
    async unlock(ctx: ServiceContext, id: string): Promise<{ user: UserRow; wasLocked: boolean }> {
      const user = await loader.managed(ctx, id);
      const wasLocked = await deps.lockout.unlock(user.email);
      await recordAudit(r, ctx, {
        action: "user.unlocked",
        entityType: "user",
        entityId: user.id,
        departmentId: user.departmentId,
        changes: { wasLocked },
      });
      return { user: presentUser(ctx.access, user), wasLocked };
    },

    deactivate: (ctx: ServiceContext, id: string) => setActive(ctx, id, false),
    reactivate: (ctx: ServiceContext, id: string) => setActive(ctx, id, true),

    /**
     * Moves a user to another department. Both departments must be visible to the caller. Access
     * tokens issued before the move stop working at once; the user's sessions survive, so a refresh
     * hands out a token with the new reach.
     */
    async transfer(ctx: ServiceContext, id: string, departmentId: string): Promise<UserRow> {
      const user = await loader.managed(ctx, id);
      const [target] = await loadVisibleDepartments(r, ctx, [departmentId]);
      if (target!.isArchived) {
        throw new AppError("PRECONDITION_FAILED", "The department is archived; unarchive it first");
      }
      if (user.departmentId === departmentId) return presentUser(ctx.access, user);
      return withTransaction(ctx.db, async (tx) => {
        await r.users.update(user.id, { departmentId }, tx);
        const updated = await r.users.bumpTokenVersion(user.id, tx);
        await recordAudit(
          r,
          ctx,
          {
            action: "user.transferred",
            entityType: "user",
            entityId: user.id,
            departmentId,
            changes: { departmentId: { from: user.departmentId, to: departmentId } },
          },
          tx,
        );
        return presentUser(ctx.access, updated!);
      });
    },
  };
}
