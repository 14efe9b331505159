import { and, eq, ilike, isNull, or, type SQL, sql } from "drizzle-orm";
import type { Access } from "../core/access.js";
import type { Queryable } from "../db/client.js";
import { guarded } from "../db/errors.js";
import { organizations, users } from "../db/schema/index.js";
import type { Page, PageQuery } from "../lib/pagination.js";
import type { Cache } from "../providers/cache/cache.js";
import { CachedTableRepository } from "./cached-table-repository.js";
import { departmentScope } from "./scope.js";

/** A user as reads return it (and the cache holds it): never the password hash. */
export type UserRow = Omit<typeof users.$inferSelect, "passwordHash">;

/** Columns read only by the queries that need them, never cached. */
export const USER_SECRET_COLUMNS = ["passwordHash"] as const;

/**
 * The explicit column set of a user row: who the person is and what authorisation needs (role,
 * overrides, department, token version, active flag). A new column is added here on purpose or to
 * USER_SECRET_COLUMNS (a test holds the two to the table).
 */
export const USER_COLUMNS = {
  id: users.id,
  orgId: users.orgId,
  email: users.email,
  username: users.username,
  name: users.name,
  firstName: users.firstName,
  lastName: users.lastName,
  phone: users.phone,
  role: users.role,
  roleId: users.roleId,
  departmentId: users.departmentId,
  avatarUrl: users.avatarUrl,
  tokenVersion: users.tokenVersion,
  extraPermissions: users.extraPermissions,
  revokedPermissions: users.revokedPermissions,
  extraDepartmentIds: users.extraDepartmentIds,
  revokedDepartmentIds: users.revokedDepartmentIds,
  githubId: users.githubId,
  googleId: users.googleId,
  provider: users.provider,
  isActive: users.isActive,
  deactivatedAt: users.deactivatedAt,
  emailVerifiedAt: users.emailVerifiedAt,
  lastLoginAt: users.lastLoginAt,
  createdAt: users.createdAt,
  updatedAt: users.updatedAt,
} satisfies { [K in keyof UserRow]: (typeof users)[K] };

/**
 * Users in `access`'s departments. Users without a department are seen only by org-wide roles, the
 * same rule the single-user checks in the services apply.
 */
export function visibleUsers(access: Access): SQL | undefined {
  const scope = departmentScope(users.departmentId, access);
  // An undefined scope means "no restriction"; or(undefined, …) would narrow it instead.
  return access.allDepartments && scope ? or(scope, isNull(users.departmentId)) : scope;
}

/** `%term%` for ILIKE with the caller's wildcards escaped. */
export function containsPattern(term: string | undefined): string | undefined {
  return term ? `%${term.replace(/[\\%_]/g, "\\$&")}%` : undefined;
}

/** Active accounts with this email in active organisations (one, by slug, when given). */
function activeByEmail(email: string, orgSlug: string | undefined): SQL | undefined {
  return and(
    eq(sql`lower(${users.email})`, email.toLowerCase()),
    eq(users.isActive, true),
    eq(organizations.isActive, true),
    orgSlug ? eq(organizations.slug, orgSlug) : undefined,
  );
}

export interface UserFilter {
  search?: string | undefined;
  departmentId?: string | undefined;
  isActive?: boolean | undefined;
}

export class UserRepository extends CachedTableRepository<typeof users, UserRow> {
  constructor(db: Queryable, cache: Cache, ttlSeconds: number) {
    super(db, users, cache, "user", ttlSeconds, USER_COLUMNS);
  }

  /** The password hash, always from the database (never cached); undefined without a password. */
  async passwordHashOf(id: string, tx?: Queryable): Promise<string | undefined> {
    const [row] = await guarded(() =>
      this.q(tx).select({ hash: users.passwordHash }).from(users).where(eq(users.id, id)).limit(1),
    );
    return row?.hash ?? undefined;
  }

