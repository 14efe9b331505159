import { requirePermission } from "../../core/access.js";
import { withTransaction } from "../../db/transaction.js";
import { AppError } from "../../lib/errors.js";
import type { CursorPage, Page, PageQuery } from "../../lib/pagination.js";
import type {
  ConversationChannel,
  ConversationFilter,
  ConversationRow,
  ConversationScope,
} from "../../repositories/conversation.repository.js";
import type { Repositories } from "../../repositories/index.js";
import { diff, recordAudit } from "../audit/record-audit.js";
import type { ServiceContext } from "../context.js";
import { loadConversation } from "./conversation-access.js";
import { type AgentRef, resolveConversationTarget } from "./resolve-agent.js";
import { type ConversationView, conversationViews } from "./views.js";

export type ConversationServiceRepositories = Pick<
  Repositories,
  "agentVersions" | "agents" | "auditLogs" | "conversations" | "messages" | "namespaces" | "personas"
>;

export interface CreateConversationInput extends AgentRef {
  title?: string | null | undefined;
  channel?: ConversationChannel | undefined;
  externalId?: string | null | undefined;
  metadata?: Record<string, unknown> | undefined;
}

export interface ConversationPatch {
  title?: string | null | undefined;
  metadata?: Record<string, unknown> | undefined;
}

/** `mine`: the caller's own conversations; `department`: every conversation of the departments they reach. */
export type ListScope = "mine" | "department";

/** Numbered pages (with a total) or keyset pages (`nextCursor`), whichever the client asked for. */
export type ListPaging =
  | ({ kind: "offset" } & PageQuery)
  | { kind: "cursor"; cursor?: string | undefined; limit: number };

export function createConversationService(r: ConversationServiceRepositories) {
  const one = async (ctx: ServiceContext, row: ConversationRow) =>
    (await conversationViews(r, ctx, [row]))[0]!;

  async function setStatus(ctx: ServiceContext, id: string, to: "active" | "closed") {
    const conversation = await loadConversation(r, ctx, id, to === "closed" ? "close" : "write");
    if (conversation.status === to) return one(ctx, conversation);
    if (to === "active" && conversation.status !== "closed") {
      throw new AppError(
        "PRECONDITION_FAILED",
        `The conversation is ${conversation.status.replace("_", " ")}, not closed; it cannot be reopened`,
      );
    }
    return withTransaction(ctx.db, async (tx) => {
      const closedAt = to === "closed" ? new Date() : null;
      // Reopened, the conversation is the assistant's again: nobody is handling it any more.
      const updated = await r.conversations.update(
        id,
        { status: to, closedAt, ...(to === "active" ? { assigneeId: null } : {}) },
        tx,
      );
      await recordAudit(
        r,
        ctx,
        {
          action: to === "closed" ? "conversation.closed" : "conversation.reopened",
          entityType: "conversation",
          entityId: id,
          departmentId: conversation.departmentId,
          changes: { status: { from: conversation.status, to } },
        },
        tx,
      );
      return one({ ...ctx, db: tx }, updated!);
    });
  }

  return {
    /** A conversation owned by the caller, pinned to the agent's current published version. */
    async create(ctx: ServiceContext, input: CreateConversationInput): Promise<ConversationView> {
      requirePermission(ctx, "chat:use");
      const userId = ctx.actor.userId;
      if (!userId)
        throw new AppError("FORBIDDEN", "Only a user (or a user's API key) can own a conversation");
      const target = await resolveConversationTarget(r, ctx, input);
      return withTransaction(ctx.db, async (tx) => {
        const row = await r.conversations.create(
          {
            orgId: ctx.orgId,
            userId,
            ...target,
            channel: input.channel ?? "web",
            externalId: input.externalId ?? null,
            title: input.title ?? null,
            metadata: input.metadata ?? {},
          },
          tx,
        );
        await recordAudit(
          r,
          ctx,
          {
            action: "conversation.created",
            entityType: "conversation",
            entityId: row.id,
            departmentId: row.departmentId,
            changes: { agentId: row.agentId, agentVersionId: row.agentVersionId, channel: row.channel },
          },
          tx,
        );
        return one({ ...ctx, db: tx }, row);
      });
    },

    async list(
      ctx: ServiceContext,
      scope: ListScope,
      filter: ConversationFilter,
      paging: ListPaging,
    ): Promise<Page<ConversationView> | CursorPage<ConversationView>> {
      requirePermission(ctx, "chat:use");
      let where: ConversationScope;
      if (scope === "department") {
        requirePermission(ctx, "analytics:read");
        where = { kind: "department" };
      } else {
        if (!ctx.actor.userId)
          return paging.kind === "offset" ? emptyPage(paging) : { items: [], nextCursor: null };
        where = { kind: "owner", userId: ctx.actor.userId };
      }
      const result =
        paging.kind === "offset"
          ? await r.conversations.pageVisible(ctx.orgId, ctx.access, where, filter, paging, ctx.db)
          : await r.conversations.pageVisibleAfter(ctx.orgId, ctx.access, where, filter, paging, ctx.db);
      return { ...result, items: await conversationViews(r, ctx, result.items) };
    },

    async get(ctx: ServiceContext, id: string): Promise<ConversationView> {
      return one(ctx, await loadConversation(r, ctx, id, "read"));
    },

    async update(ctx: ServiceContext, id: string, patch: ConversationPatch): Promise<ConversationView> {
      const conversation = await loadConversation(r, ctx, id, "write");
      const values = {
        ...(patch.title !== undefined ? { title: patch.title } : {}),
        ...(patch.metadata !== undefined ? { metadata: patch.metadata } : {}),
      };
      return withTransaction(ctx.db, async (tx) => {
        const updated = await r.conversations.update(id, values, tx);
        await recordAudit(
          r,
          ctx,
          {
            action: "conversation.updated",
            entityType: "conversation",
            entityId: id,
            departmentId: conversation.departmentId,
            changes: diff(conversation, values),
          },
          tx,
        );
        return one({ ...ctx, db: tx }, updated!);
      });
    },

    close: (ctx: ServiceContext, id: string) => setStatus(ctx, id, "closed"),
    /** Only a closed conversation reopens; one waiting for an approver or escalated stays as it is. */
    reopen: (ctx: ServiceContext, id: string) => setStatus(ctx, id, "active"),

    /** Deletes the conversation with its messages, feedback and redaction maps. */
    async delete(ctx: ServiceContext, id: string): Promise<void> {
      const conversation = await loadConversation(r, ctx, id, "write");
      await withTransaction(ctx.db, async (tx) => {
        const messages = await r.messages.deleteForConversation(id, tx);
        await r.conversations.delete(id, tx);
        await recordAudit(
          r,
          ctx,
          {
            action: "conversation.deleted",
            entityType: "conversation",
            entityId: id,
            departmentId: conversation.departmentId,
            changes: { ownerId: conversation.userId, messages },
          },
          tx,
        );
      });
    },
  };
}

function emptyPage(query: PageQuery): Page<ConversationView> {
  return { items: [], page: query.page, pageSize: query.pageSize, total: 0, totalPages: 0 };
}
