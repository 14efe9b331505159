import type { Db, Queryable } from "../../db/client.js";
import { withTransaction } from "../../db/transaction.js";
import { AppError } from "../../lib/errors.js";
import { newId } from "../../lib/ids.js";
import { hashPassword, verifyPassword } from "../../lib/passwords.js";
import { hashToken, randomToken } from "../../lib/secrets.js";
import type { Repositories } from "../../repositories/index.js";
import type { UserRow } from "../../repositories/user.repository.js";
import { recordAudit } from "../audit/record-audit.js";
import type { RequestMeta } from "../context.js";
import type { AccessTokens } from "./access-tokens.js";
import type { AccountLockout } from "./account-lockout.js";

export type SessionServiceRepositories = Pick<Repositories, "auditLogs" | "sessions" | "users">;

export interface TokenPair {
  tokenType: "Bearer";
  accessToken: string;
  expiresIn: number;
  refreshToken: string;
  refreshExpiresAt: string;
}

const invalidLogin = () => new AppError("UNAUTHORIZED", "The email or password is wrong");

export function createSessionService(deps: {
  db: Db;
  repositories: SessionServiceRepositories;
  tokens: AccessTokens;
  refreshTtlDays: number;
  lockout: AccountLockout;
}) {
  const { repositories: r, tokens } = deps;
  // Verified when no account matches, so a wrong email costs the same time as a wrong password.
  const decoyHash = hashPassword(randomToken());
  const userCtx = (user: UserRow, meta: RequestMeta) => ({
    orgId: user.orgId,
    actor: { kind: "user" as const, id: user.id, userId: user.id },
    meta,
  });

  async function issue(user: UserRow, meta: RequestMeta, familyId: string, db: Queryable) {
    const refreshToken = randomToken();
    const expiresAt = new Date(Date.now() + deps.refreshTtlDays * 86_400_000);
    const session = await r.sessions.create(
      {
        orgId: user.orgId,
        userId: user.id,
        refreshTokenHash: hashToken(refreshToken),
        familyId,
        expiresAt,
        ipAddress: meta.ip ?? null,
        userAgent: meta.userAgent ?? null,
      },
      db,
    );
    const accessToken = await tokens.sign({
      userId: user.id,
      orgId: user.orgId,
      tokenVersion: user.tokenVersion,
      sessionId: session.id,
    });
    const pair: TokenPair = {
      tokenType: "Bearer",
      accessToken,
      expiresIn: tokens.ttlSeconds,
      refreshToken,
      refreshExpiresAt: expiresAt.toISOString(),
    };
    return { session, pair };
  }

  return {
    /** Email + password. `organization` (a slug) is needed only when the email exists in several. */
    async login(input: { email: string; password: string; organization?: string }, meta: RequestMeta) {
      // Throttled per account before anything is looked up: the same for an unknown email.
      const attempt = await deps.lockout.begin(input.email);
      const found = await r.users.loginCandidates(input.email, input.organization);
      const candidates = found.map((c) => c.user);
      let matched: UserRow[] = [];
      if (found.length === 0) {
        await verifyPassword(await decoyHash, input.password);
      } else {
        const checks = await Promise.all(
          found.map(async (c) => (c.passwordHash ? verifyPassword(c.passwordHash, input.password) : false)),
        );
        matched = candidates.filter((_, i) => checks[i]);
      }
      await (matched.length > 0 ? attempt.succeeded() : attempt.failed());
      if (matched.length > 1) {
        throw new AppError("VALIDATION", "This email belongs to several organisations; say which one", {
          field: "organization",
        });
      }
      const user = matched[0];
      if (!user) {
        for (const candidate of candidates) {
          await recordAudit(r, userCtx(candidate, meta), {
            action: "auth.login_failed",
            entityType: "user",
            entityId: candidate.id,
          });
        }
        throw invalidLogin();
      }
      return withTransaction(deps.db, async (tx) => {
        const issued = await issue(user, meta, newId(), tx);
        await r.users.update(user.id, { lastLoginAt: new Date() }, tx);
        await recordAudit(
          r,
          userCtx(user, meta),
          { action: "auth.login", entityType: "user", entityId: user.id },
          tx,
        );
        return issued.pair;
      });
    },

    /** Rotates the refresh token. Presenting an already-rotated token revokes the whole session family. */
    async refresh(refreshToken: string, meta: RequestMeta): Promise<TokenPair> {
      const session = await r.sessions.findByTokenHash(hashToken(refreshToken));
      if (!session) throw new AppError("UNAUTHORIZED", "The refresh token is not valid");
      const user = await r.users.findById(session.userId);
      if (session.revokedAt) {
        if (session.revokedReason === "rotated" && user) {
          await withTransaction(deps.db, async (tx) => {
            await r.sessions.revokeFamily(session.familyId, "reuse_detected", tx);
            await recordAudit(
              r,
              userCtx(user, meta),
              { action: "auth.refresh_reuse_detected", entityType: "session", entityId: session.id },
              tx,
            );
          });
        }
        throw new AppError("UNAUTHORIZED", "The refresh token is no longer valid; sign in again");
      }
      if (session.expiresAt.getTime() <= Date.now())
        throw new AppError("UNAUTHORIZED", "The session has expired");
      if (!user?.isActive) throw new AppError("UNAUTHORIZED", "The account is not active");
      return withTransaction(deps.db, async (tx) => {
        const revoked = await r.sessions.revokeIfActive(session.id, "rotated", tx);
        // A concurrent refresh won the race with the same token: treat this one as reuse.
        if (!revoked)
          throw new AppError("UNAUTHORIZED", "The refresh token is no longer valid; sign in again");
        const issued = await issue(user, meta, session.familyId, tx);
        await r.sessions.update(session.id, { replacedById: issued.session.id, rotatedAt: new Date() }, tx);
        return issued.pair;
      });
    },

    /** Ends the caller's session (its whole rotation family). */
    async logout(principal: { user: UserRow; sessionId?: string }, meta: RequestMeta): Promise<void> {
      if (!principal.sessionId) return;
      const session = await r.sessions.findById(principal.sessionId);
      if (!session) return;
      await withTransaction(deps.db, async (tx) => {
        await r.sessions.revokeFamily(session.familyId, "logout", tx);
        await recordAudit(
          r,
          userCtx(principal.user, meta),
          { action: "auth.logout", entityType: "session", entityId: session.id },
          tx,
        );
      });
    },

    /**
     * Ends the session a refresh token belongs to (its whole rotation family), whether or not the
     * token was already rotated: the web application signs out with its cookie alone, which works
     * even when its access token has expired. An unknown token ends nothing.
     */
    async logoutByRefreshToken(refreshToken: string, meta: RequestMeta): Promise<void> {
      const session = await r.sessions.findByTokenHash(hashToken(refreshToken));
      if (!session) return;
      const user = await r.users.findById(session.userId);
      await withTransaction(deps.db, async (tx) => {
        await r.sessions.revokeFamily(session.familyId, "logout", tx);
        if (user) {
          await recordAudit(
            r,
            userCtx(user, meta),
            { action: "auth.logout", entityType: "session", entityId: session.id },
            tx,
          );
        }
      });
    },

    /** Ends every session of the user and invalidates every access token already issued. */
    async logoutAll(user: UserRow, meta: RequestMeta): Promise<void> {
      await withTransaction(deps.db, async (tx) => {
        await r.sessions.revokeAllForUser(user.id, "logout_all", tx);
        await r.users.bumpTokenVersion(user.id, tx);
        await recordAudit(
          r,
          userCtx(user, meta),
          { action: "auth.logout_all", entityType: "user", entityId: user.id },
          tx,
        );
      });
    },

    issue: (user: UserRow, meta: RequestMeta) => issue(user, meta, newId(), deps.db).then((i) => i.pair),
  };
}

export type SessionService = ReturnType<typeof createSessionService>;
