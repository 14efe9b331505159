import type { Queryable } from "../../db/client.js";
import type { ApprovalRow } from "../../repositories/approval.repository.js";
import { recordAudit } from "../audit/record-audit.js";
import type { ServiceContext } from "../context.js";
import type { ApprovalServiceDeps, Decision } from "./approval-types.js";

/** The approval status each decision leaves. */
export const STATUS_OF = {
  approve: "approved",
  reject: "rejected",
  edit: "edited",
  escalate: "escalated",
} as const;

/**
 * The audit entry of a decision, whatever the approval holds (a reply, a generation): `subject` names
 * what it held; an escalation names its target, and a decision the worker made on timeout says so.
 */
export function auditDecision(
  r: ApprovalServiceDeps["repositories"],
  ctx: ServiceContext,
  row: ApprovalRow,
  decision: Decision,
  actor: { system?: boolean },
  subject: Record<string, unknown>,
  tx: Queryable,
): Promise<void> {
  return recordAudit(
    r,
    ctx,
    {
      action: `approval.${STATUS_OF[decision.kind]}`,
      entityType: "approval",
      entityId: row.id,
      departmentId: row.departmentId,
      changes: {
        ...subject,
        ...(decision.kind === "escalate" ? { escalatedToId: decision.toUserId } : {}),
        ...(actor.system ? { by: "timeout" } : {}),
      },
    },
    tx,
  );
}
