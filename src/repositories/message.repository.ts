import { and, asc, desc, eq, gt, lt } from "drizzle-orm";
import type { Queryable } from "../db/client.js";
import { guarded } from "../db/errors.js";
import { messages } from "../db/schema/index.js";
import { buildCursorPage, type CursorPage, decodeCursor } from "../lib/pagination.js";
import { CachedTableRepository } from "./cached-table-repository.js";
import type { NewRow } from "./table-repository.js";

export type MessageRow = typeof messages.$inferSelect;
export type HistoryMessage = Pick<
  MessageRow,
  "id" | "role" | "content" | "textContent" | "heldForApproval" | "metadata"
>;

/** How many of a conversation's latest messages are cached together (the chat history window). */
export const RECENT_MESSAGES_CACHED = 50;

/**
 * Messages by id and each conversation's recent history are cached; appending, editing or deleting a
 * message drops that conversation's history entry.
 */
export class MessageRepository extends CachedTableRepository<typeof messages> {
  private historyKey(conversationId: string): string {
    return `${this.namespace}:recent:${conversationId}`;
  }

  /** The latest messages of a conversation, oldest first (ready to send to a model). */
  async listRecent(
    conversationId: string,
    limit = RECENT_MESSAGES_CACHED,
    tx?: Queryable,
  ): Promise<MessageRow[]> {
    const cacheable = !this.inTransaction(tx) && limit <= RECENT_MESSAGES_CACHED;
    if (cacheable) {
      const cached = await this.cache.get<MessageRow[]>(this.historyKey(conversationId));
      if (cached) return cached.slice(-limit);
    }
    const fetchLimit = cacheable ? RECENT_MESSAGES_CACHED : limit;
    const rows = await guarded(() =>
      this.q(tx)
        .select()
        .from(messages)
        .where(eq(messages.conversationId, conversationId))
        .orderBy(desc(messages.createdAt), desc(messages.id))
        .limit(fetchLimit),
    );
    rows.reverse();
    if (cacheable) await this.cache.set(this.historyKey(conversationId), rows, this.ttlSeconds);
    return rows.slice(-limit);
  }

  /**
   * What a model's history needs of the latest messages, oldest first: no parts, sources or other
   * heavy columns, and no cache — a chat turn appends to the conversation each time, so a cached
   * history would be dropped before it was read again.
   */
  async historyOf(conversationId: string, limit: number, tx?: Queryable): Promise<HistoryMessage[]> {
    const rows = await guarded(() =>
      this.q(tx)
        .select({
          id: messages.id,
          role: messages.role,
          content: messages.content,
          textContent: messages.textContent,
          heldForApproval: messages.heldForApproval,
          metadata: messages.metadata,
        })
        .from(messages)
        .where(eq(messages.conversationId, conversationId))
        .orderBy(desc(messages.createdAt), desc(messages.id))
        .limit(limit),
    );
    return rows.reverse();
  }

  listAll(conversationId: string, tx?: Queryable): Promise<MessageRow[]> {
    return guarded(() =>
      this.q(tx)
        .select()
        .from(messages)
        .where(eq(messages.conversationId, conversationId))
        .orderBy(asc(messages.createdAt), asc(messages.id)),
    );
  }

  /** Keyset pages of a conversation, oldest first (the cursor is the last id seen; ids are time-ordered). */
  async pageOldestFirst(
    conversationId: string,
    options: { cursor?: string | undefined; limit: number },
    tx?: Queryable,
  ): Promise<CursorPage<MessageRow>> {
    const after = options.cursor ? gt(messages.id, decodeCursor(options.cursor).id) : undefined;
    const rows = await guarded(() =>
      this.q(tx)
        .select()
        .from(messages)
        .where(and(eq(messages.conversationId, conversationId), after))
        .orderBy(asc(messages.id))
        .limit(options.limit + 1),
    );
    return buildCursorPage(rows, options.limit);
  }

  /**
   * The question each reply answers: the latest user message before it in its conversation (ids are
   * time-ordered), by the reply's id. Replies without an earlier question are left out.
   */
  async questionsBefore(
    replies: ReadonlyArray<{ id: string; conversationId: string }>,
    tx?: Queryable,
  ): Promise<Map<string, string>> {
    const found = await Promise.all(
      replies.map(async (reply) => {
        const [row] = await guarded(() =>
          this.q(tx)
            .select({ content: messages.content })
            .from(messages)
            .where(
              and(
                eq(messages.conversationId, reply.conversationId),
                eq(messages.role, "user"),
                lt(messages.id, reply.id),
              ),
            )
            .orderBy(desc(messages.id))
            .limit(1),
        );
        return [reply.id, row?.content] as const;
      }),
    );
    return new Map(found.filter((entry): entry is readonly [string, string] => entry[1] !== undefined));
  }

  /** A message of one conversation (a message id from another conversation finds nothing). */
  findInConversation(conversationId: string, id: string, tx?: Queryable): Promise<MessageRow | undefined> {
    return this.findOne(and(eq(messages.conversationId, conversationId), eq(messages.id, id)), tx);
  }

  /** Deletes a conversation's messages through the cache (the conversation's cascade would bypass it). */
  deleteForConversation(conversationId: string, tx?: Queryable): Promise<number> {
    return this.deleteWhere(eq(messages.conversationId, conversationId), tx);
  }

  override async create(values: NewRow<typeof messages>, tx?: Queryable): Promise<MessageRow> {
    const row = await super.create(values, tx);
    await this.invalidateOnWrite([row], tx);
    return row;
  }

  override async createMany(values: NewRow<typeof messages>[], tx?: Queryable): Promise<MessageRow[]> {
    const rows = await super.createMany(values, tx);
    await this.invalidateOnWrite(rows, tx);
    return rows;
  }

  /** Drops what a message written by another repository's statement makes stale (its history). */
  forgetWritten(rows: MessageRow[], tx?: Queryable): Promise<void> {
    return this.invalidateOnWrite(rows, tx);
  }

  protected override async invalidate(rows: MessageRow[]): Promise<void> {
    await super.invalidate(rows);
    const conversationIds = [...new Set(rows.map((r) => r.conversationId))];
    if (conversationIds.length > 0)
      await this.cache.delete(...conversationIds.map((id) => this.historyKey(id)));
  }
}
