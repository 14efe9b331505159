import { canSeeDepartment, hasPermission } from "../../core/access.js";
import { withTransaction } from "../../db/transaction.js";
import { AppError } from "../../lib/errors.js";
import type { CursorPage } from "../../lib/pagination.js";
import type { Repositories } from "../../repositories/index.js";
import { recordAudit } from "../audit/record-audit.js";
import type { ServiceContext } from "../context.js";
import type { PiiService } from "../pii/index.js";
import { loadConversation } from "./conversation-access.js";
import { type FeedbackView, feedbackView, type MessageView, messageView } from "./views.js";

export type MessageServiceRepositories = Pick<
  Repositories,
  "auditLogs" | "conversations" | "feedback" | "messages"
>;

export interface FeedbackInput {
  rating: 1 | -1;
  comment?: string | null | undefined;
}

/** A message stored with placeholders, as its reader sees it: every string of it rehydrated. */
function rehydrated(view: MessageView, show: (text: string) => string): MessageView {
  const deep = (value: unknown): unknown =>
    typeof value === "string"
      ? show(value)
      : Array.isArray(value)
        ? value.map(deep)
        : value && typeof value === "object" && !(value instanceof Date)
          ? Object.fromEntries(Object.entries(value).map(([k, v]) => [k, deep(v)]))
          : value;
  return { ...view, content: show(view.content), parts: deep(view.parts) as MessageView["parts"] };
}

export function createMessageService(r: MessageServiceRepositories, pii?: PiiService) {
  /** The conversation (owner only) and one of its assistant messages. */
  async function feedbackTarget(ctx: ServiceContext, conversationId: string, messageId: string) {
    const conversation = await loadConversation(r, ctx, conversationId, "feedback");
    const message = await r.messages.findInConversation(conversation.id, messageId, ctx.db);
    if (!message) throw AppError.notFound("Message", messageId);
    return { conversation, message, userId: ctx.actor.userId! };
  }

  return {
    /** A conversation's messages, oldest first, each with the caller's own feedback. */
    async listMessages(
      ctx: ServiceContext,
      conversationId: string,
      options: { cursor?: string | undefined; limit: number },
    ): Promise<CursorPage<MessageView>> {
      const conversation = await loadConversation(r, ctx, conversationId, "read");
      const page = await r.messages.pageOldestFirst(conversation.id, options, ctx.db);
      const userId = ctx.actor.userId;
      const feedback = userId
        ? await r.feedback.listForUser(
            page.items.map((m) => m.id),
            userId,
            ctx.db,
          )
        : [];
      const byMessage = new Map(feedback.map((f) => [f.messageId, f]));
      const canSeeHeld =
        hasPermission(ctx.access, "approvals:decide") &&
        (conversation.departmentId === null || canSeeDepartment(ctx.access, conversation.departmentId));
      const views = page.items.map((m) => messageView(m, byMessage.get(m.id), canSeeHeld));
      // Answers (and, if the namespace says so, questions) are stored masked (ADR 0007); whoever may
      // read the conversation reads them whole.
      const show = pii && views.length > 0 ? await pii.rehydratorFor(conversation.id, ctx.db) : undefined;
      return {
        items: show ? views.map((v) => rehydrated(v, show)) : views,
        nextCursor: page.nextCursor,
      };
    },

    /** The owner's rating of an answer; a second submission replaces the first. */
    async setFeedback(
      ctx: ServiceContext,
      conversationId: string,
      messageId: string,
      input: FeedbackInput,
    ): Promise<FeedbackView> {
      const { conversation, message, userId } = await feedbackTarget(ctx, conversationId, messageId);
      if (message.role !== "assistant") {
        throw new AppError("VALIDATION", "Feedback can only be given on the assistant's replies");
      }
      if (message.heldForApproval) {
        throw new AppError("PRECONDITION_FAILED", "The reply is waiting for an approver");
      }
      return withTransaction(ctx.db, async (tx) => {
        const { row, created } = await r.feedback.upsert(
          {
            orgId: ctx.orgId,
            conversationId: conversation.id,
            messageId: message.id,
            userId,
            rating: input.rating,
            comment: input.comment ?? null,
          },
          tx,
        );
        await recordAudit(
          r,
          ctx,
          {
            action: created ? "feedback.created" : "feedback.updated",
            entityType: "message",
            entityId: message.id,
            departmentId: conversation.departmentId,
            changes: { conversationId: conversation.id, rating: input.rating },
          },
          tx,
        );
        return feedbackView(row);
      });
    },

    /** Withdraws the owner's feedback; withdrawing feedback that is not there changes nothing. */
    async deleteFeedback(ctx: ServiceContext, conversationId: string, messageId: string): Promise<void> {
      const { conversation, message, userId } = await feedbackTarget(ctx, conversationId, messageId);
      await withTransaction(ctx.db, async (tx) => {
        const removed = await r.feedback.deleteForUser(message.id, userId, tx);
        if (!removed) return;
        await recordAudit(
          r,
          ctx,
          {
            action: "feedback.deleted",
            entityType: "message",
            entityId: message.id,
            departmentId: conversation.departmentId,
            changes: { conversationId: conversation.id, rating: removed.rating },
          },
          tx,
        );
      });
    },
  };
}
