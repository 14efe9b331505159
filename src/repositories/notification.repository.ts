import { and, eq, isNull, type SQL, sql } from "drizzle-orm";
import type { Queryable } from "../db/client.js";
import { guarded } from "../db/errors.js";
import { notifications } from "../db/schema/index.js";
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
