import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import { contextOf } from "../../auth.js";
import { authErrors, cursorPageOf, cursorQuery, idParams, timestamp } from "../../schemas/common.js";
import { named } from "../../schemas/named.js";
import { SseWriter, wantsEventStream } from "../../sse.js";

const notification = named(
  z.object({
    id: z.uuid(),
    type: z
      .string()
      .describe(
        "approval.requested, approval.sampled, approval.decided, approval.escalated, handoff.requested, " +
          "handoff.assigned, handoff.message, handoff.replied",
      ),
    title: z.string(),
    body: z.string().nullable(),
    entityType: z.string().nullable(),
    entityId: z.string().nullable(),
    read: z.boolean(),
    readAt: timestamp.nullable(),
    createdAt: timestamp,
  }),
  "Notification",
);

const listQuery = cursorQuery.extend({
  unread: z
    .enum(["true", "false"])
    .optional()
    .transform((v) => v === "true"),
});

const tags = ["notifications"];
const own = { resource: "notification" } as const;

/** A person's own notifications (every route answers for the caller only). */
export const notificationRoutes: FastifyPluginAsyncZod = async (app) => {
  const service = () => app.container.services.notifications;

  app.get(
    "/notifications",
    {
      schema: {
        operationId: "listNotifications",
        tags,
        summary: "The caller's notifications, newest first",
        querystring: listQuery,
        response: { 200: cursorPageOf(notification), ...authErrors },
      },
    },
    async (request) => {
      const { cursor, limit, unread } = request.query;
      return service().list(contextOf(request), { unread }, { cursor, limit });
    },
  );

  app.get(
    "/notifications/unread-count",
    {
      schema: {
        operationId: "countUnreadNotifications",
        tags,
        summary: "How many of the caller's notifications are unread",
        response: { 200: z.object({ unread: z.number().int() }), ...authErrors },
      },
    },
    async (request) => service().unreadCount(contextOf(request)),
  );

  const preferences = named(
    z.object({ email: z.boolean().describe("Also send each new notification by e-mail") }),
    "NotificationPreferences",
  );

  app.get(
    "/notifications/preferences",
    {
      schema: {
        operationId: "getNotificationPreferences",
        tags,
        summary: "How the caller is told besides the notification centre",
        response: { 200: preferences, ...authErrors },
      },
    },
    async (request) => service().preferences(contextOf(request)),
  );

  app.put(
    "/notifications/preferences",
    {
      schema: {
        operationId: "setNotificationPreferences",
        tags,
        summary: "Set how the caller is told (e-mail on or off)",
        body: preferences,
        response: { 200: preferences, ...authErrors },
      },
    },
    async (request) => service().setPreferences(contextOf(request), request.body),
  );

  app.post(
    "/notifications/read-all",
    {
      schema: {
        operationId: "markAllNotificationsRead",
        tags,
        summary: "Mark every notification of the caller read",
        response: { 200: z.object({ marked: z.number().int() }), ...authErrors },
      },
    },
    async (request) => service().markAllRead(contextOf(request)),
  );

  for (const [action, read] of [
    ["read", true],
    ["unread", false],
  ] as const) {
    app.post(
      `/notifications/:id/${action}`,
      {
        config: own,
        schema: {
          operationId: read ? "markNotificationRead" : "markNotificationUnread",
          tags,
          summary: read ? "Mark a notification read" : "Mark a notification unread",
          params: idParams,
          response: { 200: notification, ...authErrors },
        },
      },
      async (request) => service().setRead(contextOf(request), request.params.id, read),
    );
  }

  app.get(
    "/notifications/stream",
    {
      config: {
        eventStream:
          "`notification` events, each `data:` a Notification as JSON and `id:` its id; comment lines are heartbeats.",
      },
      schema: {
        operationId: "streamNotifications",
        tags,
        summary: "The caller's new notifications, live (Server-Sent Events, `notification` events)",
        description:
          "Send `Accept: text/event-stream`. The stream ends after `maxSeconds` (EventSource clients " +
          "reconnect by themselves; without that Accept header at once); the list holds everything a " +
          "client missed meanwhile.",
        querystring: z.object({ maxSeconds: z.coerce.number().int().min(0).max(3600).default(300) }),
        response: { ...authErrors },
      },
    },
    async (request, reply) => {
      const ctx = contextOf(request);
      const controller = new AbortController();
      // Checks the caller (a person) before the stream opens: refusals stay plain JSON errors.
      await service().unreadCount(ctx);
      const sse = new SseWriter(reply);
      // A caller that did not ask for an event stream gets one that ends at once (nothing waits on it).
      const seconds = wantsEventStream(request) ? request.query.maxSeconds : 0;
      const until = setTimeout(() => controller.abort(), seconds * 1000);
      controller.signal.addEventListener("abort", () => {
        clearTimeout(until);
        sse.end();
      });
      reply.raw.on("close", () => controller.abort());
      service().subscribe(
        ctx,
        (view) => sse.send({ id: view.id, event: "notification", data: view }),
        controller.signal,
      );
      return reply;
    },
  );
};
