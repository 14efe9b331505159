import { and, eq, getTableColumns, inArray, sql } from "drizzle-orm";
import type { Queryable } from "../db/client.js";
import { guarded } from "../db/errors.js";
import { feedback } from "../db/schema/index.js";
import { TableRepository } from "./table-repository.js";

export type FeedbackRow = typeof feedback.$inferSelect;

export interface FeedbackInput {
  orgId: string;
  conversationId: string;
  messageId: string;
  userId: string;
  rating: 1 | -1;
  comment: string | null;
}

/** Thumbs up/down on messages: one row per user and message (`feedback_message_user_uq`). */
export class FeedbackRepository extends TableRepository<typeof feedback> {
  /**
   * Inserts the user's feedback or replaces the previous one in one statement, so two concurrent
   * submissions cannot both insert. `created` tells which happened (xmax = 0 only on a fresh insert).
   */
  async upsert(input: FeedbackInput, tx?: Queryable): Promise<{ row: FeedbackRow; created: boolean }> {
    const rows = await guarded(() =>
      this.q(tx)
        .insert(feedback)
        .values(input)
        .onConflictDoUpdate({
          target: [feedback.messageId, feedback.userId],
          set: { rating: input.rating, comment: input.comment, updatedAt: new Date() },
        })
        .returning({ ...getTableColumns(feedback), created: sql<boolean>`(xmax = 0)` }),
    );
    const { created, ...row } = rows[0]!;
    return { row, created };
  }

  findForUser(messageId: string, userId: string, tx?: Queryable): Promise<FeedbackRow | undefined> {
    return this.findOne(and(eq(feedback.messageId, messageId), eq(feedback.userId, userId)), tx);
  }

  /** The user's feedback on each of these messages. */
  listForUser(messageIds: string[], userId: string, tx?: Queryable): Promise<FeedbackRow[]> {
    if (messageIds.length === 0) return Promise.resolve([]);
    return this.findMany(
      and(inArray(feedback.messageId, messageIds), eq(feedback.userId, userId)),
      tx,
      messageIds.length,
    );
  }

  async deleteForUser(messageId: string, userId: string, tx?: Queryable): Promise<FeedbackRow | undefined> {
    const rows = await guarded(() =>
      this.q(tx)
        .delete(feedback)
        .where(and(eq(feedback.messageId, messageId), eq(feedback.userId, userId)))
        .returning(),
    );
    return rows[0];
  }
}
