import { requirePermission, systemAccess } from "../../core/access.js";
import type { Queryable } from "../../db/client.js";
import { withTransaction } from "../../db/transaction.js";
import type { JobQueue } from "../../jobs/queue.js";
import { AppError } from "../../lib/errors.js";
import { newId } from "../../lib/ids.js";
import type { Logger } from "../../lib/logger.js";
import type { PageQuery } from "../../lib/pagination.js";
import type {
  ApprovalFilter,
  ApprovalPolicyRow,
  ApprovalRow,
  ApprovalStats,
} from "../../repositories/approval.repository.js";
import type { Repositories } from "../../repositories/index.js";
import type { MessageRow } from "../../repositories/message.repository.js";
import { recordAudit } from "../audit/record-audit.js";
import type { ActingUsers } from "../auth/acting-user.js";
import type { CitationView, TurnEvent } from "../chat/turn-events.js";
import type { ServiceContext } from "../context.js";
import type { PiiService } from "../pii/index.js";
import { type ApprovalView, viewOf } from "./approval-view.js";
import type { NotificationService } from "./notifications.js";
import { createRevealer } from "./reveal.js";
import { applyOutcome } from "./trust.js";

export type ApprovalServiceRepositories = Pick<
  Repositories,
  | "agents"
  | "approvalPolicies"
  | "approvals"
  | "auditLogs"
  | "conversations"
  | "departments"
  | "intentExamples"
  | "intentTrust"
  | "messages"
  | "namespaces"
  | "users"
>;

export type { ApprovalView } from "./approval-view.js";

export const DEFAULT_REJECTION_MESSAGE =
  "Thank you for your question. We are not able to answer it here; a colleague will follow up with you if needed.";

export type Decision =
  | { kind: "approve"; notes?: string | undefined }
  | { kind: "reject"; notes?: string | undefined }
  | { kind: "edit"; text: string; notes?: string | undefined }
  | { kind: "escalate"; toUserId: string; reason: string };

/** Publishes events on a conversation's stream as a turn of their own (hub + relay). */
export type ConversationPublisher = (conversationId: string, taskId: string, events: TurnEvent[]) => void;

/** How much of a held draft a notification quotes. */
const DRAFT_EXCERPT = 280;

const STATUS_OF = { approve: "approved", reject: "rejected", edit: "edited", escalate: "escalated" } as const;

/**
 * Human approval of held replies (ADR 0008): the inbox, one approval, the four decisions with their
 * delivery, statistics, the namespace policy and timeouts. Deciding needs `approvals:decide` and a
 * department the caller reaches (or the approval escalated to them by name); anything else is 404.
 */
