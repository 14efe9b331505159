import { and, eq, sql } from "drizzle-orm";
import type { Queryable } from "../db/client.js";
import { guarded } from "../db/errors.js";
import { organizations, users } from "../db/schema/index.js";
import { CachedTableRepository } from "./cached-table-repository.js";

export type UserRow = typeof users.$inferSelect;

export class UserRepository extends CachedTableRepository<typeof users> {
  findByEmail(orgId: string, email: string, tx?: Queryable): Promise<UserRow | undefined> {
    return this.findOne(and(eq(users.orgId, orgId), eq(sql`lower(${users.email})`, email.toLowerCase())), tx);
  }

  /** Active accounts with this email, in one organisation (by slug) or in any. */
  async findActiveByEmail(email: string, orgSlug?: string, tx?: Queryable): Promise<UserRow[]> {
    const rows = await guarded(() =>
      this.q(tx)
        .select({ user: users })
        .from(users)
        .innerJoin(organizations, eq(organizations.id, users.orgId))
        .where(
          and(
            eq(sql`lower(${users.email})`, email.toLowerCase()),
            eq(users.isActive, true),
            eq(organizations.isActive, true),
            orgSlug ? eq(organizations.slug, orgSlug) : undefined,
          ),
        )
        .limit(20),
    );
    return rows.map((row) => row.user);
  }

  /** Invalidates every token issued before now (password reset, logout-all, transfer, deactivation). */
  async bumpTokenVersion(id: string, tx?: Queryable): Promise<UserRow | undefined> {
    return this.update(id, { tokenVersion: sql`${users.tokenVersion} + 1` as unknown as number }, tx);
  }
}
