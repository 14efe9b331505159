import { withTransaction } from "../../db/transaction.js";
import { AppError } from "../../lib/errors.js";
import { recordAudit } from "../audit/record-audit.js";
import type { ServiceContext } from "../context.js";
import { loadConversation } from "../conversations/conversation-access.js";
import type { ConversationView } from "../conversations/views.js";
import { type HandoffBasics, type HandoffServiceDeps, PERMISSION } from "./handoff-basics.js";

/**
 * Who has a handed-off conversation (ADR 0012): asking for a person, assigning, claiming and
 * handing it back to the assistant.
 */
export function createHandoffAssignment(deps: HandoffServiceDeps, basics: HandoffBasics) {
  const r = deps.repositories;
  const { stored, one, loadHandled, requireEscalated, requireAssignee, moved } = basics;

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
  };
}