export function createApprovalService(deps: {
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
}) {
  const r = deps.repositories;
  const reveal = createRevealer({ repositories: r, pii: deps.pii });

  /** The view as the caller may read it: texts whole for an approver of the department. */
  async function shown(ctx: ServiceContext, view: ApprovalView): Promise<ApprovalView> {
    return (await reveal.approvals(ctx, [view]))[0]!;
  }

  /**
   * What a person wrote (an edited reply, notes, a reason), masked with the conversation's map before
   * it is stored, like every text of the conversation (ADR 0007).
   */
  async function masked(ctx: ServiceContext, conversationId: string, texts: string[]): Promise<string[]> {
    if (!deps.pii) return texts;
    const conversation = await r.conversations.findById(conversationId, ctx.db);
    return conversation ? deps.pii.maskForStorage(ctx, conversation, texts) : texts;
  }

  /**
   * A held reply's notification body: its intent and the start of its draft, as stored (with
   * placeholders); the notification list shows it whole to an approver of the department. E-mails
   * never quote a draft: they carry the title only.
   */
  async function heldBody(
    row: ApprovalRow,
    tx: Queryable,
  ): Promise<{ body?: string; bodyInAppOnly?: boolean }> {
    const draft = (await r.messages.findById(row.messageId, tx))?.content.trim() ?? "";
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

  async function draftsOf(rows: ApprovalRow[], tx: Queryable) {
    const messages = await r.messages.findByIds(
      rows.map((row) => row.messageId),
      tx,
    );
    return new Map(messages.map((m) => [m.id, m]));
  }

  /** The question of one held draft (the requester's message before it). */
  async function questionOf(row: ApprovalRow, tx: Queryable): Promise<string | undefined> {
    const questions = await r.messages.questionsBefore(
      [{ id: row.messageId, conversationId: row.conversationId }],
      tx,
    );
    return questions.get(row.messageId);
  }

  async function loadOwn(ctx: ServiceContext, id: string, tx: Queryable = ctx.db): Promise<ApprovalRow> {
    requirePermission(ctx, "approvals:decide");
    const row = await r.approvals.findVisible(ctx.orgId, ctx.access, ctx.actor.userId, id, tx);
    if (!row) throw AppError.notFound("Approval", id);
    return row;
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
    const now = new Date();
    const delivery: { events: TurnEvent[]; taskId: string } = { events: [], taskId: newId() };
    const result = await withTransaction(ctx.db, async (tx) => {
      const approverId = actor.system ? null : (ctx.actor.userId ?? null);
      // Stored masked: the approver writes with the real values in front of them.
      const [written = "", notes = ""] = await masked({ ...ctx, db: tx }, current.conversationId, [
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
      const draft = await r.messages.findById(row.messageId, tx);
      if (decision.kind === "escalate") {
        if (!row.isSample) await r.conversations.update(row.conversationId, { status: "escalated" }, tx);
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
          delivered = (await r.messages.update(row.messageId, { heldForApproval: false }, tx))!;
          // Back with the assistant: a colleague handling a handoff no longer is (ADR 0012).
          await r.conversations.update(row.conversationId, { status: "active", assigneeId: null }, tx);
        } else {
          const text =
            decision.kind === "edit"
              ? written
              : ((await policyOf(row.namespaceId, tx))?.rejectionMessage ?? DEFAULT_REJECTION_MESSAGE);
          delivered = await r.conversations.appendMessage(
            {
              orgId: ctx.orgId,
              conversationId: row.conversationId,
              role: "assistant",
              content: text,
              textContent: text,
              parts: [{ type: "text", text }],
              sources: decision.kind === "edit" ? row.citations : [],
              model: draft?.model ?? null,
              metadata: {
                approvalId: row.id,
                decision: STATUS_OF[decision.kind],
                ...(decision.kind === "edit" ? { editedFrom: row.messageId } : {}),
              },
            },
            { patch: { status: "active", assigneeId: null } },
            tx,
          );
        }
        if (delivered) {
          await r.approvals.update(row.id, { deliveredMessageId: delivered.id }, tx);
          row.deliveredMessageId = delivered.id;
          const runId = await r.approvals.runOfDraft(row.messageId, tx);
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
              entityId: row.conversationId,
            },
            tx,
          );
        }
      }
      if (decision.kind !== "escalate" && row.namespaceId && row.intentName) {
        await applyOutcome(r, ctx, row, decision.kind, tx);
      }
      await recordAudit(
        r,
        ctx,
        {
          action: `approval.${STATUS_OF[decision.kind]}`,
          entityType: "approval",
          entityId: row.id,
          departmentId: row.departmentId,
          changes: {
            conversationId: row.conversationId,
            intent: row.intentName,
            isSample: row.isSample,
            ...(decision.kind === "escalate" ? { escalatedToId: decision.toUserId } : {}),
            ...(actor.system ? { by: "timeout" } : {}),
          },
        },
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
            ? { ...event, text: await reveal.text(result.conversationId, event.text, deps.db) }
            : event,
        );
      }
      deps.publish?.(result.conversationId, delivery.taskId, events);
    }
    return shown(ctx, result);
  }

  return {
    async list(ctx: ServiceContext, filter: ApprovalFilter, page: PageQuery) {
      requirePermission(ctx, "approvals:decide");
      const result = await r.approvals.pageVisible(
        ctx.orgId,
        ctx.access,
        ctx.actor.userId,
        filter,
        page,
        ctx.db,
      );
      const drafts = await draftsOf(result.items, ctx.db);
      const questions = await r.messages.questionsBefore(
        result.items.map((row) => ({ id: row.messageId, conversationId: row.conversationId })),
        ctx.db,
      );
      const views = result.items.map((row) =>
        viewOf(row, drafts.get(row.messageId), questions.get(row.messageId)),
      );
      return { ...result, items: await reveal.approvals(ctx, views) };
    },

    async get(ctx: ServiceContext, id: string): Promise<ApprovalView> {
      const row = await loadOwn(ctx, id);
      return shown(
        ctx,
        viewOf(row, await r.messages.findById(row.messageId, ctx.db), await questionOf(row, ctx.db)),
      );
    },

    decide: (ctx: ServiceContext, id: string, decision: Decision) => decide(ctx, id, decision),

    async stats(
      ctx: ServiceContext,
      filter: Pick<ApprovalFilter, "namespaceId" | "departmentId"> & { since?: Date | undefined },
    ): Promise<ApprovalStats> {
      requirePermission(ctx, "approvals:decide");
      return r.approvals.stats(ctx.orgId, ctx.access, ctx.actor.userId, filter, ctx.db);
    },

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

    /** Tells the approvers of the department (and a named escalation user) of a new held reply. */
    async notifyHeld(ctx: ServiceContext, approvalId: string): Promise<void> {
      const row = await r.approvals.findById(approvalId, ctx.db);
      if (!row) return;
      const approvers = await deps.notifications.approversOf(ctx.orgId, row.departmentId, ctx.db);
      const people = [...approvers, ...(row.escalatedToId ? [row.escalatedToId] : [])].filter(
        (id) => id !== row.requesterId,
      );
      const title = row.isSample
        ? "An autonomous reply was sampled for review"
        : row.status === "escalated"
          ? "A conversation was handed to a person"
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
          } else if (policy.escalateToUserId) {
            await decide(
              scoped,
              approval.id,
              { kind: "escalate", toUserId: policy.escalateToUserId, reason: "Not decided in time" },
              { system: true },
            );
          } else continue;
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

export type ApprovalService = ReturnType<typeof createApprovalService>;
