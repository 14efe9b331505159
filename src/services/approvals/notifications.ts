import { canSeeDepartment, hasPermission } from "../../core/access.js";
import type { Permission } from "../../core/permissions.js";
import type { Queryable } from "../../db/client.js";
import { afterCommit } from "../../db/transaction.js";
import { AppError } from "../../lib/errors.js";
import type { Logger } from "../../lib/logger.js";
import type { Mailer } from "../../providers/mail/index.js";
import type { Repositories } from "../../repositories/index.js";
import type { NotificationRow } from "../../repositories/notification.repository.js";
import type { ServiceContext } from "../context.js";
import { computeAccess } from "../identity/access.js";

export type ApprovalNotificationsRepositories = Pick<
  Repositories,
  "approvals" | "notificationPreferences" | "notifications"
>;

export interface NotificationView {
  id: string;
  type: string;
  title: string;
  body: string | null;
  entityType: string | null;
  entityId: string | null;
  read: boolean;
  readAt: Date | null;
  createdAt: Date;
}

export function notificationView(row: NotificationRow): NotificationView {
  return {
    id: row.id,
    type: row.type,
    title: row.title,
    body: row.body,
    entityType: row.entityType,
    entityId: row.entityId,
    read: row.readAt !== null,
    readAt: row.readAt,
    createdAt: row.createdAt,
  };
}

export interface NewNotification {
  type: string;
  title: string;
  body?: string | undefined;
  /** The body stays in the app (it quotes a draft): an e-mail carries the title only. */
  bodyInAppOnly?: boolean | undefined;
  entityType: string;
  entityId: string;
}

/** Listeners of new notifications in this process (the live stream). */
type Listener = (row: NotificationRow) => void;

/** At most this many people are told of one held reply (an organisation's approvers of a department). */
const MAX_APPROVERS = 200;

/**
 * The notification centre: rows in `notifications` for approval requests and decisions, a person's
 * own list, unread count and read marks, and live listeners for `GET /notifications/stream`.
 */