  /** Active accounts with this email (in one organisation by slug, or in any) with their password hashes. */
  async loginCandidates(
    email: string,
    orgSlug?: string,
    tx?: Queryable,
  ): Promise<Array<{ user: UserRow; passwordHash: string | null }>> {
    return guarded(() =>
      this.q(tx)
        .select({ user: USER_COLUMNS, passwordHash: users.passwordHash })
        .from(users)
        .innerJoin(organizations, eq(organizations.id, users.orgId))
        .where(activeByEmail(email, orgSlug))
        .limit(20),
    );
  }

  findByEmail(orgId: string, email: string, tx?: Queryable): Promise<UserRow | undefined> {
    return this.findOne(and(eq(users.orgId, orgId), eq(sql`lower(${users.email})`, email.toLowerCase())), tx);
  }

  /** Active accounts with this email, in one organisation (by slug) or in any. */
  async findActiveByEmail(email: string, orgSlug?: string, tx?: Queryable): Promise<UserRow[]> {
    const rows = await guarded(() =>
      this.q(tx)
        .select({ user: USER_COLUMNS })
        .from(users)
        .innerJoin(organizations, eq(organizations.id, users.orgId))
        .where(activeByEmail(email, orgSlug))
        .limit(20),
    );
    return rows.map((row) => row.user);
  }

  /** Invalidates every token issued before now (password reset, logout-all, transfer, deactivation). */
  async bumpTokenVersion(id: string, tx?: Queryable): Promise<UserRow | undefined> {
    return this.update(id, { tokenVersion: sql`${users.tokenVersion} + 1` as unknown as number }, tx);
  }

  /**
   * OAuth sign-in lookups: accounts linked to a provider id, or with an email, active or not (so a
   * deactivated account is refused rather than duplicated), in active organisations only.
   */
  findByOAuthId(provider: "github" | "google", providerId: string, orgId?: string, tx?: Queryable) {
    const column = provider === "github" ? users.githubId : users.googleId;
    return this.inActiveOrgs(and(eq(column, providerId), orgId ? eq(users.orgId, orgId) : undefined), tx);
  }

  findAllByEmail(email: string, orgId?: string, tx?: Queryable): Promise<UserRow[]> {
    const sameEmail = eq(sql`lower(${users.email})`, email.toLowerCase());
    return this.inActiveOrgs(and(sameEmail, orgId ? eq(users.orgId, orgId) : undefined), tx);
  }

  private async inActiveOrgs(where: SQL | undefined, tx?: Queryable): Promise<UserRow[]> {
    const rows = await guarded(() =>
      this.q(tx)
        .select({ user: USER_COLUMNS })
        .from(users)
        .innerJoin(organizations, eq(organizations.id, users.orgId))
        .where(and(where, eq(organizations.isActive, true)))
        .orderBy(users.createdAt)
        .limit(20),
    );
    return rows.map((row) => row.user);
  }

  /** Users of the organisation the caller can see (by department), newest first. */
  pageVisible(
    orgId: string,
    access: Access,
    filter: UserFilter,
    query: PageQuery,
    tx?: Queryable,
  ): Promise<Page<UserRow>> {
    const pattern = containsPattern(filter.search);
    return this.page(
      and(
        eq(users.orgId, orgId),
        visibleUsers(access),
        filter.departmentId ? eq(users.departmentId, filter.departmentId) : undefined,
        filter.isActive === undefined ? undefined : eq(users.isActive, filter.isActive),
        pattern ? or(ilike(users.name, pattern), ilike(users.email, pattern)) : undefined,
      ),
      query,
      tx,
    );
  }

  countWithRole(orgId: string, roleId: string, tx?: Queryable): Promise<number> {
    return this.count(and(eq(users.orgId, orgId), eq(users.roleId, roleId)), tx);
  }

  /** The home departments of the role's holders (null for holders without one), each once. */
  async holderDepartments(orgId: string, roleId: string, tx?: Queryable): Promise<Array<string | null>> {
    const rows = await guarded(() =>
      this.q(tx)
        .selectDistinct({ departmentId: users.departmentId })
        .from(users)
        .where(and(eq(users.orgId, orgId), eq(users.roleId, roleId))),
    );
    return rows.map((row) => row.departmentId);
  }
}
