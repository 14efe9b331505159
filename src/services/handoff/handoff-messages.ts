import { withTransaction } from "../../db/transaction.js";
import { AppError } from "../../lib/errors.js";
import { newId } from "../../lib/ids.js";
import type { MessageRow } from "../../repositories/message.repository.js";
import { recordAudit } from "../audit/record-audit.js";
import type { ServiceContext } from "../context.js";
import { loadConversation } from "../conversations/conversation-access.js";
import { type MessageView, messageView } from "../conversations/views.js";
import { type HandoffBasics, type HandoffServiceDeps, PERMISSION } from "./handoff-basics.js";

/** A user message stored for the person handling the conversation instead of running the assistant. */
export interface HandedOffMessage {
  status: "handed-off";
  conversationId: string;
  message: { id: string; createdAt: Date };
  /** Who was told of it: the assignee, or null while nobody has taken the conversation. */
  assigneeId: string | null;
}

/**
 * The messages of a handed-off conversation (ADR 0012): the assignee's replies, and the requester's
 * messages stored for that person instead of reaching a model.
 */
export function createHandoffMessages(deps: HandoffServiceDeps, basics: HandoffBasics) {
  const r = deps.repositories;
  const { stored, loadHandled, requireAssignee, moved } = basics;

  return {
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