export function createNotificationService(deps: {
  repositories: ApprovalNotificationsRepositories;
  /** Sends the notifications of people who asked for e-mail (best effort, after commit). */
  mailer?: Mailer | undefined;
  publicUrl?: string | undefined;
  logger?: Logger | undefined;
  /** Bodies stored with placeholders, whole for a reader allowed to see what they point at. */
  reveal?: ((ctx: ServiceContext, rows: NotificationRow[]) => Promise<NotificationRow[]>) | undefined;
}) {
  const reveal = (ctx: ServiceContext, rows: NotificationRow[]) =>
    deps.reveal ? deps.reveal(ctx, rows) : Promise.resolve(rows);
  const r = deps.repositories;

  /** E-mails the notification to those of `userIds` who want it; failures are logged, never thrown. */
  async function mail(orgId: string, userIds: readonly string[], notification: NewNotification) {
    if (!deps.mailer) return;
    try {
      const recipients = await r.notificationPreferences.emailRecipients(orgId, userIds);
      const link = deps.publicUrl ? `\n\nOpen Atrium to see it: ${deps.publicUrl}` : "";
      for (const recipient of recipients) {
        await deps.mailer.send({
          to: recipient.email,
          subject: `[Atrium] ${notification.title}`,
          text: `${notification.title}${notification.body && !notification.bodyInAppOnly ? `\n\n${notification.body}` : ""}${link}`,
        });
      }
    } catch (error) {
      // Never the addresses: only that sending failed.
      deps.logger?.warn({ err: error, type: notification.type }, "could not e-mail a notification");
    }
  }
  const listeners = new Map<string, Set<Listener>>();

  function requireUser(ctx: ServiceContext): string {
    const userId = ctx.actor.userId;
    if (!userId) throw new AppError("FORBIDDEN", "Notifications belong to a person; this caller has none");
    return userId;
  }

  async function holdersOf(
    orgId: string,
    departmentId: string | null,
    permission: Permission,
    tx?: Queryable,
  ): Promise<string[]> {
    const people = await r.approvals.activeMembers(orgId, tx);
    const found: string[] = [];
    for (const person of people) {
      const access = computeAccess(person, person.role ?? undefined);
      if (!hasPermission(access, permission)) continue;
      if (departmentId ? !canSeeDepartment(access, departmentId) : !access.allDepartments) continue;
      found.push(person.id);
      if (found.length >= MAX_APPROVERS) break;
    }
    return found;
  }

  return {
    /** Writes one notification per person (in `tx` when given) and tells live listeners after. */
    async notify(
      orgId: string,
      userIds: readonly string[],
      notification: NewNotification,
      tx?: Queryable,
    ): Promise<NotificationRow[]> {
      const unique = [...new Set(userIds)];
      if (unique.length === 0) return [];
      const rows = await r.notifications.createMany(
        unique.map((userId) => ({
          orgId,
          userId,
          type: notification.type,
          title: notification.title,
          body: notification.body ?? null,
          entityType: notification.entityType,
          entityId: notification.entityId,
        })),
        tx,
      );
      const tell = async () => {
        for (const row of rows) for (const listener of listeners.get(row.userId) ?? []) listener(row);
        void mail(orgId, unique, notification);
      };
      // Inside a transaction the live stream hears of them only once they are committed.
      if (!tx || !afterCommit(tx, tell)) await tell();
      return rows;
    },

    /**
     * Active members of the organisation who may decide approvals of this department (their role's
     * `approvals:decide` and department reach, with their own extra and revoked permissions).
     */
    approversOf(orgId: string, departmentId: string | null, tx?: Queryable): Promise<string[]> {
      return holdersOf(orgId, departmentId, "approvals:decide", tx);
    },

    /**
     * Active members who hold `permission` and reach the department (org-wide: every department),
     * with their own extra and revoked permissions: who handles a department's handoffs.
     */
    holdersOf: (orgId: string, departmentId: string | null, permission: Permission, tx?: Queryable) =>
      holdersOf(orgId, departmentId, permission, tx),

    /** Whether this active member holds `approvals:decide` (an escalation target must). */
    async mayDecide(orgId: string, userId: string, tx?: Queryable): Promise<boolean> {
      const person = (await r.approvals.activeMembers(orgId, tx)).find((p) => p.id === userId);
      return (
        person !== undefined &&
        hasPermission(computeAccess(person, person.role ?? undefined), "approvals:decide")
      );
    },

    async list(
      ctx: ServiceContext,
      filter: { unread?: boolean | undefined },
      page: { cursor?: string | undefined; limit: number },
    ) {
      const userId = requireUser(ctx);
      const result = await r.notifications.pageFor(ctx.orgId, userId, filter, page, ctx.db);
      const items = await reveal(ctx, result.items);
      return { items: items.map(notificationView), nextCursor: result.nextCursor };
    },

    async unreadCount(ctx: ServiceContext): Promise<{ unread: number }> {
      const userId = requireUser(ctx);
      return { unread: await r.notifications.unreadCount(ctx.orgId, userId, ctx.db) };
    },

    async setRead(ctx: ServiceContext, id: string, read: boolean): Promise<NotificationView> {
      const userId = requireUser(ctx);
      const row = await r.notifications.setRead(ctx.orgId, userId, id, read, ctx.db);
      if (!row) throw AppError.notFound("Notification", id);
      return notificationView(row);
    },

    async preferences(ctx: ServiceContext): Promise<{ email: boolean }> {
      const userId = requireUser(ctx);
      return { email: (await r.notificationPreferences.forUser(userId, ctx.db))?.email ?? false };
    },

    async setPreferences(ctx: ServiceContext, input: { email: boolean }): Promise<{ email: boolean }> {
      const userId = requireUser(ctx);
      const row = await r.notificationPreferences.setEmail(ctx.orgId, userId, input.email, ctx.db);
      return { email: row.email };
    },

    async markAllRead(ctx: ServiceContext): Promise<{ marked: number }> {
      const userId = requireUser(ctx);
      return { marked: await r.notifications.markAllRead(ctx.orgId, userId, ctx.db) };
    },

    /** Follows the caller's new notifications in this process until `signal` aborts. */
    subscribe(ctx: ServiceContext, listener: (view: NotificationView) => void, signal: AbortSignal): void {
      const userId = requireUser(ctx);
      const own: Listener = (row) => {
        if (row.orgId !== ctx.orgId) return;
        reveal(ctx, [row]).then(
          ([shown]) => listener(notificationView(shown ?? row)),
          () => listener(notificationView(row)),
        );
      };
      let set = listeners.get(userId);
      if (!set) {
        set = new Set();
        listeners.set(userId, set);
      }
      set.add(own);
      signal.addEventListener(
        "abort",
        () => {
          set.delete(own);
          if (set.size === 0) listeners.delete(userId);
        },
        { once: true },
      );
    },
  };
}

export type NotificationService = ReturnType<typeof createNotificationService>;
