import { and, eq, inArray, isNull, type SQL, sql } from "drizzle-orm";
import type { Queryable } from "../db/client.js";
import { guarded } from "../db/errors.js";
import { notificationPreferences, notifications, users } from "../db/schema/index.js";
import type { CursorPage } from "../lib/pagination.js";
import { type Row, TableRepository } from "./table-repository.js";

export type NotificationRow = Row<typeof notifications>;

/** A person's own notifications: every query is keyed by organisation and user. */
export class NotificationRepository extends TableRepository<typeof notifications> {
  private mine(orgId: string, userId: string): SQL | undefined {
    return and(eq(notifications.orgId, orgId), eq(notifications.userId, userId));
  }

  pageFor(
    orgId: string,
    userId: string,
    filter: { unread?: boolean | undefined },
    options: { cursor?: string | undefined; limit: number },
    tx?: Queryable,
  ): Promise<CursorPage<NotificationRow>> {
    return this.pageAfter(
      and(this.mine(orgId, userId), filter.unread ? isNull(notifications.readAt) : undefined),
      options,
      tx,
    );
  }

  findFor(orgId: string, userId: string, id: string, tx?: Queryable) {
    return this.findOne(and(this.mine(orgId, userId), eq(notifications.id, id)), tx);
  }

  unreadCount(orgId: string, userId: string, tx?: Queryable): Promise<number> {
    return this.count(and(this.mine(orgId, userId), isNull(notifications.readAt)), tx);
  }

  async setRead(orgId: string, userId: string, id: string, read: boolean, tx?: Queryable) {
    const [row] = await this.updateWhere(
      and(this.mine(orgId, userId), eq(notifications.id, id)),
      { readAt: read ? new Date() : null },
      tx,
    );
    return row;
  }

  async markAllRead(orgId: string, userId: string, tx?: Queryable): Promise<number> {
    const rows = await guarded(() =>
      this.q(tx)
        .update(notifications)
        .set({ readAt: sql`now()`, updatedAt: new Date() } as never)
        .where(and(this.mine(orgId, userId), isNull(notifications.readAt)))
        .returning({ id: notifications.id }),
    );
    return rows.length;
  }
}

export class NotificationPreferenceRepository extends TableRepository<typeof notificationPreferences> {
  forUser(userId: string, tx?: Queryable) {
    return this.findOne(eq(notificationPreferences.userId, userId), tx);
  }

  async setEmail(orgId: string, userId: string, email: boolean, tx?: Queryable) {
    const [row] = await guarded(() =>
      this.q(tx)
        .insert(notificationPreferences)
        .values({ orgId, userId, email })
        .onConflictDoUpdate({ target: notificationPreferences.userId, set: { email, updatedAt: new Date() } })
        .returning(),
    );
    return row!;
  }

  /** The addresses of those among `userIds` (active, of `orgId`) who want notifications by e-mail. */
  async emailRecipients(orgId: string, userIds: readonly string[], tx?: Queryable) {
    if (userIds.length === 0) return [];
    return guarded(() =>
      this.q(tx)
        .select({ userId: users.id, email: users.email })
        .from(notificationPreferences)
        .innerJoin(users, eq(users.id, notificationPreferences.userId))
        .where(
          and(
            eq(notificationPreferences.orgId, orgId),
            eq(notificationPreferences.email, true),
            inArray(notificationPreferences.userId, [...userIds]),
            eq(users.isActive, true),
          ),
        ),
    );
  }
}
