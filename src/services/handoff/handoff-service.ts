import { requirePermission } from "../../core/access.js";
import type { Queryable } from "../../db/client.js";
import { withTransaction } from "../../db/transaction.js";
import { AppError } from "../../lib/errors.js";
import { newId } from "../../lib/ids.js";
import type { ConversationRow } from "../../repositories/conversation.repository.js";
import type { Repositories } from "../../repositories/index.js";
import type { MessageRow } from "../../repositories/message.repository.js";
import type { ConversationPublisher } from "../approvals/approval-service.js";
import type { NotificationService } from "../approvals/notifications.js";
import { recordAudit } from "../audit/record-audit.js";
import type { ServiceContext } from "../context.js";
import { canHandle, canRead, loadConversation } from "../conversations/conversation-access.js";
import {
  type ConversationView,
  conversationViews,
  type MessageView,
  messageView,
} from "../conversations/views.js";
import type { PiiService } from "../pii/index.js";

export type HandoffServiceRepositories = Pick<
  Repositories,
  "agentVersions" | "agents" | "auditLogs" | "conversations"
>;

/** A user message stored for the person handling the conversation instead of running the assistant. */
export interface HandedOffMessage {
  status: "handed-off";
  conversationId: string;
  message: { id: string; createdAt: Date };
  /** Who was told of it: the assignee, or null while nobody has taken the conversation. */
  assigneeId: string | null;
}

const PERMISSION = "conversations:handoff" as const;

/**
 * Human handoff (ADR 0012): an `escalated` conversation is claimed by, or assigned to, a colleague
 * who may handle the department's handoffs (`conversations:handoff` and department reach); they reply
 * as themselves (messages with an author), and hand the conversation back to the assistant or close
 * it. While it is escalated, the requester's messages are stored for that person and never reach a
 * model. Every state change is a conditional update: two colleagues claiming at once, one wins.
 */
