import { and, asc, count, desc, eq, ilike, or } from "drizzle-orm";
import type { Access } from "../core/access.js";
import type { Queryable } from "../db/client.js";
import { guarded } from "../db/errors.js";
import { organizations, orgMembers, users } from "../db/schema/index.js";
import { buildPage, type Page, type PageQuery, toOffset } from "../lib/pagination.js";
import { TableRepository } from "./table-repository.js";
import { containsPattern, USER_COLUMNS, type UserRow, visibleUsers } from "./user.repository.js";

export type OrganizationRow = typeof organizations.$inferSelect;
export type OrgMemberRow = typeof orgMembers.$inferSelect;

export class OrganizationRepository extends TableRepository<typeof organizations> {
  findBySlug(slug: string, tx?: Queryable): Promise<OrganizationRow | undefined> {
    return this.findOne(eq(organizations.slug, slug), tx);
  }

  /** The organisation flagged as the default one (at most one, enforced by a partial unique index). */
  findDefault(tx?: Queryable): Promise<OrganizationRow | undefined> {
    return this.findOne(eq(organizations.isDefault, true), tx);
  }
}

export class OrgMemberRepository extends TableRepository<typeof orgMembers> {
  findMembership(orgId: string, userId: string, tx?: Queryable): Promise<OrgMemberRow | undefined> {
    return this.findOne(and(eq(orgMembers.orgId, orgId), eq(orgMembers.userId, userId)), tx);
  }

  /** The organisation's oldest active owner: the account operator tools act as when told no other. */
  async firstActiveOwner(orgId: string, tx?: Queryable): Promise<UserRow | undefined> {
    const [row] = await guarded(() =>
      this.q(tx)
        .select({ user: USER_COLUMNS })
        .from(orgMembers)
        .innerJoin(users, eq(users.id, orgMembers.userId))
        .where(and(eq(orgMembers.orgId, orgId), eq(orgMembers.role, "owner"), eq(users.isActive, true)))
        .orderBy(asc(orgMembers.createdAt), asc(orgMembers.id))
        .limit(1),
    );
    return row?.user;
  }

  /** Members of the organisation whose department the caller can see, newest first. */
  async pageVisible(
    orgId: string,
    access: Access,
    filter: { search?: string | undefined },
    query: PageQuery,
    tx?: Queryable,
  ): Promise<Page<{ member: OrgMemberRow; user: UserRow }>> {
    const pattern = containsPattern(filter.search);
    const where = and(
      eq(orgMembers.orgId, orgId),
      visibleUsers(access),
      pattern ? or(ilike(users.name, pattern), ilike(users.email, pattern)) : undefined,
    );
    const { limit, offset } = toOffset(query);
    const [rows, total] = await Promise.all([
      guarded(() =>
        this.q(tx)
          .select({ member: orgMembers, user: USER_COLUMNS })
          .from(orgMembers)
          .innerJoin(users, eq(users.id, orgMembers.userId))
          .where(where)
          .orderBy(desc(orgMembers.createdAt), desc(orgMembers.id))
          .limit(limit)
          .offset(offset),
      ),
      guarded(() =>
        this.q(tx)
          .select({ n: count() })
          .from(orgMembers)
          .innerJoin(users, eq(users.id, orgMembers.userId))
          .where(where),
      ),
    ]);
    return buildPage(rows, query, total[0]?.n ?? 0);
  }
}
