import type { Db } from "../../db/client.js";
import { withTransaction } from "../../db/transaction.js";
import { AppError } from "../../lib/errors.js";
import type { Logger } from "../../lib/logger.js";
import { hashPassword, verifyPassword } from "../../lib/passwords.js";
import { hashToken, randomToken } from "../../lib/secrets.js";
import type { Mailer } from "../../providers/mail/index.js";
import type { Repositories } from "../../repositories/index.js";
import type { UserRow } from "../../repositories/user.repository.js";
import { recordAudit } from "../audit/record-audit.js";
import type { RequestMeta } from "../context.js";
import type { AccountLockout } from "./account-lockout.js";

export type PasswordResetRepositories = Pick<
  Repositories,
  "auditLogs" | "organizations" | "passwordResetTokens" | "sessions" | "users"
>;

export const RESET_TOKEN_TTL_MS = 60 * 60 * 1000;

export interface ForgotPasswordInput {
  email: string;
  organization?: string | undefined;
}

const userCtx = (user: UserRow, meta: RequestMeta) => ({
  orgId: user.orgId,
  actor: { kind: "user" as const, id: user.id, userId: user.id },
  meta,
});

function resetMail(user: UserRow, orgName: string, link: string) {
  const greeting = user.name ? `Hello ${user.name},` : "Hello,";
  const text = [
    greeting,
    "",
    `Someone (hopefully you) asked to reset your Atrium password for ${orgName}.`,
    "Open this link within one hour to choose a new password:",
    "",
    link,
    "",
    "The link works once. If you did not ask for it, ignore this message: your password stays as it is.",
  ].join("\n");
  return { to: user.email, subject: "Reset your Atrium password", text };
}

/**
 * Password reset (seed 000 PasswordResetToken): a single-use link valid for one hour, mailed through
 * the mail provider. Asking for a link answers the same way, as fast, whether or not the email exists:
 * the lookup, the token and the mail happen after the answer.
 */
export function createPasswordResetService(deps: {
  db: Db;
  repositories: PasswordResetRepositories;
  mailer: Mailer;
  publicUrl: string;
  logger: Logger;
  lockout: AccountLockout;
}) {
  const { repositories: r } = deps;
  const pending = new Set<Promise<void>>();
  const baseUrl = deps.publicUrl.replace(/\/+$/, "");

  async function issueAndMail(user: UserRow, meta: RequestMeta): Promise<void> {
    const token = randomToken();
    const now = new Date();
    await withTransaction(deps.db, async (tx) => {
      await r.passwordResetTokens.expireUnusedForUser(user.id, now, tx);
      const row = await r.passwordResetTokens.create(
        {
          orgId: user.orgId,
          userId: user.id,
          tokenHash: hashToken(token),
          expiresAt: new Date(now.getTime() + RESET_TOKEN_TTL_MS),
          ipAddress: meta.ip ?? null,
        },
        tx,
      );
      await recordAudit(
        r,
        userCtx(user, meta),
        {
          action: "auth.password_reset_requested",
          entityType: "password_reset_token",
          entityId: row.id,
        },
        tx,
      );
    });
    const org = await r.organizations.findById(user.orgId);
    const link = `${baseUrl}/reset-password?token=${encodeURIComponent(token)}`;
    await deps.mailer.send(resetMail(user, org?.name ?? "your organisation", link));
  }

  async function deliver(input: ForgotPasswordInput, meta: RequestMeta): Promise<void> {
    const users = await r.users.findActiveByEmail(input.email, input.organization);
    for (const user of users) {
      try {
        await issueAndMail(user, meta);
      } catch (error) {
        deps.logger.error({ err: error, userId: user.id }, "could not send a password reset link");
      }
    }
  }

  return {
    /** Accepts the request and works in the background; the caller learns nothing about the email. */
    requestReset(input: ForgotPasswordInput, meta: RequestMeta): void {
      const work = deliver(input, meta)
        .catch((error: unknown) => {
          deps.logger.error({ err: error }, "password reset request failed");
        })
        .finally(() => pending.delete(work));
      pending.add(work);
    },

    /** Resolves when every accepted request has been handled (shutdown, tests). */
    async idle(): Promise<void> {
      while (pending.size > 0) await Promise.all([...pending]);
    },

    /** Sets a new password; every session and access token of the user ends. */
    async reset(input: { token: string; password: string }, meta: RequestMeta): Promise<void> {
      const row = await r.passwordResetTokens.findByTokenHash(hashToken(input.token));
      if (!row) throw new AppError("VALIDATION", "This reset link is not valid; ask for a new one");
      if (row.usedAt) {
        throw new AppError("PRECONDITION_FAILED", "This reset link has already been used; ask for a new one");
      }
      if (row.expiresAt.getTime() <= Date.now()) {
        throw new AppError(
          "PRECONDITION_FAILED",
          "This reset link has expired or was replaced by a newer one; ask for a new one",
        );
      }
      const user = await r.users.findById(row.userId);
      if (!user?.isActive) throw new AppError("PRECONDITION_FAILED", "The account is not active");
      // Checked before the link is used up, so the same link still works for a different password.
      const currentHash = await r.users.passwordHashOf(user.id);
      if (currentHash && (await verifyPassword(currentHash, input.password))) {
        throw new AppError("VALIDATION", "The new password must differ from the current one", {
          field: "password",
        });
      }
      const passwordHash = await hashPassword(input.password);
      await withTransaction(deps.db, async (tx) => {
        const now = new Date();
        if (!(await r.passwordResetTokens.consume(row.id, now, tx))) {
          throw new AppError(
            "PRECONDITION_FAILED",
            "This reset link has already been used; ask for a new one",
          );
        }
        await r.passwordResetTokens.expireUnusedForUser(user.id, now, tx);
        await r.users.update(user.id, { passwordHash }, tx);
        await r.users.bumpTokenVersion(user.id, tx);
        const sessions = await r.sessions.revokeAllForUser(user.id, "password_reset", tx);
        await recordAudit(
          r,
          userCtx(user, meta),
          {
            action: "auth.password_reset",
            entityType: "user",
            entityId: user.id,
            departmentId: user.departmentId,
            changes: { sessionsRevoked: sessions.length },
          },
          tx,
        );
      });
      // Proving control of the mailbox lifts a sign-in lock.
      await deps.lockout.unlock(user.email);
    },
  };
}

export type PasswordResetService = ReturnType<typeof createPasswordResetService>;