export function createHandoffService(deps: {
  db: Queryable;
  repositories: HandoffServiceRepositories;
  notifications: NotificationService;
  /** Masks the messages and reasons people write here before they are stored (ADR 0007). */
  pii?: PiiService | undefined;
  /** Delivers a person's reply live on the conversation's stream (set once the chat service exists). */
  publish: () => ConversationPublisher | undefined;
}) {
  const r = deps.repositories;
  /** The texts as stored: masked with the conversation's map (in the transaction of `ctx`). */
  const stored = (ctx: ServiceContext, conversation: ConversationRow, texts: string[]) =>
    deps.pii ? deps.pii.maskForStorage(ctx, conversation, texts) : Promise.resolve(texts);
  const one = async (ctx: ServiceContext, row: ConversationRow): Promise<ConversationView> =>
    (await conversationViews(r, ctx, [row]))[0]!;

  /**
   * The conversation, for someone who may handle the department's handoffs and read it (a private
   * conversation is readable by handlers only while handed off); anyone else gets 404.
   */
  async function loadHandled(ctx: ServiceContext, id: string): Promise<ConversationRow> {
    requirePermission(ctx, PERMISSION);
    const conversation = await r.conversations.findById(id, ctx.db);
    if (!conversation || !canHandle(ctx, conversation) || !canRead(ctx, conversation)) {
      throw AppError.notFound("Conversation", id);
    }
    return conversation;
  }

  function requireEscalated(conversation: ConversationRow): void {
    if (conversation.status !== "escalated") {
      throw new AppError(
        "PRECONDITION_FAILED",
        `The conversation is ${conversation.status.replace(/_/g, " ")}, not handed to a person`,
        { status: conversation.status },
      );
    }
  }

  function requireAssignee(ctx: ServiceContext, conversation: ConversationRow): string {
    requireEscalated(conversation);
    const me = ctx.actor.userId;
    if (!me || conversation.assigneeId !== me) {
      throw new AppError(
        "PRECONDITION_FAILED",
        conversation.assigneeId
          ? "Another colleague is handling this conversation"
          : "Claim the conversation (or be assigned to it) first",
        { assigneeId: conversation.assigneeId },
      );
    }
    return me;
  }

  /** The 409 of a change that lost a race: the conversation as it now stands. */
  async function moved(id: string, tx: Queryable): Promise<AppError> {
    const now = await r.conversations.findById(id, tx);
    return new AppError("CONFLICT", "The conversation changed meanwhile (claimed, released or closed)", {
      status: now?.status ?? null,
      assigneeId: now?.assigneeId ?? null,
    });
  }

  return {
    /**
     * The requester asks for a person: the conversation becomes `escalated` (from `active` or while a
     * reply waits for an approver) and the department's handlers are told.
     */
    async requestHandoff(
      ctx: ServiceContext,
      id: string,
      input: { reason?: string | null | undefined },
    ): Promise<ConversationView> {
      const conversation = await loadConversation(r, ctx, id, "write");
      if (conversation.status === "escalated") {
        throw new AppError("CONFLICT", "The conversation is already handed to a person", {
          status: conversation.status,
          assigneeId: conversation.assigneeId,
        });
      }
      if (conversation.status === "closed") {
        throw new AppError("PRECONDITION_FAILED", "The conversation is closed; reopen it first", {
          status: conversation.status,
        });
      }
      const reason = input.reason?.trim() || null;
      return withTransaction(ctx.db, async (tx) => {
        const updated = await r.conversations.update(id, { status: "escalated", assigneeId: null }, tx);
        const [body] = reason ? await stored({ ...ctx, db: tx }, conversation, [reason]) : [];
        const handlers = await deps.notifications.holdersOf(
          ctx.orgId,
          conversation.departmentId,
          PERMISSION,
          tx,
        );
        await deps.notifications.notify(
          ctx.orgId,
          handlers.filter((userId) => userId !== conversation.userId),
          {
            type: "handoff.requested",
            title: "Someone asked to talk to a person",
            ...(body ? { body } : {}),
            entityType: "conversation",
            entityId: id,
          },
          tx,
        );
        await recordAudit(
          r,
          ctx,
          {
            action: "conversation.handoff_requested",
            entityType: "conversation",
            entityId: id,
            departmentId: conversation.departmentId,
            changes: { status: { from: conversation.status, to: "escalated" }, reason: reason !== null },
          },
          tx,
        );
        return one({ ...ctx, db: tx }, updated!);
      });
    },

    /**
     * Assigns an escalated conversation to a colleague who may handle the department's handoffs
     * (reassigning is allowed); the assignee is told.
     */
    async assign(ctx: ServiceContext, id: string, input: { userId: string }): Promise<ConversationView> {
      const conversation = await loadHandled(ctx, id);
      requireEscalated(conversation);
      const handlers = await deps.notifications.holdersOf(ctx.orgId, conversation.departmentId, PERMISSION);
      if (!handlers.includes(input.userId)) {
        throw new AppError(
          "VALIDATION",
          "Assign to an active member who may handle handoffs (conversations:handoff) in the conversation's department",
          { field: "userId" },
        );
      }
      return withTransaction(ctx.db, async (tx) => {
        const updated = await r.conversations.updateIfHandedOff(
          id,
          { assigneeId: conversation.assigneeId },
          { assigneeId: input.userId },
          tx,
        );
        if (!updated) throw await moved(id, tx);
        if (input.userId !== ctx.actor.userId) {
          await deps.notifications.notify(
            ctx.orgId,
            [input.userId],
            {
              type: "handoff.assigned",
              title: "A conversation was handed to you",
              entityType: "conversation",
              entityId: id,
            },
            tx,
          );
        }
        await recordAudit(
          r,
          ctx,
          {
            action: "conversation.assigned",
            entityType: "conversation",
            entityId: id,
            departmentId: conversation.departmentId,
            changes: { assigneeId: { from: conversation.assigneeId, to: input.userId } },
          },
          tx,
        );
        return one({ ...ctx, db: tx }, updated);
      });
    },

    /** Takes an unassigned escalated conversation; of two colleagues claiming at once, one wins (409). */
    async claim(ctx: ServiceContext, id: string): Promise<ConversationView> {
      const conversation = await loadHandled(ctx, id);
      requireEscalated(conversation);
      const me = ctx.actor.userId;
      if (!me) throw new AppError("FORBIDDEN", "Only a person can take over a conversation");
      if (conversation.assigneeId && conversation.assigneeId !== me) throw await moved(id, ctx.db);
      if (conversation.assigneeId === me) return one(ctx, conversation);
      return withTransaction(ctx.db, async (tx) => {
        const updated = await r.conversations.updateIfHandedOff(
          id,
          { assigneeId: me, orUnassigned: true },
          { assigneeId: me },
          tx,
        );
        if (!updated || updated.assigneeId !== me) throw await moved(id, tx);
        await recordAudit(
          r,
          ctx,
          {
            action: "conversation.claimed",
            entityType: "conversation",
            entityId: id,
            departmentId: conversation.departmentId,
            changes: { assigneeId: me },
          },
          tx,
        );
        return one({ ...ctx, db: tx }, updated);
      });
    },

    /**
     * The assignee replies as themselves: an `assistant` message with the assignee as its author,
     * delivered live on the conversation's stream and as a notification to the requester.
     */
    async reply(ctx: ServiceContext, id: string, input: { content: string }): Promise<MessageView> {
      const text = input.content.trim();
      if (!text) throw new AppError("VALIDATION", "The reply is empty", { field: "content" });
      const conversation = await loadHandled(ctx, id);
      const me = requireAssignee(ctx, conversation);
      const taskId = newId();
      const message = await withTransaction(ctx.db, async (tx) => {
        // Still escalated and still ours when the reply is written.
        const still = await r.conversations.updateIfHandedOff(
          id,
          { assigneeId: me },
          { updatedAt: new Date() },
          tx,
        );
        if (!still) throw await moved(id, tx);
        const [content = text] = await stored({ ...ctx, db: tx }, still, [text]);
        const row = await r.conversations.appendMessage(
          {
            orgId: ctx.orgId,
            conversationId: id,
            role: "assistant",
            authorId: me,
            content,
            textContent: content,
            parts: [{ type: "text", text: content }],
            metadata: { handoff: true },
          },
          {},
          tx,
        );
        await deps.notifications.notify(
          ctx.orgId,
          [conversation.userId].filter((userId) => userId !== me),
          {
            type: "handoff.replied",
            title: "A colleague replied in your conversation",
            entityType: "conversation",
            entityId: id,
          },
          tx,
        );
        await recordAudit(
          r,
          ctx,
          {
            action: "conversation.replied",
            entityType: "message",
            entityId: row.id,
            departmentId: conversation.departmentId,
            changes: { conversationId: id },
          },
          tx,
        );
        return row;
      });
      deps.publish()?.(id, taskId, [
        { type: "human-reply", messageId: message.id, authorId: me },
        {
          type: "done",
          messageId: message.id,
          // The requester reads it as the colleague wrote it; the stored message keeps placeholders.
          text,
          citations: [],
          removedCitations: 0,
          usage: { promptTokens: 0, completionTokens: 0, costUsd: 0 },
          runId: taskId,
          taskId,
        },
      ]);
      return { ...messageView(message, undefined, false), content: text, parts: [{ type: "text", text }] };
    },

    /** The assignee hands the conversation back to the assistant: `active`, nobody assigned. */
    async release(ctx: ServiceContext, id: string): Promise<ConversationView> {
      const conversation = await loadHandled(ctx, id);
      const me = requireAssignee(ctx, conversation);
      return withTransaction(ctx.db, async (tx) => {
        const updated = await r.conversations.updateIfHandedOff(
          id,
          { assigneeId: me },
          { status: "active", assigneeId: null },
          tx,
        );
        if (!updated) throw await moved(id, tx);
        await recordAudit(
          r,
          ctx,
          {
            action: "conversation.released",
            entityType: "conversation",
            entityId: id,
            departmentId: conversation.departmentId,
            changes: { status: { from: "escalated", to: "active" }, assigneeId: { from: me, to: null } },
          },
          tx,
        );
        return one({ ...ctx, db: tx }, updated);
      });
    },

    /**
     * A requester's message while the conversation is handed to a person (the chat turn's caller
     * found it `escalated`): stored with its author, never sent to a model; the assignee (or, while
     * nobody has it, the department's handlers) is told. Undefined when it is not escalated (any more).
     */
    async takeMessage(ctx: ServiceContext, id: string, text: string): Promise<HandedOffMessage | undefined> {
      const conversation = await loadConversation(r, ctx, id, "write");
      if (conversation.status !== "escalated") return undefined;
      const content = text.trim();
      const message: MessageRow = await withTransaction(ctx.db, async (tx) => {
        // Stored masked, like what is written during a handoff by the colleague (ADR 0012).
        const [masked = content] = await stored({ ...ctx, db: tx }, conversation, [content]);
        const row = await r.conversations.appendMessage(
          {
            orgId: ctx.orgId,
            conversationId: id,
            role: "user",
            authorId: ctx.actor.userId ?? null,
            content: masked,
            textContent: masked,
            parts: [{ type: "text", text: masked }],
            metadata: { handoff: true },
          },
          {},
          tx,
        );
        const people = conversation.assigneeId
          ? [conversation.assigneeId]
          : await deps.notifications.holdersOf(ctx.orgId, conversation.departmentId, PERMISSION, tx);
        await deps.notifications.notify(
          ctx.orgId,
          people.filter((userId) => userId !== ctx.actor.userId),
          {
            type: "handoff.message",
            title: "New message in a conversation handed to a person",
            entityType: "conversation",
            entityId: id,
          },
          tx,
        );
        return row;
      });
      return {
        status: "handed-off",
        conversationId: id,
        message: { id: message.id, createdAt: message.createdAt },
        assigneeId: conversation.assigneeId,
      };
    },
  };
}

export type HandoffService = ReturnType<typeof createHandoffService>;
