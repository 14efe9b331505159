import type { QueryClient } from "@tanstack/react-query";
import { useSyncExternalStore } from "react";
import { api } from "../../api/client";
import { apiErrorOf } from "../../api/errors";
import { readSse, type SseEvent } from "../../api/sse";
import type { Citation } from "../../api/types";
import { notifyError } from "../../ui/notices";
import { chatKeys } from "./queries";

/**
 * Answers being written, one per conversation, kept outside React so a stream goes on while the
 * person looks at another conversation. A turn is asked with `continueOnDisconnect`, so a reload does
 * not stop it: the reloaded page finds the question unanswered and follows the turn again through
 * GET /conversations/:id/stream. A connection lost mid-answer resumes from its Last-Event-ID.
 */
export interface ToolStep {
  toolCallId: string;
  name: string;
  input: unknown;
  output?: unknown;
  error?: string;
  done: boolean;
}

export interface LiveTurn {
  conversationId: string;
  /** The question as typed, until the stored copy shows up in the message list. */
  question?: string;
  userMessageId?: string;
  taskId?: string;
  text: string;
  tools: ToolStep[];
  citations: Citation[];
  status: "connecting" | "streaming" | "done" | "failed" | "stopped";
  error?: string;
  lastEventId?: string;
}

const STOPPED = "The answer was stopped";
const turns = new Map<string, LiveTurn>();
const controllers = new Map<string, AbortController>();
const listeners = new Set<() => void>();

function set(conversationId: string, change: (turn: LiveTurn) => LiveTurn): void {
  const current = turns.get(conversationId);
  if (!current) return;
  turns.set(conversationId, change(current));
  for (const listener of listeners) listener();
}

function remove(conversationId: string): void {
  turns.delete(conversationId);
  controllers.delete(conversationId);
  for (const listener of listeners) listener();
}

function begin(turn: LiveTurn): AbortController {
  controllers.get(turn.conversationId)?.abort();
  const controller = new AbortController();
  controllers.set(turn.conversationId, controller);
  turns.set(turn.conversationId, turn);
  for (const listener of listeners) listener();
  return controller;
}

export function useLiveTurn(conversationId: string): LiveTurn | undefined {
  return useSyncExternalStore(
    (listener) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    () => turns.get(conversationId),
  );
}

export function isLive(conversationId: string): boolean {
  return turns.has(conversationId);
}

function apply(conversationId: string, event: SseEvent): void {
  const data = event.data as Record<string, unknown>;
  set(conversationId, (turn) => {
    const next: LiveTurn = { ...turn, ...(event.id ? { lastEventId: event.id } : {}) };
    switch (event.event) {
      case "turn-start":
        return {
          ...next,
          status: "streaming",
          taskId: String(data.taskId),
          userMessageId: String(data.userMessageId),
        };
      case "token":
        return { ...next, status: "streaming", text: next.text + String(data.text ?? "") };
      case "tool-call":
        return {
          ...next,
          tools: [
            ...next.tools,
            { toolCallId: String(data.toolCallId), name: String(data.name), input: data.input, done: false },
          ],
        };
      case "tool-result":
        return {
          ...next,
          tools: next.tools.map((t) =>
            t.toolCallId === data.toolCallId
              ? {
                  ...t,
                  done: true,
                  output: data.output,
                  ...(typeof data.error === "string" ? { error: data.error } : {}),
                }
              : t,
          ),
        };
      case "citations":
        return { ...next, citations: data.citations as Citation[] };
      case "done":
        return {
          ...next,
          status: "done",
          text: String(data.text ?? next.text),
          citations: (data.citations as Citation[]) ?? next.citations,
        };
      case "error": {
        const message = String(data.message ?? "The answer failed");
        return { ...next, status: message === STOPPED ? "stopped" : "failed", error: message };
      }
      default:
        return next;
    }
  });
}

const finished = (conversationId: string) => {
  const status = turns.get(conversationId)?.status;
  return status === "done" || status === "failed" || status === "stopped";
};

/** Reads a turn's events; reconnects from the last event id if the connection drops first. */
async function follow(
  client: QueryClient,
  conversationId: string,
  body: ReadableStream<Uint8Array>,
  signal: AbortSignal,
): Promise<void> {
  let stream: ReadableStream<Uint8Array> | null = body;
  for (let attempt = 0; stream && attempt < 4; attempt++) {
    try {
      for await (const event of readSse(stream, signal)) apply(conversationId, event);
    } catch (error) {
      if (signal.aborted) return;
      if (!(error instanceof TypeError)) throw error;
    }
    if (signal.aborted || finished(conversationId)) break;
    stream = await openStream(conversationId, turns.get(conversationId)?.lastEventId, signal);
  }
  await settle(client, conversationId);
}

/** Shows the stored messages (the answer is saved by now), then drops the live copy. */
async function settle(client: QueryClient, conversationId: string): Promise<void> {
  await client.invalidateQueries({ queryKey: chatKeys.messages(conversationId) });
  void client.invalidateQueries({ queryKey: ["conversations", "list"] });
  void client.invalidateQueries({ queryKey: chatKeys.one(conversationId) });
  remove(conversationId);
}

async function openStream(
  conversationId: string,
  lastEventId: string | undefined,
  signal: AbortSignal,
): Promise<ReadableStream<Uint8Array> | null> {
  const { response, data } = await api.GET("/conversations/{id}/stream", {
    params: { path: { id: conversationId } },
    headers: { accept: "text/event-stream", ...(lastEventId ? { "last-event-id": lastEventId } : {}) },
    parseAs: "stream",
    signal,
  });
  if (response.status === 204 || !response.ok || !data) return null;
  return data as unknown as ReadableStream<Uint8Array>;
}

/** Asks the conversation's assistant and streams the answer into the live turn. */
export async function ask(client: QueryClient, conversationId: string, text: string): Promise<void> {
  const controller = begin({
    conversationId,
    question: text,
    text: "",
    tools: [],
    citations: [],
    status: "connecting",
  });
  try {
    const { response, data, error } = await api.POST("/conversations/{id}/messages", {
      params: { path: { id: conversationId } },
      body: { text, continueOnDisconnect: true },
      headers: { accept: "text/event-stream" },
      parseAs: "stream",
      signal: controller.signal,
    });
    if (!response.ok || !data) throw apiErrorOf(response.status, error);
    await follow(client, conversationId, data as unknown as ReadableStream<Uint8Array>, controller.signal);
  } catch (failure) {
    if (controller.signal.aborted) return;
    remove(conversationId);
    notifyError(failure);
    throw failure;
  }
}

/** Follows an answer that is still being written (after a reload); nothing happens if none is. */
export async function resume(client: QueryClient, conversationId: string): Promise<void> {
  if (turns.has(conversationId)) return;
  const controller = begin({ conversationId, text: "", tools: [], citations: [], status: "connecting" });
  try {
    const stream = await openStream(conversationId, undefined, controller.signal);
    if (!stream) {
      remove(conversationId);
      return;
    }
    await follow(client, conversationId, stream, controller.signal);
  } catch {
    if (!controller.signal.aborted) remove(conversationId);
  }
}

/** Stops the answer on the server; its stream then ends with the "stopped" error. */
export async function stop(conversationId: string): Promise<void> {
  const { error, response } = await api.POST("/conversations/{id}/stop", {
    params: { path: { id: conversationId } },
  });
  if (!response.ok) notifyError(apiErrorOf(response.status, error));
}
