import type { JobHandler } from "../../jobs/handler.js";
import type { ApprovalService } from "../../services/approvals/approval-service.js";

/** `approval.resume`: runs an approved tool call and resumes the requester's paused turn. */
export function approvalResumeHandler(approvals: ApprovalService): JobHandler<"approval.resume"> {
  return {
    run: (payload, job) => approvals.resumeApproved(payload.orgId, payload.approvalId, job.logger),
  };
}
