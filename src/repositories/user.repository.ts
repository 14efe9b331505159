import { and, eq, sql } from "drizzle-orm";
import type { Queryable } from "../db/client.js";
import { users } from "../db/schema/index.js";
import { CachedTableRepository } from "./cached-table-repository.js";

export type UserRow = typeof users.$inferSelect;

export class UserRepository extends CachedTableRepository<typeof users> {
  findByEmail(orgId: string, email: string, tx?: Queryable): Promise<UserRow | undefined> {
    return this.findOne(and(eq(users.orgId, orgId), eq(sql`lower(${users.email})`, email.toLowerCase())), tx);
  }

  /** Invalidates every token issued before now (password reset, logout-all, transfer, deactivation). */
  async bumpTokenVersion(id: string, tx?: Queryable): Promise<UserRow | undefined> {
    return this.update(id, { tokenVersion: sql`${users.tokenVersion} + 1` as unknown as number }, tx);
  }
}
