import type { QueryClient } from "@tanstack/react-query";
import { api } from "../api/client";
import { readSse } from "../api/sse";

/** The person's notification as the API sends it (GET /notifications, the live stream). */
export interface NotificationItem {
  id: string;
  type: string;
  title: string;
  body: string | null;
  entityType: string | null;
  entityId: string | null;
  read: boolean;
  createdAt: string;
}

export const notificationKeys = {
  all: ["notifications"] as const,
  unread: ["notifications", "unread"] as const,
  latest: ["notifications", "latest"] as const,
};

/** What a new notification makes stale: the bell, and the page it is about. */
function refreshFor(client: QueryClient, item: NotificationItem): void {
  void client.invalidateQueries({ queryKey: notificationKeys.all });
  if (item.type.startsWith("approval.")) void client.invalidateQueries({ queryKey: ["approvals"] });
  // A reviewed reply or a colleague's answer: the requester's conversation shows it at once.
  if (item.type === "approval.decided" || item.type.startsWith("handoff.")) {
    void client.invalidateQueries({ queryKey: ["conversations"] });
  }
}

/**
 * Follows GET /notifications/stream while the person is signed in: each new notification refreshes
 * what it concerns. The server ends the stream after a while; it is opened again (after a pause when
 * it failed). Returns the function that stops it.
 */
export function followNotifications(client: QueryClient): () => void {
  const controller = new AbortController();
  const { signal } = controller;
  const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
  void (async () => {
    let failures = 0;
    while (!signal.aborted) {
      try {
        const { response, data } = await api.GET("/notifications/stream", {
          params: { query: { maxSeconds: 300 } },
          headers: { accept: "text/event-stream" },
          parseAs: "stream",
          signal,
        });
        if (!response.ok || !data) throw new Error(`notification stream: ${response.status}`);
        failures = 0;
        for await (const event of readSse(data as unknown as ReadableStream<Uint8Array>, signal)) {
          if (event.event === "notification") refreshFor(client, event.data as NotificationItem);
        }
      } catch {
        if (signal.aborted) return;
        failures++;
      }
      await pause(Math.min(30_000, 1000 * 2 ** failures));
    }
  })();
  return () => controller.abort();
}
