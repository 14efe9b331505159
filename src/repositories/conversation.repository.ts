import { and, eq, ilike, inArray, isNotNull, isNull, or, type SQL, sql } from "drizzle-orm";
import type { Access } from "../core/access.js";
import type { Queryable } from "../db/client.js";
import { guarded } from "../db/errors.js";
import { conversations, messages } from "../db/schema/index.js";
import type { CursorPage, Page, PageQuery } from "../lib/pagination.js";
import type { Cache } from "../providers/cache/cache.js";
import { CachedTableRepository } from "./cached-table-repository.js";
import type { MessageRepository, MessageRow } from "./message.repository.js";
import { departmentOrOrgWideScope, departmentScope } from "./scope.js";
import type { NewRow, PendingWrite } from "./table-repository.js";

export type ConversationRow = typeof conversations.$inferSelect;
export type ConversationStatus = ConversationRow["status"];
export type ConversationChannel = ConversationRow["channel"];

/**
 * Which conversations a list may contain. `owner` lists one user's own conversations (org-wide ones
 * included); `department` lists every conversation of the departments `access` reaches (reviewers).
 * Both stay inside the caller's department reach.
 */
export type ConversationScope = { kind: "owner"; userId: string } | { kind: "department" };

export interface ConversationFilter {
  status?: ConversationStatus | undefined;
  agentId?: string | undefined;
  channel?: ConversationChannel | undefined;
  /** Matches titles (substring) and message text (full text, web-search syntax). */
  q?: string | undefined;
}

/**
 * Message text matching a web-search query. The expression is exactly the one of
 * `messages_text_content_gin_idx` (literal regconfig, same coalesce) so the planner can use the index.
 */
export function messageTextMatches(q: string): SQL {
  return sql`to_tsvector('english', coalesce(${messages.textContent}, '')) @@ websearch_to_tsquery('english', ${q})`;
}

/** Ids of the organisation's conversations with a message matching `q` (a subquery for IN). */
export function conversationsWithMessagesMatching(db: Queryable, orgId: string, q: string) {
  return db
    .select({ id: messages.conversationId })
    .from(messages)
    .where(and(eq(messages.orgId, orgId), messageTextMatches(q)));
}

export type ConversationPatch = Partial<typeof conversations.$inferInsert>;

export class ConversationRepository extends CachedTableRepository<typeof conversations> {
  constructor(
    db: Queryable,
    cache: Cache,
    ttlSeconds: number,
    private readonly messages: MessageRepository,
  ) {
    super(db, conversations, cache, "conversation", ttlSeconds);
  }

  /**
   * Appends a message in one statement: the insert, the conversation's counter and last activity
   * (with `patch`, e.g. a title), and `companions` — rows of other tables that belong with the
   * message (a task, a run, an audit row), as data-modifying CTEs. One round trip, atomic without a
   * transaction; foreign keys between these rows are checked when the statement ends, so companions
   * may point at the message. `last_message_at` is `now()`, the message's own `created_at`.
   */
  async appendMessage(
    message: NewRow<typeof messages>,
    options: { patch?: ConversationPatch; companions?: readonly PendingWrite[] } = {},
    tx?: Queryable,
  ): Promise<MessageRow> {
    const q = this.q(tx);
    const counters = q.$with("conversation_counters").as(
      q
        .update(conversations)
        .set({
          ...options.patch,
          messageCount: sql`${conversations.messageCount} + 1`,
          lastMessageAt: sql`now()`,
          updatedAt: sql`now()`,
        } as never)
        .where(eq(conversations.id, message.conversationId))
        .returning({ id: conversations.id }),
    );
    const companions = (options.companions ?? []).map((write, i) =>
      q.$with(`${write.table}_${i}`, { id: sql<string>`id` }).as(write.statement),
    );
    const [row] = await guarded(() =>
      q
        .with(counters, ...companions)
        .insert(messages)
        .values(message)
        .returning(),
    );
    await this.invalidateOnWrite([{ id: message.conversationId } as ConversationRow], tx);
    await this.messages.forgetWritten([row!], tx);
    return row!;
  }

  /**
   * Changes a conversation only while it is still in the state the caller saw (`escalated`, and
   * assigned to `assigneeId` when given; `null` means unassigned or already the new assignee): the
   * referee of two colleagues claiming at once. Undefined when the state moved on.
   */
  async updateIfHandedOff(
    id: string,
    expected: { assigneeId?: string | null | undefined; orUnassigned?: boolean | undefined },
    patch: ConversationPatch,
    tx?: Queryable,
  ): Promise<ConversationRow | undefined> {
    const assignee =
      expected.assigneeId === undefined
        ? undefined
        : expected.assigneeId === null
          ? isNull(conversations.assigneeId)
          : expected.orUnassigned
            ? or(isNull(conversations.assigneeId), eq(conversations.assigneeId, expected.assigneeId))
            : eq(conversations.assigneeId, expected.assigneeId);
    const [row] = await this.updateWhere(
      and(eq(conversations.id, id), eq(conversations.status, "escalated"), assignee),
      patch,
      tx,
    );
    return row;
  }

  listForUser(
    orgId: string,
    userId: string,
    options: { cursor?: string; limit: number },
    tx?: Queryable,
  ): Promise<CursorPage<ConversationRow>> {
    return this.pageAfter(and(eq(conversations.orgId, orgId), eq(conversations.userId, userId)), options, tx);
  }

  findInOrg(orgId: string, id: string, tx?: Queryable): Promise<ConversationRow | undefined> {
    return this.findOne(and(eq(conversations.orgId, orgId), eq(conversations.id, id)), tx);
  }

  private visible(orgId: string, access: Access, scope: ConversationScope, filter: ConversationFilter) {
    const reach = departmentScope(conversations.departmentId, access);
    const pattern = filter.q ? `%${filter.q.replace(/[\\%_]/g, "\\$&")}%` : undefined;
    return and(
      eq(conversations.orgId, orgId),
      scope.kind === "owner"
        ? and(
            eq(conversations.userId, scope.userId),
            departmentOrOrgWideScope(conversations.departmentId, access),
          )
        : and(isNotNull(conversations.departmentId), reach),
      filter.status ? eq(conversations.status, filter.status) : undefined,
      filter.agentId ? eq(conversations.agentId, filter.agentId) : undefined,
      filter.channel ? eq(conversations.channel, filter.channel) : undefined,
      filter.q && pattern
        ? or(
            ilike(conversations.title, pattern),
            inArray(conversations.id, conversationsWithMessagesMatching(this.q(), orgId, filter.q)),
          )
        : undefined,
    );
  }

  /** Numbered pages, newest first, with the total. */
  pageVisible(
    orgId: string,
    access: Access,
    scope: ConversationScope,
    filter: ConversationFilter,
    query: PageQuery,
    tx?: Queryable,
  ): Promise<Page<ConversationRow>> {
    return this.page(this.visible(orgId, access, scope, filter), query, tx);
  }

  /** Keyset pages, newest first. */
  pageVisibleAfter(
    orgId: string,
    access: Access,
    scope: ConversationScope,
    filter: ConversationFilter,
    options: { cursor?: string | undefined; limit: number },
    tx?: Queryable,
  ): Promise<CursorPage<ConversationRow>> {
    return this.pageAfter(this.visible(orgId, access, scope, filter), options, tx);
  }
}
