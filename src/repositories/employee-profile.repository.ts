import { and, desc, eq, sql } from "drizzle-orm";
import type { Queryable } from "../db/client.js";
import { guarded } from "../db/errors.js";
import { auditLogs, conversations, employeeProfiles, messages, users } from "../db/schema/index.js";
import { type NewRow, TableRepository } from "./table-repository.js";

export type EmployeeProfileRow = typeof employeeProfiles.$inferSelect;
export type ProfileFields = Pick<
  NewRow<typeof employeeProfiles>,
  "summary" | "currentProjects" | "preferences" | "frequentIntents" | "accessLevel" | "departmentId"
>;

/** The audit action that records an erasure; extraction never reads messages from before it. */
export const PROFILE_ERASED_ACTION = "employee_profile.erased";

export interface UserMessage {
  id: string;
  conversationId: string;
  content: string;
  createdAt: Date;
}

function erasureOf(orgId: string, userId: string) {
  return sql`(select max(${auditLogs.createdAt}) from ${auditLogs}
    where ${auditLogs.entityType} = 'employee_profile' and ${auditLogs.entityId} = ${userId}
      and ${auditLogs.orgId} = ${orgId} and ${auditLogs.action} = ${PROFILE_ERASED_ACTION})`;
}

/** Employee memory: one profile per user, written by compare-and-set on `profileVersion`. */
export class EmployeeProfileRepository extends TableRepository<typeof employeeProfiles> {
  findByUser(orgId: string, userId: string, tx?: Queryable): Promise<EmployeeProfileRow | undefined> {
    return this.findOne(and(eq(employeeProfiles.orgId, orgId), eq(employeeProfiles.userId, userId)), tx);
  }

  /**
   * Writes a new profile version if nobody else wrote since `expectedVersion` was read (0 = there was
   * no profile). Returns the row, or undefined when the compare-and-set lost.
   */
  async compareAndSet(
    orgId: string,
    userId: string,
    expectedVersion: number,
    fields: ProfileFields,
    tx?: Queryable,
  ): Promise<EmployeeProfileRow | undefined> {
    const q = this.q(tx);
    const now = new Date();
    const values = { ...fields, profileVersion: expectedVersion + 1, lastExtractedAt: now, updatedAt: now };
    if (expectedVersion === 0) {
      const rows = await guarded(() =>
        q
          .insert(employeeProfiles)
          .values({ orgId, userId, ...values })
          .onConflictDoNothing({ target: employeeProfiles.userId })
          .returning(),
      );
      return rows[0];
    }
    const rows = await guarded(() =>
      q
        .update(employeeProfiles)
        .set(values)
        .where(
          and(
            eq(employeeProfiles.orgId, orgId),
            eq(employeeProfiles.userId, userId),
            eq(employeeProfiles.profileVersion, expectedVersion),
          ),
        )
        .returning(),
    );
    return rows[0];
  }

  async deleteByUser(orgId: string, userId: string, tx?: Queryable): Promise<boolean> {
    const n = await this.deleteWhere(
      and(eq(employeeProfiles.orgId, orgId), eq(employeeProfiles.userId, userId)),
      tx,
    );
    return n > 0;
  }

  /**
   * Serialises erasure and extraction writes for one user: both lock the user's row first, so an
   * extraction either commits before an erase (and is erased) or sees the erase and backs off.
   */
  async lockUser(orgId: string, userId: string, tx: Queryable): Promise<boolean> {
    const rows = await guarded(() =>
      tx
        .select({ id: users.id })
        .from(users)
        .where(and(eq(users.id, userId), eq(users.orgId, orgId)))
        .for("update"),
    );
    return rows.length > 0;
  }

  /**
   * The time of the user's latest erasure as Postgres text (full microsecond precision, compared as
   * is), or null when they never erased their memory. The erase's audit row is the marker.
   */
  async lastErasure(orgId: string, userId: string, tx?: Queryable): Promise<string | null> {
    const result = await guarded(() =>
      this.q(tx).execute(sql`select ${erasureOf(orgId, userId)}::text as at`),
    );
    const rows = (result as unknown as { rows: { at: string | null }[] }).rows;
    return rows[0]?.at ?? null;
  }

  /**
   * The user's latest messages (role user) across their conversations, newest first, created after
   * their latest erasure: erased memory is never rebuilt from the conversations it came from.
   */
  recentUserMessages(orgId: string, userId: string, limit: number, tx?: Queryable): Promise<UserMessage[]> {
    return guarded(() =>
      this.q(tx)
        .select({
          id: messages.id,
          conversationId: messages.conversationId,
          content: sql<string>`coalesce(${messages.textContent}, ${messages.content})`,
          createdAt: messages.createdAt,
        })
        .from(messages)
        .innerJoin(conversations, eq(conversations.id, messages.conversationId))
        .where(
          and(
            eq(conversations.userId, userId),
            eq(conversations.orgId, orgId),
            eq(messages.role, "user"),
            sql`${messages.createdAt} > coalesce(${erasureOf(orgId, userId)}, '-infinity'::timestamptz)`,
          ),
        )
        .orderBy(desc(messages.createdAt), desc(messages.id))
        .limit(limit),
    );
  }
}
