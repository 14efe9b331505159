import { canSeeDepartment, hasPermission, requirePermission } from "../../core/access.js";
import { AppError } from "../../lib/errors.js";
import type { ConversationRow } from "../../repositories/conversation.repository.js";
import type { Repositories } from "../../repositories/index.js";
import type { ServiceContext } from "../context.js";

/**
 * Conversations are private to their owner. Reviewers (`analytics:read`) may read the conversations
 * of departments they reach; organisation admins (`org:admin`) may also change and delete them, and
 * are the only others who see conversations with org-wide agents (no department). Everyone stays
 * inside their department reach — an owner too: a conversation carries its department's knowledge,
 * so a transfer or a department-limited API key hides it like any other department data.
 */
export type ConversationAction = "read" | "write" | "feedback" | "close";

export function isOwner(ctx: ServiceContext, conversation: ConversationRow): boolean {
  return ctx.actor.userId !== undefined && conversation.userId === ctx.actor.userId;
}

/**
 * Whether the caller may take over this conversation after a handoff (ADR 0012): they hold
 * `conversations:handoff` and reach its department (an org-wide conversation needs every department).
 */
export function canHandle(ctx: ServiceContext, conversation: ConversationRow): boolean {
  if (conversation.orgId !== ctx.orgId || !hasPermission(ctx.access, "conversations:handoff")) return false;
  return conversation.departmentId === null
    ? ctx.access.allDepartments
    : canSeeDepartment(ctx.access, conversation.departmentId);
}

/** Conversations handed to a person are readable by those who may take them over. */
function handedOff(conversation: ConversationRow): boolean {
  return conversation.status === "escalated" || conversation.assigneeId !== null;
}

function inReach(ctx: ServiceContext, conversation: ConversationRow): boolean {
  return conversation.departmentId === null || canSeeDepartment(ctx.access, conversation.departmentId);
}

export function canRead(ctx: ServiceContext, conversation: ConversationRow): boolean {
  if (conversation.orgId !== ctx.orgId || !inReach(ctx, conversation)) return false;
  if (isOwner(ctx, conversation) || hasPermission(ctx.access, "org:admin")) return true;
  if (handedOff(conversation) && canHandle(ctx, conversation)) return true;
  return conversation.departmentId !== null && hasPermission(ctx.access, "analytics:read");
}

function allowed(ctx: ServiceContext, conversation: ConversationRow, action: ConversationAction): boolean {
  if (action === "read") return true;
  // Feedback is the owner's judgement of the answers they got; nobody gives it on their behalf.
  if (action === "feedback") return isOwner(ctx, conversation);
  // The colleague handling a handoff may close the conversation, as its owner may.
  if (
    action === "close" &&
    conversation.assigneeId !== null &&
    conversation.assigneeId === ctx.actor.userId
  ) {
    return true;
  }
  return isOwner(ctx, conversation) || hasPermission(ctx.access, "org:admin");
}

/**
 * Loads a conversation for `action`. One the caller may not read is NOT_FOUND, exactly like a missing
 * one; one they may read but not change is FORBIDDEN (its existence is no secret to them).
 */
export async function loadConversation(
  r: Pick<Repositories, "conversations">,
  ctx: ServiceContext,
  id: string,
  action: ConversationAction,
): Promise<ConversationRow> {
  requirePermission(ctx, "chat:use");
  const conversation = await r.conversations.findById(id, ctx.db);
  if (!conversation || !canRead(ctx, conversation)) throw AppError.notFound("Conversation", id);
  if (!allowed(ctx, conversation, action)) {
    const who =
      action === "feedback"
        ? "its owner"
        : action === "close"
          ? "its owner, its assignee or an organisation admin"
          : "its owner or an organisation admin";
    throw new AppError("FORBIDDEN", `Only ${who} may do this to the conversation`);
  }
  return conversation;
}
