import { type QueryClient, useQueryClient } from "@tanstack/react-query";
import { useEffect, useState } from "react";
import { api } from "../../api/client";
import { readSse } from "../../api/sse";
import { chatKeys } from "./queries";

/** What the follower tells the page: whether the stream is open, and the last delivery to announce. */
export interface ConversationFollow {
  live: boolean;
  announcement: string;
}

/** Events after which the stored messages hold something new for the person. */
const ANNOUNCE: Record<string, string> = {
  decided: "A reviewed reply arrived.",
  "human-reply": "A colleague replied.",
};

async function refresh(client: QueryClient, conversationId: string): Promise<void> {
  await client.invalidateQueries({ queryKey: chatKeys.messages(conversationId) });
  void client.invalidateQueries({ queryKey: chatKeys.one(conversationId) });
  void client.invalidateQueries({ queryKey: ["conversations", "list"] });
}

/**
 * While `enabled` (a reply waits for review, or a colleague has the conversation), follows
 * GET /conversations/:id/stream?follow=true: a `decided`, `human-reply` or `done` event refreshes the
 * stored messages at once, so the reviewed reply shows without a reload. A dropped stream is opened
 * again from its Last-Event-ID after a growing pause, and the messages are fetched again then (what
 * happened meanwhile is stored); while it is down `live` is false and the page falls back to polling.
 */
export function useConversationFollow(conversationId: string, enabled: boolean): ConversationFollow {
  const client = useQueryClient();
  const [live, setLive] = useState(false);
  const [announcement, setAnnouncement] = useState("");
  // Another conversation opened in the same page: nothing of the last one is announced there.
  // biome-ignore lint/correctness/useExhaustiveDependencies: runs when the conversation changes
  useEffect(() => setAnnouncement(""), [conversationId]);
  useEffect(() => {
    if (!enabled) return;
    const controller = new AbortController();
    const { signal } = controller;
    const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
    void (async () => {
      let lastEventId: string | undefined;
      let failures = 0;
      while (!signal.aborted) {
        try {
          const { response, data } = await api.GET("/conversations/{id}/stream", {
            params: { path: { id: conversationId }, query: { follow: "true" } },
            headers: {
              accept: "text/event-stream",
              ...(lastEventId ? { "last-event-id": lastEventId } : {}),
            },
            parseAs: "stream",
            signal,
          });
          if (!response.ok || !data) throw new Error(`conversation stream: ${response.status}`);
          setLive(true);
          // Reopened: whatever was decided while the stream was down is stored by now.
          if (failures > 0) await refresh(client, conversationId);
          failures = 0;
          for await (const event of readSse(data as unknown as ReadableStream<Uint8Array>, signal)) {
            if (event.id) lastEventId = event.id;
            const said = ANNOUNCE[event.event];
            if (said) setAnnouncement(said);
            if (said || event.event === "done") await refresh(client, conversationId);
          }
        } catch {
          if (signal.aborted) return;
        }
        setLive(false);
        failures++;
        await pause(Math.min(30_000, 1000 * 2 ** failures));
      }
    })();
    return () => {
      controller.abort();
      setLive(false);
    };
  }, [client, conversationId, enabled]);
  return { live, announcement };
}
