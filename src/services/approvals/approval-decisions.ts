import type { Queryable } from "../../db/client.js";
import { withTransaction } from "../../db/transaction.js";
import { AppError } from "../../lib/errors.js";
import { newId } from "../../lib/ids.js";
import type { ApprovalPolicyRow } from "../../repositories/approval.repository.js";
import type { MessageRow } from "../../repositories/message.repository.js";
import type { CitationView, TurnEvent } from "../chat/turn-events.js";
import type { ServiceContext } from "../context.js";
import { createGenerationDecider } from "./approval-generation.js";
import type { ApprovalInbox } from "./approval-inbox.js";
import type { ApprovalServiceDeps, Decision } from "./approval-types.js";
import { type ApprovalView, viewOf } from "./approval-view.js";
import { auditDecision, STATUS_OF } from "./decision-audit.js";
import { applyOutcome } from "./trust.js";

export const DEFAULT_REJECTION_MESSAGE =
  "Thank you for your question. We are not able to answer it here; a colleague will follow up with you if needed.";

/**
 * The four decisions on a held reply (ADR 0008) and their delivery: the requester's reply, the
 * resumed tool call, the escalation, the trust outcome and the audit record.
 */
export function createDecider(deps: ApprovalServiceDeps, inbox: ApprovalInbox) {
  const r = deps.repositories;
  const { reveal, shown, questionOf, loadOwn, generationOf } = inbox;
  const decideGeneration = createGenerationDecider(deps);

  /**
   * What a person wrote (an edited reply, notes, a reason), masked with the conversation's map before
   * it is stored, like every text of the conversation (ADR 0007).
   */
  async function masked(ctx: ServiceContext, conversationId: string, texts: string[]): Promise<string[]> {
    if (!deps.pii) return texts;
    const conversation = await r.conversations.findById(conversationId, ctx.db);
    return conversation ? deps.pii.maskForStorage(ctx, conversation, texts) : texts;
  }

  async function policyOf(namespaceId: string | null, tx: Queryable): Promise<ApprovalPolicyRow | undefined> {
    return namespaceId ? r.approvalPolicies.forNamespace(namespaceId, tx) : undefined;
  }

  /** The 409 of a decision that lost the race: the winner's decision, as it stands. */
  async function conflict(id: string, tx: Queryable): Promise<AppError> {
    const winner = await r.approvals.findById(id, tx);
    return new AppError("CONFLICT", `The approval was already decided (${winner?.status ?? "gone"})`, {
      status: winner?.status ?? null,
      approverId: winner?.approverId ?? null,
      decidedAt: winner?.decidedAt?.toISOString() ?? null,
      escalatedToId: winner?.escalatedToId ?? null,
    });
  }

  /**
   * Records a decision and delivers its result in one transaction. The conditional update is the
   * race's referee: of two approvers deciding at once exactly one changes the row, the other gets
   * CONFLICT with the winner's decision and nothing of theirs is written.
   */
  async function decide(
    ctx: ServiceContext,
    id: string,
    decision: Decision,
    actor: { system?: boolean } = {},
  ): Promise<ApprovalView> {
    if (decision.kind === "edit" && decision.text.trim().length === 0) {
      throw new AppError("VALIDATION", "The edited reply is empty");
    }
    if (decision.kind === "escalate" && decision.reason.trim().length === 0) {
      throw new AppError("VALIDATION", "Say why the approval is escalated");
    }
    const current = actor.system ? await r.approvals.findById(id, ctx.db) : await loadOwn(ctx, id);
    if (!current) throw AppError.notFound("Approval", id);
    if (decision.kind === "escalate") {
      if (!(await deps.notifications.mayDecide(ctx.orgId, decision.toUserId, ctx.db))) {
        throw new AppError(
          "VALIDATION",
          "Escalate to an active member of the organisation who may decide approvals",
          { field: "toUserId" },
        );
      }
    }
    if (current.documentGenerationId) {
      const row = await decideGeneration(ctx, current, decision, actor);
      if (!row) throw await conflict(id, ctx.db);
      return shown(ctx, viewOf(row, undefined, undefined, await generationOf(row, ctx.db)));
    }
    const conversationId = current.conversationId!;
    const messageId = current.messageId!;
    const now = new Date();
    const delivery: { events: TurnEvent[]; taskId: string } = { events: [], taskId: newId() };
    const result = await withTransaction(ctx.db, async (tx) => {
      const approverId = actor.system ? null : (ctx.actor.userId ?? null);
      // Stored masked: the approver writes with the real values in front of them.
      const [written = "", notes = ""] = await masked({ ...ctx, db: tx }, conversationId, [
        decision.kind === "escalate"
          ? decision.reason.trim()
          : decision.kind === "edit"
            ? decision.text.trim()
            : "",
        decision.kind === "escalate" ? "" : (decision.notes?.trim() ?? ""),
      ]);
      const patch =
        decision.kind === "escalate"
          ? {
              status: "escalated" as const,
              escalatedToId: decision.toUserId,
              escalationReason: written,
            }
          : {
              status: STATUS_OF[decision.kind],
              approverId,
              approverNotes: notes || null,
              decidedAt: now,
              ...(decision.kind === "edit" ? { editedContent: written } : {}),
            };
      const row = await r.approvals.decideIfOpen(id, patch, tx);
      if (!row) throw await conflict(id, tx);
      const draft = await r.messages.findById(messageId, tx);
      if (decision.kind === "escalate") {
        if (!row.isSample) await r.conversations.update(conversationId, { status: "escalated" }, tx);
        await deps.notifications.notify(
          ctx.orgId,
          [decision.toUserId],
          {
            type: "approval.escalated",
            title: "A held reply was escalated to you",
            body: written,
            entityType: "approval",
            entityId: row.id,
          },
          tx,
        );
      } else if (!row.isSample) {
        // The requester's reply: the draft itself, the edited text, or the polite refusal.
        let delivered: MessageRow | undefined;
        if (decision.kind === "approve" && row.pendingToolCall) {
          // The paused tool runs and the turn resumes in the worker, from this row and the job alone
          // (a restart in between loses nothing); the resumed answer is then delivered.
          if (!deps.queue) throw new AppError("UNAVAILABLE", "No job queue to resume the turn");
          await deps.queue.enqueue(
            tx,
            "approval.resume",
            { orgId: row.orgId, approvalId: row.id },
            {
              dedupeKey: `approval.resume:${row.id}`,
            },
          );
        } else if (decision.kind === "approve") {
          delivered = (await r.messages.update(messageId, { heldForApproval: false }, tx))!;
          // Back with the assistant: a colleague handling a handoff no longer is (ADR 0012).
          await r.conversations.update(conversationId, { status: "active", assigneeId: null }, tx);
        } else {
          const text =
            decision.kind === "edit"
              ? written
              : ((await policyOf(row.namespaceId, tx))?.rejectionMessage ?? DEFAULT_REJECTION_MESSAGE);
          delivered = await r.conversations.appendMessage(
            {
              orgId: ctx.orgId,
              conversationId,
              role: "assistant",
              content: text,
              textContent: text,
              parts: [{ type: "text", text }],
              sources: decision.kind === "edit" ? row.citations : [],
              model: draft?.model ?? null,
              metadata: {
                approvalId: row.id,
                decision: STATUS_OF[decision.kind],
                ...(decision.kind === "edit" ? { editedFrom: messageId } : {}),
              },
            },
            { patch: { status: "active", assigneeId: null } },
            tx,
          );
        }
        if (delivered) {
          await r.approvals.update(row.id, { deliveredMessageId: delivered.id }, tx);
          row.deliveredMessageId = delivered.id;
          const runId = await r.approvals.runOfDraft(messageId, tx);
          const citations = decision.kind === "reject" ? [] : (row.citations as CitationView[]);
          delivery.events = [
            {
              type: "decided",
              approvalId: row.id,
              decision: STATUS_OF[decision.kind],
              messageId: delivered.id,
            },
            {
              type: "done",
              messageId: delivered.id,
              text: delivered.content,
              citations,
              removedCitations: 0,
              usage: { promptTokens: 0, completionTokens: 0, costUsd: 0 },
              runId: runId ?? row.id,
              taskId: delivery.taskId,
            },
          ];
        }
        if (row.requesterId) {
          await deps.notifications.notify(
            ctx.orgId,
            [row.requesterId],
            {
              type: "approval.decided",
              title: decision.kind === "reject" ? "Your request was answered" : "Your reply is ready",
              entityType: "conversation",
              entityId: conversationId,
            },
            tx,
          );
        }
      }
      if (decision.kind !== "escalate" && row.namespaceId && row.intentName) {
        await applyOutcome(r, ctx, row, decision.kind, tx);
      }
      await auditDecision(
        r,
        ctx,
        row,
        decision,
        actor,
        { conversationId, intent: row.intentName, isSample: row.isSample },
        tx,
      );
      return viewOf(row, draft, await questionOf(row, tx));
    });
    if (delivery.events.length > 0) {
      // The requester reads the reply whole, as every answer (the stored one keeps its placeholders).
      const events: TurnEvent[] = [];
      for (const event of delivery.events) {
        events.push(
          event.type === "done"
            ? { ...event, text: await reveal.text(conversationId, event.text, deps.db) }
            : event,
        );
      }
      deps.publish?.(conversationId, delivery.taskId, events);
    }
    return shown(ctx, result);
  }

  return decide;
}

export type Decide = ReturnType<typeof createDecider>;
