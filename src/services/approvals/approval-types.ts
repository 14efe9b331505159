import type { Queryable } from "../../db/client.js";
import type { JobQueue } from "../../jobs/queue.js";
import type { Logger } from "../../lib/logger.js";
import type { Repositories } from "../../repositories/index.js";
import type { ActingUsers } from "../auth/acting-user.js";
import type { TurnEvent } from "../chat/turn-events.js";
import type { ServiceContext } from "../context.js";
import type { PiiService } from "../pii/index.js";
import type { NotificationService } from "./notifications.js";

export type ApprovalServiceRepositories = Pick<
  Repositories,
  | "agents"
  | "approvalPolicies"
  | "approvals"
  | "approverGroups"
  | "auditLogs"
  | "conversations"
  | "departments"
  | "documentGenerations"
  | "intentExamples"
  | "intentTrust"
  | "messages"
  | "namespaces"
  | "users"
>;

export type Decision =
  | { kind: "approve"; notes?: string | undefined }
  | { kind: "reject"; notes?: string | undefined }
  | { kind: "edit"; text: string; notes?: string | undefined }
  | { kind: "escalate"; toUserId: string; reason: string };

/** Publishes events on a conversation's stream as a turn of their own (hub + relay). */
export type ConversationPublisher = (conversationId: string, taskId: string, events: TurnEvent[]) => void;

/** What the approval service is built from (shared by its parts: inbox, decisions, held replies). */
export interface ApprovalServiceDeps {
  db: Queryable;
  logger: Logger;
  repositories: ApprovalServiceRepositories;
  notifications: NotificationService;
  publish?: ConversationPublisher | undefined;
  /** Masks what approvers write and reads held drafts back whole for those allowed (ADR 0007). */
  pii?: PiiService | undefined;
  /** Queues `approval.resume` in the deciding transaction (approved tool calls). */
  queue?: JobQueue | undefined;
  /** The requester's context, for resuming their turn. */
  actingUsers?: ActingUsers | undefined;
  /** `chat.resumeTurn`, once the chat service exists. */
  resumeTurn?:
    | (() => ((ctx: ServiceContext, approvalId: string) => Promise<unknown>) | undefined)
    | undefined;
}
