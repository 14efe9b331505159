import { and, eq, sql } from "drizzle-orm";
import type { Queryable } from "../db/client.js";
import { conversations } from "../db/schema/index.js";
import type { CursorPage } from "../lib/pagination.js";
import { CachedTableRepository } from "./cached-table-repository.js";

export type ConversationRow = typeof conversations.$inferSelect;

export class ConversationRepository extends CachedTableRepository<typeof conversations> {
  listForUser(
    orgId: string,
    userId: string,
    options: { cursor?: string; limit: number },
    tx?: Queryable,
  ): Promise<CursorPage<ConversationRow>> {
    return this.pageAfter(and(eq(conversations.orgId, orgId), eq(conversations.userId, userId)), options, tx);
  }

  /** Keeps the denormalised counter and last activity in step with an appended message. */
  async recordMessage(id: string, at: Date, tx?: Queryable): Promise<ConversationRow | undefined> {
    return this.update(
      id,
      { messageCount: sql`${conversations.messageCount} + 1` as unknown as number, lastMessageAt: at },
      tx,
    );
  }
}
