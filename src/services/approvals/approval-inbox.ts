import { requirePermission } from "../../core/access.js";
import type { Queryable } from "../../db/client.js";
import { AppError } from "../../lib/errors.js";
import type { PageQuery } from "../../lib/pagination.js";
import type { ApprovalFilter, ApprovalRow, ApprovalStats } from "../../repositories/approval.repository.js";
import type { ServiceContext } from "../context.js";
import type { ApprovalServiceDeps } from "./approval-types.js";
import { type ApprovalView, viewOf } from "./approval-view.js";
import { createRevealer } from "./reveal.js";

/**
 * The approver's reads (ADR 0008): the inbox, one approval, statistics, and the loading every
 * decision starts from. Needs `approvals:decide` and a department the caller reaches (or the
 * approval escalated to them by name); anything else is 404.
 */
export function createApprovalInbox(deps: Pick<ApprovalServiceDeps, "repositories" | "pii">) {
  const r = deps.repositories;
  const reveal = createRevealer({ repositories: r, pii: deps.pii });

  /** The view as the caller may read it: texts whole for an approver of the department. */
  async function shown(ctx: ServiceContext, view: ApprovalView): Promise<ApprovalView> {
    return (await reveal.approvals(ctx, [view]))[0]!;
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

  return {
    reveal,
    shown,
    questionOf,
    loadOwn,

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

    async stats(
      ctx: ServiceContext,
      filter: Pick<ApprovalFilter, "namespaceId" | "departmentId"> & { since?: Date | undefined },
    ): Promise<ApprovalStats> {
      requirePermission(ctx, "approvals:decide");
      return r.approvals.stats(ctx.orgId, ctx.access, ctx.actor.userId, filter, ctx.db);
    },
  };
}

export type ApprovalInbox = ReturnType<typeof createApprovalInbox>;
