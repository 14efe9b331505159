import { requirePermission } from "../../core/access.js";
import type { Queryable } from "../../db/client.js";
import { AppError } from "../../lib/errors.js";
import type { ConversationRow } from "../../repositories/conversation.repository.js";
import type { Repositories } from "../../repositories/index.js";
import type { ConversationPublisher } from "../approvals/approval-service.js";
import type { NotificationService } from "../approvals/notifications.js";
import type { ServiceContext } from "../context.js";
import { canHandle, canRead } from "../conversations/conversation-access.js";
import { type ConversationView, conversationViews } from "../conversations/views.js";
import type { PiiService } from "../pii/index.js";

export type HandoffServiceRepositories = Pick<
  Repositories,
  "agentVersions" | "agents" | "auditLogs" | "conversations"
>;

export const PERMISSION = "conversations:handoff" as const;

export interface HandoffServiceDeps {
  db: Queryable;
  repositories: HandoffServiceRepositories;
  notifications: NotificationService;
  /** Masks the messages and reasons people write here before they are stored (ADR 0007). */
  pii?: PiiService | undefined;
  /** Delivers a person's reply live on the conversation's stream (set once the chat service exists). */
  publish: () => ConversationPublisher | undefined;
}

/** What every handoff verb starts from: loading, the state checks, the 409 of a lost race, storing. */
export function createHandoffBasics(deps: HandoffServiceDeps) {
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

  return { stored, one, loadHandled, requireEscalated, requireAssignee, moved };
}

export type HandoffBasics = ReturnType<typeof createHandoffBasics>;
