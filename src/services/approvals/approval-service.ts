import { AppError } from "../../lib/errors.js";
import type { Logger } from "../../lib/logger.js";
import type { ServiceContext } from "../context.js";
import { createDecider } from "./approval-decisions.js";
import { createHeldReplies } from "./approval-held.js";
import { createApprovalInbox } from "./approval-inbox.js";
import type { ApprovalServiceDeps, Decision } from "./approval-types.js";

export { DEFAULT_REJECTION_MESSAGE } from "./approval-decisions.js";
export type {
  ApprovalServiceDeps,
  ApprovalServiceRepositories,
  ConversationPublisher,
  Decision,
} from "./approval-types.js";
export type { ApprovalView } from "./approval-view.js";

/**
 * Human approval of held replies (ADR 0008): the inbox, one approval, the four decisions with their
 * delivery, statistics, the namespace policy and timeouts. Deciding needs `approvals:decide` and a
 * department the caller reaches (or the approval escalated to them by name); anything else is 404.
 */
export function createApprovalService(deps: ApprovalServiceDeps) {
  const r = deps.repositories;
  const inbox = createApprovalInbox(deps);
  const decide = createDecider(deps, inbox);
  const held = createHeldReplies(deps, decide);

  return {
    list: inbox.list,
    get: inbox.get,
    decide: (ctx: ServiceContext, id: string, decision: Decision) => decide(ctx, id, decision),
    stats: inbox.stats,

    /**
     * The worker's `approval.resume`: runs the approved tool call and resumes the requester's turn as
     * the requester (their permissions today). A requester who is gone ends the wait with a refusal.
     */
    async resumeApproved(orgId: string, approvalId: string, logger: Logger): Promise<unknown> {
      const row = await r.approvals.findById(approvalId, deps.db);
      if (row?.orgId !== orgId || !row.pendingToolCall || row.deliveredMessageId) return undefined;
      const requester = row.requesterId ? await r.users.findById(row.requesterId, deps.db) : undefined;
      const resume = deps.resumeTurn?.();
      if (!requester?.isActive || !deps.actingUsers || !resume) {
        throw new AppError("PRECONDITION_FAILED", "The requester of this approval cannot be acted for");
      }
      const ctx = await deps.actingUsers.contextFor(orgId, requester.email, deps.db, logger, "approval");
      return resume(ctx, approvalId);
    },

    notifyHeld: held.notifyHeld,
    runTimeouts: held.runTimeouts,
  };
}

export type ApprovalService = ReturnType<typeof createApprovalService>;
