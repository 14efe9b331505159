import { systemAccess } from "../../core/access.js";
import type { Queryable } from "../../db/client.js";
import { AppError } from "../../lib/errors.js";
import { newId } from "../../lib/ids.js";
import type { ApprovalPolicyRow, ApprovalRow } from "../../repositories/approval.repository.js";
import type { ServiceContext } from "../context.js";
import type { Decide } from "./approval-decisions.js";
import type { ApprovalServiceDeps } from "./approval-types.js";
import { groupOfPolicy, routedApprovers } from "./approver-groups.js";

/** How much of a held draft a notification quotes. */
const DRAFT_EXCERPT = 280;

/**
 * A held reply while it waits (ADR 0008): who is told of it, and the namespace timeouts that decide
 * it when nobody has.
 */
export function createHeldReplies(
  deps: Pick<ApprovalServiceDeps, "db" | "logger" | "repositories" | "notifications">,
  decide: Decide,
) {
  const r = deps.repositories;

  /**
   * A held reply's notification body: its intent and the start of its draft, as stored (with
   * placeholders); the notification list shows it whole to an approver of the department. E-mails
   * never quote a draft: they carry the title only.
   */
  async function heldBody(
    row: ApprovalRow,
    tx: Queryable,
  ): Promise<{ body?: string; bodyInAppOnly?: boolean }> {
    if (row.documentGenerationId) return { body: "A document generation waits for approval" };
    const draft = row.messageId ? ((await r.messages.findById(row.messageId, tx))?.content.trim() ?? "") : "";
    let excerpt = draft;
    if (draft.length > DRAFT_EXCERPT) {
      const cut = draft.slice(0, DRAFT_EXCERPT);
      // Never half a placeholder: it could not be read back.
      const open = cut.lastIndexOf("<");
      excerpt = `${(open > cut.lastIndexOf(">") ? cut.slice(0, open) : cut).trimEnd()}…`;
    }
    const lines = [row.intentName ? `Intent: ${row.intentName}` : "", excerpt ? `Draft: ${excerpt}` : ""];
    const body = lines.filter(Boolean).join("\n");
    return body ? { body, bodyInAppOnly: true } : {};
  }

  async function escalationTarget(approval: ApprovalRow, policy: ApprovalPolicyRow): Promise<string | null> {
    if (!groupOfPolicy(policy, approval.departmentId)) return policy.escalateToUserId;
    const { approvers } = await routedApprovers(r, deps.notifications, approval, deps.db);
    const candidates = approvers.filter((id) => id !== approval.requesterId);
    if (policy.escalateToUserId && candidates.includes(policy.escalateToUserId))
      return policy.escalateToUserId;
    return candidates[0] ?? null;
  }

  return {
    /**
     * Tells the approvers of the department (only the members of the approver group the namespace's
     * policy names for it, if any) and a named escalation user of a new held reply.
     */
    async notifyHeld(ctx: ServiceContext, approvalId: string): Promise<void> {
      const row = await r.approvals.findById(approvalId, ctx.db);
      if (!row) return;
      const { approvers } = await routedApprovers(r, deps.notifications, row, ctx.db);
      const people = [...approvers, ...(row.escalatedToId ? [row.escalatedToId] : [])].filter(
        (id) => id !== row.requesterId,
      );
      const title = row.isSample
        ? "An autonomous reply was sampled for review"
        : row.status === "escalated"
          ? "A conversation was handed to a person"
          : row.documentGenerationId
            ? "A document is waiting for your approval"
            : "A reply is waiting for your approval";
      await deps.notifications.notify(ctx.orgId, people, {
        type: row.isSample
          ? "approval.sampled"
          : row.status === "escalated"
            ? "handoff.requested"
            : "approval.requested",
        title,
        ...(await heldBody(row, ctx.db)),
        entityType: "approval",
        entityId: row.id,
      });
    },

    /**
     * Carries out namespace timeouts (the worker's job): each pending approval past its due time is
     * escalated to the policy's user, or rejected, as the policy says. Returns how many it decided.
     * When the policy names an approver group for the approval's department, the escalation goes to
     * the policy's user only if that user is one of the group's approvers, else to the first of them
     * (in the order they were added) who is not the requester.
     */
    async runTimeouts(now = new Date(), limit = 100): Promise<number> {
      const due = await r.approvals.overdue(now, limit, deps.db);
      let done = 0;
      for (const { approval, policy } of due) {
        const scoped: ServiceContext = {
          orgId: approval.orgId,
          actor: { kind: "system", id: "approval-timeouts" },
          access: systemAccess,
          db: deps.db,
          meta: { requestId: newId() },
          logger: deps.logger,
        };
        try {
          if (policy.onTimeout === "reject") {
            await decide(
              scoped,
              approval.id,
              { kind: "reject", notes: "Not decided in time" },
              { system: true },
            );
          } else {
            const toUserId = await escalationTarget(approval, policy);
            if (!toUserId) continue;
            await decide(
              scoped,
              approval.id,
              { kind: "escalate", toUserId, reason: "Not decided in time" },
              {
                system: true,
              },
            );
          }
          done += 1;
        } catch (error) {
          // Decided meanwhile by a person: that decision stands.
          if (!(error instanceof AppError && error.code === "CONFLICT")) throw error;
        }
      }
      return done;
    },
  };
}
