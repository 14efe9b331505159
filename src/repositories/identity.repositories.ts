import { and, arrayContained, arrayOverlaps, eq, isNull, not, sql } from "drizzle-orm";
import type { Access } from "../core/access.js";
import type { Queryable } from "../db/client.js";
import { apiKeys, sessions, systemRoles } from "../db/schema/index.js";
import type { Page, PageQuery } from "../lib/pagination.js";
import type { Cache } from "../providers/cache/cache.js";
import { CachedTableRepository } from "./cached-table-repository.js";
import { TableRepository } from "./table-repository.js";

export type SystemRoleRow = typeof systemRoles.$inferSelect;
/** A session as reads return it (and the cache holds it): never the refresh token's hash. */
export type SessionRow = Omit<typeof sessions.$inferSelect, "refreshTokenHash">;

/** Used only to find a session by a presented token, never read back or cached. */
export const SESSION_SECRET_COLUMNS = ["refreshTokenHash"] as const;

export const SESSION_COLUMNS = {
  id: sessions.id,
  orgId: sessions.orgId,
  userId: sessions.userId,
  familyId: sessions.familyId,
  replacedById: sessions.replacedById,
  rotatedAt: sessions.rotatedAt,
  expiresAt: sessions.expiresAt,
  revokedAt: sessions.revokedAt,
  revokedReason: sessions.revokedReason,
  lastUsedAt: sessions.lastUsedAt,
  ipAddress: sessions.ipAddress,
  userAgent: sessions.userAgent,
  createdAt: sessions.createdAt,
  updatedAt: sessions.updatedAt,
} satisfies { [K in keyof SessionRow]: (typeof sessions)[K] };
export type ApiKeyRow = typeof apiKeys.$inferSelect;

/** Roles are read on every authenticated request, so reads by id are cached. */
export class SystemRoleRepository extends CachedTableRepository<typeof systemRoles> {
  findBySlug(orgId: string, slug: string, tx?: Queryable): Promise<SystemRoleRow | undefined> {
    return this.findOne(and(eq(systemRoles.orgId, orgId), eq(systemRoles.slug, slug)), tx);
  }

  /** The role with this (normalised) name, compared case-insensitively. */
  findByName(orgId: string, name: string, tx?: Queryable): Promise<SystemRoleRow | undefined> {
    return this.findOne(
      and(eq(systemRoles.orgId, orgId), sql`lower(${systemRoles.name}) = lower(${name})`),
      tx,
    );
  }

  listForOrg(orgId: string, tx?: Queryable): Promise<SystemRoleRow[]> {
    return this.findMany(eq(systemRoles.orgId, orgId), tx);
  }
}

/** Refresh sessions; read by id on every request (revocation check), so cached and invalidated on write. */
export class SessionRepository extends CachedTableRepository<typeof sessions, SessionRow> {
  constructor(db: Queryable, cache: Cache, ttlSeconds: number) {
    super(db, sessions, cache, "session", ttlSeconds, SESSION_COLUMNS);
  }

  findByTokenHash(hash: string, tx?: Queryable): Promise<SessionRow | undefined> {
    return this.findOne(eq(sessions.refreshTokenHash, hash), tx);
  }

  /** Revokes one session unless already revoked; false when another request got there first. */
  async revokeIfActive(id: string, reason: string, tx?: Queryable): Promise<boolean> {
    const rows = await this.updateWhere(
      and(eq(sessions.id, id), isNull(sessions.revokedAt)),
      { revokedAt: new Date(), revokedReason: reason },
      tx,
    );
    return rows.length > 0;
  }

  revokeFamily(familyId: string, reason: string, tx?: Queryable): Promise<SessionRow[]> {
    return this.updateWhere(
      and(eq(sessions.familyId, familyId), isNull(sessions.revokedAt)),
      { revokedAt: new Date(), revokedReason: reason },
      tx,
    );
  }

  revokeAllForUser(userId: string, reason: string, tx?: Queryable): Promise<SessionRow[]> {
    return this.updateWhere(
      and(eq(sessions.userId, userId), isNull(sessions.revokedAt)),
      { revokedAt: new Date(), revokedReason: reason },
      tx,
    );
  }
}

export class ApiKeyRepository extends TableRepository<typeof apiKeys> {
  findByPrefix(prefix: string, tx?: Queryable): Promise<ApiKeyRow | undefined> {
    return this.findOne(eq(apiKeys.prefix, prefix), tx);
  }

  findInOrg(orgId: string, id: string, tx?: Queryable): Promise<ApiKeyRow | undefined> {
    return this.findOne(and(eq(apiKeys.orgId, orgId), eq(apiKeys.id, id)), tx);
  }

  /**
   * Keys whose whole reach the caller can see: org-wide roles see every key (except keys touching a
   * department revoked from them); others see only keys limited to departments they reach.
   */
  pageVisible(
    orgId: string,
    access: Access,
    filter: { includeRevoked: boolean },
    query: PageQuery,
    tx?: Queryable,
  ): Promise<Page<ApiKeyRow>> {
    const excluded = [...access.excludedDepartmentIds];
    const { departmentIds } = apiKeys;
    const scope = access.allDepartments
      ? excluded.length > 0
        ? not(arrayOverlaps(departmentIds, excluded))
        : undefined
      : and(
          eq(apiKeys.allDepartments, false),
          arrayContained(
            departmentIds,
            [...access.departmentIds].filter((id) => !excluded.includes(id)),
          ),
        );
    return this.page(
      and(eq(apiKeys.orgId, orgId), scope, filter.includeRevoked ? undefined : isNull(apiKeys.revokedAt)),
      query,
      tx,
    );
  }
}
