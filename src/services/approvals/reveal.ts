import { canSeeDepartment, hasPermission } from "../../core/access.js";
import type { Queryable } from "../../db/client.js";
import type { ApprovalRow } from "../../repositories/approval.repository.js";
import type { Repositories } from "../../repositories/index.js";
import type { NotificationRow } from "../../repositories/notification.repository.js";
import type { ServiceContext } from "../context.js";
import { canRead } from "../conversations/conversation-access.js";
import type { PiiService } from "../pii/index.js";
import type { ApprovalView } from "./approval-view.js";

export type RevealRepositories = Pick<Repositories, "approvals" | "conversations">;

type Show = (text: string) => string;

/**
 * Whether the caller reads a held draft of this department whole (ADR 0007, ADR 0008): an approver
 * of that department (`approvals:decide` and its reach; an org-wide draft needs every department).
 * Someone who sees an approval only because it was escalated to them by name reads placeholders.
 */
export function mayReadHeld(ctx: ServiceContext, departmentId: string | null): boolean {
  if (!hasPermission(ctx.access, "approvals:decide")) return false;
  return departmentId === null ? ctx.access.allDepartments : canSeeDepartment(ctx.access, departmentId);
}

/** Every string inside `value` passed through `show` (tool inputs, citations). */
function deep(value: unknown, show: Show): unknown {
  if (typeof value === "string") return show(value);
  if (Array.isArray(value)) return value.map((v) => deep(v, show));
  if (value && typeof value === "object" && !(value instanceof Date)) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, deep(v, show)]));
  }
  return value;
}

/**
 * Reads stored (masked) governance texts back for the people allowed to see them: held drafts in
 * approvals and the bodies of notifications. At rest everything keeps its placeholders.
 */
export function createRevealer(deps: { repositories: RevealRepositories; pii?: PiiService | undefined }) {
  const r = deps.repositories;

  /** One rehydrator per conversation, loaded once for a page of items. */
  async function showsFor(conversationIds: readonly string[], db: Queryable): Promise<Map<string, Show>> {
    const shows = new Map<string, Show>();
    if (!deps.pii) return shows;
    for (const id of new Set(conversationIds)) {
      const show = await deps.pii.rehydratorFor(id, db);
      if (show) shows.set(id, show);
    }
    return shows;
  }

  function revealView(view: ApprovalView, show: Show): ApprovalView {
    return {
      ...view,
      question: view.question === null ? null : show(view.question),
      draft: show(view.draft),
      editedText: view.editedText === null ? null : show(view.editedText),
      citations: deep(view.citations, show) as ApprovalView["citations"],
      pendingToolCall: view.pendingToolCall
        ? { name: view.pendingToolCall.name, input: deep(view.pendingToolCall.input, show) }
        : null,
      escalationReason: view.escalationReason === null ? null : show(view.escalationReason),
      notes: view.notes === null ? null : show(view.notes),
    };
  }

  return {
    /** Approval views with their texts whole where the caller may read the department's drafts. */
    async approvals(ctx: ServiceContext, views: ApprovalView[]): Promise<ApprovalView[]> {
      // The question may be stored whole (the namespace's choice), so a caller who reads only
      // placeholders (a named escalation target) is not shown it at all.
      const hidden = (view: ApprovalView): ApprovalView => (deps.pii ? { ...view, question: null } : view);
      const readable = views.filter((v) => mayReadHeld(ctx, v.departmentId));
      if (readable.length === 0) return views.map(hidden);
      const shows = await showsFor(
        readable.flatMap((v) => (v.conversationId ? [v.conversationId] : [])),
        ctx.db,
      );
      return views.map((view) => {
        const show = view.conversationId ? shows.get(view.conversationId) : undefined;
        if (!mayReadHeld(ctx, view.departmentId)) return hidden(view);
        return show ? revealView(view, show) : view;
      });
    },

    /** The stored text of a conversation, whole (what its requester is shown). */
    async text(conversationId: string, text: string, db: Queryable): Promise<string> {
      const show = (await showsFor([conversationId], db)).get(conversationId);
      return show ? show(text) : text;
    },

    /**
     * Notification bodies whole for their reader where the reader may see what they point at: an
     * approval they may read the drafts of, or a conversation they may read. Titles hold no data.
     */
    async notifications(ctx: ServiceContext, rows: NotificationRow[]): Promise<NotificationRow[]> {
      const masked = rows.filter((row) => row.body?.includes("<") && row.entityId);
      if (masked.length === 0 || !deps.pii) return rows;
      const conversationOf = new Map<string, string>();
      for (const row of masked) {
        const id = row.entityId!;
        if (conversationOf.has(id)) continue;
        if (row.entityType === "approval") {
          const approval: ApprovalRow | undefined = await r.approvals.findVisible(
            ctx.orgId,
            ctx.access,
            ctx.actor.userId,
            id,
            ctx.db,
          );
          if (approval?.conversationId && mayReadHeld(ctx, approval.departmentId)) {
            conversationOf.set(id, approval.conversationId);
          }
        } else if (row.entityType === "conversation") {
          const conversation = await r.conversations.findById(id, ctx.db);
          if (conversation && canRead(ctx, conversation)) conversationOf.set(id, conversation.id);
        }
      }
      const shows = await showsFor([...conversationOf.values()], ctx.db);
      return rows.map((row) => {
        const conversationId = row.entityId ? conversationOf.get(row.entityId) : undefined;
        const show = conversationId ? shows.get(conversationId) : undefined;
        return show && row.body ? { ...row, body: show(row.body) } : row;
      });
    },
  };
}

export type Revealer = ReturnType<typeof createRevealer>;
