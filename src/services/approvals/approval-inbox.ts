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
      rows.flatMap((row) => (row.messageId ? [row.messageId] : [])),
      tx,
    );
    return new Map(messages.map((m) => [m.id, m]));
  }

  /** The held drafts with their conversations (approvals of document generations have none). */
  const heldDrafts = (rows: ApprovalRow[]) =>
    rows.flatMap((row) =>
      row.messageId && row.conversationId ? [{ id: row.messageId, conversationId: row.conversationId }] : [],
    );

  /** The question of one held draft (the requester's message before it). */
  async function questionOf(row: ApprovalRow, tx: Queryable): Promise<string | undefined> {
    if (!row.messageId) return undefined;
    const questions = await r.messages.questionsBefore(heldDrafts([row]), tx);
    return questions.get(row.messageId);
  }

  /** The document generation an approval holds, if any. */
  async function generationOf(row: ApprovalRow, tx: Queryable) {
    return row.documentGenerationId
      ? r.documentGenerations.findInOrg(row.orgId, row.documentGenerationId, tx)
      : undefined;
  }

  /** The API's view of one approval: its draft and question, or its generation. */
  async function viewOfRow(row: ApprovalRow, tx: Queryable): Promise<ApprovalView> {
    const draft = row.messageId ? await r.messages.findById(row.messageId, tx) : undefined;
    return viewOf(row, draft, await questionOf(row, tx), await generationOf(row, tx));
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
    generationOf,
    viewOfRow,
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
      const questions = await r.messages.questionsBefore(heldDrafts(result.items), ctx.db);
      const views: ApprovalView[] = [];
      for (const row of result.items) {
        views.push(
          viewOf(
            row,
            row.messageId ? drafts.get(row.messageId) : undefined,
            row.messageId ? questions.get(row.messageId) : undefined,
            await generationOf(row, ctx.db),
          ),
        );
      }
      return { ...result, items: await reveal.approvals(ctx, views) };
    },

    async get(ctx: ServiceContext, id: string): Promise<ApprovalView> {
      return shown(ctx, await viewOfRow(await loadOwn(ctx, id), ctx.db));
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
