import type { ConversationRow } from "../../repositories/conversation.repository.js";
import type { FeedbackRow } from "../../repositories/feedback.repository.js";
import type { Repositories } from "../../repositories/index.js";
import type { MessageRow } from "../../repositories/message.repository.js";
import type { ServiceContext } from "../context.js";

export type ConversationViewsRepositories = Pick<Repositories, "agentVersions" | "agents">;

export type ConversationView = Omit<ConversationRow, "orgId"> & {
  /** The agent's current name (null when the agent was deleted). */
  agentName: string | null;
  /** The number of the agent version the conversation is pinned to. */
  agentVersion: number | null;
};

export interface FeedbackView {
  rating: number;
  comment: string | null;
  updatedAt: Date;
}

export type MessageView = Omit<MessageRow, "orgId" | "textContent"> & {
  /** The caller's own feedback on this message. */
  feedback: FeedbackView | null;
};

/** Conversations with their agent's name and pinned version number (two batched lookups). */
export async function conversationViews(
  r: ConversationViewsRepositories,
  ctx: ServiceContext,
  rows: ConversationRow[],
): Promise<ConversationView[]> {
  const ids = (pick: (c: ConversationRow) => string | null) => [
    ...new Set(rows.map(pick).filter((id): id is string => id !== null)),
  ];
  const [agents, versions] = await Promise.all([
    r.agents.findByIds(
      ids((c) => c.agentId),
      ctx.db,
    ),
    r.agentVersions.findByIds(
      ids((c) => c.agentVersionId),
      ctx.db,
    ),
  ]);
  const names = new Map(agents.map((a) => [a.id, a.name]));
  const numbers = new Map(versions.map((v) => [v.id, v.version]));
  return rows.map(({ orgId: _org, ...row }) => ({
    ...row,
    agentName: row.agentId ? (names.get(row.agentId) ?? null) : null,
    agentVersion: row.agentVersionId ? (numbers.get(row.agentVersionId) ?? null) : null,
  }));
}

export function feedbackView(row: FeedbackRow): FeedbackView {
  return { rating: row.rating, comment: row.comment, updatedAt: row.updatedAt };
}

/**
 * A message as its reader sees it. A reply held for an approver is listed (so the thread shows that
 * an answer is pending) but its text stays hidden until released, except from approvers.
 */
export function messageView(
  row: MessageRow,
  feedback: FeedbackRow | undefined,
  canSeeHeld: boolean,
): MessageView {
  const { orgId: _org, textContent: _text, ...rest } = row;
  const withheld = row.heldForApproval && !canSeeHeld;
  return {
    ...rest,
    ...(withheld ? { content: "", parts: [], sources: [] } : {}),
    feedback: feedback ? feedbackView(feedback) : null,
  };
}
