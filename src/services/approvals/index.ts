import type { Queryable } from "../../db/client.js";
import type { JobQueue } from "../../jobs/queue.js";
import type { Logger } from "../../lib/logger.js";
import type { Mailer } from "../../providers/mail/index.js";
import type { ActingUsers } from "../auth/acting-user.js";
import type { ServiceContext } from "../context.js";
import type { PiiService } from "../pii/index.js";
import {
  type ApprovalServiceRepositories,
  type ConversationPublisher,
  createApprovalService,
} from "./approval-service.js";
import { createApproverGroupService } from "./approver-groups.js";
import { type ApprovalNotificationsRepositories, createNotificationService } from "./notifications.js";
import { createRevealer } from "./reveal.js";
import { createTrustService } from "./trust.js";

/** Every repository the approval services use: the approval service's, plus the notification centre's. */
export type ApprovalsRepositories = ApprovalServiceRepositories & ApprovalNotificationsRepositories;

export type { ApprovalView, ConversationPublisher, Decision } from "./approval-service.js";
export { DEFAULT_REJECTION_MESSAGE } from "./approval-service.js";
export { ingestFailureNotifier } from "./ingest-failures.js";
export type { NotificationView } from "./notifications.js";

/** Human approval of replies, earned autonomy and the notification centre (ADR 0008). */
export function createApprovalServices(deps: {
  db: Queryable;
  logger: Logger;
  repositories: ApprovalsRepositories;
  mailer?: Mailer | undefined;
  publicUrl?: string | undefined;
  /** Masks what approvers write; reads held drafts and notification bodies back for those allowed. */
  pii?: PiiService | undefined;
  /** Set once the chat service exists: decided replies go out on the conversation's stream. */
  publish: () => ConversationPublisher | undefined;
  queue?: JobQueue | undefined;
  actingUsers?: ActingUsers | undefined;
  resumeTurn?: () => ((ctx: ServiceContext, approvalId: string) => Promise<unknown>) | undefined;
}) {
  const revealer = createRevealer({ repositories: deps.repositories, pii: deps.pii });
  const notifications = createNotificationService({
    repositories: deps.repositories,
    mailer: deps.mailer,
    publicUrl: deps.publicUrl,
    logger: deps.logger,
    reveal: (ctx, rows) => revealer.notifications(ctx, rows),
  });
  const approvals = createApprovalService({
    db: deps.db,
    logger: deps.logger,
    repositories: deps.repositories,
    notifications,
    pii: deps.pii,
    publish: (conversationId, taskId, events) => deps.publish()?.(conversationId, taskId, events),
    queue: deps.queue,
    actingUsers: deps.actingUsers,
    resumeTurn: deps.resumeTurn,
  });
  return {
    approvals,
    notifications,
    trust: createTrustService(deps),
    approverGroups: createApproverGroupService(deps),
  };
}
