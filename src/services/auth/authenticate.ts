import type { Access } from "../../core/access.js";
import { AppError } from "../../lib/errors.js";
import { hashToken, safeEqual } from "../../lib/secrets.js";
import type { Repositories } from "../../repositories/index.js";
import type { UserRow } from "../../repositories/user.repository.js";
import type { Actor } from "../context.js";
import { computeAccess, intersectAccess } from "../identity/access.js";
import type { AccessTokens } from "./access-tokens.js";

export type AuthenticateRepositories = Pick<
  Repositories,
  "apiKeys" | "auditLogs" | "sessions" | "systemRoles" | "users"
>;

/** Who is calling, resolved from a bearer token or an API key. */
export interface Principal {
  orgId: string;
  actor: Actor;
  access: Access;
  user: UserRow;
  sessionId?: string;
  apiKeyId?: string;
}

/** API keys look like `atr_<prefix>_<secret>`; the prefix finds the row, the secret is compared by hash. */
export const API_KEY_PATTERN = /^atr_([A-Za-z0-9]{12})_([A-Za-z0-9_-]{32,64})$/;

/** How often a key's last-used time (and its audit row) is written: at most once per minute. */
const API_KEY_TOUCH_MS = 60_000;

const unauthorized = (message = "The credentials are not valid") => new AppError("UNAUTHORIZED", message);

export function createAuthenticator(deps: { repositories: AuthenticateRepositories; tokens: AccessTokens }) {
  const { repositories: r, tokens } = deps;

  async function accessOf(user: UserRow): Promise<Access> {
    const role = user.roleId
      ? await r.systemRoles.findById(user.roleId)
      : await r.systemRoles.findBySlug(user.orgId, user.role);
    return computeAccess(user, role && role.orgId === user.orgId ? role : undefined);
  }

  async function activeUser(userId: string, orgId: string): Promise<UserRow> {
    const user = await r.users.findById(userId);
    if (!user || user.orgId !== orgId || !user.isActive) throw unauthorized("The account is not active");
    return user;
  }

  return {
    accessOf,

    async fromBearer(token: string): Promise<Principal> {
      const claims = await tokens.verify(token);
      const user = await activeUser(claims.userId, claims.orgId);
      if (user.tokenVersion !== claims.tokenVersion) throw unauthorized("The access token has been revoked");
      const session = await r.sessions.findById(claims.sessionId);
      if (!session || session.userId !== user.id || session.revokedAt) {
        throw unauthorized("The session has ended; sign in again");
      }
      return {
        orgId: user.orgId,
        actor: { kind: "user", id: user.id, userId: user.id },
        access: await accessOf(user),
        user,
        sessionId: session.id,
      };
    },

    async fromApiKey(presented: string): Promise<Principal> {
      const match = API_KEY_PATTERN.exec(presented);
      if (!match) throw unauthorized("The API key is not valid");
      const key = await r.apiKeys.findByPrefix(match[1]!);
      if (!key || !safeEqual(key.keyHash, hashToken(presented)))
        throw unauthorized("The API key is not valid");
      if (key.revokedAt) throw unauthorized("The API key has been revoked");
      if (key.expiresAt && key.expiresAt.getTime() <= Date.now())
        throw unauthorized("The API key has expired");
      if (!key.userId) throw unauthorized("The API key's owner no longer exists");
      const owner = await activeUser(key.userId, key.orgId);
      const keyAccess = computeAccess(
        {
          departmentId: null,
          extraPermissions: key.permissions,
          revokedPermissions: [],
          extraDepartmentIds: key.departmentIds,
          revokedDepartmentIds: [],
        },
        { permissions: [], allDepartments: key.allDepartments, departmentIds: [] },
      );
      return {
        orgId: key.orgId,
        actor: { kind: "api_key", id: key.id, userId: owner.id },
        access: intersectAccess(keyAccess, await accessOf(owner)),
        user: owner,
        apiKeyId: key.id,
      };
    },

    /** Records API key use (last-used time and an audit row), throttled so busy keys cost little. */
    async touchApiKey(keyId: string, meta: { requestId: string; ip?: string; userAgent?: string }) {
      const key = await r.apiKeys.findById(keyId);
      if (!key || (key.lastUsedAt && Date.now() - key.lastUsedAt.getTime() < API_KEY_TOUCH_MS)) return;
      await r.apiKeys.update(key.id, { lastUsedAt: new Date() });
      await r.auditLogs.create({
        orgId: key.orgId,
        userId: key.userId,
        actorType: "api_key",
        actorId: key.id,
        action: "api_key.used",
        entityType: "api_key",
        entityId: key.id,
        ipAddress: meta.ip ?? null,
        userAgent: meta.userAgent ?? null,
        requestId: meta.requestId,
      });
    },
  };
}

export type Authenticator = ReturnType<typeof createAuthenticator>;
