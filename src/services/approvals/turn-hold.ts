import type { CitationView } from "../chat/turn-events.js";
import type { StartedTurn, TurnHold } from "../chat/turn-state.js";

/** Whether the requester waits for a person (held or handed off); a sample is delivered at once. */
export function isWithheld(hold: TurnHold | undefined): boolean {
  return hold !== undefined && hold.mode !== "sample";
}

/** What the requester reads instead of a held draft. */
export function heldNotice(hold: TurnHold): string {
  return hold.mode === "handoff"
    ? "A person will take over this conversation and answer you here."
    : "Your reply is waiting for review by a person; it will appear here once approved.";
}

/** The `approvals` row of a held (or sampled) reply, written with the message itself. */
export function approvalRowOf(
  state: StartedTurn,
  hold: TurnHold,
  messageId: string,
  citations: CitationView[],
) {
  const { conversation } = state;
  return {
    id: hold.approvalId,
    orgId: state.ctx.orgId,
    departmentId: conversation.departmentId,
    namespaceId: conversation.namespaceId,
    conversationId: conversation.id,
    messageId,
    requesterId: state.ctx.actor.userId ?? null,
    status: hold.mode === "handoff" ? ("escalated" as const) : ("pending" as const),
    intentName: state.intent?.name ?? null,
    intentConfidence: state.intent?.confidence ?? null,
    citations,
    taskId: state.taskId,
    isSample: hold.mode === "sample",
    dueAt: hold.dueAt,
    escalatedToId: hold.escalateToId,
    escalationReason: hold.mode === "handoff" ? hold.reason : null,
    pendingToolCall: state.pendingToolCall
      ? { ...state.pendingToolCall, questionMessageId: state.userMessage.id }
      : null,
  };
}
