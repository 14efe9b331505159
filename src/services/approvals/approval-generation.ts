import { withTransaction } from "../../db/transaction.js";
import { AppError } from "../../lib/errors.js";
import type { ApprovalRow } from "../../repositories/approval.repository.js";
import type { ServiceContext } from "../context.js";
import type { ApprovalServiceDeps, Decision } from "./approval-types.js";
import { auditDecision, STATUS_OF } from "./decision-audit.js";

/** What the requester reads on a rejected generation (the approver's notes follow, when given). */
export const GENERATION_REJECTED = "Rejected by an approver";

/**
 * A decision on a held document generation (a template that requires approval): approving queues
 * `document.generate` (the worker renders it as the requester, whatever the format); rejecting ends
 * the generation failed with the approver's notes; escalating hands it to a named approver. An edit
 * has no meaning for a generation and is refused (400 `GENERATION_NOT_EDITABLE`) before anything is
 * written. Returns the decided row, or undefined when the race was lost (the caller answers 409).
 */
export function createGenerationDecider(deps: ApprovalServiceDeps) {
  const r = deps.repositories;

  return async function decideGeneration(
    ctx: ServiceContext,
    current: ApprovalRow,
    decision: Decision,
    actor: { system?: boolean },
  ): Promise<ApprovalRow | undefined> {
    if (decision.kind === "edit") {
      throw new AppError("VALIDATION", "A document generation cannot be edited; approve or reject it", {
        reason: "GENERATION_NOT_EDITABLE",
      });
    }
    const generationId = current.documentGenerationId!;
    if (decision.kind === "approve" && !deps.queue) {
      throw new AppError("UNAVAILABLE", "No job queue to render the approved document");
    }
    const now = new Date();
    return withTransaction(ctx.db, async (tx) => {
      const notes = decision.kind === "escalate" ? "" : (decision.notes?.trim() ?? "");
      const patch =
        decision.kind === "escalate"
          ? {
              status: "escalated" as const,
              escalatedToId: decision.toUserId,
              escalationReason: decision.reason.trim(),
            }
          : {
              status: STATUS_OF[decision.kind],
              approverId: actor.system ? null : (ctx.actor.userId ?? null),
              approverNotes: notes || null,
              decidedAt: now,
            };
      const row = await r.approvals.decideIfOpen(current.id, patch, tx);
      if (!row) return undefined;
      if (decision.kind === "escalate") {
        await deps.notifications.notify(
          ctx.orgId,
          [decision.toUserId],
          {
            type: "approval.escalated",
            title: "A document generation was escalated to you",
            body: decision.reason.trim(),
            entityType: "approval",
            entityId: row.id,
          },
          tx,
        );
      } else {
        if (decision.kind === "approve") {
          await r.documentGenerations.update(generationId, { status: "pending" }, tx);
          await deps.queue!.enqueue(
            tx,
            "document.generate",
            { orgId: row.orgId, generationId },
            { dedupeKey: `document.generate:${generationId}` },
          );
        } else {
          const error = notes ? `${GENERATION_REJECTED}: ${notes}` : GENERATION_REJECTED;
          await r.documentGenerations.update(generationId, { status: "failed", error, completedAt: now }, tx);
        }
        if (row.requesterId) {
          await deps.notifications.notify(
            ctx.orgId,
            [row.requesterId],
            {
              type: "approval.decided",
              title:
                decision.kind === "approve"
                  ? "Your document was approved and is being rendered"
                  : "Your document was rejected",
              ...(notes ? { body: notes } : {}),
              entityType: "document_generation",
              entityId: generationId,
            },
            tx,
          );
        }
      }
      await auditDecision(r, ctx, row, decision, actor, { documentGenerationId: generationId }, tx);
      return row;
    });
  };
}
